"""Scoring a ledger against a standard: items, bonus, grade, veto and the 无毒 verdict (DOMAIN.md §6).

Pure: the ledger's frames and the standard in, an `Assessment` out — data, not sentences: each item's outcome is a
code with its numbers and the indicator it read, each failed 无毒 condition an `Evidence` record; `render.words`
words them in Chinese or English (the `basis`, `note`, `evidence` properties give the Chinese). Rules per item:
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
from nodrug_cli.ledger import columns as C
from nodrug_cli.ledger import sheets as S
from nodrug_cli.ledger.findings import Finding, sort_key
from nodrug_cli.ledger.normalize import loose_key
from nodrug_cli.ledger.read import Ledger
from nodrug_cli.standards.load import builtin_checklist_items
from nodrug_cli.standards.model import Condition, Item, Standard


@dataclass
class ItemResult:
    """One scored item, as data: what it read, how it came out, and the persons behind a loss. The words (计算依据,
    标准, 扣分说明) are added by `render.words`; `basis`, `target`, `actual` and `note` give them in Chinese."""

    item: Item
    points: float | None  # None when excluded (not applicable)
    passed: bool | None
    outcome: str  # met, below, not_computable, na_exclude, na_pass, na_fail, checklist_no, tier, no_tier, per_missing,
    #               per_unit (the code of 扣分说明)
    reading: Indicator  # the indicator the rule read (or the view of one of its numbers): its value is the actual
    source: Indicator  # what the basis quotes (the whole indicator for per_missing, else `reading`)
    units: float | None = None  # per_missing / per_unit: the units counted
    gap: list[dict] = field(default_factory=list)

    @property
    def basis(self) -> str:
        """计算依据 in Chinese, e.g. 在家尿检率 48/50."""
        from nodrug_cli.render.words import basis

        return basis(self.source)

    @property
    def target(self) -> str:
        """The standard's requirement in Chinese."""
        from nodrug_cli.render.words import target

        return target(self.item, self.reading.kind)

    @property
    def actual(self) -> str:
        return self.reading.display()

    @property
    def note(self) -> str:
        """扣分说明 in Chinese (empty when no point was lost)."""
        from nodrug_cli.render.words import note

        return note(self)


@dataclass(frozen=True)
class Evidence:
    """Why one condition of a 无毒 criterion failed, as data: `code` is item (a scored item not met), not_computable,
    na (not applicable and the condition says `na: fail`) or short (the value misses `required`)."""

    code: str
    indicator: str | None = None  # the indicator key the condition read
    actual: Indicator | None = None  # that indicator (or the view of one of its numbers) as read
    required: tuple[float | None, float | None] | None = None  # (min, max)
    shortfall: int = 0  # entries in the indicator's gap
    item: ItemResult | None = None

    def __str__(self) -> str:
        from nodrug_cli.render.words import evidence

        return evidence(self)


@dataclass
class CriterionResult:
    id: str
    title: str
    passed: bool
    shortfalls: list[Evidence]  # why it failed, one record a failed condition
    failed: list[str] = field(default_factory=list)  # the indicator keys of the conditions that failed

    @property
    def evidence(self) -> list[str]:
        """The shortfalls in Chinese."""
        return [str(e) for e in self.shortfalls]


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
    outright_shortfalls: list[Evidence] = field(default_factory=list)  # why the community is not 无毒 outright

    @property
    def outright_evidence(self) -> list[str]:
        return [str(e) for e in self.outright_shortfalls]

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


def _meets(ind: Indicator, low: float | None, high: float | None) -> bool:
    value = ind.value
    return value is not None and (low is None or value >= low - 1e-12) and (high is None or value <= high + 1e-12)


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
    # the persons behind a trend that did not rise (年度脱毒人数) are the ones who did well: no shortfall to list
    gap = [] if item.measure == "rose" else ind.gap

    def result(points: float | None, passed: bool | None, outcome: str, units: float | None = None) -> ItemResult:
        return ItemResult(item, points, passed, outcome if passed is not True or outcome.startswith("na") else "met",
                          ind, raw if item.rule == "per_missing" else ind, units, gap)

    if ind.status == NOT_COMPUTABLE:
        return result(0.0, False, "not_computable")
    if ind.status == NA:
        if item.na == "exclude":
            return result(None, None, "na_exclude")
        ok = item.na == "pass"
        return result(item.points if ok else 0.0, ok, "na_pass" if ok else "na_fail")
    if item.rule in ("threshold", "veto"):
        ok = _meets(ind, item.min, item.max) if item.indicator else bool(ind.value)
        return result(item.points if ok else 0.0, ok, "below")
    if item.rule == "checklist":
        ok = bool(ind.value)
        return result(item.points if ok else 0.0, ok, "checklist_no")
    if item.rule == "tiers":  # the best band the value reaches, whatever order the file lists them in
        reached = [min(t.points, item.points) for t in item.tiers or [] if _meets(ind, t.min, t.max)]
        if reached:
            pts = max(reached)
            return result(pts, pts >= item.points, "tier")
        return result(0.0, False, "no_tier")
    units = _units(item, raw)
    if item.rule == "per_missing":
        pts = max(0.0, item.points - units * (item.deduct or 0))
        return result(pts, units == 0, "per_missing", units)
    pts = min(item.points, units * (item.per or 0))
    return result(pts, pts >= item.points, "per_unit", units)


def check_condition(cond: Condition, ind: Indicator | None, item: ItemResult | None = None) -> tuple[bool, Evidence | None]:
    """Whether one condition holds, and the evidence (data) when it does not.

    A condition on a not-applicable indicator holds unless it says `na: fail` (DOMAIN.md §6: "a 无毒 criterion
    over a not-applicable indicator holds (nobody to test is nobody missed)"); one on a missing sheet fails.
    A condition on an item holds when the item was met or does not apply.
    """
    if item is not None:
        if item.passed is not False:
            return True, None
        return False, Evidence("item", item=item)
    key = ind.key
    ind = ind.measured(cond.measure)
    if ind.status == NOT_COMPUTABLE:
        return False, Evidence("not_computable", key, ind)
    if ind.status == NA:
        return cond.na == "pass", Evidence("na", key, ind)
    if _meets(ind, cond.min, cond.max):
        return True, None
    return False, Evidence("short", key, ind, (cond.min, cond.max), len(ind.gap))


def _grade(standard: Standard, total: float, vetoed: bool) -> str:
    ordered = standard.ordered_grades()
    if vetoed:
        return ordered[-1].name
    return next((g.name for g in ordered if total >= g.min - 1e-9), ordered[-1].name)


def checklist_findings(ledger: Ledger, standard: Standard) -> list[Finding]:
    """A warning for each 自查项目 row that matches no checklist item of the standard, listing the names it expects.
    An item of another built-in standard is known, not a typo: the blank template lists them all."""
    frame = ledger.frame(S.CHECKLIST, clean=False)
    if frame is None or C.CHECK_ITEM not in frame:
        return []
    wanted = standard.checklist_items()
    keys = {loose_key(w) for w in [*wanted, *builtin_checklist_items()]}
    table = ledger.tables[S.CHECKLIST]
    out = []
    for row, name in frame[C.CHECK_ITEM].dropna().items():
        if loose_key(name) not in keys:
            excel_row, letter, header = table.locate(row, C.CHECK_ITEM)
            out.append(Finding("checklist_unmatched", sheet=table.name, row=excel_row, column=letter, header=header,
                               value=name, allowed=tuple(wanted), canonical=S.CHECKLIST, field_name=C.CHECK_ITEM))
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

    def check(c: Condition) -> tuple[bool, Evidence | None]:
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
        outright_shortfalls=[e for ok, e in outright_checks if not ok],
    )
