"""`nodrug history`: a community's assessments year by year, with the change in each key indicator."""

from __future__ import annotations

from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, Format, existing_db, fail
from nodrug_cli.exitcodes import ExitCode

CHANGE_KEYS = ("current_users", "new_users", "control_rate", "urinalysis_rate", "on_schedule_test_rate", "help_rate",
               "event_months_met", "awareness_rate.总体")


def command(
    community: str = typer.Argument(None, metavar="村（社区）", show_default=False, help="村（社区）名称；不填则列出全部"),
    db: Path = typer.Option(None, "--db", metavar="PATH", help="历史数据库（默认：环境变量 NODRUG_DB，否则用户数据目录）"),
    format: Format = typer.Option(Format.text, "--format", help="输出格式：text 或 json"),
) -> None:
    """历年考评记录：各年度得分、等级、无毒结论和关键指标的变化。"""
    run(community, db, format.value, Env())


def run(community: str | None, db: Path | None, fmt: str, env: Env) -> None:
    from nodrug_cli.history.store import History, HistoryError

    path = existing_db(env, db)
    try:
        with History(path) as history:
            records = history.assessments(community=community)
            checks = history.draws()
    except HistoryError as exc:
        raise fail(env, str(exc), str(exc)) from None
    if community and not records:  # a mistyped name is an answer the user must see, not an empty table
        print(f"历史数据库中没有“{community}”的考评记录：请核对村（社区）名称（不带参数运行 nodrug history 可列出全部）",
              file=env.stderr)
    if fmt == "json":
        print(jsonout.dumps({"assessments": [
            {"community": r.community, "town": r.town or None, "year": r.year, "standard": r.standard, "as_of": r.as_of,
             "review": r.review, "total": r.total, "grade": r.grade, "passed": r.passed, "drug_free": r.drug_free}
            for r in records]}), file=env.stdout)
    elif not records and not community:
        print("历史数据库中没有考评记录。", file=env.stdout)
    else:
        _print_tables(records, checks, env)
    raise typer.Exit(int(ExitCode.FINDINGS if community and not records else ExitCode.OK))


def _print_tables(records, checks, env: Env) -> None:
    from tabulate import tabulate

    from nodrug_cli.indicators.model import label

    groups: dict[tuple, list] = {}
    for r in records:
        groups.setdefault((r.town, r.community, r.standard), []).append(r)
    for (town, name, standard), recs in groups.items():
        recs.sort(key=lambda r: (r.year, r.review))  # a year's interim check before its review
        # an interim check (not the year's review) is stored apart and never moves the sanctions: marked 期中
        years = [str(r.year) if r.review else f"{r.year}（期中 {r.as_of[5:]}）" for r in recs]
        rows = [["得分", *[f"{r.total:g}" if r.total is not None else "—" for r in recs], _change([r.total for r in recs])],
                ["等级", *[r.grade or "—" for r in recs], ""],
                ["无毒", *["是" if r.drug_free else "否" for r in recs], ""]]
        ladder = _ladder_row(recs, standard, [c for c in checks if (c.town, c.community, c.standard) ==
                                              (town, name, standard)])
        if ladder:
            rows.append(["奖惩", *ladder, ""])
        for key in CHANGE_KEYS:
            values = [r.indicators.get(key, {}).get("value") for r in recs]
            rate = key.split(".")[0].endswith("rate") or key == "event_months_met"
            rows.append([label(key), *[_show(v, rate) for v in values], _change(values, rate)])
        print(f"{town or '（未填镇街）'} · {name} · 标准 {standard}", file=env.stdout)
        print(tabulate(rows, headers=["", *years, "较上年"], tablefmt="simple", disable_numparse=True) + "\n",
              file=env.stdout)


def _ladder_row(recs: list, standard: str, checks: list) -> list[str] | None:
    """Each column's sanction under a built-in standard's ladder: a review's, or an interim check's marked 暂定;
    a spot check's result in the year after it is noted beside the year's review (`nodrug sample --list` has all)."""
    from nodrug_cli.history.sanctions import provisional, replay
    from nodrug_cli.standards.load import builtin_names, load_standard

    if standard not in builtin_names():
        return None  # a user's file is not found by its name
    ladder = load_standard(standard).sanctions
    if not ladder.rules:
        return None
    steps = replay(recs, ladder, checks)
    out = []
    for r in recs:
        if r.review:
            mine = [s for s in steps if s.year == r.year]
            out.append("，".join(("抽查 " if s.event == "spot_check" else "") + s.action for s in mine) or "—")
        else:
            step = provisional([x for x in recs if x.review], r, ladder, checks)
            out.append(f"{step.action}（暂定）" if step else "—")
    return out


def _show(value, rate: bool) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if rate else f"{value:g}"


def _change(values: list, rate: bool = False) -> str:
    """The last year against the year before: +3, −12.5 个百分点."""
    if len(values) < 2 or values[-1] is None or values[-2] is None:
        return ""
    diff = values[-1] - values[-2]
    return f"{diff * 100:+.1f} 个百分点" if rate else f"{diff:+g}"
