"""`nodrug validate`: check ledgers and say, cell by cell, what will break the review."""

from __future__ import annotations

from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, Format, Lang, fail, parse_date_option, parse_size_option


def command(
    ledgers: list[Path] = typer.Argument(..., help="台账文件（.xlsx .xlsm .xls .ods .csv），可多个", show_default=False, readable=False,
                                       metavar="LEDGER"),
    format: Format = typer.Option(Format.text, "--format", help="输出格式：text（终端表格/纯文本）或 json"),
    strict: bool = typer.Option(False, "--strict", help="警告也算不通过（退出码 1）"),
    as_of: str = typer.Option(None, "--as-of", metavar="DATE", help="评估截止日（默认：今天与评估年度 12 月 31 日中较早者）"),
    standard: str = typer.Option(None, "--standard", metavar="NAME|FILE",
                                 help="自查项目按此考核标准核对项目名称（默认 boumei-2023）"),
    max_size: str = typer.Option(None, "--max-size", metavar="SIZE",
                                 help="工作表展开后的大小上限，超过即拒绝读取（默认 4G；如 8G、500M）"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="语言：zh 或 en"),
) -> None:
    """检查台账：逐个单元格指出错误和警告及修改方法。退出码 0 无错误，1 有错误，2 文件无法读取或选项有误。"""
    run(ledgers, format.value, strict, as_of, Env(lang=lang.value), max_size, standard)


def run(ledgers: list[Path], fmt: str, strict: bool, as_of: str | None, env: Env, max_size: str | None = None,
        standard: str | None = None) -> None:
    """Check the files and print the report; raises typer.Exit with the exit code."""
    from nodrug_cli.ledger.workbook import Opening

    cutoff = parse_date_option(env, as_of, "--as-of")
    limit = parse_size_option(env, max_size)
    first = Opening(ledgers[0], limit) if ledgers else None  # read while the rest is imported

    from nodrug_cli.render.findings import render_plain, render_rich
    from nodrug_cli.standards.load import StandardError, load_standard
    from nodrug_cli.validation import check_files, exit_code, to_json

    try:
        rubric = load_standard(standard)
    except StandardError as exc:
        raise fail(env, exc.message("zh"), exc.message("en")) from None
    results = check_files(ledgers, env.today, as_of=cutoff, max_inflated=limit, first=first, standard=rubric)
    masked = not env.is_terminal
    if fmt == "json":
        print(jsonout.dumps(to_json(results, env.lang, masked)), file=env.stdout)
    else:
        for r in results:
            if r.error:  # the one-line message a script's log keeps
                print(env.say(f"无法读取 {r.path}：{r.error.message('zh')}", f"cannot read {r.path}: {r.error.message('en')}"),
                      file=env.stderr)
        readable = [r for r in results if r.ledger]
        if readable and env.is_terminal:
            render_rich(readable, env.lang, env.stdout)
        elif readable:
            render_plain(readable, env.lang, masked, env.stdout)
    raise typer.Exit(int(exit_code(results, strict)))
