"""Where to send mail from: the SMTP server, read from a TOML file and/or environment variables.

The file is TOML (read with the standard library's tomllib), either with an `[smtp]` table or with
the same keys at the top level:

    [smtp]
    host = "smtp.example.org"
    port = 465                     # default: 465 for ssl, 587 for starttls, 25 for none
    sender = "禁毒办 <jdb@example.org>"
    user = "jdb@example.org"       # default: the sender's address when a password is given
    tls = "ssl"                    # "starttls" (default), "ssl" or "none"
    password_file = "smtp-password"  # relative to this file; must be readable by its owner only

Environment variables override the file: NODRUG_SMTP_HOST, NODRUG_SMTP_PORT, NODRUG_SMTP_SENDER,
NODRUG_SMTP_USER, NODRUG_SMTP_TLS, NODRUG_SMTP_PASSWORD_FILE. The password comes only from
NODRUG_SMTP_PASSWORD or from the password file — never from the config file itself (a `password`
key there is refused) nor from a command-line argument, where other users could read it.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Mapping

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
KEYS = ("host", "port", "sender", "user", "tls", "password_file")
ENV = {key: f"NODRUG_SMTP_{key.upper()}" for key in KEYS}
PASSWORD_ENV = "NODRUG_SMTP_PASSWORD"


class MailConfigError(Exception):
    """The mail settings are missing or unsafe: a one-line Chinese message saying what to do."""


@dataclass(frozen=True)
class MailConfig:
    host: str
    port: int
    sender: str
    user: str | None = None
    tls: str = "starttls"
    password: str | None = field(default=None, repr=False)  # never shown in a repr or a log


def load_mail_config(config_path: Path | None, environ: Mapping[str, str] = os.environ) -> MailConfig:
    """Read the file (if given), let the environment override it, check it and read the password."""
    values: dict[str, object] = {}
    base = Path.cwd()
    if config_path is not None:
        config_path = Path(config_path).expanduser()
        values = _read_file(config_path)
        base = config_path.parent
    for key, name in ENV.items():
        if environ.get(name, "").strip():
            values[key] = environ[name].strip()
            if key == "password_file":
                base = Path.cwd()  # a path given in the environment is relative to where we run

    host = str(values.get("host") or "").strip()
    if not host:
        raise MailConfigError(f"没有设置邮件服务器：在配置文件中写 host = \"smtp.example.org\"，或设置环境变量 {ENV['host']}")
    sender = str(values.get("sender") or "").strip()
    if not sender or "@" not in parseaddr(sender)[1]:
        what = f"发件人 {sender!r} 不是邮件地址" if sender else "没有设置发件人"
        raise MailConfigError(f"{what}：在配置文件中写 sender = \"name@example.org\"，或设置环境变量 {ENV['sender']}")
    tls = str(values.get("tls") or "starttls").strip().lower()
    if tls not in TLS_MODES:
        raise MailConfigError(f"tls = {tls!r} 无效：应为 starttls、ssl 或 none")
    port = _port(values.get("port"), tls)
    user = str(values.get("user") or "").strip() or None

    password = environ.get(PASSWORD_ENV) or None
    if password is None and values.get("password_file"):
        password = read_password_file(Path(str(values["password_file"])), base)
    if password is not None and user is None:
        user = parseaddr(sender)[1]
    if user is not None and password is None:
        raise MailConfigError(f"设置了 SMTP 用户 {user} 但没有密码：设置环境变量 {PASSWORD_ENV}，"
                              f"或在配置文件中用 password_file 指定只有本人可读的密码文件")
    return MailConfig(host=host, port=port, sender=sender, user=user, tls=tls, password=password)


def _read_file(path: Path) -> dict[str, object]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise MailConfigError(f"找不到邮件配置文件 {path}") from None
    except OSError as exc:
        raise MailConfigError(f"无法读取邮件配置文件 {path}：{exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MailConfigError(f"邮件配置文件 {path} 不是有效的 TOML：{exc}") from None
    section = data.get("smtp", data) if isinstance(data.get("smtp", data), dict) else None
    if section is None:
        raise MailConfigError(f"邮件配置文件 {path} 中的 smtp 应为一个表（[smtp]）")
    if "password" in section or "password" in data:
        raise MailConfigError(f"邮件配置文件 {path} 中不能写密码（password）：请改用环境变量 {PASSWORD_ENV}，"
                              f"或用 password_file 指定一个只有本人可读（chmod 600）的密码文件")
    settings = {k: v for k, v in section.items() if not isinstance(v, dict)}
    unknown = sorted(set(settings) - set(KEYS))
    if unknown:
        raise MailConfigError(f"邮件配置文件 {path} 中有不认识的设置：{'、'.join(unknown)}"
                              f"（可用：{'、'.join(KEYS)}）")
    return {k: v for k, v in settings.items() if k in KEYS}


def _port(value: object, tls: str) -> int:
    if value in (None, ""):
        return DEFAULT_PORTS[tls]
    try:
        port = int(str(value).strip())
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise MailConfigError(f"端口 port = {value!r} 无效：应为 1–65535 之间的整数")
    return port


def read_password_file(path: Path, base: Path | None = None) -> str:
    """The first line of a password file that only its owner may read (mode 600 or 400)."""
    path = path.expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    try:
        info = path.stat()
    except FileNotFoundError:
        raise MailConfigError(f"找不到密码文件 {path}") from None
    except OSError as exc:
        raise MailConfigError(f"无法读取密码文件 {path}：{exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise MailConfigError(f"密码文件 {path} 不是普通文件")
    if os.name == "posix" and info.st_mode & 0o077:
        raise MailConfigError(f"密码文件 {path} 的权限是 {stat.S_IMODE(info.st_mode):04o}，同组或其他用户也能访问："
                              f"请执行 chmod 600 {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MailConfigError(f"无法读取密码文件 {path}：{exc}") from None
    password = text.splitlines()[0] if text.splitlines() else ""
    if not password:
        raise MailConfigError(f"密码文件 {path} 是空的")
    return password
