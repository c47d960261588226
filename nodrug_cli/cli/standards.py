"""`nodrug standards list|show`: the built-in standards, and their YAML to copy and edit."""

from __future__ import annotations


import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, Format, fail
from nodrug_cli.cli.zh import chinese_app

app = chinese_app(help="内置考核标准：列出、查看（复制后可修改，用 --standard 文件名 使用）。", no_args_is_help=True)


@app.command("list")
def list_command(format: Format = typer.Option(Format.text, "--format", metavar="text|json",
                                              help="输出格式：text 或 json")) -> None:
    """列出内置考核标准。"""
    from nodrug_cli.standards.load import builtin_names, load_standard

    rows = [load_standard(n) for n in builtin_names()]
    if format == Format.json:
        print(jsonout.dumps([{"name": s.name, "title": s.title, "source": s.source} for s in rows]))
        return
    from nodrug_cli.render.history import standards_text

    print(standards_text(rows), end="")


@app.command("show")
def show_command(name: str = typer.Argument(..., metavar="NAME", help="标准名称")) -> None:
    """打印标准的 YAML 原文（nodrug standards show NAME > 我的标准.yaml，修改后用 --standard 我的标准.yaml）。"""
    from nodrug_cli.standards.load import StandardError, builtin_text

    env = Env()
    try:
        print(builtin_text(name), end="")
    except StandardError as exc:
        raise fail(env, exc.message("zh"), exc.message("en")) from None
