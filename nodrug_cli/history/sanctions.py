"""The sanction ladder (DOMAIN.md §7), derived by replaying a community's reviews and spot checks in date order.

The ladder is the standard's data (`sanctions.rules` in its YAML): each rule names an event (the year's
review, or a spot check's re-inspection), whether the unit holds the plaque, whether it passed, and
optionally the count of failed reviews since the plaque was granted it needs (the N-th or later). The first
rule that matches applies; an event no rule matches leaves the unit as it was (保持). 授牌 makes the unit a
holder and 收回授牌 ends that, both resetting the count of failures.

Only reviews move the ladder: a run whose as-of date is 31 December of its year, or one marked `--review`.
Any other run is an interim check: its sanction is worked out as if it were the review, marked provisional
(暂定), and never becomes part of the ladder. When a community has no earlier review, its ledger's
是否已授牌 says whether it holds the plaque.
"""

from __future__ import annotations

from dataclasses import dataclass

from nodrug_cli.history.store import AssessmentRecord, SpotCheck
from nodrug_cli.standards.model import Ladder

GRANT, WARN, REVOKE, KEEP = "授牌", "黄牌警告", "收回授牌", "保持"
PROVISIONAL = "暂定"


@dataclass(frozen=True)
class Event:
    """Something that can move the ladder: a review's verdict or a re-inspection's result, on a date."""

    year: int
    kind: str  # review | spot_check
    date: str  # ISO date: the review's as-of date, the re-inspection's date
    passed: bool
    plaque_declared: bool | None = None


@dataclass(frozen=True)
class Step:
    """One event of a community's ladder: what it led to, and whether the unit holds the plaque afterwards."""

    year: int
    event: str
    date: str
    action: str
    holder_before: bool
    holder_after: bool
    failures_since_grant: int
    accountability: str | None = None
    provisional: bool = False


def events_of(records: list[AssessmentRecord], checks: list[SpotCheck] = ()) -> list[Event]:
    """The reviews (interim checks left out) and recorded re-inspection results, oldest first."""
    out = [Event(r.year, "review", r.as_of, r.passed, r.plaque_declared) for r in records if r.review]
    out += [Event(c.year, "spot_check", c.checked_on or c.drawn_at[:10], c.result == "passed")
            for c in checks if c.result in ("passed", "failed")]
    return sorted(out, key=lambda e: (e.date, e.kind != "review"))


def replay_events(events: list[Event], ladder: Ladder, holder: bool) -> list[Step]:
    """Apply the ladder's rules to events in the order given, from a unit that holds the plaque or not."""
    failures = 0
    steps = []
    for e in events:
        before = holder
        if holder and not e.passed and e.kind == "review":
            failures += 1
        rule = next((r for r in ladder.rules if r.event == e.kind and r.holder == holder and r.passed == e.passed
                     and (r.failures is None or failures >= r.failures)), None)
        action = rule.action if rule else KEEP
        if action == GRANT:
            holder, failures = True, 0
        elif action == REVOKE:
            holder, failures = False, 0
        steps.append(Step(e.year, e.kind, e.date, action, before, holder, failures,
                          rule.accountability if rule and action != KEEP else None))
    return steps


def _initially_holds(records: list[AssessmentRecord]) -> bool:
    first = min(records, key=lambda r: (r.year, not r.review), default=None)
    return bool(first and first.plaque_declared)


def replay(records: list[AssessmentRecord], ladder: Ladder, checks: list[SpotCheck] = ()) -> list[Step]:
    """The ladder over one community's stored reviews and spot checks under one standard (any order given)."""
    reviews = [r for r in records if r.review]
    if not ladder.rules or not reviews:
        return []
    return replay_events(events_of(reviews, checks), ladder, _initially_holds(reviews))


def provisional(records: list[AssessmentRecord], interim: AssessmentRecord, ladder: Ladder,
                checks: list[SpotCheck] = ()) -> Step | None:
    """The sanction an interim check would bring if it were the year's review (marked provisional, not stored)."""
    if not ladder.rules:
        return None
    earlier = [e for e in events_of(records, checks) if e.year < interim.year or
               (e.kind == "spot_check" and e.date <= interim.as_of)]
    holder = _initially_holds([r for r in records if r.review and r.year < interim.year] or [interim])
    steps = replay_events([*earlier, Event(interim.year, "review", interim.as_of, interim.passed)], ladder, holder)
    last = steps[-1]
    return Step(last.year, last.event, last.date, last.action, last.holder_before, last.holder_after,
                last.failures_since_grant, last.accountability, provisional=True)


def holders(records: list[AssessmentRecord], ladder: Ladder, year: int,
            checks: list[SpotCheck] = ()) -> list[tuple[str, str]]:
    """(town, community) of every unit holding the plaque as of `year` (after its review, if it had one)."""
    by_unit: dict[tuple[str, str], list[AssessmentRecord]] = {}
    for r in records:
        if r.year <= year and r.review:
            by_unit.setdefault((r.town, r.community), []).append(r)
    out = []
    for unit, recs in sorted(by_unit.items()):
        if not ladder.rules:  # no plaque ladder: a unit holds the title while its latest review passed
            if max(recs, key=lambda r: r.year).passed:
                out.append(unit)
            continue
        mine = [c for c in checks if (c.town, c.community) == unit and c.year <= year]
        steps = replay(recs, ladder, mine)  # a holder not yet reviewed this year still holds the title
        if steps and steps[-1].holder_after:
            out.append(unit)
    return out
