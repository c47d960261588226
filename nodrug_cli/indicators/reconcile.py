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


def exempt_statuses(sets: PersonSets) -> pd.Series:
    """For each registry row outside CURRENT because its status is not counted (死亡, 服刑满三年 …), that status;
    None for the rest."""
    status = column(sets.registry, C.STATUS).astype(str)
    return status.where(sets.exempt, None)


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
    statuses = dict(zip(people[C.ID_NUMBER], exempt_statuses(sets)))
    listed_ids = listed[C.ID_NUMBER]
    extra = listed_ids[listed_ids.notna() & ~listed_ids.isin(current_ids)]
    # the status that leaves the person out, else: not in the registry (or registered after T)
    why = [{"detail": statuses[ident], "variant": "exempt"} if statuses.get(ident) else {} for ident in extra]
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
