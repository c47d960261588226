"""`nodrug sample`: draw the units holding the title for spot checks (seed 003), reproducibly, and record the draw;
record each drawn unit's re-inspection result (`--result`), which moves the standard's ladder; list past draws.

Seed 003: "市、区禁毒委每年按照10%的比例对上述范围内“无毒单位”进行抽查，抽查不合格的取消其“无毒单位”称号".
"""

from __future__ import annotations

import random
from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, Format, existing_db, fail, year_option


def command(
    rate: float = typer.Option(0.1, "--rate", min=0.0, max=1.0, metavar="R", help="抽查比例（默认 0.1，即 10%）"),
    seed: int = typer.Option(None, "--seed", metavar="N", help="随机种子；同一种子得到同一抽签结果（不填则随机生成并显示）"),
    year: int = year_option("年度（默认：历史中最近的年度）；--result 时为抽签的年度，--list 时只列该年度"),
    standard: str = typer.Option(None, "--standard", metavar="NAME",
                                 help="按哪个标准的授牌情况抽查（默认 boumei-2023；--list 时不填则列出全部标准的）"),
    output: Path = typer.Option(None, "-o", "--output", metavar="FILE", help="把抽查名单写入 .xlsx 或 .csv 文件"),
    force: bool = typer.Option(False, "--force", help="输出文件已存在时覆盖"),
    db: Path = typer.Option(None, "--db", metavar="PATH", help="历史数据库（默认：环境变量 NODRUG_DB，否则用户数据目录）"),
    format: Format = typer.Option(Format.text, "--format", help="输出格式：text 或 json"),
    show_list: bool = typer.Option(False, "--list", help="列出以往的抽查名单和复查结果（可用 --year、--standard 筛选），不抽签"),
    result: list[str] = typer.Option(None, "--result", metavar="村（社区）=合格|不合格",
                                     help="记录已抽中单位的复查结果（可重复）；按标准的奖惩规则，抽查不合格可收回授牌"),
    town: str = typer.Option(None, "--town", metavar="镇（街道）", help="与 --result 同用：两个镇有同名村（社区）时指明镇"),
    checked_on: str = typer.Option(None, "--date", metavar="DATE", help="与 --result 同用：复查日期（默认今天）"),
) -> None:
    """抽查：从已授牌单位中随机抽取 ⌈比例 × 授牌单位数⌉ 个（至少 1 个），可按种子重现，并记入历史数据库；
    --result 记录复查结果，--list 列出以往的抽查。"""
    env = Env()
    if show_list:
        run_list(year, standard, db, format.value, env)
    elif result:
        run_results(result, town, checked_on, year, standard or DEFAULT_STANDARD, db, format.value, env)
    else:
        run(rate, seed, year, standard or DEFAULT_STANDARD, output, force, db, format.value, env)


DEFAULT_STANDARD = "boumei-2023"
PASSED_WORDS = {"合格": True, "通过": True, "达标": True, "passed": True, "pass": True,
                "不合格": False, "未通过": False, "不达标": False, "failed": False, "fail": False}


def run_list(year, standard, db, fmt, env: Env) -> None:
    """Past draws (of `year`, under `standard`) with each unit's re-inspection result."""
    from nodrug_cli.history.store import History, HistoryError

    try:
        with History(existing_db(env, db)) as history:
            draws = history.draws(year=year, standard=standard)
    except HistoryError as exc:
        raise fail(env, str(exc), str(exc)) from None
    if fmt == "json":
        print(jsonout.dumps({"draws": [{"draw_id": d.draw_id, "year": d.year, "standard": d.standard, "rate": d.rate,
                                        "seed": d.seed, "town": d.town or None, "community": d.community,
                                        "drawn_at": d.drawn_at, "result": d.result, "checked_on": d.checked_on}
                                       for d in draws]}), file=env.stdout)
        return
    from nodrug_cli.render.history import draws_text

    print(draws_text(draws, env.lang), end="", file=env.stdout)


def run_results(results: list[str], town, checked_on, year, standard, db, fmt, env: Env) -> None:
    """Record re-inspection results of drawn units; say what each does under the standard's ladder."""
    from nodrug_cli.cli.common import parse_date_option
    from nodrug_cli.history.sanctions import replay
    from nodrug_cli.history.store import History, HistoryError
    from nodrug_cli.standards.load import StandardError, load_standard

    when = (parse_date_option(env, checked_on, "--date") or env.today).isoformat()
    parsed = []
    for given in results:
        name, _, word = given.rpartition("=")
        if not name or word.strip() not in PASSED_WORDS:
            raise fail(env, f"--result 应写成“村（社区）=合格”或“村（社区）=不合格”（收到“{given}”）",
                       f"--result takes COMMUNITY=合格 or COMMUNITY=不合格 (got “{given}”)")
        parsed.append((name.strip(), PASSED_WORDS[word.strip()]))
    out = []
    try:
        ladder = load_standard(standard).sanctions
        with History(existing_db(env, db)) as history:
            draws = history.draws(standard=standard)
            year = year or max((d.year for d in draws), default=None)
            if year is None:
                raise fail(env, f"历史数据库中没有按标准 {standard} 的抽查记录：先运行 nodrug sample 抽签",
                           f"no spot-check draws under {standard} in the history database")
            for name, passed in parsed:  # every name checked before anything is written
                towns = {d.town for d in draws if d.year == year and d.community == name and town in (None, d.town)}
                if len(towns) != 1:
                    where = f"{town} " if town else ""
                    why = "在多个镇（街道）都被抽中，请用 --town 指明" if towns else "不在该年度的抽查名单中"
                    raise fail(env, f"{where}{name} {why}（{year} 年度，标准 {standard}）；先运行 nodrug sample 抽签",
                               f"{where}{name}: not drawn (or drawn in several towns) for {year} under {standard}")
            for name, passed in parsed:
                history.record_result(year, standard, town, name, passed, when)
            checks = history.draws(standard=standard)
            records = history.assessments(standard=standard)
            for name, passed in parsed:
                mine = [c for c in checks if c.community == name and (town is None or c.town == town)]
                unit = (mine[-1].town, name)
                steps = [s for s in replay([r for r in records if (r.town, r.community) == unit], ladder,
                                           [c for c in checks if (c.town, c.community) == unit])
                         if s.event == "spot_check" and s.date == when]
                out.append({"town": unit[0] or None, "community": name, "year": year, "passed": passed,
                            "checked_on": when, "action": steps[-1].action if steps else "保持",
                            "accountability": steps[-1].accountability if steps else None})
    except StandardError as exc:
        raise fail(env, exc.message("zh"), exc.message("en")) from None
    except HistoryError as exc:
        raise fail(env, str(exc), str(exc)) from None
    if fmt == "json":
        print(jsonout.dumps({"results": out}), file=env.stdout)
        return
    from nodrug_cli.render.history import results_text

    print(results_text(out, standard, env.lang), end="", file=env.stdout)


def run(rate, seed, year, standard, output, force, db, fmt, env: Env) -> None:
    from nodrug_cli.batch import spot_check_count
    from nodrug_cli.history.sanctions import holders
    from nodrug_cli.history.store import History, HistoryError
    from nodrug_cli.outputs import OutputRefused, check_output
    from nodrug_cli.standards.load import StandardError, load_standard

    try:
        ladder = load_standard(standard).sanctions
        if output is not None:
            check_output(output, force, suffixes=(".xlsx", ".csv"))
        with History(db) as history:
            records = history.assessments(standard=standard)
            if not records:
                raise fail(env, f"历史数据库中没有按标准 {standard} 的考评记录：先运行 nodrug batch 或 nodrug score --record",
                           f"no assessments under {standard} in the history database")
            year = year or max(r.year for r in records)
            units = holders(records, ladder, year, history.draws(standard=standard))
            seed = seed if seed is not None else random.SystemRandom().randrange(1, 1_000_000)
            drawn = sorted(random.Random(seed).sample(units, spot_check_count(rate, len(units))))
            draw_id = f"{year}-{standard}-{seed}"
            history.record_draw(draw_id, year, standard, rate, seed, drawn)
            if output is not None:
                _write(output, drawn, year, seed)
    except StandardError as exc:
        raise fail(env, exc.message("zh"), exc.message("en")) from None
    except (HistoryError, OutputRefused) as exc:
        message = exc.message("zh") if isinstance(exc, OutputRefused) else str(exc)
        raise fail(env, message, message) from None
    result = {"year": year, "standard": standard, "rate": rate, "seed": seed, "holders": len(units),
              "drawn": [{"town": t or None, "community": c} for t, c in drawn]}
    if fmt == "json":
        print(jsonout.dumps(result), file=env.stdout)
        return
    from nodrug_cli.render.history import draw_text

    print(draw_text(year, len(units), rate, seed, drawn, env.lang), end="", file=env.stdout)


def _write(path: Path, drawn: list[tuple[str, str]], year: int, seed: int) -> None:
    from nodrug_cli.outputs import atomic_path

    rows = [["年度", "镇（街道）", "村（社区）", "种子"]] + [[year, t, c, seed] for t, c in drawn]
    with atomic_path(path) as temp:
        if path.suffix.lower() == ".xlsx":
            import openpyxl

            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = "抽查名单"
            for row in rows:
                sheet.append(row)
            for cells in sheet.iter_rows(min_row=2):
                for cell in cells:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # a name like =… stays text
            book.save(temp)
        else:
            import csv

            with open(temp, "w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle).writerows([[_safe(v) for v in row] for row in rows])


def _safe(value):
    """CSV cells that a spreadsheet would run as a formula get a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
