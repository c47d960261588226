"""`history` as a library call: the stored assessments of one community (or all), grouped by community and
standard, with each column's sanction under the standard's ladder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nodrug_cli.exitcodes import ExitCode


@dataclass(frozen=True)
class HistorySettings:
    community: str | None = None
    db: Path | None = None  # must exist: a query never creates one
    format: str = "text"
    lang: str = "zh"


@dataclass(frozen=True)
class LadderCell:
    """One column's sanction: a review's steps ((event, action), a spot check's among them), or an interim
    check's provisional action (None: none would follow)."""

    steps: tuple[tuple[str, str], ...] = ()
    provisional: str | None = None
    review: bool = True


@dataclass
class HistoryGroup:
    town: str
    community: str
    standard: str
    records: list  # history.store.AssessmentRecord, by year, a year's interim check before its review
    ladder: list[LadderCell] | None = None  # None: a user's standard, or one without a ladder


@dataclass
class HistoryResult:
    records: list  # as stored, for --format json
    groups: list[HistoryGroup] = field(default_factory=list)
    unknown: bool = False  # a community was named and has no record (exit 1)
    code: ExitCode = ExitCode.OK


def history(s: HistorySettings) -> HistoryResult:
    """The stored assessments; a missing or unusable database raises JobError."""
    from nodrug_cli.history.store import History, HistoryError
    from nodrug_cli.jobs import existing_db, refused

    path = existing_db(s.db)
    try:
        with History(path) as store:
            records = store.assessments(community=s.community)
            checks = store.draws()
    except HistoryError as exc:
        raise refused(exc) from None
    unknown = bool(s.community and not records)  # a mistyped name is an answer the user must see
    groups: dict[tuple, list] = {}
    for r in records:
        groups.setdefault((r.town, r.community, r.standard), []).append(r)
    out = []
    for (town, name, standard), recs in groups.items():
        recs = sorted(recs, key=lambda r: (r.year, r.review))  # a year's interim check before its review
        mine = [c for c in checks if (c.town, c.community, c.standard) == (town, name, standard)]
        out.append(HistoryGroup(town, name, standard, recs, _ladder(recs, standard, mine)))
    return HistoryResult(records, out, unknown, ExitCode.FINDINGS if unknown else ExitCode.OK)


def _ladder(recs: list, standard: str, checks: list) -> list[LadderCell] | None:
    """Each column's sanction under a built-in standard's ladder: a review's, or an interim check's provisional
    one; a spot check's result in the year after it is noted beside the year's review."""
    from nodrug_cli.history.sanctions import provisional, replay
    from nodrug_cli.standards.load import builtin_names, load_standard

    if standard not in builtin_names():
        return None  # a user's file is not found by its name
    ladder = load_standard(standard).sanctions
    if not ladder.rules:
        return None
    steps = replay(recs, ladder, checks)
    out = []
    for r in recs:
        if r.review:
            out.append(LadderCell(tuple((s.event, s.action) for s in steps if s.year == r.year)))
        else:
            step = provisional([x for x in recs if x.review], r, ladder, checks)
            out.append(LadderCell(provisional=step.action if step else None, review=False))
    return out
