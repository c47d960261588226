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

from nodrug_cli.indicators.model import NA, NOT_COMPUTABLE
from nodrug_cli.ledger.findings import sort_key
from nodrug_cli.privacy import mask
from nodrug_cli.render.xlsx_style import BODY as _BODY, BOLD as _BOLD, CENTER as _CENTER, FONT
from nodrug_cli.render.xlsx_style import HEAD_FILL as _HEAD_FILL, LEFT as _LEFT, LOST_FILL as _LOST_FILL, TITLE as _TITLE
from nodrug_cli.render.xlsx_style import (Words, fit_height, header_row, merge, new_book, number, page_setup,
                                          percent_bars, put, save_book, set_widths)
from nodrug_cli.standards.engine import Assessment, ItemResult, basis
from nodrug_cli.ledger.check import finding_dict

# Fixed words, Chinese and English. What the engine and the standard say (notes, targets, titles) stays as written.
WORDS = {
    "form": ("考评表", "Assessment"), "indicators": ("指标", "Indicators"), "gaps": ("缺口明细", "Gaps"),
    "issues": ("台账问题", "Ledger issues"), "chart": ("图表", "Chart"),
    "title": ("{community} {year} 年度“无毒村（社区）”创建考评表", "{community} {year} drug-free community assessment"),
    "community": ("被考核单位：{}", "Community: {}"), "town": ("所属镇（街道）：{}", "Town: {}"),
    "year": ("考核年度：{} 年", "Year: {}"), "standard": ("考核标准：{}", "Standard: {}"),
    "source": ("标准依据：{}", "Source: {}"), "as_of": ("数据截止日期：{}", "Data as of: {}"),
    "weights": ("分值说明：{}", "Points: {}"),
    "item_header": (("序号", "考核项目", "考核内容", "分值", "计算依据", "实际值", "标准", "得分", "是否达标", "扣分说明"),
                    ("No.", "Category", "Item", "Points", "Basis", "Actual", "Required", "Score", "Met", "Deductions")),
    "bonus": ("{}（加分）", "{} (bonus)"), "veto_mark": ("否决项", "veto"),
    "yes": ("是", "yes"), "no": ("否", "no"), "na": ("不适用", "n/a"),
    "total": ("合计", "Total"), "grade": ("等级", "Grade"), "veto": ("一票否决", "Veto"),
    "verdict": ("考评结论", "Verdict"), "drug_free": ("无毒结论", "Drug-free"),
    "skipped": ("跳过的错误行", "Rows skipped"),
    "bonus_cap": ("（加分上限 {:g}）", " (bonus cap {:g})"),
    "total_text": ("基本分 {base:g} + 加分 {bonus:g} = {total:g} 分", "base {base:g} + bonus {bonus:g} = {total:g}"),
    "rescaled": ("{items} 不适用，不计入；基本分 = 实得 {earned:g} ÷ 可得 {available:g} × {full:g}",
                 "{items} not applicable; base = {earned:g} / {available:g} × {full:g}"),
    "no_veto": ("无", "none"), "vetoed": ("是：{}", "yes: {}"),
    "passed": ("通过", "passed"), "failed": ("未通过（{}）", "failed ({})"),
    "why_veto": ("一票否决", "vetoed"), "why_grade": ("等级为{}", "grade {}"),
    "why_drug_free": ("未达到“无毒村（社区）”标准", "not drug-free"),
    "why_registry": ("吸毒人员表有错误（底数不清）", "the registry sheet has errors"),
    "outright": ("符合直接认定条件（{}），认定为“无毒村（社区）”", "drug-free outright ({})"),
    "not_outright": ("不符合直接认定条件（{}）", "not drug-free outright ({})"),
    "all_criteria": ("达到全部 {} 条“无毒村（社区）”标准，认定为“无毒村（社区）”", "meets all {} criteria: drug-free"),
    "some_criteria": ("第 {} 条未达标，未达到“无毒村（社区）”标准", "criteria {} not met: not drug-free"),
    "no_criteria": ("本标准未规定无毒条件", "the standard sets no criteria"),
    "skipped_text": ("{} 行（有错误的数据行未计入指标，见“台账问题”表）", "{} rows (rows with errors are left out; see Ledger issues)"),
    "criteria_header": (("序号", "无毒村（社区）标准", "未达标的依据", "是否达标", "说明"),
                        ("No.", "Criterion", "Evidence", "Met", "Notes")),
    "see_gaps": ("名单见“缺口明细”", "see Gaps"),
    "signature": (("考核人：__________", "被考核单位负责人：__________", "日期：______年____月____日"),
                  ("Assessor: __________", "Community head: __________", "Date: __________")),
    "ind_header": (("指标", "键", "值", "分子", "分母", "状态", "说明"),
                   ("Indicator", "Key", "Value", "Numerator", "Denominator", "Status", "Notes")),
    "status": ({"ok": "正常", NA: "不适用", NOT_COMPUTABLE: "无法计算"},
               {"ok": "ok", NA: "n/a", NOT_COMPUTABLE: "not computable"}),
    "gap_header": (("考核项目", "指标", "身份证号", "姓名", "对象", "开始", "结束", "原因"),
                   ("Items", "Indicator", "ID", "Name", "Subject", "From", "To", "Reason")),
    "criterion_ref": ("无毒标准{}", "criterion {}"),
    "month_reason": ("本月宣传活动 {events} 次，要求 {required} 次", "{events} events this month, {required} required"),
    "no_gaps": ("没有失分项目", "no points lost"),
    "issue_header": (("级别", "单元格", "列", "值", "问题", "修改建议"),
                     ("Severity", "Cell", "Column", "Value", "Problem", "How to fix")),
    "severity": ({"error": "错误", "warning": "警告"}, {"error": "error", "warning": "warning"}),
    "no_issues": ("台账未发现问题", "no problems found"),
    "chart_header": (("考核项目", "实际", "要求"), ("Item", "Actual", "Required")),
    "chart_title": ("比率指标：实际与要求", "Rates: actual vs. required"),
    "no_chart": ("本标准没有以比率门槛考核的项目（或均不适用）", "no item tests a rate against a threshold"),
    "page": ("第 &P 页，共 &N 页", "Page &P of &N"),
}
EXTRA_WORDS = {
    "last_year": "上年", "change": "同比变化", "baseline": "基准年", "change_vs_baseline": "较基准年变化",
    "required": "每月要求次数", "missing_events": "缺少活动次数",
}
PERCENT_EXTRAS = {"change", "change_vs_baseline"}

# 考评表 columns: 序号 … 扣分说明, about 105 characters wide: one A4 portrait page at ~85 %.
FORM_WIDTHS = (6, 10, 24, 7, 19, 8, 11, 6, 6, 15)
LAST_FORM_COL = len(FORM_WIDTHS)


def write_assessment(assessment: Assessment, path: Path, full_pii: bool = False, lang: str = "zh") -> None:
    """Write the assessment workbook to `path` (through a temporary file); IDs and names masked unless `full_pii`."""
    w = Words(WORDS, lang)
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
    labels = WORDS["item_header"][w.index]
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
    for (first, last), text in zip(((1, 3), (4, 7), (8, LAST_FORM_COL)), WORDS["signature"][w.index]):
        merge(ws, sign, first, last, text, border=False, font=_BOLD)
    ws.row_dimensions[sign].height = 36
    ws.freeze_panes = ws.cell(head + 1, 1)
    page_setup(ws, f"{head}:{head}", LAST_FORM_COL, sign, w)


def _item_row(ws: Worksheet, row: int, r: ItemResult, w: Words) -> None:
    item = r.item
    if item.bonus:
        points = w("bonus", f"{item.points:g}")
    elif item.rule == "veto":
        points = w("veto_mark")
    else:
        points = number(item.points)
    met = w("na") if r.passed is None else w("yes") if r.passed else w("no")
    lost = r.passed is False
    # A veto item scores nothing either way: it passes or fails the whole assessment.
    score = "—" if item.rule == "veto" else w("na") if r.points is None else number(r.points)
    values = (item.id, item.category, item.title, points, r.basis, r.actual, r.target, score, met, r.note)
    for c, value in enumerate(values, start=1):
        centered = c in (1, 2, 4, 6, 8, 9)
        put(ws, row, c, value, align=_CENTER if centered else _LEFT, fill=_LOST_FILL if lost and c in (8, 9) else None,
            font=_BOLD if lost and c == 9 else _BODY)
    fit_height(ws, row, list(zip(values, FORM_WIDTHS)), minimum=22)


def _summary_rows(ws: Worksheet, row: int, a: Assessment, w: Words) -> int:
    """合计, 等级, 一票否决, 考评结论, 无毒结论, 跳过的错误行; returns the last row written."""
    full, available, earned, excluded = a.base_full, a.base_available, a.base_earned, a.excluded_items
    text = w("total_text", base=number(a.total - a.bonus), bonus=number(a.bonus), total=number(a.total))
    if a.standard.bonus_cap:
        text += w("bonus_cap", a.standard.bonus_cap)
    note = w("rescaled", items="、".join(excluded), earned=number(earned), available=number(available),
             full=number(full)) if excluded else ""
    merge(ws, row, 1, 3, w("total"), font=_BOLD, align=_CENTER)
    put(ws, row, 4, number(full), font=_BOLD, align=_CENTER)
    merge(ws, row, 5, 7, text)
    put(ws, row, 8, number(a.total), font=_BOLD, align=_CENTER)
    merge(ws, row, 9, LAST_FORM_COL, note)
    fit_height(ws, row, [(text, _span(5, 7)), (note, _span(9, LAST_FORM_COL))], minimum=24)
    row += 1
    _labelled(ws, row, w("grade"), a.grade, bold_value=True)
    row += 1
    vetoes = [r for r in a.items if r.item.rule == "veto" and r.passed is False]
    veto = w("vetoed", "；".join(f"{r.item.id} {r.item.title}（{r.basis}）" for r in vetoes)) if vetoes else w("no_veto")
    _labelled(ws, row, w("veto"), veto, bold_value=bool(vetoes))
    row += 1
    _labelled(ws, row, w("verdict"), _verdict(a, w), bold_value=True)
    row += 1
    _labelled(ws, row, w("drug_free"), _drug_free_text(a, w), bold_value=True)
    row += 1
    _labelled(ws, row, w("skipped"), w("skipped_text", a.skipped_rows))
    return row


def _verdict(a: Assessment, w: Words) -> str:
    if a.passed:
        return w("passed")
    reasons = []
    if a.vetoed:
        reasons.append(w("why_veto"))
    if not a.standard.reaches_pass(a.grade):
        reasons.append(w("why_grade", a.grade))
    if not a.registry_clean:
        reasons.append(w("why_registry"))
    if a.standard.verdict == "drug_free" and not a.drug_free_passed:
        reasons.append(w("why_drug_free"))
    return w("failed", "；".join(reasons))


def _drug_free_text(a: Assessment, w: Words) -> str:
    """The 无毒 verdict in words: outright, by the criteria, or which criteria failed."""
    outright = [c for c in a.standard.drug_free.outright if c.indicator]
    shown = "，".join(f"{a.indicators[c.indicator].label(w.lang)} {a.indicators[c.indicator].display()}" for c in outright)
    if a.drug_free_outright:
        return w("outright", shown)
    parts = [w("not_outright", shown)] if outright else []
    if not a.criteria:
        return "；".join([*parts, w("no_criteria")])
    failed = [c.id for c in a.criteria if not c.passed]
    parts.append(w("some_criteria", "、".join(failed)) if failed else w("all_criteria", len(a.criteria)))
    return "；".join(parts)


def _criteria_rows(ws: Worksheet, row: int, a: Assessment, w: Words) -> int:
    """Each 无毒 criterion with pass/fail and the evidence behind a fail; returns the last row written."""
    if not a.criteria:
        return row - 1
    # Aligned with the item columns (序号, 考核内容, 是否达标), so the header row repeated on a new page still fits.
    spans = ((1, 1), (2, 3), (4, 8), (9, 9), (10, 10))
    for (first, last), label in zip(spans, WORDS["criteria_header"][w.index]):
        merge(ws, row, first, last, label, font=_BOLD, align=_CENTER, fill=_HEAD_FILL)
    ws.row_dimensions[row].height = 22
    for c in a.criteria:
        row += 1
        evidence = "\n".join(c.evidence)
        met = w("yes") if c.passed else w("no")
        values = (c.id, c.title, evidence, met, w("see_gaps") if not c.passed else None)
        for (first, last), value in zip(spans, values):
            centered = first in (1, 9)
            merge(ws, row, first, last, value, align=_CENTER if centered else _LEFT,
                  font=_BOLD if first == 9 and not c.passed else _BODY,
                  fill=_LOST_FILL if first == 9 and not c.passed else None)
        fit_height(ws, row, [(v, _span(f, l)) for (f, l), v in zip(spans, values)], minimum=22)
    return row


# --- 指标 ------------------------------------------------------------------------------------------

def extras_text(ind, lang: str = "zh") -> str:
    """An indicator's extras in words (应检人次 69；漏检人次 7); the reason when it cannot be computed."""
    if ind.status == NOT_COMPUTABLE:
        return basis(ind)
    parts = []
    for key, value in ind.extra.items():
        name = key if lang == "en" else EXTRA_WORDS.get(key, key)
        if value is None:  # a change against a year of 0 has no percentage: shown as a clerk writes "none"
            value = "—"
        elif key in PERCENT_EXTRAS and isinstance(value, (int, float)):
            value = f"{value * 100:+.1f}%"
        parts.append(f"{name} {value}")
    return "；".join(parts)


def _indicator_sheet(ws: Worksheet, a: Assessment, w: Words) -> None:
    widths = (26, 30, 10, 8, 8, 10, 40)
    set_widths(ws, widths)
    header_row(ws, 1, WORDS["ind_header"][w.index], widths)
    statuses = WORDS["status"][w.index]
    row = 1
    for key, ind in a.indicators.values.items():
        row += 1
        values = (ind.label(w.lang), key, ind.display(), ind.numerator, ind.denominator,
                  statuses.get(ind.status, ind.status), extras_text(ind, w.lang))
        for c, value in enumerate(values, start=1):
            put(ws, row, c, value, align=_CENTER if c in (3, 4, 5, 6) else _LEFT)
        fit_height(ws, row, list(zip(values, widths)))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{row}"
    page_setup(ws, "1:1", len(widths), row, w)


# --- 缺口明细 --------------------------------------------------------------------------------------

def lost_points(a: Assessment) -> list[tuple[list[tuple[str, str]], object, str]]:
    """(refs, indicator, why) for every indicator behind a lost point, each indicator once.

    A ref is ("item", item id) or ("criterion", criterion id).

    Items that lost points come first, in the standard's order; then the failed conditions of the 无毒
    criteria. An indicator read by several items or criteria is listed once with all of them.
    """
    entries: dict[str, tuple[list[tuple[str, str]], object, str]] = {}
    for r in a.items:
        if r.passed is False or (r.points is not None and r.points < r.item.points - 1e-9):
            key = r.item.indicator_key
            why = "，".join(x for x in (r.basis, r.note) if x)
            entries.setdefault(key, ([], a.indicators[key], why))[0].append(("item", r.item.id))
    for result in a.criteria:
        for key, evidence in zip(result.failed, result.evidence):
            entries.setdefault(key, ([], a.indicators[key], evidence))[0].append(("criterion", result.id))
    return list(entries.values())


def _as_date(value: object) -> object:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def gap_rows(a: Assessment, full_pii: bool, lang: str = "zh") -> list[tuple]:
    """One row per person, window, month, venue, checklist item or cell behind a lost point."""
    w = Words(WORDS, lang)
    masked = not full_pii
    # Cell-level gaps quote a finding's message, which may hold the cell's value: quote it masked.
    messages = {}
    for f in a.findings:
        if f.cell:
            messages[(f.cell, f.message(shown_value=mask(f.value, f.value_kind)))] = finding_dict(f, w.lang, masked)["message"]
    rows = []
    for refs, ind, why in lost_points(a):
        ref_text = "、".join(w("criterion_ref", ref) if kind == "criterion" else ref for kind, ref in refs)
        label = ind.label(w.lang)
        if not ind.gap:
            rows.append((ref_text, label, None, None, None, None, None, why))
            continue
        for g in ind.gap:
            g = dict(g)
            pid, name = g.pop("id", None), g.pop("name", None)
            start, end = _as_date(g.pop("start", None)), _as_date(g.pop("end", None))
            subject = next((g.pop(k) for k in ("month", "venue", "item", "cell") if k in g), None)
            reason = g.pop("reason", None)
            if "events" in g and "required" in g:
                month_reason = w("month_reason", events=g.pop("events"), required=g.pop("required"))
                reason = f"{reason}；{month_reason}" if reason else month_reason
            if reason and subject is not None:
                reason = messages.get((subject, reason), reason)
            if g:  # anything else the indicator reported, kept rather than dropped
                reason = "；".join([reason or ""] + [f"{k} {v}" for k, v in g.items()]).lstrip("；")
            rows.append((ref_text, label, mask(pid, "id") if masked and pid is not None else pid,
                         mask(name, "name") if masked and name is not None else name, subject, start, end, reason))
    return rows


def _gap_sheet(ws: Worksheet, a: Assessment, w: Words, full_pii: bool) -> None:
    widths = (16, 22, 22, 10, 16, 12, 12, 40)
    set_widths(ws, widths)
    header_row(ws, 1, WORDS["gap_header"][w.index], widths)
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
    header_row(ws, 1, WORDS["issue_header"][w.index], widths)
    severities = WORDS["severity"][w.index]
    row = 1
    for f in sorted(a.findings, key=sort_key):
        d = finding_dict(f, w.lang, masked=not full_pii)
        row += 1
        values = (severities.get(d["severity"], d["severity"]), d["cell"] or d["sheet"], d["header"], d["value"],
                  d["message"], d["hint"])
        for c, value in enumerate(values, start=1):
            put(ws, row, c, value, align=_CENTER if c == 1 else _LEFT,
                font=_BOLD if c == 1 and d["severity"] == "error" else _BODY)
        fit_height(ws, row, [(str(v) if v is not None else None, width) for v, width in zip(values, widths)])
    if row == 1:
        row = 2
        merge(ws, 2, 1, len(widths), w("no_issues"))
    else:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{row}"
    ws.freeze_panes = "A2"
    page_setup(ws, "1:1", len(widths), row, w, landscape=True)


# --- 图表 ------------------------------------------------------------------------------------------

def rate_thresholds(a: Assessment, lang: str = "zh") -> list[tuple[str, float, float]]:
    """("B1 知晓率（群众）", actual, required) for every item that tests a computed rate against a minimum."""
    rows = []
    for r in a.items:
        item, ind = r.item, a.indicators[r.item.indicator_key]
        if ind.kind != "rate" or ind.status != "ok" or ind.value is None:
            continue
        if item.rule in ("threshold", "veto") and item.min is not None:
            required = item.min
        elif item.rule == "tiers" and item.tiers:
            full = [t.min for t in item.tiers if t.min is not None and t.points >= item.points]
            if not full:
                continue
            required = min(full)
        else:
            continue
        rows.append((f"{item.id} {ind.label(lang)}", float(ind.value), float(required)))
    return rows


def _chart_sheet(ws: Worksheet, a: Assessment, w: Words) -> None:
    widths = (32, 10, 10)
    set_widths(ws, widths)
    header_row(ws, 1, WORDS["chart_header"][w.index], widths)
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
