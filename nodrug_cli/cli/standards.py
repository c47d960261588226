"""`nodrug standards list|show`: the built-in standards, and their YAML to copy and edit."""

from __future__ import annotations

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, call
from nodrug_cli.cli.options import TEXT_JSON, Lang, format_option, lang_option
from nodrug_cli.cli.zh import chinese_app

app = chinese_app(help="内置考核标准：列出、查看（复制后可修改，用 --standard 文件名 使用）。", no_args_is_help=True)


@app.command("list")
def list_command(format: TEXT_JSON = format_option(TEXT_JSON, "输出格式：text 或 json", metavar="text|json"),
                 lang: Lang = lang_option()) -> None:
    """列出内置考核标准。"""
    from nodrug_cli.jobs.template import standards
    from nodrug_cli.render.history import standards_text

    rows = standards()
    if format.value == "json":
        print(jsonout.dumps([{"name": s.name, "title": s.title, "source": s.source} for s in rows]))
        return
    print(standards_text(rows, lang.value), end="")


@app.command("show")
def show_command(name: str = typer.Argument(..., metavar="NAME", help="标准名称"), lang: Lang = lang_option()) -> None:
    """打印标准的 YAML 原文（nodrug standards show NAME > 我的标准.yaml，修改后用 --standard 我的标准.yaml）。"""
    from nodrug_cli.jobs.template import standard_text

    print(call(Env(lang=lang.value), standard_text, name), end="")
