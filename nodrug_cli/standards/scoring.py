"""The one library call that scores a ledger, used by `score` and `batch` alike.

read the workbook → compare its 现有吸毒人员 list → take last year's counts from history for its community (when
given) → assess. History's counts go in BEFORE scoring, so an item or criterion that reads last year's figures
sees them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable, Mapping

Prior = Callable[[str, "str | None", int], Mapping[str, int]]  # (community, town, year P) → counts of P − 1


def score_ledger(path: str | Path, standard, today: dt.date, as_of: dt.date | None = None, year: int | None = None,
                 last_year: Prior | None = None, opening=None, max_inflated: int | None = None):
    """(ledger, assessment) for one workbook; raises `Unreadable` for a file that yields no ledger."""
    from nodrug_cli.indicators.reconcile import add_current_list_findings
    from nodrug_cli.ledger.read import read_ledger
    from nodrug_cli.standards.engine import assess

    ledger = add_current_list_findings(read_ledger(path, today, as_of=as_of, year=year, opening=opening,
                                                   max_inflated=max_inflated))
    counts = None
    if last_year is not None:
        info = ledger.info
        counts = last_year(str(info.get("社区名称") or ledger.path.stem), info.get("所属镇（街道）"), ledger.year)
    return ledger, assess(ledger, standard, last_year=counts)
