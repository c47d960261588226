"""Words at the edge: a result's codes and numbers in Chinese or English, from the one table (`messages.py`).

`Words(lang)` looks a key up in the table; the functions below word the scoring engine's data — an item's 计算依据
(`basis`), its requirement (`target`), 扣分说明 (`note`), a 无毒 criterion's evidence (`evidence`), and an
indicator's value and name (`shown`, `label`). Chinese is exactly what the engine used to write.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from nodrug_cli.indicators.model import NA, NOT_COMPUTABLE, Indicator
from nodrug_cli.render.messages import MESSAGES


class Words:
    """The table in one language: `w("key", *args)` formats the word; `section` is tried before the bare key."""

    def __init__(self, table_or_lang: dict | str = "zh", lang: str | None = None, section: str | None = None):
        # Words(lang[, section=…]) reads the one table; Words(table, lang) a writer's own (kept for old callers).
        table, lang = (MESSAGES, table_or_lang) if isinstance(table_or_lang, str) else (table_or_lang, lang)
        self.words = table
        self.section = section
        self.index = 1 if lang == "en" else 0
        self.lang = "en" if lang == "en" else "zh"

    def _entry(self, key: str):
        if self.section and f"{self.section}.{key}" in self.words:
            return self.words[f"{self.section}.{key}"]
        return self.words[key]

    def __call__(self, key: str, *args, **kwargs):
        word = self._entry(key)[self.index]
        return word.format(*args, **kwargs) if (args or kwargs) else word

    def table(self, key: str):
        """A header row or a code → word map, in this language."""
        return self._entry(key)[self.index]

    def yes_no(self, flag: bool | None) -> str | None:
        """是/否 (yes/no); None stays None."""
        return None if flag is None else self("yes") if flag else self("no")

    @property
    def en(self) -> bool:
        return self.lang == "en"


def words(lang: str, section: str | None = None) -> Words:
    return Words(lang, section=section)


# --- indicators ------------------------------------------------------------------------------------

def label(ind: Indicator, lang: str = "zh") -> str:
    """The indicator's name, with the further number a view shows (`复吸人数·上年同期复吸`)."""
    if lang != "en" or not ind.measure:
        return ind.label(lang)
    name = Words(lang).table("measure").get(ind.measure, ind.measure)
    return f"{ind.label_base(lang)} · {name}"


def shown(ind: Indicator, lang: str = "zh") -> str:
    """The value as a reader reads it: 96.0%, 1.25‰, 3, 是/否 (yes/no), — when not applicable."""
    if lang != "en":
        return ind.display()
    w = Words(lang)
    if ind.status == NOT_COMPUTABLE:
        return w("not_checked") if ind.kind == "checklist" else w("cannot_compute")
    if ind.kind in ("flag", "checklist") and ind.status != NA and ind.value is not None:
        return w.yes_no(bool(ind.value))
    return ind.display()  # numbers and — read the same in both languages


def bound(low: float | None, high: float | None, kind: str, lang: str = "zh") -> str:
    """A requirement in words: `≥ 95%`, `≤ 0`, `是`."""
    w = Words(lang)

    def fmt(x: float) -> str:
        if kind == "rate":
            return f"{x * 100:g}%"
        if kind == "permille":
            return f"{x:g}‰"
        if kind in ("flag", "checklist"):
            return w.yes_no(bool(x))
        return f"{x:g}"

    if kind in ("flag", "checklist") and low is not None:
        return w.yes_no(bool(low))
    parts = ([w("target.at_least", fmt(low))] if low is not None else []) + (
        [w("target.at_most", fmt(high))] if high is not None else [])
    return w("target.and").join(parts)


def basis(ind: Indicator, lang: str = "zh") -> str:
    """计算依据: the numbers behind the value, as a reviewer writes them."""
    w = Words(lang)
    extra = ind.extra
    if ind.status == NOT_COMPUTABLE:
        sheet = extra.get("missing_sheet", "")
        if extra.get("missing_reason"):
            if not w.en:
                return w("basis.reason", reason=extra["missing_reason"])
            key = "basis.checklist_blank" if ind.kind == "checklist" else None
            return w("basis.reason", reason=w(key)) if key else w("basis.sheet_unusable", sheet=sheet, reason="")
        return w("basis.checklist_absent") if ind.kind == "checklist" else w("basis.sheet_missing", sheet=sheet)
    if ind.measure in ("fell", "rose"):  # a trend: show both years' counts
        source = w("basis.from_history") if extra.get("last_year_source") == "history" else ""
        return w("basis.trend", label=ind.label_base(lang), now=extra.get("now"), last=extra.get("last_year"),
                 source=source)
    if ind.kind in ("rate", "permille") and ind.denominator is not None:
        suffix = ""
        if "应检人次" in extra:
            suffix = w("basis.tests", due=extra["应检人次"], missed=extra["漏检人次"])
        elif "应谈人次" in extra:
            suffix = w("basis.talks", due=extra["应谈人次"], missed=extra["漏谈人次"])
        return w("basis.ratio", label=label(ind, lang), numerator=ind.numerator, denominator=ind.denominator,
                 suffix=suffix)
    if ind.kind == "checklist":
        return w("basis.checklist", w.yes_no(bool(ind.value)))
    return w("basis.value", label=label(ind, lang), value=shown(ind, lang))


def target(item, kind: str, lang: str = "zh") -> str:
    """What an item requires, in words (the standard's rule and numbers)."""
    w = Words(lang)
    units = w.table("unit")
    unit = units.get(item.unit or "", units[""])
    rule = item.rule
    if rule == "threshold":
        return bound(item.min, item.max, kind, lang)
    if rule == "veto":
        return w("target.veto", bound(item.min, item.max, kind, lang) if item.indicator else w("yes"))
    if rule == "tiers":
        return w("target.tiers_sep").join(w("target.tier", bound=bound(t.min, t.max, kind, lang), points=f"{t.points:g}")
                                          for t in item.tiers or [])
    if rule == "per_missing":
        return w("target.per_missing", unit=unit, deduct=f"{item.deduct:g}")
    if rule == "per_unit":
        return w("target.per_unit", unit=unit, per=f"{item.per:g}", points=f"{item.points:g}")
    return w("yes")  # checklist


def note(result, lang: str = "zh") -> str:
    """扣分说明: why an item lost points (empty when it did not)."""
    w = Words(lang)
    code = result.outcome
    if code == "below":
        return w("note.below", target=target(result.item, result.reading.kind, lang))
    if code == "tier":
        return w("note.tier", points=f"{result.points:g}")
    if code == "per_missing":
        return w("note.per_missing", units=f"{result.units:g}", lost=f"{result.item.points - result.points:g}")
    if code == "per_unit":
        return w("note.per_unit", units=f"{result.units:g}", points=f"{result.points:g}")
    return w(f"note.{code}")


def evidence(e, lang: str = "zh") -> str:
    """Why a condition of a 无毒 criterion failed, in words."""
    w = Words(lang)
    if e.code == "item":
        r = e.item
        return w("evidence.item", id=r.item.id, title=r.item.title, note=note(r, lang) or w("evidence.item_failed"))
    ind = e.actual
    name = label(ind, lang)
    if e.code == "not_computable":
        return w("evidence.not_computable", label=name, basis=basis(ind, lang))
    if e.code == "na":
        return w("evidence.na", label=name)
    numbers = w("evidence.numbers", numerator=ind.numerator, denominator=ind.denominator) if ind.denominator else ""
    short = w("evidence.shortfall", e.shortfall) if e.shortfall else ""
    return w("evidence.short", label=name, actual=shown(ind, lang), numbers=numbers,
             required=bound(e.required[0], e.required[1], ind.kind, lang), shortfall=short)


def evidence_list(items, lang: str = "zh") -> list[str]:
    return [evidence(e, lang) for e in items]


# --- gaps ------------------------------------------------------------------------------------------

# The reasons the indicators give for a person, window, venue or item in a gap, in English. The indicators
# still write these in Chinese (indicators/* is not a renderer); until they give codes, the edge translates
# the known sentences here, one pattern each.
GAP_REASONS: list[tuple[str, str | Callable]] = [
    (r"本期无记录", "no record in the window"),
    (r"未报到签订协议", "has not reported (no agreement signed)"),
    (r"(\d+) 天后才报到", "reported only after {0} days"),
    (r"未建立帮教小组且本期无谈话记录", "no help group, and no talk this period"),
    (r"未建立帮教小组", "no help group"),
    (r"本期无谈话记录", "no talk this period"),
    (r"未签订责任状", "no pledge signed"),
    (r"防范措施未落实", "measures not in place"),
    (r"自查项目中此项未填写是否落实，缺少佐证", "是否落实 left blank in 自查项目: no evidence"),
    (r"自查项目中没有此项，缺少佐证", "not in the 自查项目 sheet: no evidence"),
    (r"自查为否", "self-check says no"),
    (r"(\d+) 年 6 月无宣传活动", "no prevention event in June {0}"),
    (r"(\d+) 年 9 月无面向中小学生的宣传活动", "no event for school pupils in September {0}"),
    (r"本期无面向(.+)的宣传活动", "no event for {0} this period"),
]


def gap_reason(text: object, lang: str = "zh") -> object:
    """A gap entry's reason in `lang` (the indicators' Chinese, or its English when the sentence is known)."""
    if lang != "en" or not isinstance(text, str):
        return text
    for pattern, english in GAP_REASONS:
        match = re.fullmatch(pattern, text)
        if match:
            return english.format(*match.groups()) if isinstance(english, str) else english(*match.groups())
    return text


def extra_name(key: str, lang: str = "zh") -> str:
    """One of an indicator's further numbers by name (上年, 应检人次 …)."""
    table = Words(lang).table("extra")
    return table.get(key, key) if lang == "en" or key in table else key

