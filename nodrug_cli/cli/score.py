"""`nodrug score`: compute every indicator, score against a standard, write the assessment sheet."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import XLSX, Env, Lang, existing_db, fail, parse_date_option, parse_size_option, year_option
from nodrug_cli.exitcodes import ExitCode


class ScoreFormat(str, Enum):
    text = "text"
    json = "json"
    md = "md"


def command(
    ledger: Path = typer.Argument(..., help="台账文件", show_default=False, metavar="LEDGER", readable=False),
    standard: str = typer.Option(None, "--standard", metavar="NAME|FILE",
                                 help="考核标准：内置标准名（见 nodrug standards list）或 YAML 文件；默认 boumei-2023"),
    year: int = year_option("评估年度（默认：社区概况的评估年度，否则截止日所在年）"),
    as_of: str = typer.Option(None, "--as-of", metavar="DATE", help="评估截止日（默认：今天与评估年度 12 月 31 日中较早者）"),
    output: Path = typer.Option(None, "-o", "--output", metavar="FILE.xlsx", help="写出考评表工作簿"),
    force: bool = typer.Option(False, "--force", help="输出文件已存在时覆盖"),
    format: ScoreFormat = typer.Option(ScoreFormat.text, "--format", help="输出格式：text、json 或 md"),
    check: bool = typer.Option(False, "--check", help="结论未通过时退出码为 1（供脚本使用）"),
    full_pii: bool = typer.Option(False, "--full-pii", help="显示完整身份证号和姓名（默认遮蔽）"),
    record: bool = typer.Option(False, "--record", help="把本次考评存入历史数据库（同一村、年度、标准只保留最新一次）"),
    review: bool = typer.Option(False, "--review",
                                help="本次为年度考核（截止日为 12 月 31 日时自动视为年度考核；其余为期中检查，不动奖惩）"),
    db: Path = typer.Option(None, "--db", metavar="PATH",
                            help="历史数据库：--record 写入；给出时，台账缺上年数据则在打分前从中取上年人数"),
    max_size: str = typer.Option(None, "--max-size", metavar="SIZE",
                                 help="工作表展开后的大小上限，超过即拒绝读取（默认 4G；如 8G、500M）"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="语言：zh 或 en"),
) -> None:
    """考评打分：计算全部指标，按考核标准逐项打分，给出等级和“无毒”结论，可写出考评表。"""
    run(ledger, standard, year, as_of, output, force, format.value, check, full_pii, Env(lang=lang.value), db, record,
        max_size, review)


def run(ledger: Path, standard: str | None, year: int | None, as_of: str | None, output: Path | None, force: bool,
        fmt: str, check: bool, full_pii: bool, env: Env, db: Path | None = None, record: bool = False,
        max_size: str | None = None, review: bool = False) -> None:
    """Score one ledger and print the result; raises typer.Exit with the exit code."""
    from nodrug_cli.ledger.workbook import Opening

    cutoff = parse_date_option(env, as_of, "--as-of")
    limit = parse_size_option(env, max_size)
    if db is not None and not record:  # only read: last year's new users
        existing_db(env, db)
    opening = Opening(ledger, limit)  # the ledger is read while the rest is imported and the standard loaded

    from nodrug_cli.history.store import HistoryError
    from nodrug_cli.ledger.findings import ERROR
    from nodrug_cli.ledger.workbook import Unreadable
    from nodrug_cli.outputs import OutputRefused, check_output
    from nodrug_cli.render.score import assessment_json, render_rich, render_table
    from nodrug_cli.scoring import score_ledger
    from nodrug_cli.standards.load import StandardError, load_standard

    try:
        rubric = load_standard(standard)
        if output is not None:
            check_output(output, force, inputs=(ledger,), suffixes=XLSX)
        history = _history(db) if record or db is not None else None
        try:
            read, assessment = score_ledger(ledger, rubric, env.today, as_of=cutoff, year=year, opening=opening,
                                            last_year=_last_year(history))
            if record:
                _record(history, assessment, read, ledger, review)
        finally:
            if history is not None:
                history.close()
    except HistoryError as exc:
        raise fail(env, str(exc), str(exc)) from None
    except StandardError as exc:
        raise fail(env, exc.message("zh"), exc.message("en")) from None
    except OutputRefused as exc:
        raise fail(env, exc.message("zh"), exc.message("en")) from None
    except Unreadable as exc:
        raise fail(env, f"无法读取 {ledger}：{exc.message('zh')}", f"cannot read {ledger}: {exc.message('en')}") from None
    if output is not None:
        from nodrug_cli.render.assessment_xlsx import write_assessment

        try:
            write_assessment(assessment, output, full_pii=full_pii, lang=env.lang)
        except OutputRefused as exc:
            raise fail(env, exc.message("zh"), exc.message("en")) from None
    if fmt == "json":
        print(jsonout.dumps(assessment_json(assessment, full_pii, env.lang)), file=env.stdout)
    elif fmt == "md" or not env.is_terminal:
        render_table(assessment, env.stdout, fmt, env.lang, full_pii)
    else:
        render_rich(assessment, env.stdout, env.lang, full_pii)
    if output is not None and fmt != "json":
        print(env.say(f"考评表已写入：{output}", f"assessment workbook written: {output}"), file=env.stdout)
    has_errors = any(f.severity == ERROR for f in assessment.findings)
    failed = check and not assessment.passed
    raise typer.Exit(int(ExitCode.FINDINGS if has_errors or failed else ExitCode.OK))


def _history(db: Path | None):
    from nodrug_cli.history.store import History

    return History(db)


def _last_year(history):
    """History's stored counts of last year for the ledger's community (None without a history database)."""
    if history is None:
        return None
    from nodrug_cli.history.yoy import from_history

    return from_history(history)


def _record(history, assessment, read, ledger: Path, review: bool) -> None:
    """Store the assessment: the year's review when --review or as of 31 December, else an interim check."""
    from nodrug_cli.batch import is_review, outcome_of, to_record

    history.record([to_record(outcome_of(assessment, read.info, str(ledger)), assessment.standard.name,
                              is_review(assessment.as_of, assessment.year, review))])
