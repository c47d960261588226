"""The blank ledger workbook, generated entirely from the sheet declaration (`nodrug_cli.ledger.schema`).

Nothing here names a sheet or a column: add a column to the declaration and the template, its
dropdowns and its 填表说明 sheet follow. Under `--lang en` every word the template adds (the guide, the hints, the
dropdowns' messages) is English, from the message table and the declaration's `hint_en`; the tabs, headers and
values stay Chinese, since they are what the clerk must find and type and what the reader reads back.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from nodrug_cli.ledger import columns as C
from nodrug_cli.ledger import sheets as S
from nodrug_cli.ledger.dates import EXCEL_EPOCH
from nodrug_cli.ledger.layout import GUIDE_TABS
from nodrug_cli.ledger.columnspec import ColumnSpec
from nodrug_cli.ledger.schema import column_specs, sheet_description, sheet_meta, sheet_schemas
from nodrug_cli.outputs import atomic_path
from nodrug_cli.render.labels import allowed_text, allowed_values, kind_label, sheet_requirement, value_list, yes_no
from nodrug_cli.render.words import Words

GUIDE_SHEET = GUIDE_TABS[0]
REQUIRED_MARK = "*"  # the reader strips it again (`layout.header_key`)
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
# ID and date formats are the columns' own style (`<col style>`), which Excel, WPS and LibreOffice give every
# new cell of the column down to Excel's last row; writing each cell instead would make the file huge and slow.
LAST_ROW = 1_048_576  # validations, like column styles, cost nothing per row


# From 1901: Excel counts a 29 Feb 1900 that never was, so its serials before March 1900 are off by one.
_DATE_RANGE = (dt.date(1901, 1, 1), dt.date(2099, 12, 31))
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_GUIDE_FILL = PatternFill("solid", fgColor="E2EFDA")
_BOLD = Font(bold=True)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_MIN_WIDTH = {"id": 22, "date": 12, "text": 14}  # others: 10, room for the dropdown arrow


def write_template(path: Path, rows: dict[str, list[dict[str, object]]] | None = None, lang: str = "zh") -> None:
    """Write the blank ledger workbook to `path`: one sheet per declared sheet, then 填表说明 (Guide). `rows` gives
    rows written in advance under a table sheet's header, canonical column → value; by default the 自查项目 of every
    built-in standard (`template_rows`). `lang`: the language of the words the template adds."""
    rows = template_rows() if rows is None else rows
    w = Words(lang)
    book = Workbook()
    book.remove(book.active)
    for sheet in sheet_schemas():
        ws = book.create_sheet(sheet)
        if sheet_meta(sheet)["layout"] == "keyvalue":
            _keyvalue_sheet(ws, sheet, w)
        else:
            _table_sheet(ws, sheet, rows.get(sheet, []), w)
    _guide_sheet(book.create_sheet(w("template.guide_tab")), w)
    with atomic_path(Path(path)) as temp:
        book.save(temp)


def header_text(spec: ColumnSpec) -> str:
    """A column's header as the template writes it: the canonical name, `*` when required."""
    return spec.name + (REQUIRED_MARK if spec.required else "")


def template_rows(standard=None) -> dict[str, list[dict[str, object]]]:
    """The rows a template starts with: each 自查项目 that `standard` (a `Standard`), or else any built-in standard,
    reads, named and numbered, 是否落实 left for the clerk (a 是/否 dropdown), so no name has to be guessed."""
    from nodrug_cli.standards.load import builtin_checklist_items

    items = standard.checklist_items() if standard is not None else builtin_checklist_items()
    return {S.CHECKLIST: [{"编号": n, C.CHECK_ITEM: item} for n, item in enumerate(items, start=1)]}


def _table_sheet(ws: Worksheet, sheet: str, rows: list[dict[str, object]], w: Words) -> None:
    for c, spec in enumerate(column_specs(sheet).values(), start=1):
        letter = get_column_letter(c)
        _style_header(ws.cell(1, c, header_text(spec)), spec.required)
        ws.column_dimensions[letter].width = _width(spec)
        fmt = _number_format(spec)
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
        for r, row in enumerate(rows, start=2):
            if row.get(spec.name) is not None:
                ws.cell(r, c, row[spec.name]).number_format = fmt or "General"
        _add_validation(ws, spec, f"{letter}2:{letter}{LAST_ROW}", w)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 22


def _keyvalue_sheet(ws: Worksheet, sheet: str, w: Words) -> None:
    for c, text in enumerate(w.table("template.keyvalue_header"), start=1):
        _style_header(ws.cell(1, c, text), False)
    specs = list(column_specs(sheet).values())
    for r, spec in enumerate(specs, start=2):
        _style_header(ws.cell(r, 1, header_text(spec)), spec.required)
        ws.cell(r, 1).alignment = Alignment(vertical="center")
        ws.cell(r, 3, spec.hint_in(w.lang) or None).alignment = _WRAP
        if _number_format(spec):
            ws.cell(r, 2).number_format = _number_format(spec)
        _add_validation(ws, spec, f"B{r}", w)
    ws.column_dimensions["A"].width = max(_display_width(header_text(s)) for s in specs) + 4
    ws.column_dimensions["B"].width = max(24, *(_width(s) for s in specs))
    ws.column_dimensions["C"].width = min(60, max(_display_width(s.hint_in(w.lang)) for s in specs) + 2)
    ws.freeze_panes = "A2"


def _guide_sheet(ws: Worksheet, w: Words) -> None:
    """填表说明: what every sheet and every column is for, in the clerk's words (or in English)."""
    lang = w.lang
    intro = w.table("template.intro")
    for r, line in enumerate(intro, start=1):
        ws.cell(r, 1, line)
    row = len(intro) + 2
    row = _guide_table(ws, row, w.table("template.sheet_header"), [
        (name, sheet_requirement(sheet_meta(name)["required"], lang), value_list(sheet_meta(name)["aliases"], lang),
         sheet_description(name, lang))
        for name in sheet_schemas()
    ])
    _guide_table(ws, row + 1, w.table("template.column_header"), [
        (sheet, spec.name, yes_no(spec.required, lang), kind_label(spec, lang), allowed_text(spec, lang),
         value_list(spec.aliases, lang), spec.hint_in(lang))
        for sheet in sheet_schemas()
        for spec in column_specs(sheet).values()
    ])
    for letter, width in zip("ABCDEFG", (14, 18, 10, 22, 40, 30, 50)):
        ws.column_dimensions[letter].width = width


def _guide_table(ws: Worksheet, row: int, header: tuple[str, ...], rows: list[tuple]) -> int:
    """Write a header and its rows from `row`; return the first row after them."""
    for c, text in enumerate(header, start=1):
        cell = ws.cell(row, c, text)
        cell.font, cell.fill, cell.alignment = _BOLD, _GUIDE_FILL, _HEADER_ALIGN
    for values in rows:
        row += 1
        for c, value in enumerate(values, start=1):
            ws.cell(row, c, value or None).alignment = _WRAP
    return row + 1


def _style_header(cell, required: bool) -> None:
    cell.font = _BOLD
    cell.fill = _REQUIRED_FILL if required else _OPTIONAL_FILL
    cell.alignment = _HEADER_ALIGN


def _number_format(spec: ColumnSpec) -> str | None:
    # Text format keeps all 18 digits of a typed ID (as a number Excel keeps 15); a date format shows
    # a typed date the way the reader's findings quote it.
    return {"id": TEXT_FORMAT, "date": DATE_FORMAT}.get(spec.kind)


def _add_validation(ws: Worksheet, spec: ColumnSpec, sqref: str, w: Words) -> None:
    dv = validation(spec, w.lang)
    dv.add(sqref)
    ws.add_data_validation(dv)


def validation(spec: ColumnSpec, lang: str = "zh") -> DataValidation:
    """Excel's own check for a column: a dropdown, whole-number, date or length rule; the hint as input message."""
    w = Words(lang)
    if spec.kind in ("enum", "bool"):
        formula = '"' + ",".join(allowed_values(spec)) + '"'
        # Excel "repairs" (drops) a list longer than 255 characters; a comma inside a value would split it.
        if len(formula) > 255 or any("," in v for v in allowed_values(spec)):
            raise ValueError(f"{spec.name}: its values do not fit an Excel dropdown list")
        dv = DataValidation(type="list", formula1=formula)
        error = w("template.error_list", value_list(allowed_values(spec), lang))
    elif spec.kind == "int":
        lowest = spec.minimum if spec.minimum is not None else -(10**9)
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(lowest))
        error = w("template.error_int", lowest)
    elif spec.kind == "date":
        low, high = ((d - EXCEL_EPOCH).days for d in _DATE_RANGE)
        # A warning, not a stop: the reader also accepts text dates (2025.3.5) that Excel does not.
        dv = DataValidation(type="date", operator="between", formula1=str(low), formula2=str(high),
                            errorStyle="warning")
        error = w("template.error_date")
    elif spec.kind == "id":
        dv = DataValidation(type="textLength", operator="equal", formula1="18", errorStyle="warning")
        error = w("template.error_id")
    else:
        # Free text and 可多选 columns: no rule (several values are allowed), only the input message.
        dv = DataValidation()
        error = ""
    dv.allow_blank = True
    dv.showInputMessage = True
    dv.promptTitle = _clip(spec.name, 32)  # Excel's limits: 32 characters of title, 255 of message
    dv.prompt = _clip(prompt_text(spec, lang), 255)
    if error:
        dv.showErrorMessage = True
        dv.errorTitle = _clip(spec.name, 32)
        dv.error = _clip(error, 255)
    return dv


def prompt_text(spec: ColumnSpec, lang: str = "zh") -> str:
    """The input message: the hint, plus the allowed values when the hint does not already list them."""
    values = allowed_values(spec)
    text = spec.hint_in(lang) or kind_label(spec, lang)
    if values and not all(v in text for v in values):
        text += Words(lang)("template.prompt_values") + value_list(values, lang)
    return text


def _width(spec: ColumnSpec) -> float:
    widest = max([_display_width(header_text(spec)), *(_display_width(v) for v in allowed_values(spec))])
    return min(30, max(widest + 3, _MIN_WIDTH.get(spec.kind, 10)))


def _display_width(text: str) -> int:
    # A CJK character is about two Latin characters wide in Excel's width unit.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text or "")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
