"""`nodrug history`: a community's assessments year by year, with the change in each key indicator."""

from __future__ import annotations

from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, call
from nodrug_cli.cli.options import DB_HELP, TEXT_JSON, Lang, db_option, format_option, lang_option
from nodrug_cli.jobs.history import HistorySettings, history


def command(
    community: str = typer.Argument(None, metavar="村（社区）", show_default=False, help="村（社区）名称；不填则列出全部"),
    db: Path = db_option(DB_HELP),
    format: TEXT_JSON = format_option(TEXT_JSON, "输出格式：text 或 json"),
    lang: Lang = lang_option(),
) -> None:
    """历年考评记录：各年度得分、等级、无毒结论和关键指标的变化。"""
    run(HistorySettings(community, db, format.value, lang.value), Env(lang=lang.value))


def run(settings, env: Env) -> None:
    from nodrug_cli.render.history import history_json, history_text
    from nodrug_cli.render.words import Words

    result = call(env, history, settings)
    if result.unknown:
        print(Words(env.lang)("history.unknown", settings.community), file=env.stderr)
    if settings.format == "json":
        print(jsonout.dumps(history_json(result.records)), file=env.stdout)
    elif not result.records and not settings.community:
        print(Words(env.lang)("history.none"), file=env.stdout)
    else:
        print(history_text(result.records, result.checks, env.lang), end="", file=env.stdout)
    raise typer.Exit(int(result.code))
