"""`nodrug template`: write the blank ledger workbook generated from the sheet declaration."""

from __future__ import annotations

from pathlib import Path

import typer

from nodrug_cli.cli.common import Env, call
from nodrug_cli.cli.options import Lang, force_option, lang_option, output_option, standard_option
from nodrug_cli.exitcodes import ExitCode
from nodrug_cli.jobs.template import TemplateSettings, template


def command(
    output: Path = output_option("要写入的空白台账文件（.xlsx）", "FILE.xlsx", required=True),
    force: bool = force_option("文件已存在时覆盖"),
    standard: str = standard_option("自查项目表只列此考核标准的项目（默认：列出全部内置标准的项目）"),
    lang: Lang = lang_option(),
) -> None:
    """生成空白台账模板：各工作表的表头、下拉选项、日期格式、自查项目和“填表说明”。"""
    run(TemplateSettings(output, force, standard, lang.value), Env(lang=lang.value))


def run(settings, env: Env) -> None:
    """Write the template; refusals and an unknown standard exit 2."""
    output = call(env, template, settings)
    print(env.word("template.written", output), file=env.stdout)
    raise typer.Exit(int(ExitCode.OK))
