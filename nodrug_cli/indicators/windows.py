"""Calendar arithmetic and the windows rule (DOMAIN.md §5, §8), on whole columns.

Adding months keeps the day of month and clamps it to the month's last day (31 Jan + 1 month =
28/29 Feb; 31 Jan + 2 months = 31 Mar); years are 12 months (29 Feb + 1 year = 28 Feb).
Windows are always counted from their anchor a: w(i+1) = a + (k0 + … + ki) months.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def add_months(dates: pd.Series, months) -> pd.Series:
    """`dates` plus `months` (a number or a Series), clamped to the end of the target month."""
    dates = pd.to_datetime(dates)
    months = pd.Series(months, index=dates.index) if not isinstance(months, pd.Series) else months
    valid = dates.notna() & months.notna()
    out = pd.Series(pd.NaT, index=dates.index, dtype="datetime64[ns]")
    if not valid.any():
        return out
    d = dates[valid]
    m = months[valid].astype(np.int64)
    total = d.dt.year.astype(np.int64) * 12 + (d.dt.month.astype(np.int64) - 1) + m
    first = pd.to_datetime(pd.DataFrame({"year": total // 12, "month": total % 12 + 1, "day": 1}))
    day = np.minimum(d.dt.day.to_numpy(), first.dt.days_in_month.to_numpy())
    out[valid] = (first + pd.to_timedelta(day - 1, unit="D")).to_numpy()
    return out


def add_years(dates: pd.Series, years) -> pd.Series:
    """`dates` plus whole years (29 Feb → 28 Feb in a common year)."""
    return add_months(dates, years * 12 if not isinstance(years, pd.Series) else years * 12)


def shift(day: dt.date, months: int) -> dt.date:
    """One date plus `months` months, clamped (the scalar form of `add_months`)."""
    return add_months(pd.Series([pd.Timestamp(day)]), months).iloc[0].date()


def program_year(order_start: pd.Series, at: pd.Series) -> pd.Series:
    """The largest n with order_start + n years ≤ at (null where there is no order start)."""
    n = (at.dt.year - order_start.dt.year).astype("Int64")
    too_far = add_years(order_start, n.fillna(0).astype(np.int64)) > at
    n = n - too_far.astype("Int64")
    return n.clip(lower=0)


def windows(anchor: pd.Series, order_start: pd.Series, schedule: list[int], until: pd.Timestamp,
            include_current: bool = False) -> pd.DataFrame:
    """Every window [start, end) per person from `anchor`, as a frame (person, index, start, end).

    `anchor` and `order_start` are indexed by person. `schedule` is the months per window by program
    year (persons without an order start use its last entry). Only windows with end ≤ `until` are kept,
    plus, with `include_current`, the one window that contains `until`.
    """
    schedule = [int(k) for k in schedule] or [1]
    parts = []
    start = pd.to_datetime(anchor).copy()
    elapsed = pd.Series(0, index=anchor.index, dtype=np.int64)
    active = start.notna() & (start <= until)
    i = 0
    while active.any():
        current = start[active]
        year = program_year(order_start[active], current)
        step = np.asarray(schedule, dtype=np.int64)
        k = step[np.minimum(year.fillna(len(schedule) - 1).to_numpy(dtype=np.int64), len(schedule) - 1)]
        elapsed[active] = elapsed[active] + k
        end = add_months(pd.to_datetime(anchor[active]), elapsed[active])
        done = end <= until
        keep = done | (include_current & (current <= until) & (end > until))
        if keep.any():
            parts.append(pd.DataFrame({"person": current.index[keep], "index": i,
                                       "start": current[keep].to_numpy(), "end": end[keep].to_numpy()}))
        start[active] = end
        active = active & (start <= until) & done.reindex(active.index, fill_value=False)
        i += 1
    if not parts:
        return pd.DataFrame({"person": pd.Series(dtype=object), "index": pd.Series(dtype=np.int64),
                             "start": pd.Series(dtype="datetime64[ns]"), "end": pd.Series(dtype="datetime64[ns]")})
    return pd.concat(parts, ignore_index=True).sort_values(["person", "start"], ignore_index=True)


def mark_met(wins: pd.DataFrame, records: pd.DataFrame, date_column: str) -> pd.Series:
    """True for each window holding ≥ 1 record (records: `person` and `date_column`) dated start ≤ d < end."""
    met = pd.Series(False, index=wins.index)
    if wins.empty or records.empty:
        return met
    people = pd.Index(pd.unique(wins["person"]))
    w_code = people.get_indexer(wins["person"]).astype(np.int64)
    r_code = people.get_indexer(records["person"]).astype(np.int64)
    keep = r_code >= 0
    r_code = r_code[keep]
    r_day = records[date_column].to_numpy(dtype="datetime64[D]")[keep].astype(np.int64)
    w_start = wins["start"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    w_end = wins["end"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    span = 1 << 32  # person code in the high bits, day number in the low bits: one sorted key
    w_key = w_code * span + (w_start + (1 << 31))
    order = np.argsort(w_key, kind="stable")
    sorted_keys = w_key[order]
    r_key = r_code * span + (r_day + (1 << 31))
    slot = np.searchsorted(sorted_keys, r_key, side="right") - 1
    ok = slot >= 0
    target = order[slot[ok]]
    inside = (w_code[target] == r_code[ok]) & (r_day[ok] < w_end[target])
    hit = np.zeros(len(wins), dtype=bool)
    hit[target[inside]] = True
    met[:] = hit
    return met
