"""Comparing the optional 现有吸毒人员 list with the CURRENT set the rules give (DOMAIN.md §1, §4): seed 002's
现有吸毒人员, which leaves out only 出国、户口迁出和死亡的；服刑三年以上的；下落不明四年以上的 — persons abstinent
for three years are on it.

Real offices keep both tables and they drift apart: each person on one side only is a warning naming
the person and the rule that decides.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import pandas as pd

from nodrug_cli.ledger import columns as C
from nodrug_cli.ledger import sheets as S
from nodrug_cli.indicators.people import PersonSets, column, person_sets, registered_by
from nodrug_cli.ledger.findings import Finding


def why_not_current(sets: PersonSets) -> pd.Series:
    """For each registry row outside CURRENT, the rule that puts it there."""
    status = column(sets.registry, C.STATUS)
    reason = pd.Series("", index=sets.registry.index)
    return reason.mask(sets.exempt, "人员状态“" + status.astype(str) + "”属于不计入的情形（死亡、出国（境）、户口迁出、服刑满三年、下落不明满四年）")


def current_list_findings(tables: dict, frames: dict, as_of: dt.date, make: Callable) -> list[Finding]:
    """Warnings for persons on the 现有吸毒人员 list but not CURRENT, and CURRENT persons not on it; `make` as in
    `crosscheck.run`."""
    listed = frames.get(S.CURRENT_LIST)
    registry = frames.get(S.REGISTRY)
    if listed is None or registry is None or C.ID_NUMBER not in listed or C.ID_NUMBER not in registry:
        return []
    people = registered_by(registry.dropna(subset=[C.ID_NUMBER]).drop_duplicates(C.ID_NUMBER), as_of)
    sets = person_sets(people, frames.get(S.TESTS), as_of)
    current_ids = set(people.loc[sets.current, C.ID_NUMBER])
    reasons = dict(zip(people[C.ID_NUMBER], why_not_current(sets)))
    listed_ids = listed[C.ID_NUMBER]
    extra = listed_ids[listed_ids.notna() & ~listed_ids.isin(current_ids)]
    why = [{"detail": reasons.get(ident) or "吸毒人员表中没有此人，或登记日期晚于评估截止日"} for ident in extra]
    out = make(tables[S.CURRENT_LIST], "current_list_extra", C.ID_NUMBER, extra.index, why)
    absent = people[sets.current & ~people[C.ID_NUMBER].isin(set(listed_ids.dropna()))]
    return out + make(tables[S.REGISTRY], "current_list_absent", C.ID_NUMBER, absent.index)


def add_current_list_findings(ledger):
    """`ledger` with the 现有吸毒人员 comparison's warnings among its findings (in place, kept sorted; returned).

    Reading leaves the comparison out because it needs the person sets, the layer above reading: every caller
    that shows a ledger's findings (validate, score, batch) runs it once after reading.
    """
    from nodrug_cli.ledger.findings import sort_key
    from nodrug_cli.ledger.read import cell_findings

    kept = {k: ledger.frame(k) for k in ledger.frames}
    if S.CURRENT_LIST in ledger.frames and ledger.frames[S.CURRENT_LIST].empty:
        kept[S.CURRENT_LIST] = None  # a header with no names: the office does not keep the list, nothing to compare
    found = current_list_findings(ledger.tables, kept, ledger.as_of, cell_findings)
    if found:
        ledger.findings += found
        ledger.findings.sort(key=sort_key)
    return ledger
