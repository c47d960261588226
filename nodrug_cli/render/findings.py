"""The validation report: rich tables on a terminal, plain text when piped (cron mails it)."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from nodrug_cli.ledger.findings import ERROR, Finding
from nodrug_cli.ledger.read import show
from nodrug_cli.privacy import mask
from nodrug_cli.render import words as say
from nodrug_cli.render.words import Words
from nodrug_cli.ledger.check import FileCheck


def _w(lang: str) -> Words:
    return Words(lang, section="validate")


def summary_line(results: list[FileCheck], lang: str) -> str:
    """`3 个错误，5 个警告，共检查 4 张表 1,234 行`."""
    findings = [f for r in results for f in r.findings]
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = len(findings) - errors
    sheets = sum(len(r.ledger.tables) for r in results if r.ledger)
    rows = sum(r.ledger.rows_checked for r in results if r.ledger)
    return _w(lang)("summary", errors=errors, warnings=warnings, sheets=sheets, rows=rows)


def _groups(result: FileCheck) -> list[tuple[str | None, list[Finding]]]:
    """Findings grouped by sheet (workbook-level first, then sheets in workbook order), errors first within."""
    order = {t.name: i for i, t in enumerate(result.ledger.tables.values())} if result.ledger else {}
    ranked = sorted(result.findings, key=lambda f: (
        -1 if f.sheet is None else order.get(f.sheet, len(order)), f.severity != ERROR, f.row or 0, f.column or "",
    ))
    return [(sheet, list(items)) for sheet, items in groupby(ranked, key=lambda f: f.sheet)]


def _value(f: Finding, masked: bool) -> object:
    return show(mask(f.value, f.value_kind) if masked else f.value)


def _absent_line(result: FileCheck, lang: str) -> str | None:
    absent = result.absent_sheets()
    ledger = result.ledger
    unusable = [say.sheet_lacks(ledger, k, lang) for k in ledger.unusable] if ledger else []
    w = _w(lang)
    lines = []
    if absent:
        lines.append(w("absent", w("list_sep").join(absent)))
    if unusable:
        lines.append(w("unusable", w("clause_sep").join(unusable)))
    return "\n".join(lines) or None


def _sheet_title(result: FileCheck, sheet: str | None, lang: str) -> str:
    w = _w(lang)
    if sheet is None:
        return w("workbook")
    for table in result.ledger.tables.values():
        if table.name == sheet:
            return w("rows", sheet=sheet, rows=len(result.ledger.frames[table.key]))
    return sheet


def finding_line(f: Finding, lang: str, masked: bool) -> str:
    """One finding on one line: `错误 尿检记录!C5 检测日期＝2025-02-30：…。修改：…`."""
    w = _w(lang)
    value = _value(f, masked)
    where = " ".join(p for p in (f.cell, f.header if f.cell else None) if p)
    shown = w("shown", value) if value is not None and f.cell else ""
    return w("line", severity=w.table("severity")[f.severity], where=f" {where}" if where else "", shown=shown,
             message=f.message(lang, value), hint=f.hint(lang))


def render_plain(results: list[FileCheck], lang: str, masked: bool, out: TextIO) -> None:
    """Plain text: one line per finding, grouped by sheet, short enough for a cron mail."""
    w = _w(lang)
    for result in results:
        print(f"== {result.path} ==", file=out)
        if result.error:
            print(w("unreadable", result.error.message(lang)), file=out)
            continue
        for sheet, items in _groups(result):
            print(_sheet_title(result, sheet, lang), file=out)
            for f in items:
                print("  " + finding_line(f, lang, masked), file=out)
        print(summary_line([result], lang), file=out)
        absent = _absent_line(result, lang)
        if absent:
            print(absent, file=out)
    if len(results) > 1:
        print(w("total", summary_line(results, lang)), file=out)


def render_rich(results: list[FileCheck], lang: str, out: TextIO) -> None:
    """A rich table per sheet on a terminal; values are shown whole (the clerk's own screen)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False)
    w = _w(lang)
    words = w.table("severity")
    heads = w.table("header")
    for result in results:
        console.rule(f"[bold]{result.path}")
        if result.error:
            console.print(f"[red]{w('unreadable', result.error.message(lang))}")
            continue
        if not result.findings:
            console.print("[green]" + w("clean"))
        for sheet, items in _groups(result):
            table = Table(title=_sheet_title(result, sheet, lang), title_justify="left", show_lines=False, expand=True)
            for i, head in enumerate(heads):  # cell and value stay whole: a clerk types them into Excel
                table.add_column(head, overflow="fold", no_wrap=i in (1, 3))
            for f in items:
                value = _value(f, masked=False)
                style = "red" if f.severity == ERROR else "yellow"
                table.add_row(f"[{style}]{words[f.severity]}", f.cell or "", f.header if f.cell else "",
                              "" if value is None else str(value), f.message(lang, value), f.hint(lang))
            console.print(table)
        console.print(summary_line([result], lang))
        absent = _absent_line(result, lang)
        if absent:
            console.print(f"[dim]{absent}")
    if len(results) > 1:
        console.print(w("total", summary_line(results, lang)))
