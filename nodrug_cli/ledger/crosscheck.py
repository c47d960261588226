"""Checks that need the as-of date or more than one sheet: future dates, orphans, records before
registration, duplicate tests. Whole-column operations; findings are built only for the rows that fail.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import pandas as pd

from nodrug_cli.ledger import idcard
from nodrug_cli.ledger.findings import Finding
from nodrug_cli.ledger.layout import SheetTable
from nodrug_cli.ledger.schema import ColumnKind, Layout, column_specs, sheet_meta

RECORD_SHEETS = {"尿检记录": "检测日期", "谈话记录": "谈话日期"}


def run(tables: dict[str, SheetTable], frames: dict[str, pd.DataFrame], as_of: dt.date, make: Callable) -> list[Finding]:
    """All cross checks; `make(table, code, column, rows, each=None, **extra)` builds located findings, one a row."""
    findings = _future_dates(tables, frames, as_of, make)
    registry = frames.get("吸毒人员")
    for sheet, date_column in RECORD_SHEETS.items():
        if sheet in frames and "身份证号" in frames[sheet]:
            findings += _records_against_registry(tables[sheet], frames[sheet], registry, date_column, make)
    if "尿检记录" in frames:
        findings += _duplicate_tests(tables["尿检记录"], frames["尿检记录"], make)
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
    ids = frame["身份证号"]
    if registry is None or "身份证号" not in registry:
        return []
    people = registry.dropna(subset=["身份证号"]).drop_duplicates("身份证号").set_index("身份证号")
    known = ids.isin(people.index)
    checkable = idcard.checksum_ok(ids)  # a malformed ID already has its own error
    out = make(table, "orphan_record", "身份证号", ids.index[checkable & ~known])
    if date_column in frame and "首次登记日期" in people and len(people):
        registered = ids.map(people["首次登记日期"])
        early = frame[date_column] < registered
        rows = frame.index[early.fillna(False).astype(bool)]
        days = registered[rows].dt.strftime("%Y-%m-%d")
        out += make(table, "record_before_registration", date_column, rows, [{"detail": d} for d in days])
    return out


def _duplicate_tests(table, frame, make) -> list[Finding]:
    if "身份证号" not in frame or "检测日期" not in frame:
        return []  # without the person and the day nothing can repeat (every undated row would look the same)
    keys = [c for c in ("身份证号", "检测日期", "检测方式") if c in frame]
    complete = frame.dropna(subset=keys[:2])
    repeated = complete.duplicated(subset=keys, keep="first")
    if not repeated.any():
        return []
    first_row = complete.index.to_series().groupby([complete[k] for k in keys]).transform("min")
    rows = complete.index[repeated]
    return make(table, "test_duplicate", "检测日期", rows, [{"detail": str(r)} for r in first_row[rows]])
