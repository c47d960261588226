"""Calendar arithmetic and the windows rule (DOMAIN.md §5, §8), on whole columns.

Adding months keeps the day of month and clamps it to the month's last day (31 Jan + 1 month =
28/29 Feb; 31 Jan + 2 months = 31 Mar); years are 12 months (29 Feb + 1 year = 28 Feb).
Windows are always counted from their anchor a: w(i+1) = a + (k0 + … + ki) months.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from nodrug_cli.ledger import columns as C


_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _shift_days(days: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Day numbers (datetime64[D] as int64) plus whole months, clamped to the target month's end; numpy only."""
    stamps = days.astype("datetime64[D]")
    month_index = stamps.astype("datetime64[M]").astype(np.int64) + months  # months since 1970-01
    day_of_month = (stamps - stamps.astype("datetime64[M]")).astype(np.int64)  # 0-based
    year = month_index // 12 + 1970
    month = month_index % 12
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    last = _DAYS[month] + ((month == 1) & leap)
    first = month_index.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first + np.minimum(day_of_month, last - 1)


def add_months(dates: pd.Series, months) -> pd.Series:
    """`dates` plus `months` (a number or a Series), clamped to the end of the target month."""
    dates = pd.to_datetime(dates)
    months = pd.Series(months, index=dates.index) if not isinstance(months, pd.Series) else months
    valid = (dates.notna() & months.notna()).to_numpy()
    out = np.full(len(dates), np.datetime64("NaT"), dtype="datetime64[ns]")
    if valid.any():
        days = dates.to_numpy(dtype="datetime64[D]")[valid].astype(np.int64)
        shifted = _shift_days(days, months.to_numpy()[valid].astype(np.int64))
        out[valid] = shifted.astype("datetime64[D]").astype("datetime64[ns]")
    return pd.Series(out, index=dates.index)


def add_years(dates: pd.Series, years) -> pd.Series:
    """`dates` plus whole years (29 Feb → 28 Feb in a common year)."""
    return add_months(dates, years * 12 if not isinstance(years, pd.Series) else years * 12)


def shift(day: dt.date, months: int) -> dt.date:
    """One date plus `months` months, clamped (the scalar form of `add_months`)."""
    return add_months(pd.Series([pd.Timestamp(day)]), months).iloc[0].date()


def windows(anchor: pd.Series, schedule: list[int], until: pd.Timestamp, include_current: bool = False,
            since: pd.Timestamp | None = None) -> pd.DataFrame:
    """Every window [start, end) per person from its anchor a, as a frame (person, index, start, end).

    `anchor` is indexed by person. Window i is [w(i), w(i+1)) with w(i+1) = a + (k0 + … + ki) months, where
    ki is `schedule`'s entry for the program year at w(i) (the largest n with a + n years ≤ w(i); past the
    schedule's end its last entry holds). Only windows with end ≤ `until` are kept, plus, with
    `include_current`, the one window that contains `until`; with `since`, windows ending on or before it are
    dropped (a person registered twenty years ago has hundreds of them, and nobody asks about those).
    """
    step = np.asarray([int(k) for k in schedule] or [1], dtype=np.int64)
    people = np.asarray(anchor.index, dtype=object)
    a = pd.to_datetime(anchor).to_numpy(dtype="datetime64[D]")
    limit = np.datetime64(pd.Timestamp(until).date(), "D").astype(np.int64)
    floor = np.iinfo(np.int64).min if since is None else np.datetime64(pd.Timestamp(since).date(), "D").astype(np.int64)
    a_days = np.where(np.isnat(a), 0, a.astype(np.int64))
    a_year = np.where(np.isnat(a), 0, a.astype("datetime64[Y]").astype(np.int64))
    start = a_days.copy()
    elapsed = np.zeros(len(a), dtype=np.int64)
    number = np.zeros(len(a), dtype=np.int64)  # each person's window index
    active = ~np.isnat(a) & (a_days <= limit)
    a_month = np.where(np.isnat(a), 0, a.astype("datetime64[M]").astype(np.int64))
    floor_month = None if since is None else np.datetime64(pd.Timestamp(since).date(), "M").astype(np.int64)
    last = len(step) - 1
    parts = []
    while active.any():
        idx = np.flatnonzero(active)
        current = start[idx]
        # program year at the window's start: the largest n with a + n years ≤ current
        n = current.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) - a_year[idx]
        n -= _shift_days(a_days[idx], n * 12) > current
        n = np.clip(n, 0, last)
        if floor_month is not None:
            # once the schedule's last step holds (the program year only grows), skip the windows that end well
            # before `since` in one go: they would be dropped anyway (s windows of k months end by a + e + s·k
            # months ≤ a + M − k months, inside the month before `since` at the latest)
            k = step[last]
            skip = np.where(n == last, np.maximum(0, (floor_month - a_month[idx] - elapsed[idx]) // k - 1), 0)
            if skip.any():
                elapsed[idx] += skip * k
                number[idx] += skip
                current = np.where(skip > 0, _shift_days(a_days[idx], elapsed[idx]), current)
        elapsed[idx] += step[n]
        end = _shift_days(a_days[idx], elapsed[idx])
        done = end <= limit
        keep = (done | (include_current & (current <= limit) & (end > limit))) & (end > floor)
        if keep.any():
            parts.append((people[idx[keep]], number[idx[keep]], current[keep], end[keep]))
        start[idx] = end
        number[idx] += 1
        active[idx] = done
    if not parts:
        return pd.DataFrame({"person": pd.Series(dtype=object), "index": pd.Series(dtype=np.int64),
                             "start": pd.Series(dtype="datetime64[ns]"), "end": pd.Series(dtype="datetime64[ns]")})
    frame = pd.DataFrame({
        "person": np.concatenate([p for p, _, _, _ in parts]),
        "index": np.concatenate([k for _, k, _, _ in parts]),
        "start": np.concatenate([s for _, _, s, _ in parts]).astype("datetime64[D]").astype("datetime64[ns]"),
        "end": np.concatenate([e for _, _, _, e in parts]).astype("datetime64[D]").astype("datetime64[ns]"),
    })
    codes, _ = pd.factorize(frame["person"], sort=True)  # by person, then start; far cheaper than sorting strings
    order = np.lexsort((frame["start"].to_numpy(), codes))
    return frame.take(order).reset_index(drop=True)


def person_keys(people: pd.DataFrame) -> pd.Series:
    """Each person's key for windows and records: the 身份证号, or `#row` where none can be read."""
    ids = people[C.ID_NUMBER] if C.ID_NUMBER in people else pd.Series(None, index=people.index, dtype=object)
    missing = ids.isna()
    if not missing.any():
        return ids
    ids = ids.astype(object).copy()
    ids[missing] = [f"#{i}" for i in people.index[missing.to_numpy()]]
    return ids


def anchors(people: pd.DataFrame, fallback: dt.date) -> pd.Series:
    """The windows' anchor a per person (indexed by 身份证号): 措施开始日期, else 首次登记日期.

    When neither date can be read (a row with errors), `fallback` (1 January of the period): the person still
    owes tests and talks — an unreadable date must not excuse them. A 身份证号 listed twice counts once.
    """
    def day(name: str) -> pd.Series:
        if name not in people:
            return pd.Series(pd.NaT, index=people.index, dtype="datetime64[ns]")
        return pd.to_datetime(people[name], errors="coerce")

    anchor = day(C.ORDER_START).fillna(day(C.FIRST_REGISTERED)).fillna(pd.Timestamp(fallback))
    out = pd.Series(anchor.to_numpy(), index=pd.Index(person_keys(people).to_numpy(), dtype=object))
    return out[~out.index.duplicated()]


def due_windows(people: pd.DataFrame, schedule: list[int], period_start: dt.date, as_of: dt.date) -> pd.DataFrame:
    """The windows of DOMAIN.md §5 that are due in the period: their last day falls in [1 Jan, T]."""
    return windows(anchors(people, period_start), schedule, pd.Timestamp(as_of) + pd.Timedelta(days=1),
                   since=pd.Timestamp(period_start)).reset_index(drop=True)


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
