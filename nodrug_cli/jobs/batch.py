"""`batch` as a library call: a town's ledgers scored in worker processes, ranked, rolled up, recorded in
history, sanctions carried forward."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from nodrug_cli.exitcodes import ExitCode
from nodrug_cli.jobs import LedgerSettings


@dataclass(frozen=True)
class BatchSettings(LedgerSettings):
    paths: tuple[str, ...]
    year: int | None = None
    jobs: int | None = None  # worker processes (None: the CPUs)
    output: Path | None = None  # the summary workbook: checked here, written by the renderer
    force: bool = False
    db: Path | None = None
    no_history: bool = False
    review: bool = False


class Watch:
    """What a batch tells as it goes (the skin words it; a library caller may ignore it): paths that hold no
    ledger, the start of scoring, each ledger scored, the end of scoring, each workbook skipped as no ledger."""

    def missing(self, path: str) -> None: ...
    def started(self, total: int) -> None: ...
    def scored(self, outcome) -> None: ...
    def finished(self) -> None: ...
    def skipped(self, outcome) -> None: ...


@dataclass
class BatchResult:
    report: object  # batch.outcome.BatchReport
    skipped: list = field(default_factory=list)  # the LedgerOutcomes of workbooks that are not ledgers
    missing: list[str] = field(default_factory=list)  # paths named that hold no ledger
    code: ExitCode = ExitCode.OK


NO_FILES = ("没有找到任何台账文件（.xlsx .xlsm .xls .ods）", "no ledger files found")
NO_LEDGER = ("没有找到任何台账：这些工作簿都没有“社区概况”和“吸毒人员”工作表", "no ledger found")


def batch(s: BatchSettings, watch: Watch | None = None) -> BatchResult:
    """Score, rank, roll up and record every ledger under `s.paths`. Raises JobError for unusable input; a
    Ctrl-C or SIGTERM while scoring ends the run before anything is recorded or written."""
    from nodrug_cli.batch.discovery import SCORED
    from nodrug_cli.batch.outcome import BatchReport, is_review, score_all, sorted_outcomes
    from nodrug_cli.batch.rollup import rank_ledgers, rollup
    from nodrug_cli.history.store import History, HistoryError
    from nodrug_cli.jobs import JobError, refused, standard_and_ledgers
    from nodrug_cli.outputs import XLSX

    watch = watch or Watch()
    rubric, files, nothing = standard_and_ledgers(s.standard, s.paths, s.output, s.force, XLSX)
    missing = [f for f in files if not os.path.lexists(f)]  # a mistyped file or folder name
    files = [f for f in files if f not in missing]
    for given in [*nothing, *missing]:
        watch.missing(str(given))
    if not files:
        raise JobError(*NO_FILES)
    try:
        last_year = None if s.no_history else _last_year(s.db)
    except HistoryError as exc:
        raise refused(exc) from None
    watch.started(len(files))
    try:
        outcomes = score_all(files, s.standard, s.today, s.as_of, s.year, s.jobs or os.cpu_count() or 1,
                             progress=watch.scored, max_inflated=s.max_size, last_year=last_year)
    finally:
        watch.finished()
    skipped = [o for o in outcomes if o.status == "not_ledger"]
    outcomes = [o for o in outcomes if o.status != "not_ledger"]
    for o in skipped:
        watch.skipped(o)
    if not outcomes:
        raise JobError(*NO_LEDGER)
    scored = [o for o in outcomes if o.status in SCORED]
    report_year = s.year or (Counter(o.year for o in scored).most_common(1)[0][0] if scored
                             else (s.as_of or s.today).year)
    reviewed = [s.review or is_review(dt.date.fromisoformat(o.as_of), o.year) for o in scored]
    try:
        sanctions = _sanctions(scored, rubric, report_year, None if s.no_history else History(s.db), reviewed)
    except HistoryError as exc:
        raise refused(exc) from None
    towns, overall = rollup(outcomes, rubric, report_year)
    ordered = sorted_outcomes(outcomes)
    rank_ledgers(ordered)
    report = BatchReport(report_year, {"name": rubric.name, "title": rubric.title, "source": rubric.source,
                                       "sanctions": rubric.sanctions.model_dump()},
                         ordered, towns, overall, sanctions, all(reviewed))
    bad = missing or any(o.status != "ok" for o in outcomes)
    return BatchResult(report, skipped, [str(m) for m in missing], ExitCode.FINDINGS if bad else ExitCode.OK)


def _last_year(db):
    """History's stored counts, read once before scoring and handed to every worker."""
    from nodrug_cli.history.store import History
    from nodrug_cli.history.yoy import from_history

    with History(db) as history:
        return from_history(history)


def _sanctions(scored, rubric, year: int, history, reviewed: list[bool]) -> list[dict]:
    """Record this batch in history (unless none) and work out each community's sanction for `year`.

    A review moves the ladder (replayed from the stored reviews and spot checks); an interim check is stored
    apart and shows the sanction that would follow, marked provisional.
    """
    from nodrug_cli.batch.outcome import to_record
    from nodrug_cli.history.sanctions import provisional, replay

    records = [to_record(o, rubric.name, review) for o, review in zip(scored, reviewed)]
    checks = []
    if history is not None:
        with history:
            history.record(records)
            stored = history.assessments(standard=rubric.name)
            checks = history.draws(standard=rubric.name)
    else:
        stored = records
    out = []
    for o, mine_now in zip(scored, records):
        unit = (o.town or "", o.community)
        mine = [r for r in stored if (r.town, r.community) == unit and r.year <= year]
        spot = [c for c in checks if (c.town, c.community) == unit]
        if mine_now.review:
            steps = [s for s in replay(mine, rubric.sanctions, spot) if s.year == year and s.event == "review"]
            step = steps[-1] if steps else None
        else:
            step = provisional([r for r in mine if r.review], mine_now, rubric.sanctions, spot)
        if step is not None:
            out.append({"community": o.community, "town": o.town, "year": year, "event": step.event,
                        "action": step.action, "provisional": step.provisional, "accountability": step.accountability})
    return sorted(out, key=lambda s: (s["town"] or "", s["community"]))
