"""`template` and `standards` as library calls: the blank ledger workbook, the built-in standards."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TemplateSettings:
    output: Path
    force: bool = False
    standard: str | None = None  # list only this standard's checklist items in 自查项目
    lang: str = "zh"


def template(s: TemplateSettings) -> Path:
    """Write the blank ledger workbook to `s.output` atomically; a refused output or unknown standard: JobError."""
    from nodrug_cli.jobs import refused
    from nodrug_cli.outputs import XLSX, OutputRefused, check_output
    from nodrug_cli.render.template_xlsx import template_rows, write_template
    from nodrug_cli.standards.load import StandardError, load_standard

    try:
        rows = template_rows(load_standard(s.standard) if s.standard is not None else None)
        check_output(s.output, s.force, suffixes=XLSX)
        write_template(s.output, rows, lang=s.lang)
    except (OutputRefused, StandardError) as exc:
        raise refused(exc) from None
    return s.output


def standards() -> list:
    """Every built-in standard, loaded."""
    from nodrug_cli.standards.load import builtin_names, load_standard

    return [load_standard(n) for n in builtin_names()]


def standard_text(name: str) -> str:
    """A built-in standard's YAML as shipped; an unknown name: JobError."""
    from nodrug_cli.jobs import load
    from nodrug_cli.standards.load import builtin_text

    return load(name, builtin_text)
