"""Last year's counts from the history database, for ledgers that no longer list last year's persons.

DOMAIN.md §3 computes last year's figures (new users, relapses, newly abstinent) from the ledger, over
[1 Jan P − 1, T − 1 year]. A ledger kept for one year only shows 0 there; the review stored for the same
community's year P − 1 can tell. `LastYear` holds those stored counts (plain data, so it crosses into
batch's worker processes) and `compute_indicators` uses one only where the ledger's own count is 0.
"""

from __future__ import annotations

from typing import Iterable

from nodrug_cli.history.store import AssessmentRecord

YOY_KEYS = ("new_users", "relapses", "newly_abstinent")


class LastYear:
    """Stored review counts by (town, community, year); called with a ledger's community, town and year P."""

    def __init__(self, records: Iterable[AssessmentRecord] = ()):
        self.table: dict[tuple[str, str, int], dict[str, int]] = {}
        # reviews only: an interim check counts part of a year; any standard (the counts do not depend on it)
        for r in sorted(records, key=lambda r: (not r.review, r.standard)):
            if not r.review:
                continue
            mine = self.table.setdefault((r.town or "", r.community, r.year), {})
            for key in YOY_KEYS:
                value = (r.indicators.get(key) or {}).get("value")
                if value and key not in mine:
                    mine[key] = int(value)

    def __call__(self, community: str, town: str | None, year: int) -> dict[str, int]:
        """The counts stored for the community's review of the year before `year` ({} when none)."""
        return dict(self.table.get((town or "", community, year - 1), {}))


def from_history(history) -> LastYear:
    """Every stored review's counts, read once."""
    return LastYear(history.assessments())
