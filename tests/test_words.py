"""Results are data, words at the edge: the engine gives codes and numbers, the message table gives the words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nodrug_cli.indicators.model import count, ratio
from nodrug_cli.ledger.read import read_ledger
from nodrug_cli.render import words
from nodrug_cli.render.messages import MESSAGES
from nodrug_cli.standards import engine
from nodrug_cli.standards.load import load_standard
from nodrug_cli.standards.model import Item

SAMPLES = Path(__file__).resolve().parent.parent / "sample_ledgers"


@pytest.fixture(scope="module")
def shiqiao() -> engine.Assessment:
    ledger = read_ledger(SAMPLES / "石桥村.xlsx", dt.date(2026, 1, 5), as_of=dt.date(2025, 12, 31))
    return engine.assess(ledger, load_standard("boumei-2023"))


def test_a_failed_criterion_is_a_record_of_numbers(shiqiao):
    first = shiqiao.criteria[0]
    e = first.shortfalls[0]
    assert (e.code, e.indicator, e.actual.value, e.required, e.shortfall) == ("short", "out_of_control", 1, (None, 0), 1)
    assert first.evidence == ["失控人数 1，要求 ≤ 0，缺口 1 项"]
    assert words.evidence(e, "en") == "out of control 1, required ≤ 0, 1 short"


def test_an_item_is_an_outcome_code_with_its_numbers(shiqiao):
    by_id = {r.item.id: r for r in shiqiao.items}
    assert [(i, by_id[i].outcome, by_id[i].units) for i in ("A1", "B1", "B3", "B5")] == [
        ("A1", "met", None), ("B1", "below", None), ("B3", "na_exclude", None), ("B5", "per_missing", 8.0)]
    b5 = by_id["B5"]
    assert (b5.note, words.note(b5, "en")) == ("缺 8，扣 8 分", "8 missing: 8 points off")
    assert (b5.basis, words.basis(b5.source, "en")) == ("宣传达标月份 8/12", "months with enough events 8/12")


@pytest.mark.parametrize("indicator, zh, en", [
    (ratio("help_rate", 9, 10), "未达到 ≥ 95%", "does not meet ≥ 95%"),
    (ratio("help_rate", 0, 0), "不适用（分母为 0），不计入总分", "not applicable (denominator 0): left out of the total"),
])
def test_the_same_outcome_in_both_languages(indicator, zh, en):
    result = engine.score_item(Item(id="X", category="c", title="t", rule="threshold", indicator="help_rate",
                                    points=5, min=0.95), indicator)
    assert (words.note(result, "zh"), words.note(result, "en")) == (zh, en)


def test_per_unit_target_names_its_unit():
    item = Item(id="E", category="c", title="t", rule="per_unit", indicator="events", unit="发放资料（份）", per=0.01,
                points=10)
    result = engine.score_item(item, count("events", 2, **{"发放资料（份）": 300}))
    assert result.target == "每 1 份资料得 0.01 分，最多 10 分"
    assert words.target(item, result.reading.kind, "en") == "0.01 per handout, at most 10 points"


def test_every_message_has_both_languages_of_one_shape():
    for key, pair in MESSAGES.items():
        assert len(pair) == 2, key
        zh, en = pair
        assert type(zh) is type(en), key
        if isinstance(zh, tuple):
            assert len(zh) == len(en), key
        if isinstance(zh, dict) and zh:
            assert set(zh) <= set(en), key


def test_why_an_indicator_cannot_be_computed_in_both_languages():
    from nodrug_cli.indicators.model import Indicator
    from nodrug_cli.said import Said

    blank = Indicator("checklist.网格化管理", None, status="not_computable",
                      extra={"missing_sheet": "自查项目", "missing_reason": Said("gap.checklist_blank")})
    columns = tuple(Said("gap.column", name=c) for c in ("检测日期", "检测结果"))
    unusable = Indicator("urinalysis_rate", None, status="not_computable",
                         extra={"missing_sheet": "尿检记录",
                                "missing_reason": Said("gap.sheet_lacks", sheet="尿检", columns=columns)})
    assert words.basis(blank) == "自查项目中此项未填写是否落实，无法计算"
    assert words.basis(blank, "en") == "是否落实 left blank in 自查项目: cannot be computed"
    assert words.missing_reason(unusable, "en") == "sheet “尿检” lacks the required column “检测日期”, “检测结果”"
    assert words.basis(unusable) == "“尿检”表缺少必需的列“检测日期”、“检测结果”，无法计算"


def test_every_gap_reason_has_words_in_both_languages():
    """Each key the indicators give (a `gap.` entry) takes its values in both languages; an unknown value (the
    indicator's own words) passes through as it is."""
    from string import Formatter

    from nodrug_cli.said import Said

    keys = [k for k in MESSAGES if k.startswith("gap.") and k != "gap.finding"]
    assert len(keys) > 20
    for key in keys:
        names = {name for _, name, _, _ in Formatter().parse(MESSAGES[key][0]) if name}
        values = {name: f"X{i}9" for i, name in enumerate(sorted(names))}
        for lang in ("zh", "en"):
            worded = words.gap_reason(Said(key, **values), lang)
            assert all(v in worded for v in values.values()), (key, lang, worded)
    assert words.gap_reason(Said("gap.no_june_event", year=2025)) == "2025 年 6 月无宣传活动"
    assert words.gap_reason(Said("gap.no_june_event", year=2025), "en") == "no prevention event in June 2025"
    assert words.gap_reason(Said("gap.group_not_reached", group="中小学生")) == "本期无面向中小学生的宣传活动"
    assert words.gap_reason("写在台账里的话", "en") == "写在台账里的话"
