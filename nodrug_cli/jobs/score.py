"""`score` as a library call: read one ledger, score it against its standard, optionally record it in history."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nodrug_cli.exitcodes import ExitCode
from nodrug_cli.jobs import LedgerSettings


@dataclass(frozen=True)
class ScoreSettings(LedgerSettings):
    ledger: Path
    year: int | None = None
    output: Path | None = None  # the assessment workbook: checked here, written by the renderer
    force: bool = False
    check: bool = False  # a failed verdict is exit 1
    full_pii: bool = False
    record: bool = False
    review: bool = False  # with record: this run is the year's review
    db: Path | None = None


@dataclass
class ScoreResult:
    ledger: object  # ledger.read.Ledger
    assessment: object  # standards.engine.Assessment
    code: ExitCode  # 1 when the ledger has errors, or with `check` a failed verdict


def score(s: ScoreSettings) -> ScoreResult:
    """Score `s.ledger`; an unusable ledger, standard, output or history database raises JobError."""
    from nodrug_cli.jobs import JobError, existing_db, refused
    from nodrug_cli.ledger.workbook import Opening

    if s.db is not None and not s.record:  # only read: last year's new users
        existing_db(s.db)
    opening = Opening(s.ledger, s.max_size)  # the ledger is read while the rest is imported and the standard loaded

    from nodrug_cli.history.store import History, HistoryError
    from nodrug_cli.ledger.findings import ERROR
    from nodrug_cli.ledger.workbook import Unreadable
    from nodrug_cli.outputs import XLSX, OutputRefused, check_output
    from nodrug_cli.standards.load import StandardError, load_standard
    from nodrug_cli.standards.scoring import score_ledger

    try:
        rubric = load_standard(s.standard)
        if s.output is not None:
            check_output(s.output, s.force, inputs=(s.ledger,), suffixes=XLSX)
        history = History(s.db) if s.record or s.db is not None else None
        try:
            read, assessment = score_ledger(s.ledger, rubric, s.today, as_of=s.as_of, year=s.year, opening=opening,
                                            last_year=_last_year(history))
            if s.record:
                _record(history, assessment, read, s.ledger, s.review)
        finally:
            if history is not None:
                history.close()
    except (HistoryError, StandardError, OutputRefused) as exc:
        raise refused(exc) from None
    except Unreadable as exc:
        raise JobError(f"无法读取 {s.ledger}：{exc.message('zh')}", f"cannot read {s.ledger}: {exc.message('en')}") from None
    has_errors = any(f.severity == ERROR for f in assessment.findings)
    failed = s.check and not assessment.passed
    return ScoreResult(read, assessment, ExitCode.FINDINGS if has_errors or failed else ExitCode.OK)


def _last_year(history):
    """History's stored counts of last year for the ledger's community (None without a history database)."""
    if history is None:
        return None
    from nodrug_cli.history.yoy import from_history

    return from_history(history)


def _record(history, assessment, read, ledger: Path, review: bool) -> None:
    """Store the assessment: the year's review when `review` or as of 31 December, else an interim check."""
    from nodrug_cli.batch.outcome import is_review, outcome_of, to_record

    history.record([to_record(outcome_of(assessment, read.info, str(ledger)), assessment.standard.name,
                              is_review(assessment.as_of, assessment.year, review))])
