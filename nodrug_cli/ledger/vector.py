"""Whole-column helpers. Ledger columns repeat (365 days a year, one ID per test row, a handful of
statuses), so column parsers run once per distinct value and the results are spread back."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd


def per_unique(parser):
    """Decorate a column function `f(series, *args) -> Series | tuple[Series, ...]` to run on distinct values."""

    @functools.wraps(parser)
    def wrapper(column: pd.Series, *args):
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        if len(uniques) * 2 > len(column):  # mostly distinct: spreading back would cost more than it saves
            return parser(column, *args)
        distinct = pd.Series(np.append(np.asarray(uniques, dtype=object), None), dtype=column.dtype
                             if column.dtype != object else object)
        positions = np.where(codes < 0, len(uniques), codes)
        results = parser(distinct, *args)
        single = isinstance(results, pd.Series)
        spread = tuple(r.take(positions).set_axis(column.index) for r in ((results,) if single else results))
        return spread[0] if single else spread

    return wrapper
