"""Finding the ledger's sheets and their header rows in raw cells.

Sheets are matched by tab name or alias; a tab with another name (Sheet1, a CSV file) is matched by
the columns in its header row. Header rows are found by content within the first rows, so a title
row above and notes below are no trouble; merged header cells are filled across their range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from operator import itemgetter

import numpy as np
import pandas as pd

from nodrug_cli.ledger.normalize import key
from nodrug_cli.ledger.columnspec import Layout
from nodrug_cli.ledger.schema import column_specs, sheet_meta, sheet_schemas
from nodrug_cli.ledger.workbook import RawSheet

HEADER_SCAN_ROWS = 30
# The tab the blank template (`nodrug template`) explains the ledger on: in Chinese, and under --lang en.
GUIDE_TABS = ("填表说明", "Guide")
# Tabs that describe the ledger, never hold its data (a prefix of the tab's name, in any case).
_GUIDE_NAMES = tuple(n.casefold() for n in (*GUIDE_TABS, "说明", "使用说明", "目录"))
_REQUIRED_MARK = re.compile(r"(\*|＊|\(必填\)|\(选填\)|必填)$")
_SHOWN_MARK = re.compile(r"\s*(\*|＊|[(（]\s*[必选]填\s*[)）]|必填)\s*$")  # the same mark, on the text as written
# A unit in brackets after a count (常住人口数（人）, 参与人数(人次)): a clerk's habit the declaration need not list.
_UNIT = re.compile(r"\((?:单位:?)?(?:人|人次|户|个|次|份|条|名|处|家|场|期|张|幅|块)\)$")
_NOTE_PREFIXES = ("注", "说明", "填表说明", "备注:", "制表", "审核", "填表人", "填报人", "单位(盖章)", "负责人:")
_NOTE_STARTS = ("注", "說明", "说明", "填表", "備注", "备注", "制表", "審核", "审核", "填报", "单位", "负责人")
_NOTE_START = re.compile(r"(?:^|\n)\s*(?:" + "|".join(map(re.escape, _NOTE_STARTS)) + ")")
_TOTAL_WORDS = ("合计", "小计", "总计", "合 计", "小 计", "总 计", "合  计")
_TOTAL_SET = frozenset(_TOTAL_WORDS)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def header_key(text: object) -> str:
    """A header cell as a matching key: `key` without a trailing required-mark such as `*` or (必填)."""
    k = key(text)
    return _REQUIRED_MARK.sub("", k)


def shown_header(text: object) -> str:
    """A header as the clerk wrote it, without the template's required-mark (`人员状态*` → `人员状态`)."""
    return _SHOWN_MARK.sub("", str(text).strip()) or str(text).strip()


@lru_cache(maxsize=4096)
def _header_keys(text: str) -> tuple[str, ...]:
    """The keys a header may match, most exact first: as written, without a unit in brackets, then also
    without a trailing 数 (常住人口数（人） → 常住人口数 → 常住人口)."""
    keys = [header_key(text)]
    bare = _UNIT.sub("", keys[0])
    if bare != keys[0] and bare:
        keys.append(bare)
    if bare.endswith("数") and len(bare) > 2:
        keys.append(bare[:-1])
    return tuple(keys)


def match_header(aliases: dict[str, str], text: object) -> str | None:
    """The canonical column a header cell names (`_alias_table` of its sheet), or None."""
    if not isinstance(text, str) or not text.strip():
        return None
    return next((aliases[k] for k in _header_keys(text) if k in aliases), None)


@cache
def _alias_table(sheet: str) -> dict[str, str]:
    table = {}
    for name, spec in column_specs(sheet).items():
        for alias in (name, *spec.aliases):
            table.setdefault(header_key(alias), name)
    return table


@dataclass
class ColumnRef:
    """Where a canonical column sits in the workbook."""

    letter: str
    header: str  # as written in the workbook
    index: int  # 0-based column index


@dataclass
class SheetTable:
    """A located sheet: its raw values (object columns, canonical names) indexed by Excel row."""

    key: str  # canonical name, e.g. 尿检记录
    name: str  # the workbook's own tab name
    header_row: int | None  # Excel row number of the header (None for key/value layout)
    columns: dict[str, ColumnRef]
    raw: pd.DataFrame
    positions: dict[str, tuple[int, str]] = field(default_factory=dict)  # key/value layout: column → (row, letter)
    duplicates: list[tuple[str, ColumnRef]] = field(default_factory=list)

    def locate(self, row: object, column: str) -> tuple[int | None, str | None, str]:
        """(Excel row, column letter, header as written) of a canonical column at a frame index."""
        if column in self.positions:
            r, letter = self.positions[column]
            return r, letter, self.columns[column].header if column in self.columns else column
        ref = self.columns.get(column)
        return (int(row) if row is not None else None), (ref.letter if ref else None), (ref.header if ref else column)


def _fill_merged(sheet: RawSheet) -> list[list]:
    """The sheet's rows with each merged range's value copied into every cell of the range."""
    rows = sheet.rows
    if not sheet.merged:
        return rows
    rows = list(rows)  # copy only the rows a merged range touches; the input stays as read
    copied: set[int] = set()
    for r0, c0, r1, c1 in sheet.merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            if r not in copied:
                rows[r] = list(rows[r])
                copied.add(r)
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
                if rows[r][c] in ("", None):
                    rows[r][c] = value
    return rows


def _score_rows(rows: list[list], aliases: dict[str, str]) -> list[tuple[int, set[str]]]:
    scored = []
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = {name for name in (match_header(aliases, v) for v in row if v.__class__ is str) if name is not None}
        scored.append((r, found))
    return scored


def _best_header(rows: list[list], sheet: str, least: int = 2) -> tuple[int, set[str]] | None:
    """The row naming the most of the sheet's columns: all its required ones, or at least `least` columns."""
    aliases = _alias_table(sheet)
    required = {n for n, s in column_specs(sheet).items() if s.required}
    best = None
    for r, found in _score_rows(rows, aliases):
        if not found:
            continue
        enough = required <= found or len(found) >= least
        if enough and (best is None or len(found) > len(best[1])):
            best = (r, found)
    return best


def _keyvalue_fields(rows: list[list], sheet: str) -> dict[str, tuple[int, int, int]]:
    """key/value layout: canonical field → (row, key column, value column), 0-based."""
    aliases = _alias_table(sheet)
    fields: dict[str, tuple[int, int, int]] = {}
    for r, row in enumerate(rows[:200]):
        cells = [(c, v) for c, v in enumerate(row) if v not in ("", None)]
        if len(cells) < 1:
            continue
        c, first = cells[0]
        name = match_header(aliases, first)
        if name is not None and name not in fields:
            value_col = c + 1
            while value_col < len(row) and row[value_col] == first:  # a key cell merged across columns
                value_col += 1
            fields[name] = (r, c, value_col)
    return fields


def _is_note(row: list) -> bool:
    """A note or signature row below the data (注：…, 填表人：… 审核人：…), merged across the table or not."""
    cells = [v for v in row if v not in ("", None)]
    if not cells or not isinstance(cells[0], str) or not key(cells[0]).startswith(_NOTE_PREFIXES):
        return False
    distinct = list(dict.fromkeys(cells))  # a merged note fills every cell of its range with one text
    return len(distinct) <= 2 or all(isinstance(v, str) and (":" in key(v)) for v in distinct)


def _table(sheet: RawSheet, rows: list[list], key_: str, header: tuple[int, set[str]]) -> SheetTable:
    header_index, _ = header
    aliases = _alias_table(key_)
    columns: dict[str, ColumnRef] = {}
    duplicates: list[tuple[str, ColumnRef]] = []
    for c, value in enumerate(rows[header_index]):
        if not isinstance(value, str) or not value.strip():
            continue
        name = match_header(aliases, value)
        if name is None:
            continue
        ref = ColumnRef(column_letter(c), shown_header(value), c)
        if name in columns:
            duplicates.append((name, ref))
        else:
            columns[name] = ref
    width = max((ref.index for ref in columns.values()), default=-1) + 1
    body = rows[header_index + 1:]
    cells = _column_cells(body, max(width, 3))
    distinct = [set(values.tolist()) for values in cells[:3]]  # columns A–C hold notes and 合计 rows
    end = _note_row(body, cells[:2], distinct[:2])  # the table ends at the first note or signature row
    cells = [values[:end] for values in cells[:width]]
    first_row = header_index + 2  # Excel row number of body[0]
    keep = np.zeros(end, dtype=bool)  # a row with anything in it, that is not a 合计/小计 row
    for values in cells:
        keep |= pd.notna(values)
    for values, seen in zip(cells[:3], distinct):
        if not _TOTAL_SET.isdisjoint(seen):
            keep &= ~pd.Series(values, copy=False).isin(_TOTAL_WORDS).to_numpy()
    index = pd.RangeIndex(first_row, first_row + end)[keep]
    raw = pd.DataFrame({name: cells[ref.index][keep] for name, ref in columns.items()}, index=index, dtype=object)
    return SheetTable(key_, sheet.name, header_index + 1, columns, raw, duplicates=duplicates)


def _note_row(body: list[list], columns: list[np.ndarray], distinct: list[set]) -> int:
    """Where the first note or signature row is in `body` (len(body) when there is none). A note starts in
    column A, or in B beside an empty 序号 (`columns`, with the `distinct` values of each): only rows whose A or
    B starts like a note are looked at closely, and one search over the distinct texts of those columns usually
    shows there is none."""
    candidates: set[int] = set()
    for column, values in zip(columns, distinct):
        texts = [v for v in values if v.__class__ is str]
        if not _NOTE_START.search("\n".join(texts)):  # a text with a line break inside can only add a false hit
            continue
        starts = {v for v in texts if v.lstrip().startswith(_NOTE_STARTS)}
        if starts:
            candidates.update(np.flatnonzero(pd.Series(column, copy=False).isin(starts).to_numpy()).tolist())
    return next((at for at in sorted(candidates) if _is_note(body[at])), len(body))


def _column_cells(body: list[list], width: int) -> list[np.ndarray]:
    """The first `width` columns of `body` as object arrays, an empty string read as None (rows shorter than
    `width` are padded)."""
    if body and min(map(len, body)) < width:
        body = [row + [None] * (width - len(row)) if len(row) < width else row for row in body]
    out = []
    for c in range(width):
        values = np.array(list(map(itemgetter(c), body)), dtype=object)
        if len(values):
            values[values == ""] = None
        out.append(values)
    return out


def _keyvalue(sheet: RawSheet, rows: list[list], key_: str) -> SheetTable | None:
    fields = _keyvalue_fields(rows, key_)
    header = _best_header(rows, key_)
    if len(fields) < 1 and header is None:
        return None
    if header is not None and len(header[1]) > len(fields):
        table = _table(sheet, rows, key_, header)
        return SheetTable(key_, sheet.name, table.header_row, table.columns, table.raw.head(1))
    columns, positions, values = {}, {}, {}
    for name, (r, kc, vc) in fields.items():
        row = rows[r]
        columns[name] = ColumnRef(column_letter(vc), shown_header(row[kc]), vc)
        positions[name] = (r + 1, column_letter(vc))
        values[name] = [row[vc] if vc < len(row) and row[vc] != "" else None]
    raw = pd.DataFrame(values, index=[0], dtype=object)
    first_row = min((r for r, _ in positions.values()), default=None)  # where the key/value block starts
    return SheetTable(key_, sheet.name, first_row, columns, raw, positions=positions)


def _name_match(tab: str) -> str | None:
    """The canonical sheet a tab name means: an exact name or alias, else the longest one it contains."""
    k = header_key(tab)
    best, best_len = None, 0
    for name, schema in sheet_schemas().items():
        for alias in (name, *sheet_meta(name)["aliases"]):
            a = header_key(alias)
            if k == a:
                return name
            if a in k and len(a) > best_len:
                best, best_len = name, len(a)
    return best


def locate_sheets(raw_sheets: list[RawSheet]) -> tuple[dict[str, SheetTable], list[tuple[str, str]]]:
    """Match raw sheets to canonical sheets. Returns the tables and (canonical, tab) pairs whose header was not found."""
    found: dict[str, SheetTable] = {}
    headerless: list[tuple[str, str]] = []
    ordered = sorted(raw_sheets, key=lambda s: not s.visible)  # visible sheets win a name clash
    unmatched: list[RawSheet] = []
    for sheet in ordered:
        key_ = _name_match(sheet.name)
        if key_ is None or key_ in found:
            unmatched.append(sheet)
            continue
        table = _build(sheet, key_)
        if table is None:
            headerless.append((key_, sheet.name))
        else:
            found[key_] = table
    for sheet in unmatched:
        if not sheet.visible or header_key(sheet.name).casefold().startswith(_GUIDE_NAMES):
            continue
        rows = _fill_merged(sheet)
        for key_ in sheet_schemas():
            if key_ in found or sheet_meta(key_)["layout"] != Layout.TABLE:
                continue
            header = _best_header(rows, key_)
            required = {n for n, s in column_specs(key_).items() if s.required}
            if header is not None and required <= header[1] and len(header[1]) >= 2:
                found[key_] = _table(sheet, rows, key_, header)
                break
    headerless = [(k, n) for k, n in headerless if k not in found]
    return found, headerless


def _build(sheet: RawSheet, key_: str) -> SheetTable | None:
    rows = _fill_merged(sheet)
    if sheet_meta(key_)["layout"] == Layout.KEYVALUE:
        return _keyvalue(sheet, rows, key_)
    # The tab's name already says which sheet it is: one known column is header enough, so that a sheet left
    # with a single column (现有吸毒人员 without 身份证号) reports the column it lacks, not a missing header.
    header = _best_header(rows, key_, least=1)
    if header is None:
        return None
    return _table(sheet, rows, key_, header)
