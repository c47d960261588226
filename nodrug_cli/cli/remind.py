"""`nodrug remind`: who is due for a test or a talk, and what else falls due — for cron."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import TEXT_SUFFIXES, Env, fail, parse_date_option, parse_size_option, standard_and_ledgers
from nodrug_cli.exitcodes import ExitCode


class RemindFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    md = "md"
    ics = "ics"


class WebhookKind(str, Enum):
    wecom = "wecom"
    dingtalk = "dingtalk"
    json = "json"


def command(
    paths: list[str] = typer.Argument(..., metavar="PATH", show_default=False, help="台账文件、文件夹或通配符，可多个"),
    as_of: str = typer.Option(None, "--as-of", metavar="DATE", help="以哪一天为准（默认：今天）"),
    within: int = typer.Option(7, "--within", metavar="DAYS", min=0, help="提前几天提醒（剩余天数 ≤ DAYS）"),
    standard: str = typer.Option(None, "--standard", metavar="NAME|FILE", help="考核标准，决定尿检、谈话周期（默认 boumei-2023）"),
    format: RemindFormat = typer.Option(RemindFormat.text, "--format", help="输出格式：text、json、csv、md 或 ics（日历）"),
    output: Path = typer.Option(None, "-o", "--output", metavar="FILE", help="把输出写入文件（而不是屏幕）"),
    force: bool = typer.Option(False, "--force", help="输出文件已存在时覆盖"),
    webhook: str = typer.Option(None, "--webhook", metavar="URL", help="发送到企业微信/钉钉群机器人或 JSON 接口"),
    webhook_kind: WebhookKind = typer.Option(WebhookKind.wecom, "--webhook-kind", help="wecom、dingtalk 或 json"),
    webhook_secret: str = typer.Option(None, "--webhook-secret", metavar="SECRET", envvar="NODRUG_WEBHOOK_SECRET",
                                       show_envvar=False, show_default=False,
                                       help="钉钉群机器人的加签密钥（SEC 开头；也可用环境变量 NODRUG_WEBHOOK_SECRET）"),
    timeout: float = typer.Option(10, "--timeout", metavar="SECONDS", min=0.1, max=600,
                                  help="每次发送等待应答的秒数；超时的消息不会在本次重发（见说明）"),
    mail_to: list[str] = typer.Option(None, "--mail-to", metavar="ADDR", help="发送邮件到此地址（可多次给出）"),
    mail_config: Path = typer.Option(None, "--mail-config", metavar="FILE", help="邮件服务器配置文件（也可用环境变量）"),
    resend: bool = typer.Option(False, "--resend", help="已发送过且状态未变的提醒也再发一次"),
    full_pii: bool = typer.Option(False, "--full-pii", help="屏幕和文件中显示完整身份证号和姓名（群机器人、邮件、日历始终遮蔽）"),
    db: Path = typer.Option(None, "--db", metavar="PATH", help="历史数据库（记录已发送的提醒；默认：NODRUG_DB 或用户数据目录）"),
    max_size: str = typer.Option(None, "--max-size", metavar="SIZE",
                                 help="工作表展开后的大小上限，超过即拒绝读取（默认 4G；如 8G、500M）"),
) -> None:
    """到期提醒：列出逾期和即将到期的尿检、谈话、报到、宣传、季度报告，可发到群机器人或邮箱（适合每天由 cron 运行）。"""
    run(paths, as_of, within, standard, format.value, output, force, webhook, webhook_kind.value, mail_to or [],
        mail_config, resend, full_pii, db, Env(), max_size, webhook_secret, timeout)


def run(paths, as_of, within, standard, fmt, output, force, webhook, webhook_kind, mail_to, mail_config, resend,
        full_pii, db, env: Env, max_size: str | None = None, webhook_secret: str | None = None,
        timeout: float = 10) -> None:
    from nodrug_cli.remind.collect import collect

    day = parse_date_option(env, as_of, "--as-of") or env.today
    limit = parse_size_option(env, max_size)
    if webhook_secret and not webhook:
        raise fail(env, "--webhook-secret 需要与 --webhook 一起使用", "--webhook-secret needs --webhook")
    if webhook_secret and webhook_kind != "dingtalk":
        raise fail(env, "--webhook-secret（加签）只用于钉钉群机器人：请加 --webhook-kind dingtalk",
                   "--webhook-secret (加签) is for DingTalk robots only: add --webhook-kind dingtalk")
    rubric, files, nothing = standard_and_ledgers(env, standard, paths, output, force, TEXT_SUFFIXES[fmt])
    from nodrug_cli.render.words import Words

    w = Words(env.lang, section="remind")
    collected = collect(files, rubric, day, within, env.today, limit, lang=env.lang)
    reminders = collected.reminders
    errors: list[dict] = [{"path": p, "error": w("no_ledger")} for p in nothing] + collected.errors
    for e in errors:
        print(w("path_error", **e), file=env.stderr)
    if not files:
        raise fail(env, "没有找到任何台账文件", "no ledger files found")
    text = _render(reminders, errors, day, within, fmt, full_pii, env)
    if output is not None:
        _write(output, text, env)
    elif text is not None:
        env.stdout.write(text)
    delivered_ok = _deliver(reminders, day, webhook, webhook_kind, webhook_secret, mail_to, mail_config, resend, db,
                            env, timeout)
    code = ExitCode.DELIVERY_FAILED if not delivered_ok else max(
        collected.code, ExitCode.UNUSABLE if nothing else ExitCode.OK)
    raise typer.Exit(int(code))


def _render(reminders, errors, day, within, fmt, full_pii, env: Env) -> str | None:
    """The chosen format as text (None when rich already printed to the terminal)."""
    from nodrug_cli.remind import render

    if fmt == "json":
        return jsonout.dumps({"as_of": day.isoformat(), "within": within,
                           "reminders": [r.to_json(full_pii, env.lang) for r in reminders], "errors": errors}) + "\n"
    if fmt == "csv":
        return render.to_csv(reminders, full_pii, env.lang)
    if fmt == "md":
        return render.to_markdown(reminders, day, full_pii, env.lang)
    if fmt == "ics":
        from nodrug_cli.remind.calendar import to_ics

        return to_ics(reminders, day, lang=env.lang).decode("utf-8")
    if env.is_terminal:
        render.to_rich(reminders, day, full_pii, env.stdout, env.lang)
        return None
    return render.to_plain(reminders, day, full_pii, env.lang)


def _write(output: Path, text: str | None, env: Env) -> None:
    from nodrug_cli.outputs import OutputRefused, atomic_path

    try:
        with atomic_path(output) as temp:
            temp.write_text(text or "", encoding="utf-8-sig" if output.suffix.lower() == ".csv" else "utf-8")
    except OutputRefused as exc:
        raise fail(env, exc.message("zh"), exc.message("en")) from None
    print(env.say(f"已写入 {output}", f"written: {output}"), file=env.stderr)


def _deliver(reminders, day, webhook, webhook_kind, webhook_secret, mail_to, mail_config, resend, db,
             env: Env, timeout: float = 10) -> bool:
    """Send what has not been sent on each channel; a failing channel does not stop the others.

    A channel that is set up wrongly (a bad URL, mail settings missing) is unusable input: exit 2.
    """
    if not webhook and not mail_to:
        return True
    from nodrug_cli.history.store import History, HistoryError
    from nodrug_cli.remind.channels import ChannelConfigError, channel_name, post_webhook, send_mail
    from nodrug_cli.remind.mailconfig import MailConfigError, load_mail_config
    from nodrug_cli.remind.outbox import Channel, deliver

    channels = []
    if webhook:
        def to_robot(todo, on_sent, noted):
            post_webhook(webhook, webhook_kind, todo, day, timeout=timeout, secret=webhook_secret, on_sent=on_sent,
                         noted=noted)

        channels.append(Channel(channel_name(webhook_kind, webhook), webhook_kind, to_robot))
    if mail_to:
        try:
            config = load_mail_config(mail_config)
        except MailConfigError as exc:
            raise fail(env, f"邮件设置有误：{exc}", f"mail settings: {exc}") from None

        def to_mail(todo, on_sent, noted):
            send_mail(config, list(mail_to), todo, day, timeout=timeout, noted=noted)
            on_sent(todo)

        channels.append(Channel(channel_name("mail", ",".join(sorted(mail_to))), "mail", to_mail))
    try:
        history = History(db)
    except HistoryError as exc:
        raise fail(env, str(exc), str(exc)) from None
    with history:
        try:
            result = deliver(history, reminders, channels, resend)
        except ChannelConfigError as exc:
            raise fail(env, f"发送设置有误：{exc}", f"channel settings: {exc}") from None
        except HistoryError as exc:
            raise fail(env, str(exc), str(exc)) from None
    for outcome in result.outcomes:
        print(outcome.message(), file=env.stderr)
    return result.ok
