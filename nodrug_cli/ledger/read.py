"""Reading a ledger end to end: raw cells → located sheets → typed frames + findings.

`read_ledger` is the library call behind `nodrug validate` and the first step of every other
command. It never touches the clock: the as-of date is an argument.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from nodrug_cli.ledger import columns as C
from nodrug_cli.ledger import crosscheck, idcard
from nodrug_cli.ledger import sheets as S
from nodrug_cli.ledger.cleantext import without_control
from nodrug_cli.ledger.findings import ERROR, Finding, sort_key
from nodrug_cli.ledger.layout import SheetTable, locate_sheets
from nodrug_cli.ledger.normalize import (
    parse_bool,
    parse_date,
    parse_enum,
    parse_id,
    parse_int,
    parse_multi_enum,
    parse_text,
)
from nodrug_cli.ledger.columnspec import ID_INVALID, ColumnKind, Layout
from nodrug_cli.ledger.schema import column_specs, sheet_meta, sheet_schemas
from nodrug_cli.ledger.workbook import DEFAULT_MAX_INFLATED, Opening, open_workbook
from nodrug_cli.period import resolve_period

PARSE_CODES = {ColumnKind.DATE: "date_invalid", ColumnKind.INT: "int_invalid", ColumnKind.BOOL: "bool_invalid"}
VALUE_KINDS = {ColumnKind.ID: "id", ColumnKind.NAME: "name"}  # what privacy.mask masks


@dataclass
class Ledger:
    """A read ledger: typed frames by canonical sheet, the community's info, and every finding."""

    path: Path
    tables: dict[str, SheetTable]
    frames: dict[str, pd.DataFrame]
    info: dict[str, object]
    findings: list[Finding]
    year: int
    as_of: dt.date
    error_rows: dict[str, set[int]] = field(default_factory=dict)
    # Optional sheets present but lacking a required column → those columns: read and checked, yet unusable.
    unusable: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def frame(self, sheet: str, clean: bool = True) -> pd.DataFrame | None:
        """The typed frame of a sheet, None when the sheet is missing or, for an optional sheet, lacks a required
        column (its indicators are then "not computable", as for a missing sheet); `clean` leaves out rows with
        errors."""
        if sheet in self.unusable:
            return None
        frame = self.frames.get(sheet)
        if frame is None or not clean:
            return frame
        bad = self.error_rows.get(sheet)
        return frame.drop(index=list(bad)) if bad else frame

    @property
    def skipped_rows(self) -> int:
        """How many data rows have errors and are left out of indicators. 吸毒人员 rows with errors are not left
        out: they stay in every person set their readable cells decide (DOMAIN.md §2, §4)."""
        return sum(len(rows) for key, rows in self.error_rows.items()
                   if sheet_meta(key)["layout"] == Layout.TABLE and key != S.REGISTRY)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def rows_checked(self) -> int:
        return sum(len(f) for k, f in self.frames.items() if sheet_meta(k)["layout"] != Layout.KEYVALUE)


def show(value: object) -> object:
    """A raw cell value as a clerk would read it (dates without a time, 3.0 as 3, no control characters)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return without_control(value)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d") if (value.hour, value.minute, value.second) == (0, 0, 0) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars from typed frames
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        if abs(value) >= 1e15:  # as Excel shows a long number: 15 significant digits, then zeros
            mantissa, exponent = f"{value:.14e}".split("e")
            digits = mantissa.replace(".", "").replace("-", "")
            return int(("-" if value < 0 else "") + digits + "0" * (int(exponent) - 14))
        return int(value)
    return value


def cell_findings(table: SheetTable, code: str, column: str, rows, each: list[dict] | None = None,
                  **same) -> list[Finding]:
    """One located finding of `code` in `column` for every frame row in `rows`, each showing its cell's raw value;
    `same` holds extra fields for all of them, `each` (one dict per row) extra fields row by row."""
    rows = list(rows)
    if not rows:
        return []
    spec = column_specs(table.key).get(column)
    kind = VALUE_KINDS.get(spec.kind) if spec else None
    if column in table.raw:
        values = table.raw[column].reindex(rows).tolist()  # a row the sheet lacks shows no value
    else:
        values = [None] * len(rows)
    out = []
    _, letter, header = table.locate(rows[0], column)
    for at, (row, raw) in enumerate(zip(rows, values)):
        excel_row = table.locate(row, column)[0] if column in table.positions else int(row)
        fields = {"value": show(raw), **same, **(each[at] if each is not None else {})}
        out.append(Finding(code=code, sheet=table.name, row=excel_row, column=letter, header=header, value_kind=kind,
                           canonical=table.key, field_name=column, **fields))
    return out


def _type_columns(table: SheetTable) -> tuple[pd.DataFrame, list[Finding]]:
    specs = column_specs(table.key)
    typed = {}
    findings: list[Finding] = []
    for name, spec in specs.items():
        if name not in table.raw:
            continue
        raw = table.raw[name]
        if spec.kind == ColumnKind.DATE:
            values, bad = parse_date(raw)
        elif spec.kind == ColumnKind.INT:
            values, bad = parse_int(raw)
        elif spec.kind == ColumnKind.BOOL:
            values, bad = parse_bool(raw)
        elif spec.kind == ColumnKind.ENUM:
            values, bad = parse_enum(raw, spec.lookup())
        elif spec.kind == ColumnKind.MULTI_ENUM:
            values, bad = parse_multi_enum(raw, spec.lookup())
        elif spec.kind == ColumnKind.ID:
            values, bad, numeric = parse_id(raw)
            findings += cell_findings(table, "id_numeric", name, raw.index[numeric])
        else:
            values, bad = parse_text(raw)
        if spec.default is not None:
            values = values.fillna(spec.default) if spec.kind != ColumnKind.BOOL else values.fillna(bool(spec.default))
        if bad.any():
            findings += cell_findings(table, PARSE_CODES[spec.kind], name, raw.index[bad])
        typed[name] = values
    return pd.DataFrame(typed, index=table.raw.index), findings


# Schema failures whose message needs more than the cell (see `_detail`).
_DETAILED = {"enum_invalid", "id_length", "id_checksum", "id_duplicate", "sex_mismatch", "birth_mismatch",
             "aware_exceeds_surveyed"}


def _detail(code: str, table: SheetTable, typed: pd.DataFrame, row: object, column: str) -> dict:
    """Extra words for a schema failure: what the ID implies, which row it repeats, the allowed values."""
    if code == "enum_invalid":
        return {"allowed": column_specs(table.key)[column].values}
    if code == "id_length":
        return {"detail": str(len(str(typed.at[row, column])))}
    if code == "id_checksum":
        return {"detail": idcard.check_char(str(typed.at[row, column])[:17])}
    if code == "id_duplicate":
        ids = typed[column]
        first = ids.index[ids.eq(ids.at[row])][0]
        excel_row, _, _ = table.locate(first, column)
        return {"detail": str(excel_row)}
    if code == "sex_mismatch":
        return {"detail": idcard.sex_of(pd.Series([typed.at[row, C.ID_NUMBER]], dtype="string")).iloc[0]}
    if code == "birth_mismatch":
        born = idcard.birth_of(pd.Series([typed.at[row, C.ID_NUMBER]], dtype="string")).iloc[0]
        return {"detail": born.strftime("%Y-%m-%d"), "value": show(typed.at[row, column])}
    if code == "aware_exceeds_surveyed":
        return {"detail": str(typed.at[row, C.SURVEYED]), "value": show(typed.at[row, column])}
    return {}


def _schema_findings(table: SheetTable, typed: pd.DataFrame, skip: set[tuple[object, str]]) -> list[Finding]:
    schema = sheet_schemas()[table.key]
    absent = [c for c in schema.columns if c not in typed]
    if absent:
        schema = schema.remove_columns(absent)
    try:
        schema.validate(typed, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    failing: dict[tuple[str, str], list] = {}  # (code, column) → frame rows, in the order pandera gave them
    seen: set[tuple[object, str, str]] = set()
    listed = (cases[name].to_numpy(dtype=object).tolist() for name in ("check", "column", "index"))
    for check, column, index in zip(*listed):
        check = str(check)
        if check == "not_nullable":
            code = "required_empty"
        elif "@" in check:
            code, column = check.split("@", 1)
        else:
            code = check
        if index is None or (isinstance(index, float) and pd.isna(index)):
            continue  # a whole-column failure (dtype); the parsers already made the column right
        if code == ID_INVALID:
            code = idcard.problem(typed.at[index, column])
        if column not in table.columns and C.STATUS in table.columns:
            column = C.STATUS  # a status rule whose date/term column is absent: point at the status cell
        if (index, column) in skip or (index, column, code) in seen:
            continue
        seen.add((index, column, code))
        failing.setdefault((code, column), []).append(index)
    findings = []
    for (code, column), rows in failing.items():
        each = [_detail(code, table, typed, r, column) for r in rows] if code in _DETAILED else None
        findings += cell_findings(table, code, column, rows, each)
    return findings


def _absent_required(table: SheetTable) -> list[str]:
    """The required columns a located sheet lacks (missing, renamed past recognition, or a blank header)."""
    return [name for name, spec in column_specs(table.key).items() if spec.required and name not in table.columns]


def _structure_findings(table: SheetTable) -> list[Finding]:
    findings = []
    variant = "keyvalue" if table.positions else ""  # 社区概况 as key/value rows: the fix says where keys go
    for name in _absent_required(table):
        spec = column_specs(table.key)[name]
        findings.append(
            Finding("column_missing", sheet=table.name, row=table.header_row, header=name,
                    detail="、".join(spec.aliases) or "无", canonical=table.key, field_name=name, variant=variant)
        )
    for name, ref in table.duplicates:
        findings.append(
            Finding("column_duplicate", sheet=table.name, row=table.header_row, column=ref.letter, header=ref.header,
                    detail=table.columns[name].letter, canonical=table.key, field_name=name)
        )
    return findings


def read_ledger(
    path: Path | str,
    today: dt.date,
    as_of: dt.date | None = None,
    year: int | None = None,
    max_inflated: int | None = None,
    opening: Opening | None = None,
) -> Ledger:
    """Read, type and check a ledger for the period of DOMAIN.md §3 (`year`, else the ledger's 评估年度).

    Raises `workbook.Unreadable` when no ledger can be read from `path`. `opening`, when given, is the
    `workbook.Opening` of `path` already under way (then `max_inflated` was given to it).
    """
    path = Path(path)
    sheets = opening.sheets() if opening is not None else open_workbook(path, max_inflated or DEFAULT_MAX_INFLATED)
    tables, headerless = locate_sheets(sheets)
    findings: list[Finding] = []
    for key, meta in ((k, sheet_meta(k)) for k in sheet_schemas()):
        if meta["required"] and key not in tables and key not in {k for k, _ in headerless}:
            findings.append(Finding("sheet_missing", header=key, canonical=key))
    for key, tab in headerless:
        findings.append(Finding("header_not_found", sheet=tab, header=tab, canonical=key,
                                variant="keyvalue" if sheet_meta(key)["layout"] == Layout.KEYVALUE else ""))
    frames: dict[str, pd.DataFrame] = {}
    unusable: dict[str, tuple[str, ...]] = {}
    for key, table in tables.items():
        typed, parsed = _type_columns(table)
        findings += _structure_findings(table) + parsed
        skip = {(r, f.field_name) for f in parsed for r in [_index_of(table, f)]}
        findings += _schema_findings(table, typed, skip)
        frames[key] = typed
        absent = _absent_required(table)
        if absent and not sheet_meta(key)["required"]:
            unusable[key] = tuple(absent)
    info = _info(frames.get(S.COMMUNITY))
    year, as_of = resolve_period(today, as_of, year, info.get("评估年度"))
    findings += crosscheck.run(tables, frames, as_of, cell_findings)
    findings.sort(key=sort_key)
    # The 现有吸毒人员 list is compared with the person sets by the callers that show findings
    # (indicators.reconcile.add_current_list_findings): the sets are the layer above reading.
    return Ledger(path, tables, frames, info, findings, year, as_of, _error_rows(tables, findings), unusable)


def _error_rows(tables: dict[str, SheetTable], findings: list[Finding]) -> dict[str, set]:
    """The data rows (frame index) of each sheet that hold an error; sheet-level findings mark none."""
    rows: dict[str, set] = {}
    for f in findings:
        if f.severity == ERROR and f.canonical in tables and f.row is not None and f.column is not None:
            rows.setdefault(f.canonical, set()).add(_index_of(tables[f.canonical], f))
    return rows


def _index_of(table: SheetTable, finding: Finding) -> object:
    """The frame index a finding's cell belongs to (the Excel row, or 0 for a key/value sheet)."""
    return 0 if table.positions else finding.row


def _info(frame: pd.DataFrame | None) -> dict[str, object]:
    if frame is None or frame.empty:
        return {}
    row = frame.iloc[0]
    return {k: (None if pd.isna(v) else v.item() if hasattr(v, "item") else v) for k, v in row.items()}
