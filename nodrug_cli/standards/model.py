"""What a standard file (YAML) may say, validated on load with pydantic (DOMAIN.md §6).

A standard is data, never code: nothing in it is evaluated. Rates are fractions (0.95) or
percentages written as text ("95%"). Unknown fields are refused, so a typo is reported, not ignored.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nodrug_cli.indicators.model import CATALOG, EXTRAS, family
from nodrug_cli.ledger.schema import AUDIENCES, SURVEY_GROUPS

GROUP_MEMBERS = {
    "awareness_rate": (*SURVEY_GROUPS, "总体", "群众"),
    "group_coverage": tuple(g for g in AUDIENCES if g != "其他"),
}


def _number(value):
    """Accept 0.95, 95%, "95%" alike."""
    if isinstance(value, str):
        text = value.strip()
        scale = 100 if text.endswith("%") else 1
        try:
            return float(text.rstrip("%‰").strip()) / scale
        except ValueError:
            raise ValueError(f"应为数字（“{value}”不是数字；比率可写 0.95 或 95%）") from None
    return value


def check_extra(indicator: str | None, name: str | None) -> str | None:
    """A `measure`/`unit` must be one of the numbers the indicator carries."""
    if name is None or indicator is None:
        return name
    known = EXTRAS.get(family(indicator), {})
    if name not in known:
        listed = "、".join(known) or "无"
        raise ValueError(f"指标 {indicator} 没有“{name}”这个数（可用：{listed}）")
    return name


def check_indicator(key: str) -> str:
    """An indicator key must be in the catalogue (with a valid group or a checklist item name)."""
    base, _, member = key.partition(".")
    if base not in CATALOG:
        raise ValueError(f"未知指标“{key}”（可用：{'、'.join(CATALOG)}）")
    if base in GROUP_MEMBERS:
        if member not in GROUP_MEMBERS[base]:
            raise ValueError(f"指标“{key}”须写明人群，如 {base}.{GROUP_MEMBERS[base][0]}（可用：{'、'.join(GROUP_MEMBERS[base])}）")
    elif base == "checklist":
        if not member:
            raise ValueError("checklist 指标须写明项目名称，如 checklist.层层签订禁毒责任状")
    elif member:
        raise ValueError(f"指标“{base}”没有分组，不能写“{key}”")
    return key


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(Strict):
    """One test: an indicator's value ≥ min and/or ≤ max (what a zero denominator means: `na`), or — with
    `item` — that a scored item of the standard was met or does not apply."""

    indicator: str | None = None
    item: str | None = None  # the id of one of the standard's items
    measure: str | None = None  # test one of the indicator's further numbers (e.g. change_vs_baseline)
    min: float | None = None
    max: float | None = None
    na: Literal["pass", "fail"] = "pass"
    note: str | None = None

    _num = field_validator("min", "max", mode="before")(lambda cls, v: _number(v))
    _key = field_validator("indicator")(lambda cls, v: v if v is None else check_indicator(v))

    @model_validator(mode="after")
    def _bounded(self):
        if (self.indicator is None) == (self.item is None):
            raise ValueError("须给出 indicator（指标）或 item（考核项目编号），二者取一")
        if self.indicator is not None and self.min is None and self.max is None:
            raise ValueError("须给出 min 或 max")
        check_extra(self.indicator, self.measure)
        return self


class Tier(Strict):
    min: float | None = None
    max: float | None = None
    points: float

    _num = field_validator("min", "max", mode="before")(lambda cls, v: _number(v))


RULE_NEEDS = {
    "threshold": "规则 threshold 须填写 indicator 以及 min 或 max",
    "tiers": "规则 tiers 须填写 indicator 和 tiers",
    "per_missing": "规则 per_missing 须填写 indicator 和 deduct（每缺一个单位扣几分）",
    "per_unit": "规则 per_unit 须填写 indicator 和 per（每个单位得几分）",
    "checklist": "规则 checklist 须填写 item（自查项目名称）",
    "veto": "规则 veto 须填写 indicator 以及 min 或 max，或者填写 item（自查项目名称）",
}


class Item(Strict):
    """One scored item of the rubric."""

    id: str
    category: str
    title: str
    rule: Literal["threshold", "tiers", "per_missing", "per_unit", "checklist", "veto"]
    indicator: str | None = None
    measure: str | None = None  # threshold / tiers / veto: test one of the indicator's further numbers
    points: float = Field(default=0, ge=0)
    min: float | None = None
    max: float | None = None
    tiers: list[Tier] | None = None
    unit: str | None = None  # per_missing / per_unit: an `extra` key of the indicator (漏检人次…), else its value
    deduct: float | None = Field(default=None, gt=0)  # per_missing: points off per unit
    per: float | None = Field(default=None, gt=0)  # per_unit: points per unit
    item: str | None = None  # checklist: the 自查项目 name
    # a not-applicable indicator (0/0): left out and the total rescaled, unless the standard says pass or fail
    na: Literal["pass", "fail", "exclude"] = "exclude"
    bonus: bool = False
    note: str | None = None

    _num = field_validator("min", "max", mode="before")(lambda cls, v: _number(v))
    _key = field_validator("indicator")(lambda cls, v: v if v is None else check_indicator(v))

    @model_validator(mode="after")
    def _complete(self):
        bounded = self.min is not None or self.max is not None
        missing = {
            "threshold": self.indicator is None or not bounded,
            "tiers": self.indicator is None or not self.tiers,
            "per_missing": self.indicator is None or self.deduct is None,
            "per_unit": self.indicator is None or self.per is None,
            "checklist": self.item is None,
            "veto": not ((self.indicator is not None and bounded) or self.item is not None),
        }[self.rule]
        if missing:
            raise ValueError(RULE_NEEDS[self.rule])
        check_extra(self.indicator, self.measure)
        check_extra(self.indicator, self.unit)
        if self.rule in ("threshold", "tiers", "per_missing", "per_unit") and self.points <= 0 and not self.bonus:
            raise ValueError("须给出大于 0 的 points（分值）")
        return self

    @property
    def indicator_key(self) -> str:
        """The indicator this item reads (a checklist item reads `checklist.<item>`)."""
        return self.indicator or f"checklist.{self.item}"


class Criterion(Strict):
    """One 无毒 criterion: passes when all its conditions pass."""

    id: str
    title: str
    all: list[Condition] = Field(min_length=1)
    note: str | None = None


class DrugFree(Strict):
    """When a community is 无毒: every criterion holds (DOMAIN.md §6). `outright` is an optional further way
    (all its conditions hold); no built-in standard uses it."""

    outright: list[Condition] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list)


class Grade(Strict):
    name: str
    min: float


class Schedules(Strict):
    tests: list[int] = Field(default_factory=lambda: [1, 2, 3], min_length=1)
    talks: list[int] = Field(default_factory=lambda: [1, 2, 3], min_length=1)

    @field_validator("tests", "talks")
    @classmethod
    def _positive(cls, months: list[int]) -> list[int]:
        if any(m < 1 for m in months):
            raise ValueError("每个周期至少 1 个月")
        return months


class ReportDuty(Strict):
    """A report a town must file on fixed days (a reminder duty that belongs to the standard, DOMAIN.md §8)."""

    title: str  # 毒情评估报告
    day: int = Field(ge=1, le=28)  # due by this day of each month listed
    months: list[int] = Field(min_length=1)
    by: str  # who files it
    to: str | None = None  # to whom
    source: str  # the standard's own words

    @field_validator("months")
    @classmethod
    def _months(cls, months: list[int]) -> list[int]:
        if any(not 1 <= m <= 12 for m in months):
            raise ValueError("months 须为 1–12 的月份")
        return sorted(set(months))


class LadderRule(Strict):
    """One rung of a sanction ladder: when an event of this kind happens to a unit in this state, do `action`.

    The first rule that matches an event applies; an event no rule matches leaves the unit as it was (保持).
    """

    event: Literal["review", "spot_check"]  # the year's review (考核/复评) or a spot check's re-inspection (抽查)
    holder: bool  # whether the unit holds the plaque before the event
    passed: bool  # whether it passed the review or the re-inspection
    failures: int | None = Field(default=None, ge=1)  # a failed review that is at least the N-th since the grant
    action: Literal["授牌", "黄牌警告", "收回授牌", "保持"]
    accountability: str | None = None  # what else the seed says follows (追究责任), shown beside the action
    source: str  # the seed's sentence the rule comes from, or "本项目自定：…" for the project's own choice


class Ladder(Strict):
    """The standard's sanction ladder (DOMAIN.md §7); no rules: the standard sets no plaque or sanction."""

    source: str | None = None  # the seed's paragraph, quoted
    rules: list[LadderRule] = Field(default_factory=list)


class Target(Strict):
    """A roll-up target by year: the share it measures and how the seed compares (达到/以上 ≥, 超过 >)."""

    label: str = ""  # what is counted, in the seed's words: 乡镇考核总合格率, 无毒村（社区）, 无毒机关单位、学校 …
    by_year: dict[int, float]
    compare: Literal[">=", ">"] = ">="
    source: str | None = None  # the seed's sentence
    flag_below: str | None = None  # what a town below the target in `flag_years` is marked (挂牌重点整治)
    flag_years: list[int] = Field(default_factory=list)

    _rates = field_validator("by_year", mode="before")(
        lambda cls, v: {int(y): _number(x) for y, x in (v or {}).items()})

    def met(self, rate: float, year: int) -> bool | None:
        """Whether `rate` meets the year's target (None when the year has none)."""
        goal = self.by_year.get(year)
        if goal is None:
            return None
        return rate > goal + 1e-12 if self.compare == ">" else rate >= goal - 1e-12


class Standard(Strict):
    """A whole standard: where it comes from, how it schedules, grades and scores."""

    name: str
    title: str
    source: str
    weights: str = Field(description="which point values come from the source and which are the project's own")
    verdict: Literal["grade", "drug_free"] = "grade"
    schedules: Schedules = Field(default_factory=Schedules)
    events_per_month: int = Field(default=4, ge=0)
    grades: list[Grade] = Field(default_factory=lambda: [Grade(name="优秀", min=90), Grade(name="合格", min=60),
                                                         Grade(name="不合格", min=0)])
    pass_grade: str = "合格"
    bonus_cap: float | None = Field(default=None, ge=0)  # None: bonus points are not capped
    items: list[Item] = Field(min_length=1)
    drug_free: DrugFree = Field(default_factory=DrugFree)
    # roll-up targets (batch): pass_rate is the county's share of towns graded 合格 or better, drug_free_rate the
    # share of 无毒村（社区）; any other key is a unit type the community ledgers do not cover (shown as 无数据)
    targets: dict[str, Target] = Field(default_factory=dict)
    reports: list[ReportDuty] = Field(default_factory=list)  # reports the towns must file (reminders)
    sanctions: Ladder = Field(default_factory=Ladder)

    @field_validator("targets", mode="before")
    @classmethod
    def _short_targets(cls, value):
        """`drug_free_rate: {2025: 50%}` (a target by year, compared ≥) is short for a Target with a default label."""
        labels = {"pass_rate": "乡镇考核总合格率", "drug_free_rate": "无毒村（社区）"}
        out = {}
        for key, target in (value or {}).items():
            if isinstance(target, dict) and "by_year" not in target:
                target = {"by_year": target}
            if isinstance(target, dict) and not target.get("label"):
                target = {**target, "label": labels.get(key, key)}
            out[key] = target
        return out

    @field_validator("sanctions", mode="before")
    @classmethod
    def _ladder(cls, value):
        if value in ("seed002", "seed003", "none"):  # the names older copies of the built-ins used
            raise ValueError("奖惩规则现写成规则列表（rules），不再写 seed002/seed003/none；"
                             "用 nodrug standards show boumei-2023 查看写法")
        return value

    @model_validator(mode="after")
    def _consistent(self):
        ids = [i.id for i in self.items]
        duplicates = {i for i in ids if ids.count(i) > 1}
        if duplicates:
            raise ValueError(f"考核项目编号重复：{'、'.join(sorted(duplicates))}")
        known = set(ids)
        conditions = [*self.drug_free.outright, *(c for crit in self.drug_free.criteria for c in crit.all)]
        unknown = sorted({c.item for c in conditions if c.item is not None and c.item not in known})
        if unknown:
            raise ValueError(f"无毒条件引用了不存在的考核项目：{'、'.join(unknown)}")
        if self.verdict == "drug_free" and not self.drug_free.criteria and not self.drug_free.outright:
            raise ValueError("verdict: drug_free 须在 drug_free 中给出 criteria（无毒条件）")
        names = [g.name for g in self.grades]
        if self.pass_grade not in names:
            raise ValueError(f"pass_grade “{self.pass_grade}”不在 grades 中（{'、'.join(names)}）")
        return self

    def checklist_items(self) -> list[str]:
        """Every 自查项目 the standard reads, in the order it first names them."""
        keys = [i.indicator_key for i in self.items]
        keys += [c.indicator for c in self.drug_free.outright if c.indicator]
        keys += [c.indicator for crit in self.drug_free.criteria for c in crit.all if c.indicator]
        return list(dict.fromkeys(k.split(".", 1)[1] for k in keys if family(k) == "checklist"))

    def reaches_pass(self, grade: str) -> bool:
        """Whether `grade` is the pass grade or better (the one place the grade order is read)."""
        ranks = [g.name for g in self.ordered_grades()]
        return grade in ranks and ranks.index(grade) <= ranks.index(self.pass_grade)

    def ordered_grades(self) -> list[Grade]:
        return sorted(self.grades, key=lambda g: g.min, reverse=True)
