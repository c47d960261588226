"""`nodrug template`: write the blank ledger workbook generated from the sheet declaration."""

from __future__ import annotations

from pathlib import Path

import typer

from nodrug_cli.cli.common import XLSX, Env, Lang, fail
from nodrug_cli.exitcodes import ExitCode


def command(
    output: Path = typer.Option(..., "-o", "--output", help="要写入的空白台账文件（.xlsx）", show_default=False,
                                metavar="FILE.xlsx"),
    force: bool = typer.Option(False, "--force", help="文件已存在时覆盖"),
    standard: str = typer.Option(None, "--standard", metavar="NAME|FILE",
                                 help="自查项目表只列此考核标准的项目（默认：列出全部内置标准的项目）"),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="语言：zh 或 en"),
) -> None:
    """生成空白台账模板：各工作表的表头、下拉选项、日期格式、自查项目和“填表说明”。"""
    run(output, force, Env(lang=lang.value), standard)


def run(output: Path, force: bool, env: Env, standard: str | None = None) -> None:
    """Write the template to `output` atomically; refusals and an unknown standard exit 2."""
    from nodrug_cli.outputs import OutputRefused, check_output
    from nodrug_cli.render.template_xlsx import template_rows, write_template
    from nodrug_cli.standards.load import StandardError, load_standard

    try:
        rows = template_rows(load_standard(standard) if standard is not None else None)
        check_output(output, force, suffixes=XLSX)
        write_template(output, rows)
    except (OutputRefused, StandardError) as exc:
        raise fail(env, exc.message("zh"), exc.message("en")) from None
    print(env.say(f"已写入空白台账模板：{output}", f"blank ledger template written: {output}"), file=env.stdout)
    raise typer.Exit(int(ExitCode.OK))
