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

from nodrug_cli.render.words import WordedError
from nodrug_cli.said import Said

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
KEYS = ("host", "port", "sender", "user", "tls", "password_file")
ENV = {key: f"NODRUG_SMTP_{key.upper()}" for key in KEYS}
PASSWORD_ENV = "NODRUG_SMTP_PASSWORD"


class MailConfigError(WordedError):
    """The mail settings are missing or unsafe: a one-line message saying what to do (`message(lang)`)."""


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
        raise MailConfigError("mail.no_host", env=ENV["host"])
    sender = str(values.get("sender") or "").strip()
    if not sender or "@" not in parseaddr(sender)[1]:
        what = Said("mail.not_an_address", sender=repr(sender)) if sender else Said("mail.no_sender")
        raise MailConfigError("mail.sender", what=what, env=ENV["sender"])
    tls = str(values.get("tls") or "starttls").strip().lower()
    if tls not in TLS_MODES:
        raise MailConfigError("mail.bad_tls", tls=repr(tls))
    port = _port(values.get("port"), tls)
    user = str(values.get("user") or "").strip() or None

    password = environ.get(PASSWORD_ENV) or None
    if password is None and values.get("password_file"):
        password = read_password_file(Path(str(values["password_file"])), base)
    if password is not None and user is None:
        user = parseaddr(sender)[1]
    if user is not None and password is None:
        raise MailConfigError("mail.no_password", user=user, env=PASSWORD_ENV)
    return MailConfig(host=host, port=port, sender=sender, user=user, tls=tls, password=password)


def _read_file(path: Path) -> dict[str, object]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise MailConfigError("mail.no_file", path=path) from None
    except OSError as exc:
        raise MailConfigError("mail.cannot_read", path=path, detail=exc.strerror or str(exc)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MailConfigError("mail.not_toml", path=path, detail=str(exc)) from None
    section = data.get("smtp", data) if isinstance(data.get("smtp", data), dict) else None
    if section is None:
        raise MailConfigError("mail.smtp_table", path=path)
    if "password" in section or "password" in data:
        raise MailConfigError("mail.password_in_file", path=path, env=PASSWORD_ENV)
    settings = {k: v for k, v in section.items() if not isinstance(v, dict)}
    unknown = sorted(set(settings) - set(KEYS))
    if unknown:
        raise MailConfigError("mail.unknown_keys", path=path, unknown=unknown, known=list(KEYS))
    return {k: v for k, v in settings.items() if k in KEYS}


def _port(value: object, tls: str) -> int:
    if value in (None, ""):
        return DEFAULT_PORTS[tls]
    try:
        port = int(str(value).strip())
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise MailConfigError("mail.bad_port", port=repr(value))
    return port


def read_password_file(path: Path, base: Path | None = None) -> str:
    """The first line of a password file that only its owner may read (mode 600 or 400)."""
    path = path.expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    try:
        info = path.stat()
    except FileNotFoundError:
        raise MailConfigError("mail.no_password_file", path=path) from None
    except OSError as exc:
        raise MailConfigError("mail.cannot_read_password", path=path, detail=exc.strerror or str(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise MailConfigError("mail.password_not_file", path=path)
    if os.name == "posix" and info.st_mode & 0o077:
        raise MailConfigError("mail.password_mode", path=path, mode=f"{stat.S_IMODE(info.st_mode):04o}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MailConfigError("mail.cannot_read_password", path=path, detail=str(exc)) from None
    password = text.splitlines()[0] if text.splitlines() else ""
    if not password:
        raise MailConfigError("mail.empty_password", path=path)
    return password
