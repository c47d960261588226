"""The assessment workbook (考评表): a scored ledger as a printable A4 form, with its evidence.

Sheets: 考评表 (the form a reviewer signs: one row per item, the total, grade, veto and the 无毒
verdict with each criterion), 指标 (every indicator with its numbers), 缺口明细 (the persons, windows,
months, venues and checklist items behind every lost point), 台账问题 (the ledger's findings) and
图表 (a native bar chart of the rate thresholds). IDs and names are masked with `privacy.mask`
unless `full_pii`. Text from the ledger or the standard is always stored as text, never as a
formula, and nothing of the input workbook is copied in.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from openpyxl.chart import Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from nodrug_cli.render.xlsx_style import BODY as _BODY, BOLD as _BOLD, CENTER as _CENTER, FONT
from nodrug_cli.render.xlsx_style import HEAD_FILL as _HEAD_FILL, LEFT as _LEFT, LOST_FILL as _LOST_FILL, TITLE as _TITLE
from nodrug_cli.render.assessment_values import (criteria_values, drug_free_text, form_words, gap_rows, indicator_values,
                                                 issue_values, item_values, rate_thresholds, total_texts, verdict_text,
                                                 veto_text)
from nodrug_cli.render.words import Words
from nodrug_cli.render.xlsx_style import (fit_height, header_row, merge, new_book, number, page_setup, percent_bars, put,
                                          save_book, set_widths)
from nodrug_cli.standards.engine import Assessment, ItemResult

# What each sheet says comes from assessment_values.py (values, rows) and the message table (words); this module
# only lays them out: cells, merges, styles, widths, heights, print setup.

# 考评表 columns: 序号 … 扣分说明, about 105 characters wide: one A4 portrait page at ~85 %.
FORM_WIDTHS = (6, 10, 24, 7, 19, 8, 11, 6, 6, 15)
LAST_FORM_COL = len(FORM_WIDTHS)


def write_assessment(assessment: Assessment, path: Path, full_pii: bool = False, lang: str = "zh") -> None:
    """Write the assessment workbook to `path` (through a temporary file); IDs and names masked unless `full_pii`."""
    w = form_words(lang)
    book = new_book()
    _form_sheet(book.create_sheet(w("form")), assessment, w)
    _indicator_sheet(book.create_sheet(w("indicators")), assessment, w)
    _gap_sheet(book.create_sheet(w("gaps")), assessment, w, full_pii)
    _issue_sheet(book.create_sheet(w("issues")), assessment, w, full_pii)
    _chart_sheet(book.create_sheet(w("chart")), assessment, w)
    save_book(book, path)


# --- 考评表 -----------------------------------------------------------------------------------------

def _span(first: int, last: int) -> float:
    return sum(FORM_WIDTHS[first - 1:last])


def _labelled(ws: Worksheet, row: int, label: str, value: object, value_cols: tuple[int, int] = (4, LAST_FORM_COL),
              bold_value: bool = False) -> None:
    """A summary row: the label across 序号…考核内容, the value across the rest."""
    merge(ws, row, 1, 3, label, font=_BOLD, align=_CENTER)
    merge(ws, row, value_cols[0], value_cols[1], value, font=_BOLD if bold_value else _BODY)
    fit_height(ws, row, [(value, _span(*value_cols))])


def _form_sheet(ws: Worksheet, a: Assessment, w: Words) -> None:
    set_widths(ws, FORM_WIDTHS)
    std = a.standard
    merge(ws, 1, 1, LAST_FORM_COL, w("title", community=a.community, year=a.year), font=_TITLE, align=_CENTER,
          border=False)
    ws.row_dimensions[1].height = 34
    merge(ws, 2, 1, 3, w("community", a.community), border=False)
    merge(ws, 2, 4, 7, w("town", a.town or "—"), border=False)
    merge(ws, 2, 8, LAST_FORM_COL, w("year", a.year), border=False)
    row = 3
    for line in (w("standard", std.title), w("source", std.source), w("as_of", a.as_of.isoformat())):
        merge(ws, row, 1, LAST_FORM_COL, line, border=False)
        fit_height(ws, row, [(line, _span(1, LAST_FORM_COL))])
        row += 1
    head = row + 1
    labels = w.table("item_header")
    header_row(ws, head, labels, FORM_WIDTHS)
    row = head
    for r in a.items:
        row += 1
        _item_row(ws, row, r, w)
    row = _summary_rows(ws, row + 1, a, w)
    row = _criteria_rows(ws, row + 1, a, w)
    weights = w("weights", std.weights)
    merge(ws, row + 1, 1, LAST_FORM_COL, weights, border=False, font=Font(name=FONT, size=9, italic=True))
    fit_height(ws, row + 1, [(weights, _span(1, LAST_FORM_COL) * 1.1)])
    sign = row + 3
    for (first, last), text in zip(((1, 3), (4, 7), (8, LAST_FORM_COL)), w.table("signature")):
        merge(ws, sign, first, last, text, border=False, font=_BOLD)
    ws.row_dimensions[sign].height = 36
    ws.freeze_panes = ws.cell(head + 1, 1)
    page_setup(ws, f"{head}:{head}", LAST_FORM_COL, sign, w)


def _item_row(ws: Worksheet, row: int, r: ItemResult, w: Words) -> None:
    values = item_values(r, w, number)
    lost = r.passed is False
    for c, value in enumerate(values, start=1):
        centered = c in (1, 2, 4, 6, 8, 9)
        put(ws, row, c, value, align=_CENTER if centered else _LEFT, fill=_LOST_FILL if lost and c in (8, 9) else None,
            font=_BOLD if lost and c == 9 else _BODY)
    fit_height(ws, row, list(zip(values, FORM_WIDTHS)), minimum=22)


def _summary_rows(ws: Worksheet, row: int, a: Assessment, w: Words) -> int:
    """合计, 等级, 一票否决, 考评结论, 无毒结论, 跳过的错误行; returns the last row written."""
    text, note = total_texts(a, w, number)
    merge(ws, row, 1, 3, w("total"), font=_BOLD, align=_CENTER)
    put(ws, row, 4, number(a.base_full), font=_BOLD, align=_CENTER)
    merge(ws, row, 5, 7, text)
    put(ws, row, 8, number(a.total), font=_BOLD, align=_CENTER)
    merge(ws, row, 9, LAST_FORM_COL, note)
    fit_height(ws, row, [(text, _span(5, 7)), (note, _span(9, LAST_FORM_COL))], minimum=24)
    row += 1
    _labelled(ws, row, w("grade"), a.grade, bold_value=True)
    row += 1
    veto, vetoed = veto_text(a, w)
    _labelled(ws, row, w("veto"), veto, bold_value=vetoed)
    row += 1
    _labelled(ws, row, w("verdict"), verdict_text(a, w), bold_value=True)
    row += 1
    _labelled(ws, row, w("drug_free"), drug_free_text(a, w), bold_value=True)
    row += 1
    _labelled(ws, row, w("skipped"), w("skipped_text", a.skipped_rows))
    return row


def _criteria_rows(ws: Worksheet, row: int, a: Assessment, w: Words) -> int:
    """Each 无毒 criterion with pass/fail and the evidence behind a fail; returns the last row written."""
    if not a.criteria:
        return row - 1
    # Aligned with the item columns (序号, 考核内容, 是否达标), so the header row repeated on a new page still fits.
    spans = ((1, 1), (2, 3), (4, 8), (9, 9), (10, 10))
    for (first, last), label in zip(spans, w.table("criteria_header")):
        merge(ws, row, first, last, label, font=_BOLD, align=_CENTER, fill=_HEAD_FILL)
    ws.row_dimensions[row].height = 22
    for c, values in zip(a.criteria, criteria_values(a, w)):
        row += 1
        for (first, last), value in zip(spans, values):
            centered = first in (1, 9)
            merge(ws, row, first, last, value, align=_CENTER if centered else _LEFT,
                  font=_BOLD if first == 9 and not c.passed else _BODY,
                  fill=_LOST_FILL if first == 9 and not c.passed else None)
        fit_height(ws, row, [(v, _span(f, l)) for (f, l), v in zip(spans, values)], minimum=22)
    return row


# --- 指标 ------------------------------------------------------------------------------------------

def _indicator_sheet(ws: Worksheet, a: Assessment, w: Words) -> None:
    widths = (26, 30, 10, 8, 8, 10, 40)
    set_widths(ws, widths)
    header_row(ws, 1, w.table("ind_header"), widths)
    row = 1
    for values in indicator_values(a, w):
        row += 1
        for c, value in enumerate(values, start=1):
            put(ws, row, c, value, align=_CENTER if c in (3, 4, 5, 6) else _LEFT)
        fit_height(ws, row, list(zip(values, widths)))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{row}"
    page_setup(ws, "1:1", len(widths), row, w)


# --- 缺口明细 --------------------------------------------------------------------------------------

def _gap_sheet(ws: Worksheet, a: Assessment, w: Words, full_pii: bool) -> None:
    widths = (16, 22, 22, 10, 16, 12, 12, 40)
    set_widths(ws, widths)
    header_row(ws, 1, w.table("gap_header"), widths)
    rows = gap_rows(a, full_pii, w.lang)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value, align=_CENTER if c in (1, 3, 4, 6, 7) else _LEFT,
                number_format="yyyy-mm-dd" if isinstance(value, dt.date) else None)
        fit_height(ws, r, list(zip(values, widths)))
    last = len(rows) + 1
    if not rows:
        last = 2
        merge(ws, 2, 1, len(widths), w("no_gaps"))
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{last}"
    page_setup(ws, "1:1", len(widths), last, w)


# --- 台账问题 --------------------------------------------------------------------------------------

def _issue_sheet(ws: Worksheet, a: Assessment, w: Words, full_pii: bool) -> None:
    widths = (7, 18, 14, 22, 44, 40)
    set_widths(ws, widths)
    header_row(ws, 1, w.table("issue_header"), widths)
    row = 1
    for values, error in issue_values(a, w, full_pii):
        row += 1
        for c, value in enumerate(values, start=1):
            put(ws, row, c, value, align=_CENTER if c == 1 else _LEFT, font=_BOLD if c == 1 and error else _BODY)
        fit_height(ws, row, [(str(v) if v is not None else None, width) for v, width in zip(values, widths)])
    if row == 1:
        row = 2
        merge(ws, 2, 1, len(widths), w("no_issues"))
    else:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{row}"
    ws.freeze_panes = "A2"
    page_setup(ws, "1:1", len(widths), row, w, landscape=True)


# --- 图表 ------------------------------------------------------------------------------------------

def _chart_sheet(ws: Worksheet, a: Assessment, w: Words) -> None:
    widths = (32, 10, 10)
    set_widths(ws, widths)
    header_row(ws, 1, w.table("chart_header"), widths)
    rows = rate_thresholds(a, w.lang)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value, align=_CENTER if c > 1 else _LEFT, number_format="0.0%" if c > 1 else None)
    if not rows:
        merge(ws, 2, 1, len(widths), w("no_chart"))
        page_setup(ws, None, len(widths), 2, w)
        return
    last = len(rows) + 1
    chart = percent_bars(w("chart_title"))
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
    chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
                                     showPercent=False, dLblPos="inEnd")
    chart.gapWidth = 60
    chart.legend.position = "b"
    chart.height, chart.width = max(7.0, 2.5 + 1.2 * len(rows)), 17
    anchor = last + 2
    ws.add_chart(chart, f"A{anchor}")
    # A default row is 0.53 cm: the rows under the table that the chart covers belong in the print area.
    page_setup(ws, None, len(widths) + 3, anchor + math.ceil(chart.height / 0.53) + 1, w)
