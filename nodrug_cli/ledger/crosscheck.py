"""Checks that need the as-of date or more than one sheet: future dates, orphans, records before
registration, duplicate tests. Whole-column operations; findings are built only for the rows that fail.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import pandas as pd

from nodrug_cli.ledger import columns as C
from nodrug_cli.ledger import sheets as S
from nodrug_cli.ledger import idcard
from nodrug_cli.ledger.findings import Finding
from nodrug_cli.ledger.layout import SheetTable
from nodrug_cli.ledger.columnspec import ColumnKind, Layout
from nodrug_cli.ledger.schema import column_specs, sheet_meta

RECORD_SHEETS = {S.TESTS: C.TEST_DATE, S.TALKS: C.TALK_DATE}


def run(tables: dict[str, SheetTable], frames: dict[str, pd.DataFrame], as_of: dt.date, make: Callable) -> list[Finding]:
    """All cross checks; `make(table, code, column, rows, each=None, **extra)` builds located findings, one a row."""
    findings = _future_dates(tables, frames, as_of, make)
    registry = frames.get(S.REGISTRY)
    for sheet, date_column in RECORD_SHEETS.items():
        if sheet in frames and C.ID_NUMBER in frames[sheet]:
            findings += _records_against_registry(tables[sheet], frames[sheet], registry, date_column, make)
    if S.TESTS in frames:
        findings += _duplicate_tests(tables[S.TESTS], frames[S.TESTS], make)
    return findings


def _future_dates(tables, frames, as_of: dt.date, make) -> list[Finding]:
    limit = pd.Timestamp(as_of)
    out = []
    for key, frame in frames.items():
        if sheet_meta(key)["layout"] == Layout.KEYVALUE:
            continue
        for name, spec in column_specs(key).items():
            if spec.kind != ColumnKind.DATE or name not in frame:
                continue
            late = frame[name] > limit
            out += make(tables[key], "date_future", name, frame.index[late], other=as_of.isoformat())
    return out


def _records_against_registry(table, frame, registry, date_column: str, make) -> list[Finding]:
    ids = frame[C.ID_NUMBER]
    if registry is None or C.ID_NUMBER not in registry:
        return []
    people = registry.dropna(subset=[C.ID_NUMBER]).drop_duplicates(C.ID_NUMBER).set_index(C.ID_NUMBER)
    known = ids.isin(people.index)
    checkable = idcard.checksum_ok(ids)  # a malformed ID already has its own error
    out = make(table, "orphan_record", C.ID_NUMBER, ids.index[checkable & ~known])
    if date_column in frame and C.FIRST_REGISTERED in people and len(people):
        registered = ids.map(people[C.FIRST_REGISTERED])
        early = frame[date_column] < registered
        rows = frame.index[early.fillna(False).astype(bool)]
        days = registered[rows].dt.strftime("%Y-%m-%d")
        out += make(table, "record_before_registration", date_column, rows, [{"detail": d} for d in days])
    return out


def _duplicate_tests(table, frame, make) -> list[Finding]:
    if C.ID_NUMBER not in frame or C.TEST_DATE not in frame:
        return []  # without the person and the day nothing can repeat (every undated row would look the same)
    keys = [c for c in (C.ID_NUMBER, C.TEST_DATE, "检测方式") if c in frame]
    complete = frame.dropna(subset=keys[:2])
    repeated = complete.duplicated(subset=keys, keep="first")
    if not repeated.any():
        return []
    first_row = complete.index.to_series().groupby([complete[k] for k in keys]).transform("min")
    rows = complete.index[repeated]
    return make(table, "test_duplicate", C.TEST_DATE, rows, [{"detail": str(r)} for r in first_row[rows]])
