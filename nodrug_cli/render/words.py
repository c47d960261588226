"""Words at the edge: a result's codes and numbers in Chinese or English, from the one table (`messages.py`).

`Words(lang)` looks a key up in the table; the functions below word the scoring engine's data — an item's 计算依据
(`basis`), its requirement (`target`), 扣分说明 (`note`), a 无毒 criterion's evidence (`evidence`), and an
indicator's value and name (`shown`, `label`). Chinese is exactly what the engine used to write.
"""

from __future__ import annotations

from nodrug_cli.indicators.gap import unusable_sheet
from nodrug_cli.indicators.model import NA, NOT_COMPUTABLE, Indicator
from nodrug_cli.render.messages import MESSAGES
from nodrug_cli.said import Said


class Words:
    """The table in one language: `w("key", *args)` formats the word; `section` is tried before the bare key."""

    def __init__(self, lang: str = "zh", section: str | None = None):
        self.words = MESSAGES
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
            return w("basis.reason", reason=missing_reason(ind, lang))
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


def missing_reason(ind: Indicator, lang: str = "zh") -> str | None:
    """Why an indicator cannot be computed although its sheet is there (a column it needs is missing, or the
    自查项目 row is left blank), in `lang`."""
    reason = ind.extra.get("missing_reason")
    return gap_reason(reason, lang) if reason else None


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

def gap_reason(reason: object, lang: str = "zh", masked: bool = True) -> object:
    """A gap entry's reason (a `Said` of the `gap.` section) in `lang`; a registry error's reason is its finding's
    message, with the cell's value masked when `masked`. Anything else is the indicator's own value, as it is."""
    if not isinstance(reason, Said):
        return reason
    if reason.key == "gap.finding":
        from nodrug_cli.ledger.check import finding_dict

        return finding_dict(reason.get("finding"), lang, masked)["message"]
    return phrase(reason, lang)


def worded(extra: dict, lang: str = "zh") -> dict:
    """An indicator's extras with each reason among them (why it cannot be computed) in `lang`."""
    return {key: gap_reason(value, lang) for key, value in extra.items()}


def sheet_lacks(ledger, sheet: str, lang: str = "zh") -> str:
    """Why an optional sheet that is there cannot be used: the required columns it lacks."""
    return gap_reason(unusable_sheet(ledger, sheet), lang)


def extra_name(key: str, lang: str = "zh") -> str:
    """One of an indicator's further numbers by name (上年, 应检人次 …)."""
    table = Words(lang).table("extra")
    return table.get(key, key) if lang == "en" or key in table else key



# --- sentences held as data ------------------------------------------------------------------------

def schedule(months: list[int] | tuple[int, ...], lang: str = "zh") -> str:
    """[2] → 每 2 个月一次; [1, 2, 3] → 第 1 年每 1 个月、第 2 年每 2 个月、此后每 3 个月一次."""
    w = Words(lang, section="remind")
    if len(months) == 1:
        return w("schedule_one", months[0])
    parts = [w("schedule_year", year=i + 1, months=k) for i, k in enumerate(months[:-1])]
    return w("list_sep").join(parts) + w("schedule_then", months[-1])


def phrase(data: Said, lang: str = "zh") -> str:
    """A sentence held as data (`Said`) in words. A `schedule` is worded as a schedule, a `subject` (test, talk)
    and a report's `to` by their words, a `Said` in the same language, a list or tuple joined with the language's
    list separator (、 or ,), each of its items worded if it is a `Said`; every other value is shown as it is."""
    w = Words(lang)

    def word(v):
        return phrase(v, lang) if isinstance(v, Said) else v

    values = {name: w("list_sep").join(map(str, map(word, v))) if isinstance(v, list | tuple) and name != "schedule"
              else word(v) for name, v in data.params}
    if "schedule" in values:
        values["schedule"] = schedule(values["schedule"], lang)
    if "subject" in values:
        values["subject"] = w.table("remind.subject")[values["subject"]]
    if "to" in values:
        values["to"] = w("remind.report_to", values["to"]) if values["to"] else ""
    return w(data.key, **values)


class WordedError(Exception):
    """An error held as data: a message key and its values (a `Said`), worded where it is shown, in the reader's
    language (`message(lang)`, as `jobs.refused` asks of every library refusal); `str()` is its Chinese."""

    def __init__(self, key: str, **params):
        self.said = Said(key, **params)
        super().__init__(phrase(self.said))

    def message(self, lang: str = "zh") -> str:
        return phrase(self.said, lang)
