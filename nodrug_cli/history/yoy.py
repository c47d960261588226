"""Last year's new users from the history database, for a ledger that no longer lists last year's persons."""

from __future__ import annotations

from nodrug_cli.history.store import History
from nodrug_cli.indicators.model import Indicator


def fill_last_year(new_users: Indicator, history: History, community: str, town: str | None, year: int) -> None:
    """When the ledger shows no registrations last year but history recorded some, take history's count.

    A ledger kept for one year only cannot count last year's new users; the assessment stored for that
    year can. The indicator's extras say where the number came from (`last_year_source`).
    """
    if new_users.extra.get("last_year"):
        return
    earlier = [r for r in history.assessments(community=community, town=town or "") if r.year == year - 1]
    counts = [r.indicators.get("new_users", {}).get("value") for r in earlier]
    counts = [c for c in counts if c]
    if not counts:
        return
    last = int(counts[0])
    new_users.extra.update(last_year=last, change=(int(new_users.value or 0) - last) / last, last_year_source="history")
