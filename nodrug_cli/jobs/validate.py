"""`validate` as a library call: read each ledger, keep its findings, decide the exit code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from nodrug_cli.exitcodes import ExitCode
from nodrug_cli.jobs import LedgerSettings


@dataclass(frozen=True)
class ValidateSettings(LedgerSettings):  # its standard: whose checklist names the 自查项目 rows are checked against
    ledgers: tuple[Path, ...]
    strict: bool = False  # warnings fail too


@dataclass
class ValidateResult:
    files: list  # ledger.check.FileCheck, one a file
    code: ExitCode


def validate(s: ValidateSettings) -> ValidateResult:
    """Check every ledger of `s`; an unknown standard raises JobError."""
    from nodrug_cli.ledger.workbook import Opening

    first = Opening(s.ledgers[0], s.max_size) if s.ledgers else None  # read while the rest is imported

    from nodrug_cli.jobs import load
    from nodrug_cli.ledger.check import exit_code

    rubric = load(s.standard)
    results = check_files(s.ledgers, s.today, as_of=s.as_of, max_inflated=s.max_size, first=first, standard=rubric)
    return ValidateResult(results, exit_code(results, s.strict))


def check_files(paths: list[Path], today: dt.date, as_of: dt.date | None = None, year: int | None = None,
                max_inflated: int | None = None, first=None, standard=None) -> list:
    """Read and check every ledger; an unreadable one becomes a FileCheck with its error. Each file is opened in
    the background while the one before it is checked; `first` is the first file's `Opening`, already begun. With
    a `standard`, 自查项目 rows that match none of its items are findings too."""
    from nodrug_cli.indicators.reconcile import add_current_list_findings
    from nodrug_cli.ledger.check import FileCheck
    from nodrug_cli.ledger.read import read_ledger
    from nodrug_cli.ledger.workbook import Opening, Unreadable
    from nodrug_cli.standards.engine import checklist_findings

    paths = [Path(p) for p in paths]
    results = []
    opening = first if first is not None or not paths else Opening(paths[0], max_inflated)
    for at, path in enumerate(paths):
        following = Opening(paths[at + 1], max_inflated) if at + 1 < len(paths) else None
        try:
            ledger = add_current_list_findings(read_ledger(path, today, as_of=as_of, year=year, opening=opening))
            against = checklist_findings(ledger, standard) if standard is not None else []
            results.append(FileCheck(path, ledger=ledger, against=against))
        except Unreadable as exc:
            results.append(FileCheck(path, error=exc))
        opening = following
    return results
