"""The value every indicator returns, and the catalogue of indicator keys with their labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from nodrug_cli.ledger import sheets as S

OK, NA, NOT_COMPUTABLE = "ok", "na", "not_computable"


class IndicatorKind(StrEnum):
    """What an indicator's value is, which decides how it is shown and compared."""

    RATE = "rate"  # a fraction in [0, 1], shown as a percentage
    COUNT = "count"
    PERMILLE = "permille"  # per 1,000 residents
    FLAG = "flag"  # 1/0, shown 是/否
    CHECKLIST = "checklist"  # 1/0 from the 自查项目 sheet; 未自查 when the item is absent


IK = IndicatorKind

# key: (label zh, label en, kind, definition). kind: rate (fraction in [0, 1]), count, permille, flag (1/0),
# checklist (1/0). The definitions are DOMAIN.md §5 in a clerk's words; the README's table is made from them.
CATALOG: dict[str, tuple[str, str, str, str]] = {
    "registered": ("在册吸毒人员", "registered persons", IK.COUNT, "吸毒人员表中首次登记日期不晚于截止日的全部人员（含有错误的行）"),
    "current_users": ("现有吸毒人员", "current users", IK.COUNT,
                      "在册人员中不属于不计入情形（死亡、出国（境）、户口迁出、服刑三年以上、下落不明四年以上）的人员，"
                      "含戒断三年未复吸人员（博美方案的“现有吸毒人员”）"),
    "active_users": ("未戒断人员", "active users", IK.COUNT, "现有吸毒人员中未达到戒断三年未复吸的人员（全国统计口径的现有吸毒人员）"),
    "new_users": ("新增吸毒人员", "new users", IK.COUNT,
                  "本年 1 月 1 日至截止日首次登记的人数（含不计入人员；同一身份证号只计一次）；另给出上年同期人数及变化、与基准年新增人数的比较"),
    "user_ratio_permille": ("涉毒人员比例", "users per 1,000 residents", IK.PERMILLE, "未戒断人员 ÷ 常住人口 × 1000"),
    "control_rate": ("管控率", "control rate", IK.RATE,
                     "社会面未戒断人员（不含强制隔离戒毒、服刑）中在控且非下落不明者 ÷ 社会面未戒断人员"),
    "out_of_control": ("失控人数", "out of control", IK.COUNT, "社会面未戒断人员中失控或下落不明的人数"),
    "order_execution_rate": ("社区戒毒（康复）执行率", "order execution rate", IK.RATE,
                             "社区戒毒/社区康复人员中截止日前已签订协议者 ÷ 已签订协议或 15 日报到期已过的社区戒毒/社区康复人员"
                             "（决定后 15 日内尚未报到的不算未执行）"),
    "timely_report_rate": ("报到及时率", "timely report rate", IK.RATE,
                           "措施开始日期在本年且 15 日报到期已过的社区戒毒/社区康复人员中，协议签订日期 − 措施开始日期 ≤ 15 天者"
                           "所占比例（一直未签订的算未及时）"),
    "urinalysis_rate": ("总体尿检率", "urinalysis rate", IK.RATE,
                        "本期应检对象（至少有一个检测周期的最后一天在 1 月 1 日至截止日之间）中本期至少检测 1 次者 ÷ 本期应检对象"),
    "home_urinalysis_rate": ("在家尿检率", "urinalysis rate (at home)", IK.RATE, "同上，只计居住状态为在家的应检对象"),
    "on_schedule_test_rate": ("按期检测率", "on-schedule test rate", IK.RATE,
                              "最后一天在 1 月 1 日至截止日之间的检测周期（从措施开始日期起连续计算，跨年不重置）中有检测记录的"
                              "周期 ÷ 这些周期（另给出应检人次、漏检人次）"),
    "help_rate": ("帮教率", "help-and-education rate", IK.RATE,
                  "本期应谈对象（至少有一个谈话周期的最后一天在本期）中建立帮教小组且本期至少谈话 1 次者 ÷ 本期应谈对象"),
    "help_group_rate": ("帮教小组建立率", "help-group rate", IK.RATE, "应检对象中建立帮教小组者 ÷ 应检对象（无毒标准第 4 条）"),
    "on_schedule_talk_rate": ("谈话按期率", "on-schedule talk rate", IK.RATE, "按谈话周期计算的按期率（另给出应谈、漏谈人次）"),
    "relapses": ("复吸人数", "relapses", IK.COUNT,
                 "现有吸毒人员中本期有阳性检测（检测日期晚于首次登记日期）的人数，不论现在的人员状态；另给出上年同期人数及是否下降"),
    "relapse_rate": ("复吸率", "relapse rate", IK.RATE, "复吸人数 ÷（应检对象 ∪ 复吸人员）"),
    "abstinence3_rate": ("戒断三年未复吸率", "three-year abstinence rate", IK.RATE, "戒断三年未复吸人员 ÷ 现有吸毒人员"),
    "newly_abstinent": ("年度脱毒人数", "newly abstinent", IK.COUNT,
                        "本期（1 月 1 日至截止日）戒断满三年的人数（最近吸毒日期 + 3 年）；另给出上年同期人数及是否增加"),
    "employment_rate": ("就业安置率", "employment rate", IK.RATE, "应检对象中就业者 ÷ 应检对象"),
    "registry_errors": ("吸毒人员表错误数", "errors in the registry sheet", IK.COUNT,
                        "吸毒人员表中的错误条数（无毒标准第 3 条“底数清”）"),
    "awareness_rate": ("知晓率", "awareness rate", IK.RATE,
                       "本期调查 Σ知晓人数 ÷ Σ调查人数，按人群类别分别计算，另有总体与群众（城镇、农村、社区居民）"),
    "events": ("宣传活动次数", "prevention events", IK.COUNT, "本期宣传活动次数；另给出参与人数、发放资料、悬挂标语合计"),
    "event_months_met": ("宣传达标月份", "months with enough events", IK.RATE,
                         "本年已结束的月份中活动次数达到标准要求（如每月 4 次）的月份 ÷ 已结束的月份"),
    "june_campaign": ("6·26 宣传", "June 26 campaign", IK.FLAG, "本年 6 月有宣传活动为是；截止日在 6 月 1 日前为不适用"),
    "school_term_campaign": ("开学季宣传", "school-term campaign", IK.FLAG,
                             "本年 9 月有面向中小学生的宣传活动为是；截止日在 9 月 1 日前为不适用"),
    "group_coverage": ("宣传覆盖", "campaign coverage", IK.FLAG, "本期有面向该对象群体的宣传活动为是"),
    "venue_pledge_rate": ("场所责任状签订率", "venue pledge rate", IK.RATE, "签订责任状的重点场所 ÷ 重点场所"),
    "venue_measure_rate": ("场所防毒措施落实率", "venue measures rate", IK.RATE, "防范措施落实的重点场所 ÷ 重点场所"),
    "checklist": (S.CHECKLIST, "checklist", IK.CHECKLIST, "自查项目表中该项为是；表中没有此项视为缺少佐证"),
}


# The further numbers an indicator carries (its `extra`), which a standard may test by name
# (`measure:` or `unit:`): indicator family → {name: (label zh, kind)}.
EXTRAS: dict[str, dict[str, tuple[str, str]]] = {
    "relapses": {"last_year": ("上年同期复吸", IK.COUNT), "fell": ("复吸人员绝对数逐年下降", IK.FLAG)},
    "newly_abstinent": {"last_year": ("上年同期脱毒", IK.COUNT), "rose": ("年度脱毒人数逐年增加", IK.FLAG)},
    "new_users": {"last_year": ("上年同期新增", IK.COUNT), "change": ("较上年同期变化", IK.RATE),
                  "baseline": ("基准年新增", IK.COUNT), "change_vs_baseline": ("较基准年变化", IK.RATE)},
    "on_schedule_test_rate": {"应检人次": ("应检人次", IK.COUNT), "漏检人次": ("漏检人次", IK.COUNT)},
    "on_schedule_talk_rate": {"应谈人次": ("应谈人次", IK.COUNT), "漏谈人次": ("漏谈人次", IK.COUNT)},
    "event_months_met": {"required": ("每月要求次数", IK.COUNT), "missing_events": ("缺少的活动次数", IK.COUNT)},
    "events": {"参与人数": ("参与人数", IK.COUNT), "发放资料（份）": ("发放资料（份）", IK.COUNT),
               "悬挂标语（条）": ("悬挂标语（条）", IK.COUNT)},
}


def family(key: str) -> str:
    """`awareness_rate.外来务工人员` → `awareness_rate`."""
    return key.split(".", 1)[0]


def label(key: str, lang: str = "zh") -> str:
    """The indicator's name in words, with its group or item (`知晓率（外来务工人员）`)."""
    base, _, member = key.partition(".")
    zh, en, _, _ = CATALOG[base]
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
    measure: str | None = None  # set on a view of one of the extras (see `measured`)

    @property
    def kind(self) -> str:
        return EXTRAS[family(self.key)][self.measure][1] if self.measure else kind(self.key)

    def label(self, lang: str = "zh") -> str:
        base = label(self.key, lang)
        return f"{base}·{EXTRAS[family(self.key)][self.measure][0]}" if self.measure else base

    def plain_extra(self) -> dict:
        """Its extras that are numbers, words or a reason (last year's count, 漏检人次, why it cannot be computed),
        as the JSON carries them once the reason is worded; lists and other structures stay inside."""
        from nodrug_cli.said import Said

        return {k: x for k, x in self.extra.items() if isinstance(x, (int, float, str, bool, Said)) or x is None}

    def label_base(self, lang: str = "zh") -> str:
        """The indicator's own name, without the extra a view shows."""
        return label(self.key, lang)

    def measured(self, measure: str | None) -> "Indicator":
        """This indicator, or a view of one of its extras (not applicable when the extra is absent)."""
        if not measure or self.status != OK and self.status != NA:
            return self
        value = self.extra.get(measure)
        extra = {**self.extra, "now": self.value}
        return Indicator(self.key, value, None, None, OK if value is not None else NA, self.gap, extra, measure)

    def display(self) -> str:
        """The value as a clerk reads it: 96.0%, 1.25‰, 3, 是/否, — for not applicable."""
        if self.status == NOT_COMPUTABLE:
            return "未自查" if self.kind == IK.CHECKLIST else "无法计算"
        if self.status == NA or self.value is None:
            return "—"
        if self.kind == IK.RATE:
            return f"{self.value * 100:.1f}%"
        if self.kind == IK.PERMILLE:
            return f"{self.value:.2f}‰"
        if self.kind in (IK.FLAG, IK.CHECKLIST):
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
