"""The channels that carry reminders off the machine: WeCom / DingTalk group robots, a plain JSON POST, mail.

Everything here leaves the machine, so persons are ALWAYS masked (DOMAIN.md §9): every text is built
from `Reminder.message(full_pii=False)` / `Reminder.to_json(full_pii=False)`, whatever the caller shows
on screen. A delivery that fails (server down, HTTP 4xx/5xx, a robot's non-zero errcode, a timeout)
raises `DeliveryError` with a one-line Chinese message naming the channel and the cause; connection
errors, timeouts, HTTP 5xx and the robots' rate-limit errcodes are retried a bounded number of times
(`retries`, with exponential `backoff`), HTTP 4xx and other errcodes are not. Webhook URLs carry the
robot's secret key, so messages name only the host, never the whole URL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from typing import TYPE_CHECKING, Callable, Iterable, TypeVar

from nodrug_cli.remind.model import Reminder, sort_key

if TYPE_CHECKING:
    from nodrug_cli.remind.mailconfig import MailConfig

WECOM_LIMIT_BYTES = 4096  # WeCom group robot: markdown.content at most 4096 bytes of UTF-8
DINGTALK_LIMIT_BYTES = 4000  # DingTalk group robot: markdown.text — kept conservatively at 4000 bytes
LIMITS = {"wecom": WECOM_LIMIT_BYTES, "dingtalk": DINGTALK_LIMIT_BYTES}
KINDS = ("wecom", "dingtalk", "json")
CHANNEL_WORDS = {"wecom": "企业微信群机器人", "dingtalk": "钉钉群机器人", "json": "JSON 推送"}
# The robots' "too many messages" answers, worth a retry after a pause (other errcodes are not).
RATE_LIMIT_ERRCODES = {45009, 130101}
MAX_RESPONSE_BYTES = 1 << 16

T = TypeVar("T")


class DeliveryError(Exception):
    """A channel could not deliver (exit code 3): one Chinese line naming the channel and the cause.

    `DeliveryError(channel, cause)` reads "企业微信群机器人（qyapi.weixin.qq.com）：HTTP 500，已重试 2 次";
    `DeliveryError(message)` takes a ready line. `delivered` counts the messages that did go out
    before the failure (a split webhook message may fail half way).
    """

    def __init__(self, channel: str, cause: str | None = None, *, delivered: int = 0):
        self.channel, self.cause, self.delivered = channel, cause, delivered
        super().__init__(f"{channel}：{cause}" if cause else channel)


class ChannelConfigError(DeliveryError, ValueError):
    """A channel that cannot even be tried (a bad webhook address or kind) — really a usage error (exit 2).

    A `DeliveryError` too, so a caller that only catches that still reports it in one line and goes on.
    """


class _Failure(Exception):
    """One failed attempt: its cause in words and whether another attempt may help."""

    def __init__(self, cause: str, retry: bool):
        super().__init__(cause)
        self.cause, self.retry = cause, retry


def channel_name(kind: str, target: str) -> str:
    """A stable name for the sent-reminders table that keeps no secret: `wecom:3f2a…` for a robot URL.

    The same webhook (or the same set of mail recipients) always gives the same name, so what was
    delivered there is remembered; the URL's key itself is not stored in the history database.
    """
    digest = hashlib.sha256(target.strip().encode("utf-8")).hexdigest()[:16]
    return f"{kind}:{digest}"


def counts(reminders: Iterable[Reminder]) -> tuple[int, int]:
    """(overdue, due soon)."""
    items = list(reminders)
    overdue = sum(1 for r in items if r.overdue)
    return overdue, len(items) - overdue


def summary_line(reminders: Iterable[Reminder], as_of: dt.date) -> str:
    """`禁毒提醒 2025-06-03：逾期 3 项，将到期 2 项` — the mail subject and the robots' title."""
    overdue, due = counts(reminders)
    return f"禁毒提醒 {as_of.isoformat()}：逾期 {overdue} 项，将到期 {due} 项"


# --- markdown for the group robots -------------------------------------------------------------------

_MD_SPECIAL = "\\`*_[]<>"


def md_escape(text: str) -> str:
    """Backslash-escape markdown's active characters, so a masked `王*明` is not read as emphasis."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _fit(line: str, budget: int) -> str:
    """`line` cut (at a character, with …) to `budget` bytes — only for an absurdly long single line."""
    if _bytes(line) <= budget:
        return line
    while line and _bytes(line + "…") > budget:
        line = line[:-1]
    if line.endswith("\\"):  # never leave half an escape
        line = line[:-1]
    return line + "…"


def markdown_chunks(reminders: Iterable[Reminder], as_of: dt.date, community_title: str | None = None,
                    limit_bytes: int = DINGTALK_LIMIT_BYTES) -> list[str]:
    """The reminders as one or more markdown messages, each at most `limit_bytes` bytes of UTF-8.

    Each message starts with a heading (the date, the community when there is one, the part number
    when split) and the counts, then one list line per reminder, overdue first (`sort_key`). Lines
    are never split across messages. Persons are masked. No reminders, no message: [].
    """
    items = sorted(reminders, key=sort_key)
    if not items:
        return []
    overdue, due = counts(items)
    if community_title is None:
        communities = {r.community for r in items}
        community_title = communities.pop() if len(communities) == 1 else None
    title = f"### 禁毒提醒 {as_of.isoformat()}" + (f" {md_escape(community_title)}" if community_title else "")
    tally = f"逾期 **{overdue}** 项，将到期 **{due}** 项"

    def heading(part: int, total: int) -> str:
        return title + (f"（{part}/{total}）" if total > 1 else "") + "\n" + tally + "\n\n"

    lines = ["- " + md_escape(r.message(full_pii=False)) for r in items]

    def pack(total: int) -> list[list[str]]:
        budget = limit_bytes - _bytes(heading(total, total))  # the widest heading for this many parts
        if budget < 8:
            raise ValueError(f"limit_bytes={limit_bytes} 太小，连标题都放不下")
        groups: list[list[str]] = [[]]
        used = 0
        for line in lines:
            line = _fit(line, budget)
            size = _bytes(line) + (1 if groups[-1] else 0)  # "\n" between lines
            if groups[-1] and used + size > budget:
                groups.append([])
                size = _bytes(line)
                used = 0
            groups[-1].append(line)
            used += size
        return groups

    # First without a part number; when split, again with room for "（i/n）" until n's width is stable.
    total = 1
    while True:
        groups = pack(total)
        if len(groups) == 1 or (total > 1 and len(str(len(groups))) <= len(str(total))):
            break
        total = len(groups)
    return [heading(i, len(groups)) + "\n".join(group) for i, group in enumerate(groups, 1)]


# --- webhooks ----------------------------------------------------------------------------------------

def _channel_label(kind: str, url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname or "?"
    return f"{CHANNEL_WORDS.get(kind, kind)}（{host}）"


def _attempts(label: str, attempt: Callable[[], T], retries: int, backoff: float, delivered: int = 0) -> T:
    """Run `attempt` up to 1 + `retries` times while its failure says a retry may help."""
    tries = 0
    while True:
        try:
            return attempt()
        except _Failure as failure:
            if not failure.retry:
                raise DeliveryError(label, failure.cause, delivered=delivered) from None
            if tries >= retries:
                cause = failure.cause + (f"，已重试 {retries} 次" if retries else "")
                raise DeliveryError(label, cause, delivered=delivered) from None
            time.sleep(backoff * (2 ** tries))
            tries += 1


def _is_timeout(exc: object) -> bool:
    return isinstance(exc, (TimeoutError, socket.timeout)) or "timed out" in str(exc)


def _post_once(url: str, body: dict, timeout: float, robot: bool) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "nodrug-cli"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise _Failure(f"HTTP {exc.code}" + (f" {exc.reason}" if exc.reason else ""), retry=exc.code >= 500) from None
    except urllib.error.URLError as exc:
        if _is_timeout(exc.reason):
            raise _Failure(f"超时（{timeout:g} 秒无应答）", retry=True) from None
        raise _Failure(f"连接失败（{exc.reason}）", retry=True) from None
    except (OSError, http.client.HTTPException) as exc:  # TimeoutError is an OSError
        if _is_timeout(exc):
            raise _Failure(f"超时（{timeout:g} 秒无应答）", retry=True) from None
        raise _Failure(f"连接失败（{exc or type(exc).__name__}）", retry=True) from None
    if not robot:
        return
    try:
        answer = json.loads(raw.decode("utf-8"))
        errcode = int(answer.get("errcode", -1))
    except (ValueError, AttributeError, TypeError):
        raise _Failure("机器人的应答不是预期的 JSON（缺少 errcode）", retry=False) from None
    if errcode != 0:
        message = str(answer.get("errmsg") or "").strip()
        raise _Failure(f"机器人返回错误 errcode={errcode}" + (f"（{message}）" if message else ""),
                       retry=errcode in RATE_LIMIT_ERRCODES)


def post_webhook(url: str, kind: str, reminders: Iterable[Reminder], as_of: dt.date, timeout: float = 10,
                 retries: int = 2, backoff: float = 0.5, community_title: str | None = None) -> int:
    """POST the reminders (masked) to a webhook; return how many messages were sent.

    `kind` "wecom": `{"msgtype": "markdown", "markdown": {"content": …}}`, one POST per chunk of at
    most 4096 bytes; "dingtalk": `{"msgtype": "markdown", "markdown": {"title": …, "text": …}}`, chunks
    of at most 4000 bytes; both must answer `{"errcode": 0}`. "json": one POST of
    `{"as_of": …, "reminders": [r.to_json(False), …]}`, any 2xx is success. No reminders, no POST (0).
    Raises `ChannelConfigError` for a bad URL or kind, `DeliveryError` when delivery fails.
    """
    if kind not in KINDS:
        raise ChannelConfigError(f"不支持的群机器人类型 {kind!r}：应为 wecom、dingtalk 或 json")
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChannelConfigError("webhook 地址必须以 http:// 或 https:// 开头并包含主机名")
    items = sorted(reminders, key=sort_key)
    if not items:
        return 0
    label = _channel_label(kind, url)
    if kind == "json":
        body = {"as_of": as_of.isoformat(), "reminders": [r.to_json(full_pii=False) for r in items]}
        _attempts(label, lambda: _post_once(url, body, timeout, robot=False), retries, backoff)
        return 1
    title = summary_line(items, as_of)
    sent = 0
    for chunk in markdown_chunks(items, as_of, community_title, LIMITS[kind]):
        if kind == "wecom":
            body = {"msgtype": "markdown", "markdown": {"content": chunk}}
        else:
            body = {"msgtype": "markdown", "markdown": {"title": title, "text": chunk}}
        _attempts(label, lambda body=body: _post_once(url, body, timeout, robot=True), retries, backoff, sent)
        sent += 1
    return sent


# --- mail --------------------------------------------------------------------------------------------

def mail_body(reminders: Iterable[Reminder], as_of: dt.date) -> str:
    """The plain-text mail: the summary, then each masked message with its rule, overdue first."""
    items = sorted(reminders, key=sort_key)
    lines = [summary_line(items, as_of), ""]
    for r in items:
        lines.append(r.message(full_pii=False))
        lines.append(f"    依据：{r.rule}")
    lines += ["", "—— 由 nodrug remind 自动发送；人员姓名和身份证号已遮蔽。"]
    return "\n".join(lines) + "\n"


def build_mail(sender: str, to: list[str], reminders: Iterable[Reminder], as_of: dt.date) -> EmailMessage:
    """The message: Chinese subject with the counts, UTF-8 plain text body, From/To/Date/Message-ID."""
    items = list(reminders)
    message = EmailMessage()
    message["Subject"] = summary_line(items, as_of)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="nodrug.local")
    message.set_content(mail_body(items, as_of), charset="utf-8")
    return message


def _smtp_once(config: "MailConfig", sender: str, recipients: list[str], message: EmailMessage,
               timeout: float) -> None:
    timeout_cause = f"超时（{timeout:g} 秒无应答）"
    try:
        if config.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=timeout)
        with smtp:
            if config.tls == "starttls":
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise _Failure("服务器不支持 STARTTLS（不会改用明文发送；确需明文请设 tls = \"none\"）", retry=False)
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if config.user:
                smtp.login(config.user, config.password or "")
            refused = smtp.send_message(message, from_addr=sender, to_addrs=recipients)
            if refused:
                raise _Failure("部分收件人被拒收：" + "、".join(sorted(refused)), retry=False)
    except _Failure:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise _Failure(f"登录失败（{exc.smtp_code}）：请检查用户名和密码", retry=False) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise _Failure("收件人被拒收：" + "、".join(sorted(exc.recipients)), retry=False) from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise _Failure(f"服务器拒绝（{exc.smtp_code} {text.strip()}）", retry=400 <= exc.smtp_code < 500) from None
    except smtplib.SMTPServerDisconnected as exc:
        cause = timeout_cause if _is_timeout(exc) else f"连接中断（{exc}）"
        raise _Failure(cause, retry=True) from None
    except smtplib.SMTPException as exc:
        raise _Failure(f"SMTP 错误（{exc}）", retry=False) from None
    except ssl.SSLError as exc:
        raise _Failure(f"TLS 握手失败（{exc.reason or exc}）", retry=False) from None
    except (TimeoutError, socket.timeout):
        raise _Failure(timeout_cause, retry=True) from None
    except OSError as exc:
        if _is_timeout(exc):
            raise _Failure(timeout_cause, retry=True) from None
        raise _Failure(f"连接失败（{exc.strerror or exc}）", retry=True) from None


def send_mail(config: "MailConfig", to: list[str], reminders: Iterable[Reminder], as_of: dt.date,
              timeout: float = 10, retries: int = 2, backoff: float = 0.5) -> None:
    """Mail the reminders (masked) to `to` through the configured SMTP server; no reminders, no mail.

    tls "ssl" connects with TLS at once (SMTPS, port 465), "starttls" upgrades the connection and
    refuses to go on in clear text when the server cannot, "none" sends in clear (a local relay).
    Connection errors, timeouts and 4xx answers are retried; a refused login or recipient is not.
    """
    items = list(reminders)
    if not items:
        return
    label = f"邮件（{config.host}:{config.port}）"
    recipients = [address for _, address in getaddresses(list(to)) if address]
    if not recipients:
        raise DeliveryError(label, "没有收件人")
    sender = parseaddr(config.sender)[1] or config.sender
    message = build_mail(config.sender, list(to), items, as_of)
    _attempts(label, lambda: _smtp_once(config, sender, recipients, message, timeout), retries, backoff)
