"""Scoring a ledger against a standard: items, bonus, grade, veto and the 无毒 verdict (DOMAIN.md §6).

Pure: the ledger's frames and the standard in, an `Assessment` out. Rules per item:
threshold (full points or 0), tiers (points by band), per_missing (points off per missing unit),
per_unit (points per unit up to the maximum), checklist (the 自查项目 item is 是), veto (failing it
fails the whole assessment). An item whose indicator has a zero denominator is left out and the total
rescaled to the full maximum (DOMAIN.md §5: "An item over a not-applicable indicator is left out of the
score … unless the standard says `na: pass` or `na: fail` for it"). An indicator whose sheet is missing
scores 0.

The verdict (DOMAIN.md §6): `passed` holds when no veto item failed, the grade reaches the pass grade, the
吸毒人员 sheet has no errors (every seed asks for 底数清 — seed 002 criterion 3 "对本辖区内的吸毒人员……情况要
掌握清楚"; an assessment on a registry with errors cannot pass), and, for a standard whose verdict is 无毒,
every 无毒 criterion holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from nodrug_cli.indicators.compute import Indicators, Params, compute_indicators
from nodrug_cli.indicators.model import NA, NOT_COMPUTABLE, Indicator
from nodrug_cli.ledger.findings import Finding, sort_key
from nodrug_cli.ledger.normalize import loose_key
from nodrug_cli.ledger.read import Ledger
from nodrug_cli.standards.load import builtin_checklist_items
from nodrug_cli.standards.model import Condition, Item, Standard


UNIT_WORDS = {"漏检人次": "人次", "漏谈人次": "人次", "missing_events": "次活动", "参与人数": "人", "发放资料（份）": "份资料",
              "悬挂标语（条）": "条标语"}


@dataclass
class ItemResult:
    """One scored item."""

    item: Item
    points: float | None  # None when excluded (not applicable)
    passed: bool | None
    basis: str  # 计算依据, e.g. 在家尿检 48/50 人
    target: str  # the standard's requirement in words
    actual: str  # the indicator's value as shown
    note: str  # 扣分说明
    gap: list[dict] = field(default_factory=list)


@dataclass
class CriterionResult:
    id: str
    title: str
    passed: bool
    evidence: list[str]
    failed: list[str] = field(default_factory=list)  # the indicator keys of the conditions that failed


@dataclass
class Assessment:
    """A ledger scored against a standard."""

    community: str
    town: str | None
    year: int
    as_of: dt.date
    standard: Standard
    indicators: Indicators
    items: list[ItemResult]
    total: float
    bonus: float
    grade: str
    vetoed: bool
    drug_free_outright: bool  # the standard's optional `outright` conditions all hold (no built-in has them)
    drug_free_passed: bool
    criteria: list[CriterionResult]
    skipped_rows: int
    findings: list[Finding]  # the ledger's, plus 自查项目 rows that match no item of the standard
    base_full: float = 0.0  # the rubric's base points (no bonus, no veto)
    base_available: float = 0.0  # of which applicable (excluded items left out)
    base_earned: float = 0.0  # of which earned; total = earned × full ÷ available + bonus
    outright_evidence: list[str] = field(default_factory=list)  # why the community is not 无毒 outright

    @property
    def excluded_items(self) -> list[str]:
        """Ids of base items left out as not applicable (the reason the total was rescaled)."""
        return [r.item.id for r in self.items if r.points is None and not r.item.bonus and r.item.rule != "veto"]

    @property
    def registry_clean(self) -> bool:
        """The 吸毒人员 sheet is there and has no errors (底数清)."""
        ind = self.indicators.values.get("registry_errors")
        return ind is not None and ind.value == 0

    @property
    def grade_passed(self) -> bool:
        """The grade reaches the standard's pass grade and no veto item failed."""
        return not self.vetoed and self.standard.reaches_pass(self.grade)

    @property
    def passed(self) -> bool:
        """The verdict `--check` tests: not vetoed, the pass grade reached, a registry without errors, and 无毒
        where the standard decides by it."""
        good = self.grade_passed and self.registry_clean
        if self.standard.verdict == "drug_free":
            good = good and self.drug_free_passed
        return good


def params_for(standard: Standard) -> Params:
    return Params(test_schedule=list(standard.schedules.tests), talk_schedule=list(standard.schedules.talks),
                  events_per_month=standard.events_per_month, checklist_items=standard.checklist_items())


def _bound_text(low: float | None, high: float | None, ind: Indicator) -> str:
    def fmt(x: float) -> str:
        if ind.kind == "rate":
            return f"{x * 100:g}%"
        if ind.kind == "permille":
            return f"{x:g}‰"
        if ind.kind in ("flag", "checklist"):
            return "是" if x else "否"
        return f"{x:g}"

    if ind.kind in ("flag", "checklist") and low is not None:
        return "是" if low else "否"
    parts = ([f"≥ {fmt(low)}"] if low is not None else []) + ([f"≤ {fmt(high)}"] if high is not None else [])
    return "，".join(parts)


def _meets(ind: Indicator, low: float | None, high: float | None) -> bool:
    value = ind.value
    return value is not None and (low is None or value >= low - 1e-12) and (high is None or value <= high + 1e-12)


def basis(ind: Indicator) -> str:
    """计算依据: the numbers behind the value, as a reviewer writes them."""
    if ind.status == NOT_COMPUTABLE:
        sheet = ind.extra.get("missing_sheet", "")
        if ind.extra.get("missing_reason"):
            return f"{ind.extra['missing_reason']}，无法计算"
        return "自查项目无此项" if ind.kind == "checklist" else f"缺少“{sheet}”表，无法计算"
    label = ind.label()
    if ind.measure in ("fell", "rose"):  # a trend: show both years' counts
        now = ind.extra.get("now")
        last = ind.extra.get("last_year")
        source = "（上年取自历史记录）" if ind.extra.get("last_year_source") == "history" else ""
        return f"{ind.label_base()} 本期 {now} 人，上年同期 {last} 人{source}"
    if ind.kind in ("rate", "permille") and ind.denominator is not None:
        suffix = f"（应检 {ind.extra['应检人次']} 人次，漏检 {ind.extra['漏检人次']} 人次）" if "应检人次" in ind.extra else ""
        suffix = suffix or (f"（应谈 {ind.extra['应谈人次']} 人次，漏谈 {ind.extra['漏谈人次']} 人次）" if "应谈人次" in ind.extra else "")
        return f"{label} {ind.numerator}/{ind.denominator}{suffix}"
    if ind.kind == "checklist":
        return f"自查：{'是' if ind.value else '否'}"
    return f"{label} {ind.display()}"


def _units(item: Item, ind: Indicator) -> float:
    if item.unit:
        return float(ind.extra.get(item.unit) or 0)
    if item.rule == "per_missing" and ind.denominator is not None:
        return float((ind.denominator or 0) - (ind.numerator or 0))
    return float(ind.value or 0)


def score_item(item: Item, ind: Indicator) -> ItemResult:
    """Apply one item's rule to its indicator (or to the one of its numbers the item names)."""
    raw = ind
    ind = ind.measured(item.measure or (item.unit if item.rule == "per_unit" else None))
    target = {
        "threshold": lambda: _bound_text(item.min, item.max, ind),
        "veto": lambda: "一票否决：" + (_bound_text(item.min, item.max, ind) if item.indicator else "是"),
        "tiers": lambda: "；".join(f"{_bound_text(t.min, t.max, ind)} 得 {t.points:g} 分" for t in item.tiers or []),
        "per_missing": lambda: f"每缺 1 {UNIT_WORDS.get(item.unit or '', '个')}扣 {item.deduct:g} 分",
        "per_unit": lambda: f"每 1 {UNIT_WORDS.get(item.unit or '', '个')}得 {item.per:g} 分，最多 {item.points:g} 分",
        "checklist": lambda: "是",
    }[item.rule]()
    # the persons behind a trend that did not rise (年度脱毒人数) are the ones who did well: no shortfall to list
    gap = [] if item.measure == "rose" else ind.gap
    common = dict(basis=basis(raw if item.rule == "per_missing" else ind), target=target, actual=ind.display(), gap=gap)
    if ind.status == NOT_COMPUTABLE:
        return ItemResult(item, 0.0, False, note="缺少台账，无法证明，不得分", **common)
    if ind.status == NA:
        if item.na == "exclude":
            return ItemResult(item, None, None, note="不适用（分母为 0），不计入总分", **common)
        ok = item.na == "pass"
        return ItemResult(item, item.points if ok else 0.0, ok,
                          note="不适用（分母为 0），按达标计" if ok else "不适用（分母为 0），按未达标计", **common)
    if item.rule in ("threshold", "veto"):
        ok = _meets(ind, item.min, item.max) if item.indicator else bool(ind.value)
        return ItemResult(item, item.points if ok else 0.0, ok, note="" if ok else f"未达到 {target}", **common)
    if item.rule == "checklist":
        ok = bool(ind.value)
        return ItemResult(item, item.points if ok else 0.0, ok, note="" if ok else "自查为否", **common)
    if item.rule == "tiers":  # the best band the value reaches, whatever order the file lists them in
        reached = [min(t.points, item.points) for t in item.tiers or [] if _meets(ind, t.min, t.max)]
        if reached:
            pts = max(reached)
            return ItemResult(item, pts, pts >= item.points,
                              note="" if pts >= item.points else f"按档次得 {pts:g} 分", **common)
        return ItemResult(item, 0.0, False, note="未达到任何档次", **common)
    units = _units(item, raw)
    if item.rule == "per_missing":
        pts = max(0.0, item.points - units * (item.deduct or 0))
        return ItemResult(item, pts, units == 0, note="" if units == 0 else f"缺 {units:g}，扣 {item.points - pts:g} 分",
                          **common)
    pts = min(item.points, units * (item.per or 0))
    return ItemResult(item, pts, pts >= item.points, note="" if pts >= item.points else f"{units:g} 个，得 {pts:g} 分",
                      **common)


def check_condition(cond: Condition, ind: Indicator | None, item: ItemResult | None = None) -> tuple[bool, str]:
    """Whether one condition holds, and the evidence when it does not.

    A condition on a not-applicable indicator holds unless it says `na: fail` (DOMAIN.md §6: "a 无毒 criterion
    over a not-applicable indicator holds (nobody to test is nobody missed)"); one on a missing sheet fails.
    A condition on an item holds when the item was met or does not apply.
    """
    if item is not None:
        if item.passed is not False:
            return True, ""
        return False, f"{item.item.id} {item.item.title}：{item.note or '未达标'}"
    ind = ind.measured(cond.measure)
    if ind.status == NOT_COMPUTABLE:
        return False, f"{ind.label()}：{basis(ind)}"
    if ind.status == NA:
        return cond.na == "pass", f"{ind.label()}：不适用（分母为 0）"
    if _meets(ind, cond.min, cond.max):
        return True, ""
    shortfall = f"，缺口 {len(ind.gap)} 项" if ind.gap else ""
    numbers = f"（{ind.numerator}/{ind.denominator}）" if ind.denominator else ""
    return False, f"{ind.label()} {ind.display()}{numbers}，要求 {_bound_text(cond.min, cond.max, ind)}{shortfall}"


def _grade(standard: Standard, total: float, vetoed: bool) -> str:
    ordered = standard.ordered_grades()
    if vetoed:
        return ordered[-1].name
    return next((g.name for g in ordered if total >= g.min - 1e-9), ordered[-1].name)


def checklist_findings(ledger: Ledger, standard: Standard) -> list[Finding]:
    """A warning for each 自查项目 row that matches no checklist item of the standard, listing the names it expects.
    An item of another built-in standard is known, not a typo: the blank template lists them all."""
    frame = ledger.frame("自查项目", clean=False)
    if frame is None or "项目" not in frame:
        return []
    wanted = standard.checklist_items()
    keys = {loose_key(w) for w in [*wanted, *builtin_checklist_items()]}
    table = ledger.tables["自查项目"]
    out = []
    for row, name in frame["项目"].dropna().items():
        if loose_key(name) not in keys:
            excel_row, letter, header = table.locate(row, "项目")
            out.append(Finding("checklist_unmatched", sheet=table.name, row=excel_row, column=letter, header=header,
                               value=name, allowed=tuple(wanted), canonical="自查项目", field_name="项目"))
    return out


def score_items(values: Mapping[str, Indicator], standard: Standard):
    """Every item scored: (results, base total rescaled, bonus capped, vetoed, (full, available, earned)).

    Used for a community's own indicators and for a town's pooled ones (batch), so both score alike.
    """
    results = [score_item(item, values[item.indicator_key]) for item in standard.items]
    base = [r for r in results if not r.item.bonus and r.item.rule != "veto"]
    full = sum(r.item.points for r in base)
    available = sum(r.item.points for r in base if r.points is not None)
    earned = sum(r.points for r in base if r.points is not None)
    total = earned * full / available if available else 0.0
    bonus = sum(r.points or 0 for r in results if r.item.bonus)
    if standard.bonus_cap is not None:
        bonus = min(standard.bonus_cap, bonus)
    vetoed = any(r.item.rule == "veto" and r.passed is False for r in results)
    return results, total, bonus, vetoed, (full, available, earned)


def grade_of(standard: Standard, total: float, vetoed: bool) -> str:
    """The grade a total earns (the lowest when vetoed)."""
    return _grade(standard, total, vetoed)


def assess(ledger: Ledger, standard: Standard, last_year: Mapping[str, int] | None = None) -> Assessment:
    """Compute the indicators (with last year's counts from history, when given: see `compute_indicators`) and
    score them."""
    indicators = compute_indicators(ledger, params_for(standard), last_year)
    results, total, bonus, vetoed, (full, available, earned) = score_items(indicators.values, standard)
    by_id = {r.item.id: r for r in results}

    def check(c: Condition) -> tuple[bool, str]:
        return check_condition(c, indicators[c.indicator] if c.indicator else None, by_id.get(c.item or ""))

    outright_checks = [check(c) for c in standard.drug_free.outright]
    outright = bool(outright_checks) and all(ok for ok, _ in outright_checks)
    criteria = []
    for crit in standard.drug_free.criteria:
        checks = [check(c) for c in crit.all]
        criteria.append(CriterionResult(crit.id, crit.title, all(ok for ok, _ in checks), [e for ok, e in checks if not ok],
                                        [c.indicator or c.item for c, (ok, _) in zip(crit.all, checks) if not ok]))
    drug_free = outright or (bool(criteria) and all(c.passed for c in criteria))
    grand = round(total + bonus, 2)
    info = ledger.info
    return Assessment(
        community=str(info.get("社区名称") or ledger.path.stem), town=info.get("所属镇（街道）"), year=ledger.year,
        as_of=ledger.as_of, standard=standard, indicators=indicators, items=results, total=grand, bonus=round(bonus, 2),
        grade=_grade(standard, grand, vetoed), vetoed=vetoed, drug_free_outright=outright, drug_free_passed=drug_free,
        criteria=criteria, skipped_rows=ledger.skipped_rows,
        findings=sorted(ledger.findings + checklist_findings(ledger, standard), key=sort_key),
        base_full=full, base_available=available, base_earned=earned,
        outright_evidence=[e for ok, e in outright_checks if not ok],
    )
