"""`nodrug history`: a community's assessments year by year, with the change in each key indicator."""

from __future__ import annotations

from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, Format, existing_db, fail
from nodrug_cli.exitcodes import ExitCode

def command(
    community: str = typer.Argument(None, metavar="村（社区）", show_default=False, help="村（社区）名称；不填则列出全部"),
    db: Path = typer.Option(None, "--db", metavar="PATH", help="历史数据库（默认：环境变量 NODRUG_DB，否则用户数据目录）"),
    format: Format = typer.Option(Format.text, "--format", help="输出格式：text 或 json"),
) -> None:
    """历年考评记录：各年度得分、等级、无毒结论和关键指标的变化。"""
    run(community, db, format.value, Env())


def run(community: str | None, db: Path | None, fmt: str, env: Env) -> None:
    from nodrug_cli.history.store import History, HistoryError
    from nodrug_cli.render.history import history_text
    from nodrug_cli.render.words import Words

    path = existing_db(env, db)
    try:
        with History(path) as history:
            records = history.assessments(community=community)
            checks = history.draws()
    except HistoryError as exc:
        raise fail(env, str(exc), str(exc)) from None
    if community and not records:  # a mistyped name is an answer the user must see, not an empty table
        print(Words(env.lang)("history.unknown", community), file=env.stderr)
    if fmt == "json":
        print(jsonout.dumps({"assessments": [
            {"community": r.community, "town": r.town or None, "year": r.year, "standard": r.standard, "as_of": r.as_of,
             "review": r.review, "total": r.total, "grade": r.grade, "passed": r.passed, "drug_free": r.drug_free}
            for r in records]}), file=env.stdout)
    elif not records and not community:
        print(Words(env.lang)("history.none"), file=env.stdout)
    else:
        print(history_text(records, checks, env.lang), end="", file=env.stdout)
    raise typer.Exit(int(ExitCode.FINDINGS if community and not records else ExitCode.OK))
