"""What the assessment workbook says, as values and rows: the form's item, summary and criteria rows, the indicator
rows, the gap rows behind every lost point, the ledger's issues and the rate chart's rows. No cell, style or width
here (that is `assessment_xlsx.py`); every fixed word comes from the message table in the requested language.
"""

from __future__ import annotations

import datetime as dt

from nodrug_cli.indicators.model import NOT_COMPUTABLE
from nodrug_cli.ledger.findings import sort_key
from nodrug_cli.privacy import mask
from nodrug_cli.render import words as say
from nodrug_cli.render.words import Words
from nodrug_cli.standards.engine import Assessment, ItemResult
from nodrug_cli.ledger.check import finding_dict

PERCENT_EXTRAS = {"change", "change_vs_baseline"}


def form_words(lang: str) -> Words:
    """The workbook's words: the `form.` section of the message table, then the shared words."""
    return Words(lang, section="form")


# --- 考评表 -----------------------------------------------------------------------------------------

def item_values(r: ItemResult, w: Words, number) -> tuple:
    """One item's row: 序号 … 扣分说明 (`number` turns points into what the sheet stores)."""
    item = r.item
    if item.bonus:
        points = w("bonus", f"{item.points:g}")
    elif item.rule == "veto":
        points = w("veto_mark")
    else:
        points = number(item.points)
    met = w("na") if r.passed is None else w.yes_no(r.passed)
    # A veto item scores nothing either way: it passes or fails the whole assessment.
    score = "—" if item.rule == "veto" else w("na") if r.points is None else number(r.points)
    return (item.id, item.category, item.title, points, say.basis(r.source, w.lang), say.shown(r.reading, w.lang),
            say.target(item, r.reading.kind, w.lang), score, met, say.note(r, w.lang))


def total_texts(a: Assessment, w: Words, number) -> tuple[str, str]:
    """合计's two texts: how the total is made, and what was left out as not applicable (else empty)."""
    text = w("total_text", base=number(a.total - a.bonus), bonus=number(a.bonus), total=number(a.total))
    if a.standard.bonus_cap:
        text += w("bonus_cap", a.standard.bonus_cap)
    excluded = a.excluded_items
    note = w("rescaled", items=w("list_sep").join(excluded), earned=number(a.base_earned),
             available=number(a.base_available), full=number(a.base_full)) if excluded else ""
    return text, note


def veto_text(a: Assessment, w: Words) -> tuple[str, bool]:
    """一票否决's value, and whether an item vetoed the assessment."""
    vetoes = [r for r in a.items if r.item.rule == "veto" and r.passed is False]
    if not vetoes:
        return w("no_veto"), False
    open_, close = ("（", "）") if not w.en else (" (", ")")
    return w("vetoed", w("clause_sep").join(f"{r.item.id} {r.item.title}{open_}{say.basis(r.source, w.lang)}{close}"
                                            for r in vetoes)), True


def verdict_text(a: Assessment, w: Words) -> str:
    """考评结论: passed, or failed with each reason."""
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
    return w("failed", w("clause_sep").join(reasons))


def drug_free_text(a: Assessment, w: Words) -> str:
    """The 无毒 verdict in words: outright, by the criteria, or which criteria failed."""
    outright = [c for c in a.standard.drug_free.outright if c.indicator]
    shown = w("comma").join(f"{say.label(a.indicators[c.indicator], w.lang)} {say.shown(a.indicators[c.indicator], w.lang)}"
                            for c in outright)
    if a.drug_free_outright:
        return w("outright", shown)
    parts = [w("not_outright", shown)] if outright else []
    if not a.criteria:
        return w("clause_sep").join([*parts, w("no_criteria")])
    failed = [c.id for c in a.criteria if not c.passed]
    parts.append(w("some_criteria", w("list_sep").join(failed)) if failed else w("all_criteria", len(a.criteria)))
    return w("clause_sep").join(parts)


def criteria_values(a: Assessment, w: Words) -> list[tuple]:
    """Each 无毒 criterion: 序号, title, the evidence behind a fail, met, a pointer to the gap sheet."""
    return [(c.id, c.title, "\n".join(say.evidence_list(c.shortfalls, w.lang)), w.yes_no(c.passed),
             w("see_gaps") if not c.passed else None) for c in a.criteria]


# --- 指标 ------------------------------------------------------------------------------------------

def extras_text(ind, lang: str = "zh") -> str:
    """An indicator's extras in words (应检人次 69；漏检人次 7); the reason when it cannot be computed."""
    if ind.status == NOT_COMPUTABLE:
        return say.basis(ind, lang)
    parts = []
    for key, value in ind.extra.items():
        if value is None:  # a change against a year of 0 has no percentage: shown as a clerk writes "none"
            value = "—"
        elif key in PERCENT_EXTRAS and isinstance(value, (int, float)):
            value = f"{value * 100:+.1f}%"
        parts.append(f"{say.extra_name(key, lang)} {value}")
    return Words(lang)("clause_sep").join(parts)


def indicator_values(a: Assessment, w: Words) -> list[tuple]:
    """指标: every indicator with its numbers, state and extras."""
    statuses = w.table("status")
    return [(say.label(ind, w.lang), key, say.shown(ind, w.lang), ind.numerator, ind.denominator,
             statuses.get(ind.status, ind.status), extras_text(ind, w.lang))
            for key, ind in a.indicators.values.items()]


# --- 缺口明细 --------------------------------------------------------------------------------------

def lost_points(a: Assessment, lang: str = "zh") -> list[tuple[list[tuple[str, str]], object, str]]:
    """(refs, indicator, why) for every indicator behind a lost point, each indicator once.

    A ref is ("item", item id) or ("criterion", criterion id).

    Items that lost points come first, in the standard's order; then the failed conditions of the 无毒
    criteria. An indicator read by several items or criteria is listed once with all of them.
    """
    sep = Words(lang)("comma")
    entries: dict[str, tuple[list[tuple[str, str]], object, str]] = {}
    for r in a.items:
        if r.passed is False or (r.points is not None and r.points < r.item.points - 1e-9):
            key = r.item.indicator_key
            why = sep.join(x for x in (say.basis(r.source, lang), say.note(r, lang)) if x)
            entries.setdefault(key, ([], a.indicators[key], why))[0].append(("item", r.item.id))
    for result in a.criteria:
        for key, evidence in zip(result.failed, result.shortfalls):
            entries.setdefault(key, ([], a.indicators[key], say.evidence(evidence, lang)))[0].append(
                ("criterion", result.id))
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
    w = form_words(lang)
    masked = not full_pii
    rows = []
    for refs, ind, why in lost_points(a, lang):
        ref_text = w("list_sep").join(w("criterion_ref", ref) if kind == "criterion" else ref for kind, ref in refs)
        label = say.label(ind, w.lang)
        if not ind.gap:
            rows.append((ref_text, label, None, None, None, None, None, why))
            continue
        for g in ind.gap:
            g = dict(g)
            pid, name = g.pop("id", None), g.pop("name", None)
            start, end = _as_date(g.pop("start", None)), _as_date(g.pop("end", None))
            subject = next((g.pop(k) for k in ("month", "venue", "item", "cell") if k in g), None)
            # a registry error's reason quotes its finding, which may hold the cell's value: masked unless full_pii
            reason = say.gap_reason(g.pop("reason", None), lang, masked)
            if "events" in g and "required" in g:
                month_reason = w("month_reason", events=g.pop("events"), required=g.pop("required"))
                reason = f"{reason}{w('clause_sep')}{month_reason}" if reason else month_reason
            if g:  # anything else the indicator reported, kept rather than dropped
                reason = w("clause_sep").join([reason or ""] + [f"{k} {v}" for k, v in g.items()]).lstrip("；; ")
            rows.append((ref_text, label, mask(pid, "id") if masked and pid is not None else pid,
                         mask(name, "name") if masked and name is not None else name, subject, start, end, reason))
    return rows


# --- 台账问题 --------------------------------------------------------------------------------------

def issue_values(a: Assessment, w: Words, full_pii: bool) -> list[tuple[tuple, bool]]:
    """(row, is an error) for every finding of the ledger, errors first."""
    severities = w.table("severity")
    rows = []
    for f in sorted(a.findings, key=sort_key):
        d = finding_dict(f, w.lang, masked=not full_pii)
        rows.append(((severities.get(d["severity"], d["severity"]), d["cell"] or d["sheet"], d["header"], d["value"],
                      d["message"], d["hint"]), d["severity"] == "error"))
    return rows


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
        rows.append((f"{item.id} {say.label(ind, lang)}", float(ind.value), float(required)))
    return rows
