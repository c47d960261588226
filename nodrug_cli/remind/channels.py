"""The channels that carry reminders off the machine: the group robots and a JSON POST (`robots`), and mail.

Everything here leaves the machine, so persons are ALWAYS masked (DOMAIN.md §9): every text is built
from `Reminder.message(full_pii=False)` / `Reminder.to_json(full_pii=False)`, whatever the caller shows
on screen. The rules for failures, retries, rate limits and timeouts are in `delivery`; this module
also re-exports the names callers use from there and from `robots`.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from typing import TYPE_CHECKING, Iterable

from nodrug_cli.remind.delivery import (  # noqa: F401  (re-exported)
    FINAL, RESENT_NOTE, RETRY, UNCERTAIN, ChannelConfigError, DeliveryError, Failure, Pacer, RateLimited,
    Uncertain, attempts, channel_name, counts, is_timeout, resent_note, summary_line)
from nodrug_cli.remind.model import Reminder, sort_key
from nodrug_cli.render.words import Words
from nodrug_cli.said import Said
from nodrug_cli.remind.robots import (  # noqa: F401  (re-exported)
    DINGTALK_LIMIT_BYTES, KINDS, LIMITS, PACES, WECOM_LIMIT_BYTES, dingtalk_signed, markdown_chunks,
    markdown_posts, md_plain, post_webhook)

if TYPE_CHECKING:
    from nodrug_cli.remind.mailconfig import MailConfig



# --- mail --------------------------------------------------------------------------------------------

def mail_body(reminders: Iterable[Reminder], as_of: dt.date, noted: frozenset[str] = frozenset(),
              lang: str = "zh") -> str:
    """The plain-text mail in `lang`: the summary, then each masked message with its rule, overdue first."""
    from nodrug_cli.remind.render import rule

    w = Words(lang, section="deliver")
    items = sorted(reminders, key=sort_key)
    lines = [summary_line(items, as_of, lang), ""]
    for r in items:
        lines.append(r.message(full_pii=False, lang=lang) + (resent_note(lang) if r.key in noted else ""))
        lines.append(w("mail_rule", rule(r, lang)))
    lines += ["", w("mail_footer")]
    return "\n".join(lines) + "\n"


def build_mail(sender: str, to: list[str], reminders: Iterable[Reminder], as_of: dt.date,
               noted: frozenset[str] = frozenset(), lang: str = "zh") -> EmailMessage:
    """The message in `lang`: the subject with the counts, UTF-8 plain text body, From/To/Date/Message-ID."""
    items = list(reminders)
    message = EmailMessage()
    message["Subject"] = summary_line(items, as_of, lang)
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="nodrug.local")
    message.set_content(mail_body(items, as_of, noted, lang), charset="utf-8")
    return message


def _smtp_once(config: "MailConfig", sender: str, recipients: list[str], message: EmailMessage,
               timeout: float) -> None:
    timeout_cause = Said("deliver.mail_silent", seconds=f"{timeout:g}")
    sending = False  # once the message is on its way, a timeout or a dropped line leaves its fate unknown
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
                    raise Failure(Said("deliver.no_starttls"), FINAL)
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if config.user:
                smtp.login(config.user, config.password or "")
            sending = True
            refused = smtp.send_message(message, from_addr=sender, to_addrs=recipients)
            if refused:
                raise Failure(Said("deliver.some_refused", addresses=sorted(refused)), FINAL)
    except Failure:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise Failure(Said("deliver.login_failed", code=exc.smtp_code), FINAL) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise Failure(Said("deliver.refused", addresses=sorted(exc.recipients)), FINAL) from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise Failure(Said("deliver.server_refused", code=exc.smtp_code, text=text.strip()),
                      RETRY if 400 <= exc.smtp_code < 500 else FINAL) from None
    except smtplib.SMTPServerDisconnected as exc:
        cause = timeout_cause if is_timeout(exc) else Said("deliver.mail_dropped", detail=str(exc))
        raise Failure(Said("deliver.mail_uncertain", cause=cause) if sending else cause,
                      UNCERTAIN if sending else RETRY) from None
    except smtplib.SMTPException as exc:
        raise Failure(Said("deliver.smtp_error", detail=str(exc)), FINAL) from None
    except ssl.SSLError as exc:
        raise Failure(Said("deliver.tls_failed", detail=exc.reason or str(exc)), FINAL) from None
    except OSError as exc:  # TimeoutError is an OSError
        cause = timeout_cause if is_timeout(exc) else Said("deliver.connect_failed", why=exc.strerror or str(exc))
        if sending:
            raise Failure(Said("deliver.mail_uncertain", cause=cause), UNCERTAIN) from None
        raise Failure(cause, RETRY) from None


def send_mail(config: "MailConfig", to: list[str], reminders: Iterable[Reminder], as_of: dt.date,
              timeout: float = 10, retries: int = 2, backoff: float = 0.5, noted: frozenset[str] = frozenset(),
              lang: str = "zh") -> None:
    """Mail the reminders (masked) to `to` through the configured SMTP server; no reminders, no mail.

    tls "ssl" connects with TLS at once (SMTPS, port 465), "starttls" upgrades the connection and
    refuses to go on in clear text when the server cannot, "none" sends in clear (a local relay).
    Connection errors, timeouts and 4xx answers are retried; a refused login or recipient is not. A
    timeout or a dropped connection while the message is being sent raises `Uncertain` (with the
    reminders in `.uncertain`) and is not retried: the server may have taken it. The mail is in `lang`.
    """
    items = list(reminders)
    if not items:
        return
    label = Said("deliver.channel_mail", host=config.host, port=config.port)
    recipients = [address for _, address in getaddresses(list(to)) if address]
    if not recipients:
        raise DeliveryError(label, Said("deliver.no_recipients"))
    sender = parseaddr(config.sender)[1] or config.sender
    message = build_mail(config.sender, list(to), items, as_of, noted, lang)
    try:
        attempts(label, lambda: _smtp_once(config, sender, recipients, message, timeout), retries, backoff)
    except Uncertain as exc:
        exc.uncertain = items
        raise
