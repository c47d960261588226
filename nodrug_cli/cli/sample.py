"""`nodrug sample`: draw the units holding the title for spot checks (seed 003), reproducibly, and record the draw;
record each drawn unit's re-inspection result (`--result`), which moves the standard's ladder; list past draws."""

from __future__ import annotations

from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, call, parse_date_option, year_option
from nodrug_cli.cli.options import (DB_HELP, TEXT_JSON, Lang, db_option, force_option, format_option,
                                    lang_option, output_option, standard_option)
from nodrug_cli.jobs.sample import SampleSettings, sample



def command(
    rate: float = typer.Option(0.1, "--rate", min=0.0, max=1.0, metavar="R", help="抽查比例（默认 0.1，即 10%）"),
    seed: int = typer.Option(None, "--seed", metavar="N", help="随机种子；同一种子得到同一抽签结果（不填则随机生成并显示）"),
    year: int = year_option("年度（默认：历史中最近的年度）；--result 时为抽签的年度，--list 时只列该年度"),
    standard: str = standard_option("按哪个标准的授牌情况抽查（默认 boumei-2023；--list 时不填则列出全部标准的）", "NAME"),
    output: Path = output_option("把抽查名单写入 .xlsx 或 .csv 文件"),
    force: bool = force_option(),
    db: Path = db_option(DB_HELP),
    format: TEXT_JSON = format_option(TEXT_JSON, "输出格式：text 或 json"),
    show_list: bool = typer.Option(False, "--list", help="列出以往的抽查名单和复查结果（可用 --year、--standard 筛选），不抽签"),
    result: list[str] = typer.Option(None, "--result", metavar="村（社区）=合格|不合格",
                                     help="记录已抽中单位的复查结果（可重复）；按标准的奖惩规则，抽查不合格可收回授牌"),
    town: str = typer.Option(None, "--town", metavar="镇（街道）", help="与 --result 同用：两个镇有同名村（社区）时指明镇"),
    checked_on: str = typer.Option(None, "--date", metavar="DATE", help="与 --result 同用：复查日期（默认今天）"),
    lang: Lang = lang_option(),
) -> None:
    """抽查：从已授牌单位中随机抽取 ⌈比例 × 授牌单位数⌉ 个（至少 1 个），可按种子重现，并记入历史数据库；
    --result 记录复查结果，--list 列出以往的抽查。"""
    env = Env(lang=lang.value)
    results = tuple(result or ()) if not show_list else ()
    when = parse_date_option(env, checked_on, "--date") if results else None  # --date only goes with --result
    run(SampleSettings(env.today, rate=rate, seed=seed, year=year, standard=standard, output=output, force=force, db=db,
                       format=format.value, show_list=show_list, results=results, town=town, checked_on=when,
                       lang=lang.value), env)


def run(settings, env: Env) -> None:
    from nodrug_cli.render.history import draw_text, draws_text, results_text, sample_json

    result = call(env, sample, settings)
    if settings.format == "json":
        text = jsonout.dumps(sample_json(result)) + "\n"
    elif result.mode == "list":
        text = draws_text(result.draws, env.lang)
    elif result.mode == "results":
        text = results_text(result.results, result.standard, env.lang)
    else:
        d = result.draw
        text = draw_text(d["year"], d["holders"], d["rate"], d["seed"], [(u["town"], u["community"]) for u in d["drawn"]],
                         env.lang)
    print(text, end="", file=env.stdout)
    raise typer.Exit(int(result.code))
