"""The assessment period and the as-of date (DOMAIN.md §3), decided without reading the clock."""

from __future__ import annotations

import datetime as dt


def resolve_period(
    today: dt.date, as_of: dt.date | None = None, year: int | None = None, ledger_year: int | None = None
) -> tuple[int, dt.date]:
    """The period P and as-of date T.

    P is `year`, else the ledger's 评估年度, else the as-of year (or this year).
    T is `as_of`, else the earlier of today and 31 December of P.
    """
    period = year or ledger_year or (as_of or today).year
    if as_of is None:
        as_of = min(today, dt.date(int(period), 12, 31))
    return int(period), as_of
