"""`nodrug validate` as a library call: read each ledger, keep its findings, decide the exit code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from nodrug_cli.exitcodes import ExitCode
from nodrug_cli.ledger.findings import ERROR, Finding, sort_key
from nodrug_cli.ledger.read import Ledger, read_ledger, show
from nodrug_cli.ledger.schema import Layout, sheet_meta, sheet_schemas
from nodrug_cli.ledger.workbook import Opening, Unreadable
from nodrug_cli.privacy import mask


@dataclass
class FileCheck:
    """One file's outcome: a read ledger, or the reason it could not be read."""

    path: Path
    ledger: Ledger | None = None
    error: Unreadable | None = None
    against: list[Finding] = field(default_factory=list)  # findings against the standard (自查项目 names)

    @property
    def findings(self) -> list[Finding]:
        if not self.ledger:
            return []
        return sorted(self.ledger.findings + self.against, key=sort_key) if self.against else self.ledger.findings

    def absent_sheets(self) -> list[str]:
        """Optional sheets the workbook lacks (their indicators will be "not computable")."""
        if not self.ledger:
            return []
        return [k for k in sheet_schemas() if k not in self.ledger.tables and not sheet_meta(k)["required"]
                and sheet_meta(k)["layout"] != Layout.COMPANION]


def check_files(paths: list[Path], today: dt.date, as_of: dt.date | None = None, year: int | None = None,
                max_inflated: int | None = None, first: Opening | None = None, standard=None) -> list[FileCheck]:
    """Read and check every ledger; an unreadable one becomes a FileCheck with its error. Each file is opened in
    the background while the one before it is checked; `first` is the first file's opening, already begun. With a
    `standard`, 自查项目 rows that match none of its items are findings too."""
    from nodrug_cli.standards.engine import checklist_findings

    paths = [Path(p) for p in paths]
    results = []
    opening = first if first is not None or not paths else Opening(paths[0], max_inflated)
    for at, path in enumerate(paths):
        following = Opening(paths[at + 1], max_inflated) if at + 1 < len(paths) else None
        try:
            ledger = read_ledger(path, today, as_of=as_of, year=year, opening=opening)
            against = checklist_findings(ledger, standard) if standard is not None else []
            results.append(FileCheck(path, ledger=ledger, against=against))
        except Unreadable as exc:
            results.append(FileCheck(path, error=exc))
        opening = following
    return results


def exit_code(results: list[FileCheck], strict: bool = False) -> ExitCode:
    """2 if any file is unreadable, 1 if any has errors (or warnings with `strict`), else 0."""
    if any(r.error for r in results):
        return ExitCode.UNUSABLE
    for r in results:
        if any(f.severity == ERROR or strict for f in r.findings):
            return ExitCode.FINDINGS
    return ExitCode.OK


def finding_dict(f: Finding, lang: str, masked: bool) -> dict:
    """A finding as the JSON of `nodrug validate --format json`."""
    value = mask(f.value, f.value_kind) if masked else f.value
    value = show(value)
    if value is not None and not isinstance(value, (str, int, float, bool)):
        value = str(value)
    return {
        "code": f.code, "severity": f.severity, "sheet": f.sheet, "row": f.row, "column": f.column,
        "header": f.header, "cell": f.cell, "value": value,
        "message": f.message(lang, value), "hint": f.hint(lang),
    }


def to_json(results: list[FileCheck], lang: str = "zh", masked: bool = True) -> dict:
    """The one JSON object `nodrug validate --format json` prints."""
    files = []
    for r in results:
        sheets = {}
        if r.ledger:
            for key, table in r.ledger.tables.items():
                sheets[table.name] = {"kind": key, "rows": len(r.ledger.frames[key]), "header_row": table.header_row}
        files.append({
            "path": str(r.path),
            "readable": r.error is None,
            "error": r.error.message(lang) if r.error else None,
            "sheets": sheets,
            "findings": [finding_dict(f, lang, masked) for f in r.findings],
        })
    errors = sum(1 for r in results for f in r.findings if f.severity == ERROR)
    warnings = sum(1 for r in results for f in r.findings) - errors
    return {"files": files, "summary": {"errors": errors, "warnings": warnings}}
