"""Town and county roll-ups (DOMAIN.md §7), worked by hand on small batches.

The towns are scored by a small standard written for these tests (three items, 100 points), so every
pooled number and every point can be checked on paper.
"""

from __future__ import annotations

import json

import pytest
import yaml
from test_batch import QINGHE, SHIMEN, batch_json, minimal_ledger, passing, write_xlsx

from nodrug_cli.batch.outcome import LedgerOutcome
from nodrug_cli.batch.rollup import competition_ranks, pool, rollup
from nodrug_cli.standards.load import parse_standard

MINI = {
    "name": "测试镇街", "title": "测试用镇街标准", "source": "本测试", "weights": "全部分值为本测试自定",
    "items": [
        {"id": "A", "category": "禁吸戒毒", "title": "总体尿检率90%以上", "rule": "threshold",
         "indicator": "urinalysis_rate", "min": "90%", "points": 50},
        {"id": "B", "category": "组织领导", "title": "层层签订禁毒责任状", "rule": "checklist",
         "item": "层层签订禁毒责任状", "points": 30},
        {"id": "C", "category": "禁吸戒毒", "title": "无新增吸毒人员", "rule": "threshold", "indicator": "new_users",
         "max": 0, "points": 20},
    ],
    "targets": {"pass_rate": {"label": "乡镇考核总合格率", "by_year": {2021: "50%"}, "compare": ">"}},
}


def mini(**changes):
    return parse_standard(yaml.safe_dump({**MINI, **changes}, allow_unicode=True), "测试")


def ind(value, numerator=None, denominator=None, status="ok"):
    return {"value": value, "numerator": numerator, "denominator": denominator, "status": status}


def community(name, town, tested, due, signed, new, passed=True, drug_free=True, total=80.0):
    """A scored ledger as batch keeps it: urinalysis tested/due, the checklist item, new users."""
    urinalysis = ind(tested / due if due else None, tested, due, "ok" if due else "na")
    return LedgerOutcome(path=f"{name}.xlsx", status="ok", community=name, town=town, year=2021, total=total,
                         grade="合格", passed=passed, drug_free=drug_free, indicators={
                             "urinalysis_rate": urinalysis, "checklist.层层签订禁毒责任状": ind(int(signed)),
                             "new_users": ind(new, new) | {"extra": {"last_year": 2}}})


def test_competition_ranks_share_ties():
    assert competition_ranks([90, 80, 80, 70]) == [1, 2, 2, 4]
    assert competition_ranks([70, 80.001, 80.004, None]) == [3, 1, 1, None]  # equal as shown (two decimals)
    assert competition_ranks([]) == []


def test_pooling_rules():
    # rates: Σ numerators / Σ denominators (27/30), never the mean of the rates
    assert pool("urinalysis_rate", [ind(0.9, 9, 10), ind(0.9, 18, 20)]).value == pytest.approx(0.9)
    skewed = pool("urinalysis_rate", [ind(1.0, 1, 1), ind(0.8, 80, 100)])
    assert (skewed.numerator, skewed.denominator) == (81, 101) and skewed.value == pytest.approx(81 / 101)
    # a community with nobody due adds nothing; nobody due anywhere is not applicable
    assert pool("urinalysis_rate", [ind(None, 0, 0, "na"), ind(0.5, 1, 2)]).value == 0.5
    assert pool("urinalysis_rate", [ind(None, 0, 0, "na")]).status == "na"
    # counts are summed, and last year's counts with them (the change worked out from the sums)
    new = pool("new_users", [ind(1, 1) | {"extra": {"last_year": 2}}, ind(2, 2) | {"extra": {"last_year": 2}}])
    assert (new.value, new.extra["last_year"], new.extra["change"]) == (3, 4, -0.25)
    # a checklist item holds for the town only when every community meets it; how many do is kept
    item = pool("checklist.层层签订禁毒责任状", [ind(1), ind(0), ind(1)])
    assert (item.value, item.numerator, item.denominator) == (0, 2, 3)
    assert pool("checklist.层层签订禁毒责任状", [ind(1), ind(1)]).value == 1
    # one community that cannot compute it (its sheet is missing) makes it not computable for the town
    assert pool("urinalysis_rate", [ind(1.0, 5, 5), ind(None, status="not_computable")]).status == "not_computable"
    assert pool("urinalysis_rate", [ind(1.0, 5, 5), None]).status == "not_computable"


def test_towns_scored_on_pooled_indicators_and_the_county_strictly_against_its_target():
    outcomes = [
        # 青禾镇: 尿检 9/10 and 18/20 → 27/30 = 90 % (A: 50); one community has no 责任状 (B: 0); one new user (C: 0)
        community("甲村", QINGHE, 9, 10, True, 0, total=100.0),
        community("乙村", QINGHE, 18, 20, False, 1, passed=False, drug_free=False, total=50.0),
        # 石门镇: 10/10, 责任状, no new users → 100 (优秀)
        community("丙村", SHIMEN, 10, 10, True, 0, total=100.0),
        # 白沙镇: 1/1 and 80/100 — the mean of the rates (90 %) would pass A; pooled, 81/101 = 80.2 % does not
        community("丁村", "白沙镇", 1, 1, True, 0, total=100.0),
        community("戊村", "白沙镇", 80, 100, True, 0, passed=False, drug_free=True, total=70.0),
    ]
    towns, county = rollup(outcomes, mini(), 2021)
    by = {t.town: t for t in towns}
    assert [(t.town, t.total, t.grade, t.grade_passed) for t in towns] == [
        ("白沙镇", 50.0, "不合格", False), ("石门镇", 100.0, "优秀", True), ("青禾镇", 50.0, "不合格", False)]
    assert by[QINGHE].indicators["urinalysis_rate"]["numerator"] == 27
    assert by[QINGHE].indicators["checklist.层层签订禁毒责任状"] == {"value": 0, "numerator": 1, "denominator": 2,
                                                                  "status": "ok"}
    # 社区合格率 is the town's own share of passing communities, shown and never compared with a target
    assert (by["白沙镇"].passed, by["白沙镇"].community_pass_rate) == (1, 0.5)
    # 无毒 counts only communities whose verdict passed: 戊村 says 无毒 but failed, so it is not counted
    assert (by["白沙镇"].drug_free, by["白沙镇"].drug_free_rate) == (1, 0.5)
    assert [t.rank for t in towns] == [2, 1, 2]  # 50, 100, 50: ties share a rank
    # 乡镇考核总合格率 = 1 of 3 towns graded 合格 or better
    assert (county.towns, county.towns_passed, county.town_pass_rate) == (3, 1, pytest.approx(1 / 3))
    assert (county.town_pass_target, county.town_pass_compare, county.town_pass_met) == (0.5, ">", False)


def test_a_pass_rate_equal_to_a_target_worded_chaoguo_is_not_met():
    """Seed 000: "乡镇考核总合格率要超过85" — exactly the target is not more than it; 达到/以上 (≥) would be."""
    outcomes = [community("甲村", QINGHE, 10, 10, True, 0), community("丙村", SHIMEN, 0, 10, True, 0)]
    _, strict = rollup(outcomes, mini(), 2021)
    assert (strict.town_pass_rate, strict.town_pass_met) == (0.5, False)
    at_least = mini(targets={"pass_rate": {"label": "乡镇考核总合格率", "by_year": {2021: "50%"}, "compare": ">="}})
    assert rollup(outcomes, at_least, 2021)[1].town_pass_met is True
    # county-2021 says 超过 in its YAML
    from nodrug_cli.standards.load import load_standard

    assert load_standard("county-2021").targets["pass_rate"].met(0.85, 2021) is False
    assert load_standard("county-2021").targets["pass_rate"].met(0.8501, 2021) is True


def test_a_vetoed_community_is_not_counted_drug_free(tmp_path):
    """无毒 outright (nobody registered, no new users) but vetoed: its verdict failed, so no roll-up counts it."""
    standard = {**MINI, "name": "测试否决", "items": MINI["items"] + [
        {"id": "V", "category": "一票否决", "title": "辖区内无制毒窝点", "rule": "veto", "item": "无制毒窝点"}]}
    path = tmp_path / "测试否决.yaml"
    path.write_text(yaml.safe_dump(standard, allow_unicode=True), encoding="utf-8")
    root = tmp_path / "台账"
    root.mkdir()
    sheets = minimal_ledger(persons=[], tests=[], talks=[], extra={
        "自查项目": [["项目", "是否落实"], ["层层签订禁毒责任状", "是"], ["无制毒窝点", "否"]]})
    sheets["社区概况"] = [["社区名称", "甲村"], ["所属镇（街道）", QINGHE], ["评估年度", 2025], ["常住人口", 3000]]
    write_xlsx(root / "甲村.xlsx", sheets)
    passing(root / "乙村.xlsx", "乙村", QINGHE)
    result, data = batch_json(root, "--standard", path, "--no-history")
    by = {r["community"]: r for r in data["ledgers"]}
    assert by["甲村"]["passed"] is False and by["甲村"]["drug_free"] is False, result.output
    assert data["towns"][0]["drug_free"] == sum(1 for r in data["ledgers"] if r["passed"])
    assert json.dumps(data, ensure_ascii=False).count("一票否决") == 0  # the JSON carries no rule words


def test_text_output_ranks_and_the_county_line(tmp_path):
    """county-2021 in 2021: both towns pass, 2/2 = 100 % > 85 %; the text names the target in the seed's word."""
    from test_batch import runner

    from nodrug_cli.cli.app import app

    root = tmp_path / "台账"
    root.mkdir()
    for name, town in (("甲村", QINGHE), ("乙村", SHIMEN), ("丙村", SHIMEN)):
        passing(root / f"{name}.xlsx", name, town, 2021)
    result = runner.invoke(app, ["batch", str(root), "--standard", "county-2021", "--as-of", "2021-12-31",
                                 "--no-history", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2].split()[0] == "排名" and [line.split()[0] for line in lines[4:7]] == ["1", "1", "1"]  # ties
    county = next(line for line in lines if line.startswith("乡镇考核总合格率"))
    _, data = batch_json(root, "--standard", "county-2021", "--no-history", as_of="2021-12-31")
    c = data["county"]
    assert county == (f"乡镇考核总合格率 {c['town_pass_rate'] * 100:.1f}%（{c['towns_passed']}/2 个镇街等级合格及以上），"
                      f"目标 超过 85.0%：{'达到' if c['town_pass_met'] else '未达到'}")
    assert c["town_pass_met"] == (c["town_pass_rate"] > 0.85)
