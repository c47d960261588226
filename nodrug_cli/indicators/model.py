"""The value every indicator returns, and the catalogue of indicator keys with their labels."""

from __future__ import annotations

from dataclasses import dataclass, field

OK, NA, NOT_COMPUTABLE = "ok", "na", "not_computable"

# key: (label zh, label en, kind). kind: rate (fraction in [0, 1]), count, permille, flag (1/0), checklist (1/0).
CATALOG: dict[str, tuple[str, str, str]] = {
    "registered": ("在册吸毒人员", "registered persons", "count"),
    "current_users": ("现有吸毒人员", "current users", "count"),
    "new_users": ("新增吸毒人员", "new users", "count"),
    "user_ratio_permille": ("涉毒人员比例", "users per 1,000 residents", "permille"),
    "control_rate": ("管控率", "control rate", "rate"),
    "out_of_control": ("失控人数", "out of control", "count"),
    "order_execution_rate": ("社区戒毒（康复）执行率", "order execution rate", "rate"),
    "timely_report_rate": ("报到及时率", "timely report rate", "rate"),
    "urinalysis_rate": ("总体尿检率", "urinalysis rate", "rate"),
    "home_urinalysis_rate": ("在家尿检率", "urinalysis rate (at home)", "rate"),
    "on_schedule_test_rate": ("按期检测率", "on-schedule test rate", "rate"),
    "help_rate": ("帮教率", "help-and-education rate", "rate"),
    "help_group_rate": ("帮教小组建立率", "help-group rate", "rate"),
    "on_schedule_talk_rate": ("谈话按期率", "on-schedule talk rate", "rate"),
    "relapses": ("复吸人数", "relapses", "count"),
    "relapse_rate": ("复吸率", "relapse rate", "rate"),
    "abstinence3_rate": ("戒断三年未复吸率", "three-year abstinence rate", "rate"),
    "employment_rate": ("就业安置率", "employment rate", "rate"),
    "registry_errors": ("吸毒人员表错误数", "errors in the registry sheet", "count"),
    "awareness_rate": ("知晓率", "awareness rate", "rate"),
    "events": ("宣传活动次数", "prevention events", "count"),
    "event_months_met": ("宣传达标月份", "months with enough events", "rate"),
    "june_campaign": ("6·26 宣传", "June 26 campaign", "flag"),
    "school_term_campaign": ("开学季宣传", "school-term campaign", "flag"),
    "group_coverage": ("宣传覆盖", "campaign coverage", "flag"),
    "venue_pledge_rate": ("场所责任状签订率", "venue pledge rate", "rate"),
    "venue_measure_rate": ("场所防毒措施落实率", "venue measures rate", "rate"),
    "checklist": ("自查项目", "checklist", "checklist"),
}


def family(key: str) -> str:
    """`awareness_rate.外来务工人员` → `awareness_rate`."""
    return key.split(".", 1)[0]


def label(key: str, lang: str = "zh") -> str:
    """The indicator's name in words, with its group or item (`知晓率（外来务工人员）`)."""
    base, _, member = key.partition(".")
    zh, en, _ = CATALOG[base]
    name = en if lang == "en" else zh
    return f"{name}（{member}）" if member and lang != "en" else (f"{name} ({member})" if member else name)


def kind(key: str) -> str:
    return CATALOG[family(key)][2]


@dataclass
class Indicator:
    """One indicator's result: value, numerator/denominator, state, and the persons or months behind the gap."""

    key: str
    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None
    status: str = OK
    gap: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return kind(self.key)

    def label(self, lang: str = "zh") -> str:
        return label(self.key, lang)

    def display(self) -> str:
        """The value as a clerk reads it: 96.0%, 1.25‰, 3, 是/否, — for not applicable."""
        if self.status == NOT_COMPUTABLE:
            return "无法计算"
        if self.status == NA or self.value is None:
            return "—"
        if self.kind == "rate":
            return f"{self.value * 100:.1f}%"
        if self.kind == "permille":
            return f"{self.value:.2f}‰"
        if self.kind in ("flag", "checklist"):
            return "是" if self.value else "否"
        return f"{self.value}"


def ratio(key: str, numerator: int, denominator: int, gap: list[dict] | None = None, **extra) -> Indicator:
    """A rate: numerator/denominator, "not applicable" when the denominator is 0."""
    numerator, denominator = int(numerator), int(denominator)
    if denominator == 0:
        return Indicator(key, None, numerator, 0, NA, gap or [], extra)
    return Indicator(key, numerator / denominator, numerator, denominator, OK, gap or [], extra)


def count(key: str, n: int, gap: list[dict] | None = None, **extra) -> Indicator:
    """A count (its numerator is the count itself, no denominator)."""
    return Indicator(key, int(n), int(n), None, OK, gap or [], extra)


def missing(key: str, sheet: str) -> Indicator:
    """An indicator whose sheet the ledger lacks: "not computable", never 0 % or 100 %."""
    return Indicator(key, None, None, None, NOT_COMPUTABLE, [], {"missing_sheet": sheet})
