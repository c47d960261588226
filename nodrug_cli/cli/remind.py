"""`nodrug remind`: who is due for a test or a talk, and what else falls due — for cron."""

from __future__ import annotations

from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, call, fail
from nodrug_cli.cli.options import (as_of_option, choice, db_option, force_option, format_option, formats,
                                    full_pii_option, output_option, reads_ledgers, standard_option)
from nodrug_cli.jobs.remind import RemindSettings, deliver, reminders

RemindFormat = formats("text", "json", "csv", "md", "ics")


WebhookKind = choice("WebhookKind", "wecom", "dingtalk", "json")


@reads_ledgers
def command(env: Env, shared: dict,  # not options: see reads_ledgers
    paths: list[str] = typer.Argument(..., metavar="PATH", show_default=False, help="台账文件、文件夹或通配符，可多个"),
    as_of: str = as_of_option("以哪一天为准（默认：今天）"),
    within: int = typer.Option(7, "--within", metavar="DAYS", min=0, help="提前几天提醒（剩余天数 ≤ DAYS）"),
    standard: str = standard_option("考核标准，决定尿检、谈话周期（默认 boumei-2023）"),
    format: RemindFormat = format_option(RemindFormat, "输出格式：text、json、csv、md 或 ics（日历）"),
    output: Path = output_option("把输出写入文件（而不是屏幕）"),
    force: bool = force_option(),
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
    full_pii: bool = full_pii_option("屏幕和文件中显示完整身份证号和姓名（群机器人、邮件、日历始终遮蔽）"),
    db: Path = db_option("历史数据库（记录已发送的提醒；默认：NODRUG_DB 或用户数据目录）"),
) -> None:
    """到期提醒：列出逾期和即将到期的尿检、谈话、报到、宣传、季度报告，可发到群机器人或邮箱（适合每天由 cron 运行）。"""
    run(RemindSettings(tuple(paths), within=within, standard=standard, format=format.value, output=output, force=force,
                       webhook=webhook, webhook_kind=webhook_kind.value, webhook_secret=webhook_secret, timeout=timeout,
                       mail_to=tuple(mail_to or ()), mail_config=mail_config, resend=resend, full_pii=full_pii, db=db,
                       **shared), env)


def run(settings, env: Env) -> None:
    """List (or write) the reminders, then deliver them; raises typer.Exit with the exit code."""
    from nodrug_cli.exitcodes import ExitCode

    from nodrug_cli.render.words import Words

    found = call(env, reminders, settings)
    for e in found.errors:
        print(Words(env.lang, section="remind")("path_error", **e), file=env.stderr)
    text = _render(found, settings, env)
    if settings.output is not None:
        _write(settings.output, text, env)
    elif text is not None:
        env.stdout.write(text)
    delivered = call(env, deliver, settings, found.reminders)
    for outcome in delivered.outcomes:
        print(outcome.message(env.lang), file=env.stderr)
    raise typer.Exit(int(ExitCode.DELIVERY_FAILED if not delivered.ok else found.code))


def _render(found, settings, env: Env) -> str | None:
    """The chosen format as text (None when rich already printed to the terminal)."""
    from nodrug_cli.remind import render

    reminders, day, full_pii, fmt, lang = found.reminders, found.day, settings.full_pii, settings.format, env.lang
    if fmt == "json":
        return jsonout.dumps({"as_of": day.isoformat(), "within": settings.within,
                              "reminders": [r.to_json(full_pii, lang) for r in reminders], "errors": found.errors}) + "\n"
    if fmt == "csv":
        return render.to_csv(reminders, full_pii, lang=lang)
    if fmt == "md":
        return render.to_markdown(reminders, day, full_pii, lang=lang)
    if fmt == "ics":
        from nodrug_cli.remind.calendar import to_ics

        return to_ics(reminders, day, lang=lang).decode("utf-8")
    if env.is_terminal:
        render.to_rich(reminders, day, full_pii, env.stdout, lang=lang)
        return None
    return render.to_plain(reminders, day, full_pii, lang=lang)


def _write(output: Path, text: str | None, env: Env) -> None:
    from nodrug_cli.outputs import OutputRefused, atomic_path

    try:
        with atomic_path(output) as temp:
            temp.write_text(text or "", encoding="utf-8-sig" if output.suffix.lower() == ".csv" else "utf-8")
    except OutputRefused as exc:
        raise fail(env, exc.message("zh"), exc.message("en")) from None
    print(env.word("remind.written", output), file=env.stderr)
