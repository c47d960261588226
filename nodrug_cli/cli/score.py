"""`nodrug score`: compute every indicator, score against a standard, write the assessment sheet."""

from __future__ import annotations

from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, call, fail, year_option
from nodrug_cli.cli.options import (TABLES, as_of_option, db_option, force_option, format_option,
                                    full_pii_option, output_option, reads_ledgers, standard_option)
from nodrug_cli.jobs.score import ScoreSettings, score



@reads_ledgers
def command(env: Env, shared: dict,  # not options: see reads_ledgers
    ledger: Path = typer.Argument(..., help="台账文件", show_default=False, metavar="LEDGER", readable=False),
    standard: str = standard_option("考核标准：内置标准名（见 nodrug standards list）或 YAML 文件；默认 boumei-2023"),
    year: int = year_option("评估年度（默认：社区概况的评估年度，否则截止日所在年）"),
    as_of: str = as_of_option("评估截止日（默认：今天与评估年度 12 月 31 日中较早者）"),
    output: Path = output_option("写出考评表工作簿", "FILE.xlsx"),
    force: bool = force_option(),
    format: TABLES = format_option(TABLES, "输出格式：text、json 或 md"),
    check: bool = typer.Option(False, "--check", help="结论未通过时退出码为 1（供脚本使用）"),
    full_pii: bool = full_pii_option("显示完整身份证号和姓名（默认遮蔽）"),
    record: bool = typer.Option(False, "--record", help="把本次考评存入历史数据库（同一村、年度、标准只保留最新一次）"),
    review: bool = typer.Option(False, "--review",
                                help="本次为年度考核（截止日为 12 月 31 日时自动视为年度考核；其余为期中检查，不动奖惩）"),
    db: Path = db_option("历史数据库：--record 写入；给出时，台账缺上年数据则在打分前从中取上年人数"),
) -> None:
    """考评打分：计算全部指标，按考核标准逐项打分，给出等级和“无毒”结论，可写出考评表。"""
    run(ScoreSettings(ledger, standard=standard, year=year, output=output, force=force, format=format.value,
                      check=check, full_pii=full_pii, record=record, review=review, db=db, **shared), env)


def run(settings, env: Env) -> None:
    """Score one ledger and print the result; raises typer.Exit with the exit code."""
    result = call(env, score, settings)
    from nodrug_cli.outputs import OutputRefused
    from nodrug_cli.render.score import assessment_json, render_rich, render_table

    assessment, output, fmt, full_pii = result.assessment, settings.output, settings.format, settings.full_pii
    if output is not None:
        from nodrug_cli.render.assessment_xlsx import write_assessment

        try:
            write_assessment(assessment, output, full_pii=full_pii, lang=env.lang)
        except OutputRefused as exc:
            raise fail(env, exc.message("zh"), exc.message("en")) from None
    if fmt == "json":
        print(jsonout.dumps(assessment_json(assessment, full_pii, lang=env.lang)), file=env.stdout)
    elif fmt == "md" or not env.is_terminal:
        render_table(assessment, env.stdout, fmt, lang=env.lang, full_pii=full_pii)
    else:
        render_rich(assessment, env.stdout, lang=env.lang, full_pii=full_pii)
    if output is not None and fmt != "json":
        print(env.word("score.written", output), file=env.stdout)
    raise typer.Exit(int(result.code))
