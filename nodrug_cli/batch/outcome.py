"""Each ledger's row in a batch (`LedgerOutcome`), scoring many ledgers into rows, and the batch report.

Workers return plain, picklable `LedgerOutcome`s; only the main process writes history and files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from nodrug_cli.batch.discovery import NOT_A_LEDGER, SCORED, mark_duplicates, not_a_ledger
from nodrug_cli.said import Said

KEY_INDICATORS = ("current_users", "new_users", "control_rate", "urinalysis_rate", "on_schedule_test_rate", "help_rate",
                  "event_months_met", "awareness_rate.总体")


@dataclass
class LedgerOutcome:
    """One ledger's row in the summary (plain data, so it crosses process boundaries)."""

    path: str
    status: str  # ok | invalid (scored) | unreadable | failed | duplicate | not_ledger (see batch.discovery.SCORED)
    reason: Said | None = None  # why the row is not clean, as data (render.batch.ledger_reason words it)
    community: str | None = None
    town: str | None = None
    year: int | None = None
    as_of: str | None = None
    total: float | None = None
    grade: str | None = None
    grade_passed: bool | None = None
    passed: bool | None = None
    drug_free: bool | None = None
    vetoed: bool | None = None
    failed_criteria: list[str] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    indicators: dict = field(default_factory=dict)
    plaque_declared: bool | None = None
    sha256: str | None = None
    rank: int | None = None  # competition rank by score within the town (batch.rollup.rank_ledgers)


def score_one(path: str, standard_ref: str | None, today: dt.date, as_of: dt.date | None, year: int | None,
              max_inflated: int | None = None, last_year=None) -> LedgerOutcome:
    """Read and score one ledger (runs in a worker process); never raises for a bad ledger.

    `last_year`: history's stored counts (a `history.yoy.LastYear`), filled in before scoring.
    """
    from nodrug_cli.ledger.workbook import Unreadable
    from nodrug_cli.standards.scoring import score_ledger
    from nodrug_cli.standards.load import load_standard

    try:
        ledger, assessment = score_ledger(path, load_standard(standard_ref), today, as_of=as_of, year=year,
                                          last_year=last_year, max_inflated=max_inflated)
    except Unreadable as exc:
        return LedgerOutcome(path=path, status="unreadable", reason=Said("batch.reason.unreadable", reason=exc.reason, detail=exc.detail))
    if not_a_ledger(ledger.findings):
        return LedgerOutcome(path=path, status="not_ledger", reason=NOT_A_LEDGER)
    return outcome_of(assessment, ledger.info, path)


def outcome_of(a, info: dict, path: str) -> LedgerOutcome:
    """The summary row of one assessment (what batch shows and history stores)."""
    from nodrug_cli.ledger.findings import ERROR

    errors = sum(1 for f in a.findings if f.severity == ERROR)
    return LedgerOutcome(
        path=path, status="invalid" if errors else "ok", reason=Said("batch.reason.errors", count=errors) if errors else None,
        community=a.community, town=a.town, year=a.year, as_of=a.as_of.isoformat(), total=a.total, grade=a.grade,
        grade_passed=a.grade_passed, passed=a.passed,
        drug_free=a.drug_free_passed and a.passed, vetoed=a.vetoed,  # §7: 无毒 counts only with a passed verdict
        failed_criteria=[f"{c.id} {c.title}" for c in a.criteria if not c.passed] if not a.drug_free_outright else [],
        errors=errors, warnings=len(a.findings) - errors,
        indicators={k: _stored(v) for k, v in a.indicators.values.items()},
        plaque_declared=info.get("是否已授牌"),
        sha256=hashlib.sha256(Path(path).read_bytes()).hexdigest(),
    )


def _stored(v) -> dict:
    """An indicator as batch and history keep it: value, numerator, denominator, status, and its plain extras
    (numbers and words, not lists), so towns can pool the counts items score (漏检人次, last year's count…)."""
    extra = v.plain_extra()
    return {"value": v.value, "numerator": v.numerator, "denominator": v.denominator, "status": v.status,
            **({"extra": extra} if extra else {})}


def score_all(paths: list[Path], standard_ref: str | None, today: dt.date, as_of: dt.date | None, year: int | None,
              jobs: int, progress: Callable[[LedgerOutcome], None] | None = None,
              max_inflated: int | None = None, last_year=None) -> list[LedgerOutcome]:
    """Score every ledger, `jobs` at a time in worker processes (1: in this process). Order follows `paths`.

    Anything that goes wrong with one ledger (unreadable, a crash, a worker that dies) is that ledger's row
    (`workers`); two ledgers of the same community are both marked `duplicate` (`mark_duplicates`).
    """
    from nodrug_cli.batch.workers import score_all as run

    args = [(str(p), standard_ref, today, as_of, year, max_inflated, last_year) for p in paths]
    return mark_duplicates(run(args, jobs, progress))



def is_review(as_of: dt.date, year: int, marked: bool = False) -> bool:
    """The year's review moves the sanction ladder: as of 31 December of the year, or marked `--review`."""
    return marked or as_of == dt.date(year, 12, 31)


def sorted_outcomes(outcomes: list[LedgerOutcome]) -> list[LedgerOutcome]:
    """By town, then score (highest first); rows that were not scored (unreadable, failed, duplicate) last."""
    return sorted(outcomes, key=lambda o: (o.status not in SCORED, o.town or "", -(o.total or 0), o.community or "",
                                           o.path))


def to_record(o: LedgerOutcome, standard: str, review: bool = True):
    """A scored outcome as the row the history database keeps (the year's review, or an interim check)."""
    from nodrug_cli.history.store import AssessmentRecord

    return AssessmentRecord(
        town=o.town or "", community=o.community, year=o.year, standard=standard, as_of=o.as_of, total=o.total,
        grade=o.grade, passed=bool(o.passed), grade_passed=bool(o.grade_passed), drug_free=bool(o.drug_free),
        vetoed=bool(o.vetoed), plaque_declared=o.plaque_declared, errors=o.errors, indicators=o.indicators,
        ledger_path=o.path, ledger_sha256=o.sha256, review=review)


@dataclass
class BatchReport:
    """Everything a batch run produced: rows, roll-ups, sanctions."""

    year: int
    standard: dict  # name, title, source, sanctions (the ladder as data)
    outcomes: list[LedgerOutcome]  # sorted by town, then score; ranked within the town
    towns: list  # rollup.TownResult
    overall: object  # rollup.CountyResult
    sanctions: list[dict]  # {"community", "town", "year", "event", "action", "provisional", "accountability"}
    review: bool = True  # the year's review; False: an interim check (sanctions provisional, ladder untouched)

    def to_json(self) -> dict:
        """The one object `nodrug batch --format json` prints."""
        return {
            "year": self.year,
            "review": self.review,
            "standard": self.standard,
            "ledgers": [{"path": o.path, "community": o.community, "town": o.town, "status": o.status,
                         "reason": o.reason, "rank": o.rank, "total": o.total, "grade": o.grade, "passed": o.passed,
                         "drug_free": o.drug_free, "errors": o.errors, "warnings": o.warnings,
                         "indicators": {k: o.indicators[k] for k in KEY_INDICATORS if k in o.indicators}}
                        for o in self.outcomes],
            "towns": [{k: v for k, v in asdict(t).items()} for t in self.towns],
            "county": self.overall.to_json(),
            "sanctions": [{k: s.get(k) for k in SANCTION_KEYS} for s in self.sanctions],
        }


SANCTION_KEYS = ("community", "town", "year", "event", "action", "provisional", "accountability")
