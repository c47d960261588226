"""The README cannot drift: its generated sections and its option tables match the code."""

from __future__ import annotations

from pathlib import Path

import typer.main

from nodrug_cli import docs
from nodrug_cli.cli.app import app

README = Path(__file__).resolve().parent.parent / "README.md"


def test_generated_sections_are_current():
    text = README.read_text(encoding="utf-8")
    assert docs.render_readme(text) == text, "run: python -m nodrug_cli.docs"


def test_every_command_and_option_is_documented():
    text = README.read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert f"`nodrug {name}" in text, name
        section = text[text.index(f"### `nodrug {name}`"):]
        section = section[: section.index("\n### ", 1)] if "\n### " in section[1:] else section
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("-") and opt not in ("-h", "--help"):
                    assert f"`{opt}" in section or f"{opt}`" in section or f" {opt}" in section, (name, opt)


def test_readme_names_every_exit_code():
    from nodrug_cli.exitcodes import ExitCode

    text = README.read_text(encoding="utf-8")
    for code in (ExitCode.OK, ExitCode.FINDINGS, ExitCode.UNUSABLE):
        assert f"| {int(code)} |" in text
