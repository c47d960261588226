"""The `nodrug` command: a typer app whose commands live one per module and import lazily."""

from __future__ import annotations

import typer

from nodrug_cli import __version__
from nodrug_cli.cli import batch, history, remind, sample, score, standards, template, validate

app = typer.Typer(
    name="nodrug",
    help="无毒村（社区）创建台账工具：检查台账、计算指标、考评打分、批量汇总、到期提醒。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"nodrug {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本号并退出"),
) -> None:
    """无毒村（社区）创建台账工具。"""


app.command("validate")(validate.command)
app.command("template")(template.command)
app.command("score")(score.command)
app.command("batch")(batch.command)
app.command("history")(history.command)
app.command("sample")(sample.command)
app.command("remind")(remind.command)
app.add_typer(standards.app, name="standards")


def main() -> None:
    """Console-script entry point."""
    app()
