"""The sanction ladder (DOMAIN.md §7), derived by replaying a community's assessments year by year.

seed002 (博美镇): a holder's first failed review → 黄牌警告; its second failed review since the plaque
was granted, consecutive or not → 收回授牌; a non-holder that passes → 授牌; anything else → 保持.
seed003 (仲恺): a holder that fails the yearly re-review → 收回授牌 at once; a non-holder that passes → 授牌.
When a community has no earlier assessment, its ledger's 是否已授牌 seeds whether it holds the plaque.
"""

from __future__ import annotations

from dataclasses import dataclass

from nodrug_cli.history.store import AssessmentRecord

GRANT, WARN, REVOKE, KEEP = "授牌", "黄牌警告", "收回授牌", "保持"


@dataclass(frozen=True)
class Step:
    """One year of a community's ladder: what happened, and whether it holds the plaque afterwards."""

    year: int
    action: str
    holder_before: bool
    holder_after: bool
    failures_since_grant: int


def replay(records: list[AssessmentRecord], ladder: str) -> list[Step]:
    """The ladder over one community's assessments under one standard (any order; replayed by year)."""
    ordered = sorted(records, key=lambda r: r.year)
    if not ordered or ladder == "none":
        return []
    holder = bool(ordered[0].plaque_declared)
    failures = 0
    steps = []
    for r in ordered:
        before = holder
        if holder and r.passed:
            action = KEEP
        elif holder:
            failures += 1
            action = REVOKE if ladder == "seed003" or failures >= 2 else WARN
            if action == REVOKE:
                holder, failures = False, 0
        elif r.passed:
            action, holder, failures = GRANT, True, 0
        else:
            action = KEEP
        steps.append(Step(r.year, action, before, holder, failures))
    return steps


def holders(records: list[AssessmentRecord], ladder: str, year: int) -> list[tuple[str, str]]:
    """(town, community) of every unit holding the plaque as of `year` (after its review, if it had one)."""
    by_unit: dict[tuple[str, str], list[AssessmentRecord]] = {}
    for r in records:
        if r.year <= year:
            by_unit.setdefault((r.town, r.community), []).append(r)
    out = []
    for unit, recs in sorted(by_unit.items()):
        if ladder == "none":  # no plaque ladder: a unit holds the title while its latest review passed
            if max(recs, key=lambda r: r.year).passed:
                out.append(unit)
            continue
        steps = replay(recs, ladder)  # a holder not yet reviewed this year still holds the title
        if steps and steps[-1].holder_after:
            out.append(unit)
    return out
