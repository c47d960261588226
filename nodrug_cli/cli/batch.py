"""`nodrug batch`: a town's ledgers scored at once, ranked, rolled up, sanctions carried forward."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from enum import Enum
from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import XLSX, Env, fail, parse_date_option, parse_size_option, standard_and_ledgers, year_option
from nodrug_cli.exitcodes import ExitCode



class BatchFormat(str, Enum):
    text = "text"
    json = "json"
    md = "md"


def command(
    paths: list[str] = typer.Argument(..., metavar="PATH", show_default=False,
                                      help="台账文件、文件夹（递归查找 .xlsx .xlsm .xls .ods）或通配符，可多个"),
    standard: str = typer.Option(None, "--standard", metavar="NAME|FILE", help="考核标准（默认 boumei-2023）"),
    year: int = year_option("评估年度（默认：各台账的评估年度）"),
    as_of: str = typer.Option(None, "--as-of", metavar="DATE", help="评估截止日"),
    jobs: int = typer.Option(None, "--jobs", metavar="N", min=1, help="并行进程数（默认：CPU 核数）"),
    output: Path = typer.Option(None, "-o", "--output", metavar="FILE.xlsx", help="写出汇总工作簿"),
    force: bool = typer.Option(False, "--force", help="输出文件已存在时覆盖"),
    format: BatchFormat = typer.Option(BatchFormat.text, "--format", help="输出格式：text、json 或 md"),
    db: Path = typer.Option(None, "--db", metavar="PATH", help="历史数据库（默认：环境变量 NODRUG_DB，否则用户数据目录）"),
    no_history: bool = typer.Option(False, "--no-history", help="不读写历史数据库（奖惩只按本次台账的“是否已授牌”推算）"),
    review: bool = typer.Option(False, "--review",
                                help="本次为年度考核（截止日为 12 月 31 日时自动视为年度考核；其余为期中检查，奖惩只作暂定）"),
    max_size: str = typer.Option(None, "--max-size", metavar="SIZE",
                                 help="工作表展开后的大小上限，超过即拒绝读取（默认 4G；如 8G、500M）"),
) -> None:
    """批量考评：一次检查全镇（街道）各村（社区）台账，排名、汇总无毒率、推算奖惩，可写出汇总表。"""
    run(paths, standard, year, as_of, jobs, output, force, format.value, db, no_history, Env(), max_size, review)


def run(paths, standard, year, as_of, jobs, output, force, fmt, db, no_history, env: Env, max_size=None,
        review=False) -> None:
    from nodrug_cli.batch import SCORED, BatchReport, is_review, rollup, sorted_outcomes
    from nodrug_cli.cli.signals import Stopped, stopped_code
    from nodrug_cli.history.store import History, HistoryError
    from nodrug_cli.outputs import OutputRefused
    from nodrug_cli.rollup import rank_ledgers

    cutoff = parse_date_option(env, as_of, "--as-of")
    limit = parse_size_option(env, max_size)
    rubric, files, nothing = standard_and_ledgers(env, standard, paths, output, force, XLSX)
    missing = [f for f in files if not os.path.lexists(f)]  # a mistyped file or folder name
    files = [f for f in files if f not in missing]
    for given in [*nothing, *missing]:
        print(f"没有找到台账：{given}", file=env.stderr)
    if not files:
        raise fail(env, "没有找到任何台账文件（.xlsx .xlsm .xls .ods）", "no ledger files found")
    done: list = []
    try:
        last_year = None if no_history else _last_year(db)
    except HistoryError as exc:
        raise fail(env, str(exc), str(exc)) from None
    try:
        outcomes = _score(files, standard, env, cutoff, year, jobs or os.cpu_count() or 1, done, limit, last_year)
    except (KeyboardInterrupt, Stopped) as exc:
        code, words = stopped_code(exc)
        print(f"{words}：完成 {len(done)}/{len(files)} 个台账；未写出汇总，历史数据库未改动。重新运行即可。",
              file=env.stderr)
        raise typer.Exit(code) from None
    skipped = [o for o in outcomes if o.status == "not_ledger"]
    outcomes = [o for o in outcomes if o.status != "not_ledger"]
    for o in skipped:
        print(f"跳过 {o.path}：{o.reason}", file=env.stderr)
    if not outcomes:
        raise fail(env, "没有找到任何台账：这些工作簿都没有“社区概况”和“吸毒人员”工作表", "no ledger found")
    scored = [o for o in outcomes if o.status in SCORED]
    report_year = year or (Counter(o.year for o in scored).most_common(1)[0][0] if scored else (cutoff or env.today).year)
    reviewed = [review or is_review(dt.date.fromisoformat(o.as_of), o.year) for o in scored]
    try:
        sanctions = _sanctions(scored, rubric, report_year, None if no_history else History(db), reviewed)
    except HistoryError as exc:
        raise fail(env, str(exc), str(exc)) from None
    towns, overall = rollup(outcomes, rubric, report_year)
    ordered = sorted_outcomes(outcomes)
    rank_ledgers(ordered)
    report = BatchReport(report_year, {"name": rubric.name, "title": rubric.title, "source": rubric.source,
                                       "sanctions": rubric.sanctions.model_dump()},
                         ordered, towns, overall, sanctions, all(reviewed))
    if output is not None:
        from nodrug_cli.render.summary_xlsx import write_summary

        try:
            write_summary(report, output, lang=env.lang)
        except OutputRefused as exc:
            raise fail(env, exc.message("zh"), exc.message("en")) from None
    _print(report, fmt, env, skipped)
    if output is not None and fmt != "json":
        print(env.say(f"汇总表已写入：{output}", f"summary workbook written: {output}"), file=env.stdout)
    bad = missing or any(o.status != "ok" for o in outcomes)
    raise typer.Exit(int(ExitCode.FINDINGS if bad else ExitCode.OK))


def _last_year(db):
    """History's stored counts, read once before scoring and handed to every worker."""
    from nodrug_cli.history.store import History
    from nodrug_cli.history.yoy import from_history

    with History(db) as history:
        return from_history(history)


def _score(files, standard, env: Env, cutoff, year, jobs, done: list, limit=None, last_year=None):
    from nodrug_cli.batch import score_all

    if not env.stderr_is_terminal:
        return score_all(files, standard, env.today, cutoff, year, jobs, progress=done.append, max_inflated=limit,
                         last_year=last_year)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(file=env.stderr)) as bar:
        task = bar.add_task("考评中", total=len(files))

        def step(outcome) -> None:
            done.append(outcome)
            bar.advance(task)

        return score_all(files, standard, env.today, cutoff, year, jobs, progress=step, max_inflated=limit,
                         last_year=last_year)


def _sanctions(scored, rubric, year: int, history, reviewed: list[bool]) -> list[dict]:
    """Record this batch in history (unless none) and work out each community's sanction for `year`.

    A review moves the ladder (replayed from the stored reviews and spot checks); an interim check is stored
    apart and shows the sanction that would follow, marked provisional.
    """
    from nodrug_cli.batch import to_record
    from nodrug_cli.history.sanctions import provisional, replay

    records = [to_record(o, rubric.name, review) for o, review in zip(scored, reviewed)]
    checks = []
    if history is not None:
        with history:
            history.record(records)
            stored = history.assessments(standard=rubric.name)
            checks = history.draws(standard=rubric.name)
    else:
        stored = records
    out = []
    for o, mine_now in zip(scored, records):
        unit = (o.town or "", o.community)
        mine = [r for r in stored if (r.town, r.community) == unit and r.year <= year]
        spot = [c for c in checks if (c.town, c.community) == unit]
        if mine_now.review:
            steps = [s for s in replay(mine, rubric.sanctions, spot) if s.year == year and s.event == "review"]
            step = steps[-1] if steps else None
        else:
            step = provisional([r for r in mine if r.review], mine_now, rubric.sanctions, spot)
        if step is not None:
            out.append({"community": o.community, "town": o.town, "year": year, "event": step.event,
                        "action": step.action, "provisional": step.provisional, "accountability": step.accountability})
    return sorted(out, key=lambda s: (s["town"] or "", s["community"]))


def _print(report, fmt: str, env: Env, skipped: list) -> None:
    from nodrug_cli.render.batch import render_rich, render_table, report_json

    if fmt == "json":
        data = report_json(report, env.lang)
        data["skipped"] = [{"path": o.path, "reason": o.reason} for o in skipped]
        print(jsonout.dumps(data), file=env.stdout)
    elif fmt == "md" or not env.is_terminal:
        render_table(report, env.stdout, fmt, env.lang)
    else:
        render_rich(report, env.stdout, env.lang)
