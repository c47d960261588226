"""`nodrug sample`: draw the units holding the title for spot checks (seed 003), reproducibly, and record the draw."""

from __future__ import annotations

import random
from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, Format, fail, year_option


def command(
    rate: float = typer.Option(0.1, "--rate", min=0.0, max=1.0, metavar="R", help="抽查比例（默认 0.1，即 10%）"),
    seed: int = typer.Option(None, "--seed", metavar="N", help="随机种子；同一种子得到同一抽签结果（不填则随机生成并显示）"),
    year: int = year_option("年度（默认：历史中最近的年度）"),
    standard: str = typer.Option("boumei-2023", "--standard", metavar="NAME", help="按哪个标准的授牌情况抽查"),
    output: Path = typer.Option(None, "-o", "--output", metavar="FILE", help="把抽查名单写入 .xlsx 或 .csv 文件"),
    force: bool = typer.Option(False, "--force", help="输出文件已存在时覆盖"),
    db: Path = typer.Option(None, "--db", metavar="PATH", help="历史数据库（默认：环境变量 NODRUG_DB，否则用户数据目录）"),
    format: Format = typer.Option(Format.text, "--format", help="输出格式：text 或 json"),
) -> None:
    """抽查：从已授牌单位中随机抽取 ⌈比例 × 授牌单位数⌉ 个（至少 1 个），可按种子重现，并记入历史数据库。"""
    run(rate, seed, year, standard, output, force, db, format.value, Env())


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
            units = holders(records, ladder, year)
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
    print(f"{year} 年度抽查：授牌单位 {len(units)} 个，按 {rate:.0%} 抽取 {len(drawn)} 个（种子 {seed}，"
          f"用 --seed {seed} 可重现）", file=env.stdout)
    for town, community in drawn:
        print(f"  {town or '（未填镇街）'} {community}", file=env.stdout)


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
