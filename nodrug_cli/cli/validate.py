"""`nodrug validate`: check ledgers and say, cell by cell, what will break the review."""

from __future__ import annotations

from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, call
from nodrug_cli.cli.options import TEXT_JSON, as_of_option, format_option, reads_ledgers, standard_option
from nodrug_cli.jobs.validate import ValidateSettings, validate



@reads_ledgers
def command(env: Env, shared: dict,  # not options: see reads_ledgers
    ledgers: list[Path] = typer.Argument(..., help="台账文件（.xlsx .xlsm .xls .ods .csv），可多个", show_default=False, readable=False,
                                       metavar="LEDGER"),
    format: TEXT_JSON = format_option(TEXT_JSON, "输出格式：text（终端表格/纯文本）或 json"),
    strict: bool = typer.Option(False, "--strict", help="警告也算不通过（退出码 1）"),
    as_of: str = as_of_option("评估截止日（默认：今天与评估年度 12 月 31 日中较早者）"),
    standard: str = standard_option("自查项目按此考核标准核对项目名称（默认 boumei-2023）"),
) -> None:
    """检查台账：逐个单元格指出错误和警告及修改方法。退出码 0 无错误，1 有错误，2 文件无法读取或选项有误。"""
    run(ValidateSettings(tuple(ledgers), standard=standard, strict=strict, format=format.value, **shared), env)


def run(settings, env: Env) -> None:
    """Check the files and print the report; raises typer.Exit with the exit code."""
    result = call(env, validate, settings)
    from nodrug_cli.ledger.check import to_json
    from nodrug_cli.render.findings import render_plain, render_rich

    results = result.files
    masked = not env.is_terminal
    if settings.format == "json":
        print(jsonout.dumps(to_json(results, lang=env.lang, masked=masked)), file=env.stdout)
    else:
        for r in results:
            if r.error:  # the one-line message a script's log keeps
                print(env.word("validate.cannot_read", path=r.path, error=r.error.message(env.lang)), file=env.stderr)
        readable = [r for r in results if r.ledger]
        if readable and env.is_terminal:
            render_rich(readable, lang=env.lang, out=env.stdout)
        elif readable:
            render_plain(readable, lang=env.lang, masked=masked, out=env.stdout)
    raise typer.Exit(int(result.code))
