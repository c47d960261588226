"""`nodrug batch` as a library: find a town's ledgers, score them in worker processes, roll them up.

Workers return plain, picklable `LedgerOutcome`s; only the main process writes history and files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from nodrug_cli.discovery import (BATCH_SUFFIXES, NOT_A_LEDGER, SCORED, find_ledgers, mark_duplicates,  # noqa: F401
                                  not_a_ledger)

KEY_INDICATORS = ("current_users", "new_users", "control_rate", "urinalysis_rate", "on_schedule_test_rate", "help_rate",
                  "event_months_met", "awareness_rate.总体")


@dataclass
class LedgerOutcome:
    """One ledger's row in the summary (plain data, so it crosses process boundaries)."""

    path: str
    status: str  # ok | invalid (scored) | unreadable | failed | duplicate | not_ledger (see discovery.SCORED)
    reason: str | None = None
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


def score_one(path: str, standard_ref: str | None, today: dt.date, as_of: dt.date | None, year: int | None,
              max_inflated: int | None = None) -> LedgerOutcome:
    """Read and score one ledger (runs in a worker process); never raises for a bad ledger."""
    from nodrug_cli.ledger.read import read_ledger
    from nodrug_cli.ledger.workbook import Unreadable
    from nodrug_cli.standards.engine import assess
    from nodrug_cli.standards.load import load_standard

    try:
        ledger = read_ledger(path, today, as_of=as_of, year=year, max_inflated=max_inflated)
    except Unreadable as exc:
        return LedgerOutcome(path=path, status="unreadable", reason=exc.message("zh"))
    if not_a_ledger(ledger.findings):
        return LedgerOutcome(path=path, status="not_ledger", reason=NOT_A_LEDGER)
    return outcome_of(assess(ledger, load_standard(standard_ref)), ledger.info, path)


def outcome_of(a, info: dict, path: str) -> LedgerOutcome:
    """The summary row of one assessment (what batch shows and history stores)."""
    from nodrug_cli.ledger.findings import ERROR

    errors = sum(1 for f in a.findings if f.severity == ERROR)
    ranks = [g.name for g in a.standard.ordered_grades()]
    return LedgerOutcome(
        path=path, status="invalid" if errors else "ok", reason=f"台账有 {errors} 个错误" if errors else None,
        community=a.community, town=a.town, year=a.year, as_of=a.as_of.isoformat(), total=a.total, grade=a.grade,
        grade_passed=not a.vetoed and ranks.index(a.grade) <= ranks.index(a.standard.pass_grade), passed=a.passed,
        drug_free=a.drug_free_passed, vetoed=a.vetoed,
        failed_criteria=[f"{c.id} {c.title}" for c in a.criteria if not c.passed] if not a.drug_free_outright else [],
        errors=errors, warnings=len(a.findings) - errors,
        indicators={k: {"value": v.value, "numerator": v.numerator, "denominator": v.denominator, "status": v.status}
                    for k, v in a.indicators.values.items()},
        plaque_declared=info.get("是否已授牌"),
        sha256=hashlib.sha256(Path(path).read_bytes()).hexdigest(),
    )


def score_all(paths: list[Path], standard_ref: str | None, today: dt.date, as_of: dt.date | None, year: int | None,
              jobs: int, progress: Callable[[LedgerOutcome], None] | None = None,
              max_inflated: int | None = None) -> list[LedgerOutcome]:
    """Score every ledger, `jobs` at a time in worker processes (1: in this process). Order follows `paths`.

    Anything that goes wrong with one ledger (unreadable, a crash, a worker that dies) is that ledger's row
    (`workers`); two ledgers of the same community are both marked `duplicate` (`mark_duplicates`).
    """
    from nodrug_cli.workers import score_all as run

    args = [(str(p), standard_ref, today, as_of, year, max_inflated) for p in paths]
    return mark_duplicates(run(args, jobs, progress))


@dataclass
class Rollup:
    """One town's (or the whole batch's) figures against the year's targets."""

    town: str
    communities: int
    drug_free: int
    drug_free_rate: float | None
    passed: int
    pass_rate: float | None
    target_drug_free_rate: float | None
    target_pass_rate: float | None

    @property
    def target(self) -> float | None:
        """The headline target: the 无毒 rate's when the standard sets one, else the pass rate's."""
        return self.target_drug_free_rate if self.target_drug_free_rate is not None else self.target_pass_rate


def rollup(outcomes: list[LedgerOutcome], targets: dict[str, dict[int, float]], year: int) -> tuple[list[Rollup], Rollup]:
    """Per town and overall: communities scored, 无毒 count and rate, pass count and rate, against targets."""
    scored = [o for o in outcomes if o.status in SCORED]
    towns: dict[str, list[LedgerOutcome]] = {}
    for o in scored:
        towns.setdefault(o.town or "（未填镇街）", []).append(o)
    dfr = targets.get("drug_free_rate", {}).get(year)
    pr = targets.get("pass_rate", {}).get(year)

    def figures(name: str, group: list[LedgerOutcome]) -> Rollup:
        n = len(group)
        free = sum(1 for o in group if o.drug_free)
        ok = sum(1 for o in group if o.grade_passed)
        return Rollup(name, n, free, free / n if n else None, ok, ok / n if n else None, dfr, pr)

    return [figures(t, g) for t, g in sorted(towns.items())], figures("合计", scored)


def sorted_outcomes(outcomes: list[LedgerOutcome]) -> list[LedgerOutcome]:
    """By town, then score (highest first); rows that were not scored (unreadable, failed, duplicate) last."""
    return sorted(outcomes, key=lambda o: (o.status not in SCORED, o.town or "", -(o.total or 0), o.community or "",
                                           o.path))


def spot_check_count(rate: float, holders: int) -> int:
    """⌈rate × holders⌉, at least one when any unit holds the title."""
    return 0 if holders == 0 else max(1, math.ceil(rate * holders - 1e-9))


def to_record(o: LedgerOutcome, standard: str):
    """A scored outcome as the row the history database keeps."""
    from nodrug_cli.history.store import AssessmentRecord

    return AssessmentRecord(
        town=o.town or "", community=o.community, year=o.year, standard=standard, as_of=o.as_of, total=o.total,
        grade=o.grade, passed=bool(o.passed), grade_passed=bool(o.grade_passed), drug_free=bool(o.drug_free),
        vetoed=bool(o.vetoed), plaque_declared=o.plaque_declared, errors=o.errors, indicators=o.indicators,
        ledger_path=o.path, ledger_sha256=o.sha256)


@dataclass
class BatchReport:
    """Everything a batch run produced: rows, roll-ups, sanctions."""

    year: int
    standard: dict  # name, title, source
    outcomes: list[LedgerOutcome]  # sorted by town, then score
    towns: list[Rollup]
    overall: Rollup
    sanctions: list[dict]  # {"community", "town", "year", "action"}

    def to_json(self) -> dict:
        """The one object `nodrug batch --format json` prints."""
        def rate(x):
            return None if x is None else x

        return {
            "year": self.year,
            "standard": self.standard,
            "ledgers": [{"path": o.path, "community": o.community, "town": o.town, "status": o.status,
                         "reason": o.reason, "total": o.total, "grade": o.grade, "drug_free": o.drug_free,
                         "errors": o.errors, "warnings": o.warnings} for o in self.outcomes],
            "towns": [{"town": t.town, "communities": t.communities, "drug_free": t.drug_free,
                       "drug_free_rate": rate(t.drug_free_rate), "pass_rate": rate(t.pass_rate), "target": t.target}
                      for t in [*self.towns, self.overall]],
            "sanctions": [{"community": s["community"], "town": s["town"], "year": s["year"], "action": s["action"]}
                          for s in self.sanctions],
        }


def outcome_dict(o: LedgerOutcome) -> dict:
    return asdict(o)
