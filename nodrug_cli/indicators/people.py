"""Person sets (DOMAIN.md §4): EXEMPT, ABSTINENT3, CURRENT, IN_SOCIETY, DUE, as boolean columns.

The registry passed in is already limited to rows without errors and to persons registered by T;
every set is a boolean Series indexed like it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from nodrug_cli.indicators.windows import add_years

GONE = ("死亡", "出国（境）", "户口迁出")
SUPERVISED = ("社区戒毒", "社区康复")  # under a community order
DUE_STATUSES = ("社区戒毒", "社区康复", "戒断未满三年")
IN_CUSTODY = ("强制隔离戒毒", "服刑")
SENTENCE_EXEMPT_MONTHS = 36
MISSING_EXEMPT_YEARS = 4
ABSTINENCE_YEARS = 3


@dataclass
class PersonSets:
    """The persons of §4 as boolean masks over the registry's rows."""

    registry: pd.DataFrame
    exempt: pd.Series
    abstinent3: pd.Series
    current: pd.Series
    in_society: pd.Series
    due: pd.Series

    def people(self, mask: pd.Series) -> pd.DataFrame:
        """The registry rows a mask selects."""
        return self.registry[mask]


def column(frame: pd.DataFrame, name: str, default=None) -> pd.Series:
    """A column, or a column of `default` when the sheet lacks it."""
    if name in frame:
        return frame[name]
    return pd.Series(default, index=frame.index, dtype=object if not isinstance(default, float) else float)


def registered_by(registry: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Registry rows whose 首次登记日期 is on or before T (a later registration is in no set, no count)."""
    registered = column(registry, "首次登记日期")
    return registry[pd.to_datetime(registered) <= pd.Timestamp(as_of)]


def ledger_people(ledger, as_of: dt.date) -> tuple[pd.DataFrame, PersonSets]:
    """A read ledger's registry rows without errors (all of them), and the person sets at T."""
    all_rows = ledger.frame("吸毒人员")
    if all_rows is None:
        all_rows = pd.DataFrame(columns=["姓名", "身份证号", "人员状态", "首次登记日期"])
    return all_rows, person_sets(registered_by(all_rows, as_of), ledger.frame("尿检记录"), as_of)


def person_sets(registry: pd.DataFrame, tests: pd.DataFrame | None, as_of: dt.date) -> PersonSets:
    """Compute the person sets of DOMAIN.md §4 at T = `as_of`."""
    t = pd.Timestamp(as_of)
    status = column(registry, "人员状态")
    sentence = pd.to_numeric(column(registry, "刑期（月）"), errors="coerce")
    since = pd.to_datetime(column(registry, "状态起始日期"))
    missing_long = status.eq("下落不明") & (add_years(since, MISSING_EXEMPT_YEARS) <= t).fillna(False)
    exempt = status.isin(GONE) | (status.eq("服刑") & (sentence >= SENTENCE_EXEMPT_MONTHS).fillna(False)) | missing_long

    last_use = pd.to_datetime(column(registry, "最近吸毒日期"))
    three_years_ago = add_years(pd.Series([t]), -ABSTINENCE_YEARS).iloc[0]  # T − 3 years (29 Feb → 28 Feb)
    long_clean = (last_use <= three_years_ago).fillna(False)
    positive_recently = pd.Series(False, index=registry.index)
    if tests is not None and len(tests) and "身份证号" in registry:
        window_start = three_years_ago
        dates = tests["检测日期"]
        recent = tests[tests["检测结果"].eq("阳性") & (dates > window_start) & (dates <= t)]
        positive_recently = registry["身份证号"].isin(set(recent["身份证号"]))
    abstinent3 = ~exempt & (status.eq("戒断三年未复吸") | (status.isin(DUE_STATUSES) & long_clean)) & ~positive_recently
    current = ~exempt & ~abstinent3
    in_society = current & ~status.isin(IN_CUSTODY)
    due = status.isin(DUE_STATUSES) & ~abstinent3
    return PersonSets(registry, exempt.astype(bool), abstinent3.astype(bool), current.astype(bool),
                      in_society.astype(bool), due.astype(bool))
