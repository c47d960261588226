"""Person sets (DOMAIN.md §4): EXEMPT, CURRENT, UNDER_ORDER, ABSTINENT3, ACTIVE, IN_SOCIETY, DUE, as boolean
columns over the registry's rows.

The registry passed in holds every row registered by T, rows with errors included: a person whose row has
errors still belongs to every set its readable cells decide (a wrong check digit does not make a drug user
disappear). Where the 人员状态 cannot be read, the person counts as ACTIVE and DUE. The rule behind both
(DOMAIN.md §2): an error in the ledger never makes a community look better.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from nodrug_cli.ledger import columns as C
from nodrug_cli.ledger import sheets as S
from nodrug_cli.indicators.windows import add_years
from nodrug_cli.ledger.schema import STATUSES, SUPERVISED_STATUSES

GONE = ("死亡", "出国（境）", "户口迁出")  # seed 002: 现有吸毒人员不包括出国、户口迁出和死亡的
SUPERVISED = SUPERVISED_STATUSES  # UNDER_ORDER: the 社区戒毒 / 社区康复 order is running
NOT_YET_THREE = "戒断未满三年"
THREE_YEARS_CLEAN = "戒断三年未复吸"
IN_CUSTODY = ("强制隔离戒毒", "服刑")
SENTENCE_EXEMPT_MONTHS = 36  # seed 002: 服刑三年以上的
MISSING_EXEMPT_YEARS = 4  # seed 002: 下落不明四年以上的
ABSTINENCE_YEARS = 3


@dataclass
class PersonSets:
    """The persons of §4 as boolean masks over the registry's rows."""

    registry: pd.DataFrame
    exempt: pd.Series
    current: pd.Series
    under_order: pd.Series
    abstinent3: pd.Series
    active: pd.Series
    in_society: pd.Series
    due: pd.Series
    unreadable_status: pd.Series
    # what several indicators derive alike from the same sets (tests and talks often share a schedule: the
    # same windows), computed once; keyed by what it was computed from
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def people(self, mask: pd.Series) -> pd.DataFrame:
        """The registry rows a mask selects."""
        return self.registry[mask]

    def once(self, key: tuple, make):
        """`make()`, computed the first time `key` is asked for and remembered with these sets."""
        if key not in self.derived:
            self.derived[key] = make()
        return self.derived[key]


def column(frame: pd.DataFrame, name: str, default=None) -> pd.Series:
    """A column, or a column of `default` when the sheet lacks it."""
    if name in frame:
        return frame[name]
    return pd.Series(default, index=frame.index, dtype=object if not isinstance(default, float) else float)


def dates(frame: pd.DataFrame, name: str) -> pd.Series:
    """A date column as datetimes (all NaT when the sheet lacks it)."""
    return pd.to_datetime(column(frame, name), errors="coerce")


def registered_by(registry: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Registry rows registered by T. A 首次登记日期 after T is in no set and no count; one that cannot be read
    keeps the person in (an unreadable date must not remove a drug user)."""
    registered = dates(registry, C.FIRST_REGISTERED)
    return registry[~(registered > pd.Timestamp(as_of))]


def ledger_people(ledger, as_of: dt.date) -> tuple[pd.DataFrame, PersonSets]:
    """A read ledger's registry rows (all of them, errors included), and the person sets at T."""
    all_rows = ledger.frame(S.REGISTRY, clean=False)
    if all_rows is None:
        all_rows = pd.DataFrame(columns=[C.NAME, C.ID_NUMBER, C.STATUS, C.FIRST_REGISTERED])
    return all_rows, person_sets(registered_by(all_rows, as_of), ledger.frame(S.TESTS), as_of)


def positive_since(registry: pd.DataFrame, tests: pd.DataFrame | None, after: pd.Timestamp,
                   until: pd.Timestamp) -> pd.Series:
    """True for each registry row with a 阳性 test dated in (after, until]."""
    if tests is None or not len(tests) or C.ID_NUMBER not in registry:
        return pd.Series(False, index=registry.index)
    when = tests[C.TEST_DATE]
    hits = tests[tests[C.TEST_RESULT].eq("阳性") & (when > after) & (when <= until)]
    return registry[C.ID_NUMBER].isin(set(hits[C.ID_NUMBER].dropna()))


def in_control(registry: pd.DataFrame) -> pd.Series:
    """管控状态 在控: written 在控, or left blank (the column's default). Anything unreadable is not 在控."""
    control = column(registry, C.CONTROL, "在控")
    return control.eq("在控") | control.isna()


def person_sets(registry: pd.DataFrame, tests: pd.DataFrame | None, as_of: dt.date) -> PersonSets:
    """Compute the person sets of DOMAIN.md §4 at T = `as_of` over `registry` (rows registered by T)."""
    t = pd.Timestamp(as_of)
    status = column(registry, C.STATUS)
    unreadable = ~status.isin(STATUSES)
    sentence = pd.to_numeric(column(registry, "刑期（月）"), errors="coerce")
    since = dates(registry, C.STATUS_SINCE)
    missing_long = status.eq("下落不明") & (add_years(since, MISSING_EXEMPT_YEARS) <= t).fillna(False)
    exempt = (status.isin(GONE) | (status.eq("服刑") & (sentence >= SENTENCE_EXEMPT_MONTHS).fillna(False))
              | missing_long)
    current = ~exempt
    under_order = status.isin(SUPERVISED)

    three_years_ago = add_years(pd.Series([t]), -ABSTINENCE_YEARS).iloc[0]  # T − 3 years (29 Feb → 28 Feb)
    long_clean = (dates(registry, C.LAST_USE) <= three_years_ago).fillna(False)
    # the last-use route is for 戒断未满三年 persons kept under control only; a running order never qualifies
    by_status = status.eq(THREE_YEARS_CLEAN)
    by_last_use = status.eq(NOT_YET_THREE) & long_clean & in_control(registry)
    relapsed = positive_since(registry, tests, three_years_ago, t)
    abstinent3 = current & ~under_order & (by_status | by_last_use) & ~relapsed
    active = current & ~abstinent3
    in_society = active & ~status.isin(IN_CUSTODY)
    due = current & (under_order | (status.eq(NOT_YET_THREE) & ~abstinent3) | unreadable)
    as_bool = lambda s: s.astype(bool)  # noqa: E731
    return PersonSets(registry, as_bool(exempt), as_bool(current), as_bool(under_order), as_bool(abstinent3),
                      as_bool(active), as_bool(in_society), as_bool(due), as_bool(unreadable))
