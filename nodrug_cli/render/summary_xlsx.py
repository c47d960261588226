"""The town/district review workbook (考评汇总): a batch run as sheets a reviewer prints and files.

Sheets: 汇总 (one row per ledger, in the batch's order: status, score, 排名 within the town (ties share a
rank: 1, 2, 2, 4), grade, 无毒 (counted only with a passed verdict), failed criteria, findings, the key
indicators — ledgers with errors included, they are scored — and why a ledger could not be used),
镇街汇总 (each town scored on its pooled indicators with its own grade, 社区合格率, 无毒率 against the year's
target and 挂牌重点整治; then the county: 乡镇考核总合格率 against its target, other unit types as 无数据; with
native bar charts of the rates) and 奖惩 (授牌, 黄牌警告, 收回授牌 with the standard's ladder; an interim
check's sanctions marked 暂定). Nothing about a person is written: the batch carries no names or IDs.
Text copied from a ledger (community, town, path, reason, criteria) is stored as text, never a formula.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from nodrug_cli.batch.outcome import KEY_INDICATORS, BatchReport, LedgerOutcome
from nodrug_cli.batch.rollup import TownResult
from nodrug_cli.history.sanctions import REVOKE, WARN
from nodrug_cli.indicators.model import NA, NOT_COMPUTABLE, kind, label
from nodrug_cli.render.xlsx_style import (fit_height, header_row, merge, new_book, number, page_setup, percent_bars,
                                          put, save_book, set_widths, text_width)
from nodrug_cli.render.batch import ledger_reason
from nodrug_cli.render.words import Words
from nodrug_cli.render.xlsx_style import BODY, BOLD, CENTER, FONT, LEFT, LOST_FILL, TITLE

# 汇总: 序号 … 警告数, then one column a key indicator, then 原因; about 190 characters: A4 landscape at ~75 %.
LEDGER_WIDTHS = (5, 10, 11, 18, 12, 6, 5, 6, 5, 26, 5, 5)
INDICATOR_WIDTH = 8.5  # five characters a line
REASON_WIDTH = 16
TOWN_WIDTHS = (5, 14, 9, 7, 8, 9, 8, 9, 9, 7, 7, 9)
COUNTY_WIDTHS = (40, 10, 10, 10)
SANCTION_WIDTHS = (18, 20, 8, 16, 24)
_HEAD = 4  # 汇总's header row: title, standard, counts above it
_TOWN_HEAD = 4  # 镇街汇总's header row: title, standard, note above it
_NOTE = Font(name=FONT, size=9, italic=True)
_ACTION_FILLS = {WARN: PatternFill("solid", fgColor="FFF2CC"), REVOKE: LOST_FILL}
_ACTUAL_COLOR, _TARGET_COLOR = "4472C4", "A5A5A5"  # the target's bars grey, so the towns' own stand out


def write_summary(report: BatchReport, path: Path, lang: str = "zh") -> None:
    """Write the town/district review workbook for a batch run to `path` (through a temporary file)."""
    w = Words(lang, section="summary")
    book = new_book()
    _ledger_sheet(book.create_sheet(w("summary")), report, w)
    _town_sheet(book.create_sheet(w("towns")), report, w)
    _sanction_sheet(book.create_sheet(w("sanctions")), report, w)
    save_book(book, path)


def _standard_line(report: BatchReport, w: Words) -> str:
    std = report.standard or {}
    name = std.get("title") or std.get("name") or "—"
    return w("standard", f"{name}（{std['source']}）" if std.get("source") and w.lang == "zh"
             else f"{name} ({std['source']})" if std.get("source") else name)


def _title(ws: Worksheet, text: str, widths: tuple[float, ...]) -> None:
    """The sheet's title, centred over the table."""
    merge(ws, 1, 1, len(widths), text, font=TITLE, align=CENTER, border=False)
    ws.row_dimensions[1].height = 30


def _line(ws: Worksheet, row: int, text: str, widths: tuple[float, ...], note: bool = False) -> None:
    """A line of text across the table (a note in smaller italics), wrapped within the printed width."""
    merge(ws, row, 1, len(widths), text, border=False, font=_NOTE if note else BODY)
    fit_height(ws, row, [(text, sum(widths) * (1.1 if note else 1))])


# --- 汇总 ------------------------------------------------------------------------------------------

def _ledger_sheet(ws: Worksheet, report: BatchReport, w: Words) -> None:
    labels = w.table("ledger_header") + tuple(_two_lines(label(k, w.lang)) for k in KEY_INDICATORS) + (
        w("reason"),)
    widths = _room_for_words(LEDGER_WIDTHS + (INDICATOR_WIDTH,) * len(KEY_INDICATORS) + (REASON_WIDTH,), labels)
    set_widths(ws, widths)
    _title(ws, w("title", year=report.year), widths)
    _line(ws, 2, _standard_line(report, w), widths)
    statuses = [o.status for o in report.outcomes]
    counts = w("counts", n=len(statuses), ok=statuses.count("ok"), invalid=statuses.count("invalid"),
               unreadable=statuses.count("unreadable"), free=sum(1 for o in report.outcomes if o.drug_free))
    _line(ws, 3, f"{counts}\n{w('rank_note')}", widths)
    header_row(ws, _HEAD, labels, widths)
    row = _HEAD
    for n, o in enumerate(report.outcomes, start=1):
        row += 1
        _ledger_row(ws, row, n, o, w, widths)
    last_col = get_column_letter(len(widths))
    ws.freeze_panes = ws.cell(_HEAD + 1, 4)  # the header and the community's name stay in view
    ws.auto_filter.ref = f"A{_HEAD}:{last_col}{max(row, _HEAD + 1)}"
    page_setup(ws, f"{_HEAD}:{_HEAD}", len(widths), row, w, landscape=True)


def _ledger_row(ws: Worksheet, row: int, n: int, o: LedgerOutcome, w: Words, widths: tuple[float, ...]) -> None:
    ok = o.status == "ok"
    criteria = "\n".join(_short(c) for c in o.failed_criteria) if o.failed_criteria else None
    status = w.table("status").get(o.status, o.status)
    scored = o.status != "unreadable"  # a ledger with errors is scored: its indicators are shown
    values = [n, o.town, o.community, o.path, status, number(o.total), o.rank, o.grade, w.yes_no(o.drug_free),
              criteria, o.errors if scored else None, o.warnings if scored else None]
    for c, value in enumerate(values, start=1):
        lost = (c == 5 and not ok) or (c == 9 and o.drug_free is False)
        put(ws, row, c, value, align=CENTER if c in (1, 5, 6, 7, 8, 9, 11, 12) else LEFT,
            fill=LOST_FILL if lost else None, font=BOLD if lost else BODY)
    col = len(values)
    for key in KEY_INDICATORS:
        col += 1
        value, fmt = _indicator_cell(o.indicators.get(key), key, w) if scored else (None, None)
        put(ws, row, col, value, align=CENTER, number_format=fmt)
    reason = ledger_reason(o, w.lang) or None
    put(ws, row, col + 1, reason)
    spans = list(zip(values, widths)) + [(reason, widths[-1])]
    fit_height(ws, row, spans)


def _room_for_words(widths: tuple[float, ...], labels: tuple[str, ...]) -> tuple[float, ...]:
    """Widen a column whose header has an English word longer than the column (Chinese wraps anywhere)."""
    def longest(text: str) -> int:
        words = re.split(r"\s+|(?<=-)", text)  # a line may break after a hyphen
        return max((text_width(word) for word in words if word.isascii()), default=0)

    return tuple(max(width, longest(text) + 2) for width, text in zip(widths, labels))


def _two_lines(text: str) -> str:
    """A long Chinese header on two lines broken between words: 现有吸毒\n人员, 知晓率\n（总体）."""
    if " " in text or text_width(text) <= 10:
        return text  # English wraps at its spaces; five characters fit the column
    cut = text.find("（")
    return f"{text[:cut]}\n{text[cut:]}" if cut > 0 else f"{text[:4]}\n{text[4:]}"


def _short(criterion: str, limit: int = 24) -> str:
    """A criterion by its number and first clause (`2 帮教率100%`): the full words are on each community's 考评表."""
    cut = min((i for i in (criterion.find(ch, 2) for ch in "，,；;（(") if i > 0), default=len(criterion))
    short = criterion[:cut]
    return short if len(short) <= limit else short[:limit - 1] + "…"


def _indicator_cell(ind: dict | None, key: str, w: Words) -> tuple[object, str | None]:
    """A key indicator as a number with its format (rates as percentages), or words when it has no value."""
    if not ind:
        return None, None
    if ind.get("status") == NOT_COMPUTABLE:
        return w("not_computable"), None
    value = ind.get("value")
    if ind.get("status") == NA or value is None:
        return w("na"), None
    k = kind(key)
    if k == "rate":
        return float(value), "0.0%"
    if k == "permille":
        return float(value), "0.00"
    if k in ("flag", "checklist"):
        return w.yes_no(bool(value)), None
    return int(value), "0"


# --- 镇街汇总 ---------------------------------------------------------------------------------------

def _town_sheet(ws: Worksheet, report: BatchReport, w: Words) -> None:
    widths = _room_for_words(TOWN_WIDTHS, w.table("town_header"))
    set_widths(ws, widths)
    _title(ws, w("towns_title", year=report.year), widths)
    _line(ws, 2, _standard_line(report, w), widths)
    _line(ws, 3, w("towns_note"), widths, note=True)
    header_row(ws, _TOWN_HEAD, w.table("town_header"), widths)
    row = _TOWN_HEAD
    for r in report.towns:
        row += 1
        _town_row(ws, row, r, w, widths)
    last_town = row
    row += 1
    c = report.overall
    _put_row(ws, row, (None, w("overall"), c.communities, c.passed, c.community_pass_rate, c.drug_free,
                       c.drug_free_rate, c.drug_free_target, _met(c.drug_free_met, w), None, None, None), w, widths,
             bold=True)
    ws.freeze_panes = ws.cell(_TOWN_HEAD + 1, 1)
    row = _county_block(ws, row + 2, report, w)
    if not report.towns:
        row += 1
        merge(ws, row, 1, len(widths), w("no_towns"))
        page_setup(ws, f"{_TOWN_HEAD}:{_TOWN_HEAD}", len(widths), row, w)
        return
    last_row = row
    anchor = row + 2
    drug_free_target = any(r.drug_free_target is not None for r in report.towns)
    for value_col, target_col, title in ((7, 8 if drug_free_target else None, w("chart_drug_free")),
                                         (5, None, w("chart_pass"))):
        chart = _rate_chart(ws, value_col, target_col, last_town, title, widths)
        ws.add_chart(chart, f"A{anchor}")
        # A default row is 0.53 cm: the rows the chart covers belong in the print area.
        last_row = anchor + math.ceil(chart.height / 0.53)
        anchor = last_row + 2
    page_setup(ws, f"{_TOWN_HEAD}:{_TOWN_HEAD}", len(widths), last_row, w)


_PERCENT_COLUMNS = (5, 7, 8)


def _town_row(ws: Worksheet, row: int, r: TownResult, w: Words, widths: tuple[float, ...]) -> None:
    values = (r.rank, r.town, r.communities, r.passed, r.community_pass_rate, r.drug_free, r.drug_free_rate,
              r.drug_free_target, _met(r.drug_free_met, w), number(r.total), r.grade, r.flag)
    _put_row(ws, row, values, w, widths, bold=False, lost={9: r.drug_free_met is False, 11: r.grade_passed is False,
                                                            12: bool(r.flag)})


def _put_row(ws: Worksheet, row: int, values: tuple, w: Words, widths: tuple[float, ...], bold: bool,
             lost: dict[int, bool] | None = None) -> None:
    for c, value in enumerate(values, start=1):
        percent = c in _PERCENT_COLUMNS
        shown = w("na") if percent and value is None else value
        missed = bool((lost or {}).get(c))
        put(ws, row, c, shown, font=BOLD if missed or bold else BODY, align=LEFT if c == 2 else CENTER,
            number_format="0.0%" if percent and value is not None else None, fill=LOST_FILL if missed else None)
    fit_height(ws, row, list(zip(values, widths)))


def _met(met: bool | None, w: Words) -> str:
    return w("na") if met is None else w.yes_no(met)


def _county_block(ws: Worksheet, head: int, report: BatchReport, w: Words) -> int:
    """The county against the year's targets: 乡镇考核总合格率 (seed 000), 无毒村 (seed 003), other unit types."""
    c = report.overall
    compare = w.table("compare")

    def goal(target: float | None, how: str = ">=") -> str:
        return w("na") if target is None else compare[how].format(f"{target * 100:g}%")

    rows = [(w("town_pass", passed=c.towns_passed, towns=c.towns), c.town_pass_rate,
             goal(c.town_pass_target, c.town_pass_compare), _met(c.town_pass_met, w)),
            (w("drug_free_share"), c.drug_free_rate, goal(c.drug_free_target), _met(c.drug_free_met, w))]
    rows += [(o["label"], w("no_data"), goal(o["target"]), w("no_data")) for o in c.other_targets]
    header_row(ws, head, w.table("county_header"), COUNTY_WIDTHS)
    row = head
    for values in rows:
        row += 1
        for col, value in enumerate(values, start=1):
            rate = col == 2 and isinstance(value, float)
            put(ws, row, col, value, align=LEFT if col == 1 else CENTER, number_format="0.0%" if rate else None,
                fill=LOST_FILL if col == 4 and value == w.yes_no(False) else None)
    return row


def _rate_chart(ws: Worksheet, value_col: int, target_col: int | None, last: int, title: str,
                widths: tuple[float, ...]) -> BarChart:
    """Horizontal bars of one rate by town, with its target as a second series when there is one."""
    towns = last - _TOWN_HEAD
    chart = percent_bars(title)
    for col in (value_col, target_col):
        if col is not None:
            chart.add_data(Reference(ws, min_col=col, min_row=_TOWN_HEAD + 1, max_row=last))
            # the header's words without its line break, as the legend's
            chart.series[-1].tx = SeriesLabel(v=str(ws.cell(_TOWN_HEAD, col).value).replace("\n", ""))
    chart.set_categories(Reference(ws, min_col=2, min_row=_TOWN_HEAD + 1, max_row=last))
    chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
                                     showPercent=False, dLblPos="inEnd")
    chart.gapWidth = 60
    chart.legend.position = "b"
    for series, color in zip(chart.series, (_ACTUAL_COLOR, _TARGET_COLOR)):
        series.graphicalProperties.solidFill = color
        series.graphicalProperties.line.solidFill = color
    bars = len(chart.series) * towns
    # As wide as the table above it and no wider, or the print area would cut it: Excel draws a column of
    # width w about 7w pixels wide at 96 dpi (LibreOffice a little wider).
    chart.height = max(6.0, 3.0 + 0.6 * bars)
    chart.width = sum(7 * w for w in widths) / 96 * 2.54
    return chart


# --- 奖惩 ------------------------------------------------------------------------------------------

def _ladder_note(report: BatchReport, w: Words) -> str:
    """The standard's ladder in its source's words (rules are data in the standard's YAML)."""
    ladder = (report.standard or {}).get("sanctions") or {}
    if not ladder.get("rules"):
        return w("no_ladder")
    words = "；".join(f"{r['source']} → {r['action']}" for r in ladder["rules"])
    note = w("ladder_rules", (report.standard or {}).get("name") or "") + (ladder.get("source") or words)
    return note if report.review else note + "\n" + w("interim")


def _sanction_sheet(ws: Worksheet, report: BatchReport, w: Words) -> None:
    widths = _room_for_words(SANCTION_WIDTHS, w.table("sanction_header"))
    set_widths(ws, widths)
    _title(ws, w("sanctions_title", year=report.year), widths)
    _line(ws, 2, _ladder_note(report, w), widths, note=True)
    head = 3
    header_row(ws, head, w.table("sanction_header"), widths)
    actions = w.table("actions")
    row = head
    for s in report.sanctions:
        row += 1
        action = s.get("action")
        fill = _ACTION_FILLS.get(action)
        shown = actions.get(action, action)
        values = (s.get("town"), s.get("community"), s.get("year"),
                  w("provisional", shown) if s.get("provisional") else shown, s.get("accountability"))
        for c, value in enumerate(values, start=1):
            put(ws, row, c, value, align=CENTER if c in (3, 4) else LEFT,
                fill=fill if c == 4 else None, font=BOLD if fill and c == 4 else BODY)
        fit_height(ws, row, list(zip(values, widths)))
    if row == head:
        row += 1
        merge(ws, row, 1, len(widths), w("no_sanctions"))
    else:
        ws.auto_filter.ref = f"A{head}:{get_column_letter(len(widths))}{row}"
    ws.freeze_panes = ws.cell(head + 1, 1)
    page_setup(ws, f"{head}:{head}", len(widths), row, w)
