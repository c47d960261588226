"""`remind` as two library calls: the reminders of many ledgers (`reminders`), then their delivery to robots and
mail (`deliver`) — two, because what is due is shown (or written) before anything is sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from nodrug_cli.exitcodes import ExitCode
from nodrug_cli.jobs import LedgerSettings


@dataclass(frozen=True)
class RemindSettings(LedgerSettings):  # its as_of: the day to remind for (None: today)
    paths: tuple[str, ...]
    within: int = 7
    output: Path | None = None
    force: bool = False
    webhook: str | None = None
    webhook_kind: str = "wecom"
    webhook_secret: str | None = None
    timeout: float = 10
    mail_to: tuple[str, ...] = ()
    mail_config: Path | None = None
    resend: bool = False
    full_pii: bool = False
    db: Path | None = None

    @property
    def day(self) -> dt.date:
        return self.as_of or self.today


@dataclass
class RemindResult:
    day: dt.date
    reminders: list = field(default_factory=list)  # remind.model.Reminder, overdue first
    errors: list[dict] = field(default_factory=list)  # {"path", "error"}: each path or ledger with a problem
    code: ExitCode = ExitCode.OK  # 2 a path or ledger gave no reminders, 1 a ledger has errors


@dataclass
class Delivered:
    outcomes: list = field(default_factory=list)  # remind.outbox's outcome of each channel (`message(lang)`)
    ok: bool = True  # every channel delivered; else exit 3




def reminders(s: RemindSettings) -> RemindResult:
    """What is overdue or falls due within `s.within` days in every ledger under `s.paths`. Unusable options or no
    ledger file at all raise JobError (its notes: the paths that gave none)."""
    from nodrug_cli.jobs import JobError, standard_and_ledgers
    from nodrug_cli.outputs import TEXT_SUFFIXES
    from nodrug_cli.remind.collect import collect
    from nodrug_cli.render.words import Words

    if s.webhook_secret and not s.webhook:
        raise JobError("--webhook-secret 需要与 --webhook 一起使用", "--webhook-secret needs --webhook")
    if s.webhook_secret and s.webhook_kind != "dingtalk":
        raise JobError("--webhook-secret（加签）只用于钉钉群机器人：请加 --webhook-kind dingtalk",
                       "--webhook-secret (signing) is for DingTalk robots only: add --webhook-kind dingtalk")
    rubric, files, nothing = standard_and_ledgers(s.standard, s.paths, s.output, s.force, TEXT_SUFFIXES[s.format])
    collected = collect(files, rubric, s.day, s.within, s.today, s.max_size, lang=s.lang)
    w = Words(s.lang, section="remind")
    errors: list[dict] = [{"path": p, "error": w("no_ledger")} for p in nothing] + collected.errors
    if not files:  # each error is worded in s.lang already
        raise JobError("没有找到任何台账文件", "no ledger files found", notes=[(w("path_error", **e),) * 2 for e in errors])
    code = max(collected.code, ExitCode.UNUSABLE if nothing else ExitCode.OK)
    return RemindResult(s.day, collected.reminders, errors, code)


def deliver(s: RemindSettings, reminders: list) -> Delivered:
    """Send what has not been sent on each channel; a failing channel does not stop the others. A channel set
    up wrongly (a bad URL, mail settings missing) or an unusable history database raises JobError."""
    if not s.webhook and not s.mail_to:
        return Delivered()
    from nodrug_cli.history.store import History, HistoryError
    from nodrug_cli.jobs import JobError, refused
    from nodrug_cli.remind.channels import ChannelConfigError, channel_name, post_webhook, send_mail
    from nodrug_cli.remind.mailconfig import MailConfigError, load_mail_config
    from nodrug_cli.remind.outbox import Channel, deliver as send

    day = s.day
    channels = []
    if s.webhook:
        def to_robot(todo, on_sent, noted):
            post_webhook(s.webhook, s.webhook_kind, todo, day, timeout=s.timeout, secret=s.webhook_secret,
                         on_sent=on_sent, noted=noted, lang=s.lang)

        channels.append(Channel(channel_name(s.webhook_kind, s.webhook), s.webhook_kind, to_robot))
    if s.mail_to:
        try:
            config = load_mail_config(s.mail_config)
        except MailConfigError as exc:
            raise _worded("deliver.mail_settings", exc) from None

        def to_mail(todo, on_sent, noted):
            send_mail(config, list(s.mail_to), todo, day, timeout=s.timeout, noted=noted, lang=s.lang)
            on_sent(todo)

        channels.append(Channel(channel_name("mail", ",".join(sorted(s.mail_to))), "mail", to_mail))
    try:
        history = History(s.db)
    except HistoryError as exc:
        raise refused(exc) from None
    with history:
        try:
            result = send(history, reminders, channels, s.resend)
        except ChannelConfigError as exc:
            raise _worded("deliver.channel_settings", exc) from None
        except HistoryError as exc:
            raise refused(exc) from None
    return Delivered(result.outcomes, result.ok)


def _worded(key: str, exc) -> "JobError":
    """A channel's or the mail settings' refusal (`message(lang)`) inside the sentence `key`, as a JobError."""
    from nodrug_cli.jobs import JobError
    from nodrug_cli.render.words import Words

    return JobError(Words("zh")(key, exc.message("zh")), Words("en")(key, exc.message("en")))
