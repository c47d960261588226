"""What checking ledgers yields: one `FileCheck` a file, the exit code it implies, and its JSON
(`nodrug validate --format json`, and each finding as `score` shows it). Reading is `jobs.validate.check_files`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nodrug_cli.exitcodes import ExitCode
from nodrug_cli.ledger.findings import ERROR, Finding, sort_key
from nodrug_cli.ledger.read import Ledger, show
from nodrug_cli.ledger.columnspec import Layout
from nodrug_cli.ledger.schema import sheet_meta, sheet_schemas
from nodrug_cli.ledger.workbook import Unreadable
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
