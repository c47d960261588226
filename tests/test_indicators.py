"""Indicator edge cases (DOMAIN.md §3–§5) on small ledgers written as real .xlsx files.

Every expected value is worked out by hand in the comment beside it. Unless a test says otherwise,
P = 2025 (社区概况.评估年度) and T = 2025-12-31, so T − 3 years = 2022-12-31 and T − 4 years = 2021-12-31.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from builders import person_id, write_xlsx

from nodrug_cli.indicators.compute import Params, compute_indicators
from nodrug_cli.indicators.windows import add_months, add_years, shift, windows
from nodrug_cli.ledger.read import read_ledger
from nodrug_cli.render.words import gap_reason
from nodrug_cli.said import Said

D = dt.date
TODAY = D(2026, 11, 25)
T = D(2025, 12, 31)
MONTHLY = Params(test_schedule=[1], talk_schedule=[1], events_per_month=4)
SEED002 = Params(test_schedule=[2], talk_schedule=[2], events_per_month=4)

PERSON_HEADER = ["姓名", "身份证号", "人员状态", "状态起始日期", "刑期（月）", "居住状态", "管控状态", "首次登记日期",
                 "措施开始日期", "协议签订日期", "最近吸毒日期", "帮教小组", "就业情况"]
TEST_HEADER = ["身份证号", "姓名", "检测日期", "检测结果"]
TALK_HEADER = ["身份证号", "姓名", "谈话日期", "谈话人"]
EVENT_HEADER = ["活动日期", "活动名称", "活动形式", "对象群体", "参与人数", "发放资料（份）", "悬挂标语（条）"]
SURVEY_HEADER = ["调查日期", "人群类别", "调查人数", "知晓人数"]
VENUE_HEADER = ["场所名称", "场所类型", "责任状", "防范措施落实"]
ABSENT = object()  # a sheet left out of the workbook (as opposed to [] = header only)


def pid(n: int) -> str:
    return person_id(n)


def person(n: int, status: str, *, since=None, sentence=None, home="在家", control="在控", registered=D(2020, 1, 1),
           order=None, signed=None, last_use=None, group="是", job="就业") -> list:
    """One 吸毒人员 row; 社区戒毒/社区康复 get an order (default 2024-06-01) signed 5 days later unless told."""
    if status in ("社区戒毒", "社区康复") and order is None:
        order = D(2024, 6, 1)
    if order is not None and signed is None:
        signed = order + dt.timedelta(days=5)
    if signed == "none":
        signed = None
    if last_use is None and status in ("社区戒毒", "社区康复", "戒断未满三年"):
        last_use = D(2024, 5, 1)  # after T − 3 years: DUE
    return [f"人员{n}", pid(n), status, since, sentence, home, control, registered, order, signed, last_use, group, job]


def test(n: int, day: dt.date, result: str = "阴性") -> list:
    return [pid(n), f"人员{n}", day, result]


test.__test__ = False  # a row builder, not a pytest test


def talk(n: int, day: dt.date) -> list:
    return [pid(n), f"人员{n}", day, "刘专干"]


def event(day: dt.date, groups: str = "社区居民", people: int = 50, handouts: int = 100, banners: int = 2) -> list:
    return [day, "禁毒宣传", "集中宣传", groups, people, handouts, banners]


def build(tmp_path, persons=(), tests=(), talks=(), events=(), surveys=(), venues=(), info=None, name="l.xlsx"):
    """Write a ledger; pass ABSENT for an optional sheet that the workbook should not have."""
    facts = {"社区名称": "测试社区", "所属镇（街道）": "青禾镇", "评估年度": 2025, "常住人口": 2000, **(info or {})}
    sheets = {"社区概况": [[k, v] for k, v in facts.items()], "吸毒人员": [PERSON_HEADER, *persons]}
    for sheet, header, rows in (("尿检记录", TEST_HEADER, tests), ("谈话记录", TALK_HEADER, talks),
                                ("宣传活动", EVENT_HEADER, events), ("知晓率调查", SURVEY_HEADER, surveys),
                                ("重点场所", VENUE_HEADER, venues)):
        if rows is not ABSENT:
            sheets[sheet] = [header, *rows]
    return write_xlsx(tmp_path / name, sheets)


def run(path, as_of=T, params=SEED002, year=None):
    ledger = read_ledger(path, TODAY, as_of=as_of, year=year)
    return ledger, compute_indicators(ledger, params)


def nd(result, key):
    ind = result[key]
    return ind.numerator, ind.denominator


def ids(mask_or_rows) -> set[str]:
    return set(mask_or_rows["身份证号"])


def codes(ledger) -> set[tuple[str, str]]:
    return {(f.code, f.severity) for f in ledger.findings}


# ── zero denominators ──────────────────────────────────────────────────────────────────────────────
def test_zero_denominators_are_not_applicable(tmp_path):
    # One 戒断三年未复吸 person: nobody is DUE, nobody IN_SOCIETY, no orders, no venues, no surveys.
    path = build(tmp_path, [person(1, "戒断三年未复吸", last_use=D(2015, 1, 1))])
    ledger, r = run(path)
    assert ledger.errors == 0
    for key in ("control_rate", "order_execution_rate", "timely_report_rate", "urinalysis_rate", "home_urinalysis_rate",
                "on_schedule_test_rate", "help_rate", "on_schedule_talk_rate", "relapse_rate", "employment_rate",
                "venue_pledge_rate", "venue_measure_rate", "awareness_rate.总体", "awareness_rate.群众",
                "awareness_rate.中小学生"):
        assert (r[key].status, r[key].value, r[key].denominator) == ("na", None, 0), key
        assert r[key].display() == "—"
    # counts are still counts; the one person is abstinent and still CURRENT (seed 002's 现有吸毒人员), not ACTIVE
    assert (r["current_users"].value, r["active_users"].value, r["relapses"].value, r["out_of_control"].value) == (1, 0, 0, 0)
    assert (nd(r, "abstinence3_rate"), r["abstinence3_rate"].value) == ((1, 1), 1.0)
    assert (nd(r, "user_ratio_permille"), r["user_ratio_permille"].value) == ((0, 2000), 0.0)
    # 宣传活动 present but empty: 12 complete months, none met → 0/12 (a real 0 %, not "na")
    assert (nd(r, "event_months_met"), r["event_months_met"].status, r["event_months_met"].value) == ((0, 12), "ok", 0)


def test_everyone_exempt_makes_abstinence_rate_not_applicable(tmp_path):
    path = build(tmp_path, [person(1, "死亡", since=D(2022, 1, 1)), person(2, "户口迁出", since=D(2023, 5, 1))])
    _, r = run(path)
    assert (nd(r, "abstinence3_rate"), r["abstinence3_rate"].status) == ((0, 0), "na")
    assert (r["registered"].value, r["current_users"].value) == (2, 0)


# ── the windows rule ───────────────────────────────────────────────────────────────────────────────
def test_add_months_clamps_to_month_end():
    jan31 = pd.Series(pd.to_datetime(["2025-01-31", "2024-01-31", "2025-01-31", "2024-02-29", "2025-03-31"]))
    out = add_months(jan31, pd.Series([1, 1, 2, 12, -1]))
    assert [d.date() for d in out] == [D(2025, 2, 28), D(2024, 2, 29), D(2025, 3, 31), D(2025, 2, 28), D(2025, 2, 28)]
    # always counted from the anchor: 31 Jan + 2 months is 31 Mar, not (31 Jan + 1) + 1 = 28 Mar
    assert shift(D(2025, 1, 31), 2) == D(2025, 3, 31)
    assert add_years(pd.Series(pd.to_datetime(["2024-02-29"])), 3).iloc[0].date() == D(2027, 2, 28)


def test_windows_change_step_when_the_program_year_turns_for_a_29_february_anchor():
    # Schedule [1, 2, 3], indexed by the program year at each window's start, counted from the anchor a
    # (DOMAIN.md §5: the largest n with a + n years ≤ wi, where 29 Feb + 1 year = 28 Feb).
    # a = 2024-02-29: monthly windows (always a + k months, clamped) up to w12 = a + 12 months = 2025-02-28, which
    # is a + 1 year: program year 1 → 2 months: w13 = a + 14 = 2025-04-29, w14 = a + 16 = 2025-06-29.
    # b = 2024-03-01: w11 = 2025-02-01 is still year 0 → [02-01, 03-01); at 03-01 year 1 → [03-01, 05-01), [05-01, 07-01).
    anchor = pd.Series(pd.to_datetime(["2024-02-29", "2024-03-01"]), index=["a", "b"])
    wins = windows(anchor, [1, 2, 3], pd.Timestamp("2025-07-01"))
    got = {p: [(s.date(), e.date()) for s, e in zip(g["start"], g["end"])] for p, g in wins.groupby("person")}
    assert got["a"][-3:] == [(D(2025, 1, 29), D(2025, 2, 28)), (D(2025, 2, 28), D(2025, 4, 29)), (D(2025, 4, 29), D(2025, 6, 29))]
    assert len(got["a"]) == 14 and got["a"][0] == (D(2024, 2, 29), D(2024, 3, 29))
    assert got["b"][-3:] == [(D(2025, 2, 1), D(2025, 3, 1)), (D(2025, 3, 1), D(2025, 5, 1)), (D(2025, 5, 1), D(2025, 7, 1))]


def test_29_february_order_in_a_ledger(tmp_path):
    # 社区戒毒 order 2024-02-29, P = 2025, schedule [1, 2, 3]: windows run from the order start across the year
    # end, a + k months: monthly up to w12 = a + 12 = 2025-02-28 (= a + 1 year: program year 1 → every 2 months):
    # w13 = 04-29, 06-29, 08-29, 10-29, 12-29, 2026-02-28. Due in P (last day in [1 Jan, T]):
    # [2024-12-29, 01-29), [01-29, 02-28), [02-28, 04-29), [04-29, 06-29), [06-29, 08-29), [08-29, 10-29),
    # [10-29, 12-29) → 7; [12-29, 2026-02-28) has not ended. The 12-31 test belongs to that open window.
    p = person(1, "社区戒毒", order=D(2024, 2, 29), registered=D(2024, 2, 20), last_use=D(2024, 2, 19))
    tests = [test(1, D(2025, 1, 15)), test(1, D(2025, 3, 15)), test(1, D(2025, 12, 31))]
    _, r = run(build(tmp_path, [p], tests=tests), params=Params(test_schedule=[1, 2, 3], talk_schedule=[1, 2, 3]))
    assert nd(r, "on_schedule_test_rate") == (2, 7)
    assert [(g["start"], g["end"]) for g in r["on_schedule_test_rate"].gap] == [
        ("2025-01-29", "2025-02-27"), ("2025-04-29", "2025-06-28"), ("2025-06-29", "2025-08-28"),
        ("2025-08-29", "2025-10-28"), ("2025-10-29", "2025-12-28")]
    assert r["on_schedule_test_rate"].extra == {"应检人次": 7, "漏检人次": 5}


def test_order_starting_mid_year_anchors_its_windows(tmp_path):
    # 社区戒毒 ordered 2025-05-20: anchor = the order start, monthly windows 05-20→06-20 … 11-20→12-20 (7);
    # 12-20→2026-01-20 has not elapsed. A test on 05-19 is before the anchor and fills no window.
    p = person(1, "社区戒毒", order=D(2025, 5, 20), registered=D(2025, 5, 15), last_use=D(2025, 5, 10))
    # 戒断未满三年 without an order, first registered 2025-03-10: anchor = 首次登记日期, and the program year is
    # counted from it (year 0 → monthly): 03-10→04-10 … 11-10→12-10 (9 windows; 12-10→01-10 has not ended).
    q = person(2, "戒断未满三年", registered=D(2025, 3, 10), last_use=D(2025, 3, 1))
    tests = [test(1, D(2025, 5, 19)), test(1, D(2025, 6, 19)), test(1, D(2025, 6, 20)), test(1, D(2025, 12, 19)),
             test(2, D(2025, 9, 9))]
    _, r = run(build(tmp_path, [p, q], tests=tests), params=Params(test_schedule=[1, 2, 3], talk_schedule=[1, 2, 3]))
    # person 1: met [05-20, 06-20) by 06-19, [06-20, 07-20) by 06-20, [11-20, 12-20) by 12-19 → 3 of 7
    # person 2: met [08-10, 09-10) by 09-09 → 1 of 9
    assert nd(r, "on_schedule_test_rate") == (4, 16)
    gap = [(g["id"], g["start"], g["end"]) for g in r["on_schedule_test_rate"].gap]
    assert (pid(1), "2025-07-20", "2025-08-19") in gap and (pid(2), "2025-03-10", "2025-04-09") in gap
    assert {g["start"] for g in r["on_schedule_test_rate"].gap if g["id"] == pid(1)} == {
        "2025-07-20", "2025-08-20", "2025-09-20", "2025-10-20"}
    # seed 002's [2] for the same ledger: person 1 has 05-20→07-20, 07-20→09-20, 09-20→11-20 (3; the next
    # ends 2026-01-20); person 2 (no order, last entry 2) has 03-10→05-10 … 09-10→11-10 (4).
    _, r2 = run(build(tmp_path, [p, q], tests=tests, name="b.xlsx"))
    # met: person 1 only [05-20, 07-20) (06-19, 06-20); person 2 only [07-10, 09-10) (09-09) → 2 of 7
    assert nd(r2, "on_schedule_test_rate") == (2, 7)


@pytest.mark.parametrize(("as_of", "expected"), [
    (D(2025, 11, 30), (1, 1)),  # window [11-01, 12-01) ends on T + 1: elapsed, counted (met by the 11-30 test)
    (D(2025, 11, 29), (0, 0)),  # it ends on T + 2: not elapsed, not counted → no window at all, "na"
])
def test_window_ending_on_t_plus_one_counts_and_t_plus_two_does_not(tmp_path, as_of, expected):
    p = person(1, "社区戒毒", order=D(2025, 11, 1), registered=D(2025, 10, 25), last_use=D(2025, 10, 20))
    path = build(tmp_path, [p], tests=[test(1, D(2025, 11, 29))], talks=[talk(1, D(2025, 11, 29))])
    _, r = run(path, as_of=as_of, params=MONTHLY)
    assert nd(r, "on_schedule_test_rate") == expected
    assert nd(r, "on_schedule_talk_rate") == expected
    assert r["on_schedule_test_rate"].status == ("ok" if expected[1] else "na")


def test_record_on_a_window_end_belongs_to_the_next_window(tmp_path):
    # monthly windows from 01-01: a test on 02-01 is in [02-01, 03-01), not in [01-01, 02-01)
    p = person(1, "戒断未满三年", registered=D(2020, 1, 1))
    _, r = run(build(tmp_path, [p], tests=[test(1, D(2025, 2, 1))]), as_of=D(2025, 3, 1), params=MONTHLY)
    assert nd(r, "on_schedule_test_rate") == (1, 2)
    assert [(g["start"], g["end"]) for g in r["on_schedule_test_rate"].gap] == [("2025-01-01", "2025-01-31")]


def test_talk_schedule_is_separate_from_test_schedule(tmp_path):
    p = person(1, "戒断未满三年", registered=D(2020, 1, 1))
    path = build(tmp_path, [p], tests=[test(1, D(2025, 1, 5))], talks=[talk(1, D(2025, 1, 5))])
    _, r = run(path, params=Params(test_schedule=[1], talk_schedule=[3]))
    assert nd(r, "on_schedule_test_rate") == (1, 12)  # 12 monthly windows, only January met
    assert nd(r, "on_schedule_talk_rate") == (1, 4)  # 4 quarterly windows, only the first met


# ── person sets ────────────────────────────────────────────────────────────────────────────────────
def test_exempt_persons_of_every_kind(tmp_path):
    persons = [
        person(1, "死亡", since=D(2024, 3, 1)),
        person(2, "出国（境）", since=D(2025, 2, 1)),
        person(3, "户口迁出", since=D(2023, 7, 1)),
        person(4, "服刑", since=D(2024, 1, 1), sentence=36),  # ≥ 36 months: EXEMPT
        person(5, "服刑", since=D(2024, 1, 1), sentence=35),  # < 36: CURRENT (in custody)
        person(6, "服刑", since=D(2024, 1, 1)),  # no 刑期: not exempt, warned
        person(7, "下落不明", since=D(2021, 12, 31)),  # exactly T − 4 years: EXEMPT
        person(8, "下落不明", since=D(2022, 1, 1)),  # less than 4 years: CURRENT, IN_SOCIETY
        person(9, "下落不明"),  # no date: not exempt, warned
        person(10, "戒断三年未复吸", last_use=D(2016, 1, 1)),  # ABSTINENT3
    ]
    ledger, r = run(build(tmp_path, persons))
    assert ("sentence_missing", "warning") in codes(ledger) and ("missing_since_unknown", "warning") in codes(ledger)
    assert ledger.errors == 0
    sets = r.sets
    assert ids(sets.people(sets.exempt)) == {pid(1), pid(2), pid(3), pid(4), pid(7)}
    assert ids(sets.people(sets.current)) == {pid(5), pid(6), pid(8), pid(9), pid(10)}
    assert ids(sets.people(sets.active)) == {pid(5), pid(6), pid(8), pid(9)}
    assert ids(sets.people(sets.in_society)) == {pid(8), pid(9)}
    assert r["registered"].value == 10
    assert (r["current_users"].value, r["active_users"].value) == (5, 4)
    assert nd(r, "abstinence3_rate") == (1, 10 - 5)  # EXEMPT persons are in no denominator
    # the two 下落不明 in society are out of control
    assert nd(r, "control_rate") == (0, 2)
    assert r["out_of_control"].value == 2
    assert nd(r, "user_ratio_permille") == (4, 2000)


def test_abstinent_by_status_or_by_last_use_and_cancelled_by_a_positive_test(tmp_path):
    persons = [
        person(1, "戒断三年未复吸", last_use=D(2018, 1, 1)),  # by status
        person(2, "戒断未满三年", last_use=D(2022, 12, 31)),  # last use = T − 3 years exactly: abstinent
        person(3, "戒断未满三年", last_use=D(2023, 1, 1)),  # one day short: DUE
        person(4, "社区康复", order=D(2022, 6, 1), last_use=D(2022, 11, 30)),  # clean 3 years, but the order runs
        person(5, "戒断三年未复吸", last_use=D(2018, 1, 1)),  # 阳性 on 2023-01-01, inside (T − 3y, T]
        person(6, "戒断三年未复吸", last_use=D(2018, 1, 1)),  # 阳性 on 2022-12-31 = T − 3y, outside
        person(7, "戒断未满三年", last_use=D(2021, 5, 1)),  # 阳性 in the period: not abstinent, DUE, relapse
        person(8, "戒断三年未复吸", last_use=D(2018, 1, 1)),  # 阳性 dated after T: ignored
    ]
    tests = [test(5, D(2023, 1, 1), "阳性"), test(6, D(2022, 12, 31), "阳性"), test(7, D(2025, 6, 1), "阳性"),
             test(8, D(2026, 1, 5), "阳性"), test(3, D(2025, 3, 3))]
    ledger, r = run(build(tmp_path, persons, tests=tests))
    assert ledger.errors == 0 and ("date_future", "warning") in codes(ledger)
    sets = r.sets
    # 4 is under a running 社区康复 order: never ABSTINENT3, whatever the last-use date (DOMAIN.md §4)
    assert ids(sets.people(sets.abstinent3)) == {pid(1), pid(2), pid(6), pid(8)}
    assert ids(sets.people(sets.current)) == {pid(n) for n in range(1, 9)}  # nobody is EXEMPT
    assert ids(sets.people(sets.active)) == {pid(3), pid(4), pid(5), pid(7)}
    assert ids(sets.people(sets.due)) == {pid(3), pid(4), pid(7)}  # 5 is ACTIVE but 戒断三年未复吸 is not a DUE status
    assert nd(r, "abstinence3_rate") == (4, 8)
    assert (r["current_users"].value, r["active_users"].value) == (8, 4)
    # 7 only (5's 阳性 is from 2023); over DUE ∪ relapsed = {3, 4, 7}
    assert (r["relapses"].value, nd(r, "relapse_rate")) == (1, (1, 3))
    assert nd(r, "urinalysis_rate") == (2, 3)  # 3 and 7 tested; 4 (社区康复) owes tests and has none
    assert nd(r, "order_execution_rate") == (1, 1)


def test_persons_in_custody_or_missing_are_not_abstinent_by_last_use(tmp_path):
    persons = [
        person(1, "强制隔离戒毒", since=D(2025, 3, 1), last_use=D(2019, 1, 1)),
        person(2, "服刑", since=D(2023, 1, 1), sentence=24, last_use=D(2019, 1, 1)),
        person(3, "下落不明", since=D(2024, 1, 1), last_use=D(2019, 1, 1)),
        person(4, "戒断未满三年", last_use=D(2019, 1, 1)),  # in society: abstinent by the 最近吸毒日期 route
    ]
    _, r = run(build(tmp_path, persons))
    assert ids(r.sets.people(r.sets.abstinent3)) == {pid(4)}
    assert ids(r.sets.people(r.sets.active)) == {pid(1), pid(2), pid(3)}
    assert nd(r, "abstinence3_rate") == (1, 4)
    assert (r["current_users"].value, r["active_users"].value) == (4, 3)


def test_abstinence_from_29_february_counts_back_from_t(tmp_path):
    p = person(1, "戒断未满三年", last_use=D(2020, 2, 29), registered=D(2019, 1, 1))
    _, r = run(build(tmp_path, [p], info={"评估年度": 2023}), as_of=D(2023, 2, 28))
    assert nd(r, "abstinence3_rate") == (0, 1)
    assert ids(r.sets.people(r.sets.due)) == {pid(1)}


def test_abstinence_reached_exactly_three_calendar_years_later(tmp_path):
    # T = 2025-12-31: last use 2022-12-31 = T − 3 years → abstinent; 2023-01-01 → not (see also the set test).
    # Person 3 has person 1's last use but is under a running 社区康复 order: never ABSTINENT3.
    persons = [person(1, "戒断未满三年", last_use=D(2022, 12, 31)),
               person(2, "戒断未满三年", last_use=D(2023, 1, 1)),
               person(3, "社区康复", order=D(2023, 1, 10), last_use=D(2022, 12, 31))]
    _, r = run(build(tmp_path, persons), as_of=D(2025, 12, 31))
    assert ids(r.sets.people(r.sets.abstinent3)) == {pid(1)}
    assert ids(r.sets.people(r.sets.due)) == {pid(2), pid(3)}
    _, r = run(build(tmp_path, persons, name="b.xlsx"), as_of=D(2025, 12, 30))  # one day earlier: neither
    assert ids(r.sets.people(r.sets.abstinent3)) == set()


# ── the year boundary ──────────────────────────────────────────────────────────────────────────────
def test_status_and_registration_at_the_year_boundary(tmp_path):
    persons = [
        person(1, "社区戒毒", registered=D(2025, 1, 1), order=D(2025, 1, 3), last_use=D(2024, 12, 30)),  # new
        person(2, "社区戒毒", registered=D(2024, 12, 31), order=D(2025, 1, 3), last_use=D(2024, 12, 30)),  # last year
        person(3, "下落不明", since=D(2021, 12, 31)),  # 4 years before T exactly: EXEMPT
        person(4, "下落不明", since=D(2022, 1, 1)),  # not yet: CURRENT, out of control
        person(5, "社区戒毒", registered=D(2026, 1, 1), order=D(2026, 1, 2), last_use=D(2025, 12, 20)),  # after T
        person(6, "死亡", since=D(2025, 12, 31)),  # status from T itself: EXEMPT
        person(7, "户口迁出", since=D(2025, 1, 1)),  # status from 1 Jan of P: EXEMPT
        person(8, "戒断三年未复吸", since=D(2024, 12, 31), last_use=D(2021, 12, 31)),  # ABSTINENT3
    ]
    tests = [test(1, D(2025, 2, 1)), test(5, D(2025, 12, 30))]
    ledger, r = run(build(tmp_path, persons, tests=tests))
    assert ledger.errors == 0
    # person 5 is in no set and no count, whatever its rows
    assert r["registered"].value == 7
    assert r["new_users"].value == 1 and [g["id"] for g in r["new_users"].gap] == [pid(1)]
    assert r["new_users"].extra["last_year"] == 1  # person 2, 2024-12-31 ≤ T − 1 year
    assert ids(r.sets.people(r.sets.exempt)) == {pid(3), pid(6), pid(7)}
    assert (r["current_users"].value, r["active_users"].value) == (4, 3)  # 1, 2, 4, 8; 8 is ABSTINENT3
    assert nd(r, "abstinence3_rate") == (1, 4)  # person 8 of CURRENT
    assert nd(r, "urinalysis_rate") == (1, 2)  # DUE 1 and 2; person 5 is not DUE
    assert nd(r, "order_execution_rate") == (2, 2)
    assert (nd(r, "control_rate"), r["out_of_control"].value) == ((2, 3), 1)
    assert pid(5) not in {g["id"] for key in r.values for g in r[key].gap if "id" in g}


# ── events and campaigns ───────────────────────────────────────────────────────────────────────────
EVENT_KEYS = ["events", "event_months_met", "june_campaign", "school_term_campaign",
              *(f"group_coverage.{g}" for g in ("社区居民", "中小学生", "外来务工人员", "娱乐场所从业人员", "社会闲散人员", "企业职工"))]


def test_empty_event_sheet_is_computed(tmp_path):
    _, r = run(build(tmp_path, [person(1, "戒断三年未复吸", last_use=D(2015, 1, 1))], events=[]))
    assert (r["events"].value, r["events"].status) == (0, "ok")
    assert (nd(r, "event_months_met"), r["event_months_met"].value) == ((0, 12), 0)
    assert r["event_months_met"].extra["missing_events"] == 48
    assert (r["june_campaign"].value, r["june_campaign"].status) == (0, "ok")
    assert (r["school_term_campaign"].value, r["school_term_campaign"].status) == (0, "ok")
    assert all(r[k].value == 0 and r[k].status == "ok" for k in EVENT_KEYS if k.startswith("group_coverage."))


def test_missing_optional_sheets_are_not_computable(tmp_path):
    persons = [person(1, "社区戒毒"), person(2, "戒断三年未复吸", last_use=D(2015, 1, 1))]
    path = build(tmp_path, persons, tests=ABSENT, talks=ABSENT, events=ABSENT, surveys=ABSENT, venues=ABSENT)
    ledger, r = run(path)
    assert ledger.errors == 0
    missing = EVENT_KEYS + ["urinalysis_rate", "home_urinalysis_rate", "on_schedule_test_rate", "relapses",
                            "relapse_rate", "help_rate", "on_schedule_talk_rate", "venue_pledge_rate",
                            "venue_measure_rate", "awareness_rate.总体", "awareness_rate.群众", "awareness_rate.农村居民"]
    for key in missing:
        ind = r[key]
        assert (ind.status, ind.value, ind.numerator, ind.denominator) == ("not_computable", None, None, None), key
        assert ind.display() == "无法计算"
    # the registry-only indicators are still there (the 戒断三年未复吸 person is CURRENT, not ACTIVE)
    assert nd(r, "order_execution_rate") == (1, 1) and r["current_users"].value == 2 and r["active_users"].value == 1
    # without 尿检记录 the ABSTINENT3 set rests on statuses and dates alone
    assert nd(r, "abstinence3_rate") == (1, 2)


@pytest.mark.parametrize(("as_of", "june", "school", "months"), [
    (D(2025, 5, 31), "na", "na", 5),  # before 1 June: both flags not applicable; Jan–May complete
    (D(2025, 6, 1), 1, "na", 5),  # June has begun (and the 06-01 event counts); June is not complete yet
    (D(2025, 8, 31), 1, "na", 8),
    (D(2025, 9, 1), 1, 0, 8),  # the 09-01 event is for 社区居民 only; the 中小学生 one is on 09-02
    (D(2025, 9, 2), 1, 1, 8),
])
def test_campaign_flags_wait_for_their_month(tmp_path, as_of, june, school, months):
    events = [event(D(2024, 6, 26)),  # last year's 6·26: not in P
              event(D(2025, 6, 1)), event(D(2025, 9, 1), "社区居民"), event(D(2025, 9, 2), "社区居民、中小学生")]
    _, r = run(build(tmp_path, [], events=events), as_of=as_of)
    for key, want in (("june_campaign", june), ("school_term_campaign", school)):
        if want == "na":
            assert (r[key].status, r[key].value) == ("na", None), key
        else:
            assert (r[key].status, r[key].value) == ("ok", want), key
    assert r["event_months_met"].denominator == months


def test_events_count_the_period_only_and_months_need_n_events(tmp_path):
    events = ([event(D(2025, 1, d)) for d in (2, 9, 16, 23)]  # January: 4 → met
              + [event(D(2025, 2, d)) for d in (3, 10, 17)]  # February: 3 → short by 1
              + [event(D(2024, 12, 31)), event(D(2026, 1, 1))])  # outside [1 Jan, T]
    _, r = run(build(tmp_path, [], events=events), as_of=D(2025, 3, 15))
    assert r["events"].value == 7
    assert (r["events"].extra["参与人数"], r["events"].extra["发放资料（份）"], r["events"].extra["悬挂标语（条）"]) == (350, 700, 14)
    assert nd(r, "event_months_met") == (1, 2)  # January and February are complete; March is not
    assert r["event_months_met"].gap == [{"month": "2025-02", "events": 3, "required": 4}]


# ── awareness, new users, reporting, control ───────────────────────────────────────────────────────
def test_awareness_per_group_with_overall_and_masses(tmp_path):
    surveys = [
        [D(2025, 3, 1), "城镇居民", 100, 90],
        [D(2025, 3, 1), "农村居民", 50, 40],
        [D(2025, 3, 1), "社区居民", 30, 27],
        [D(2025, 3, 1), "外来务工人员", 20, 10],
        [D(2025, 3, 1), "中小学生", 5, 5],
        [D(2025, 9, 1), "中小学生", 5, 4],
        [D(2024, 12, 31), "外来务工人员", 100, 0],  # before P: ignored
        [D(2026, 1, 2), "城镇居民", 100, 0],  # after T: ignored
    ]
    _, r = run(build(tmp_path, [], surveys=surveys))
    assert nd(r, "awareness_rate.城镇居民") == (90, 100)
    assert nd(r, "awareness_rate.农村居民") == (40, 50)
    assert nd(r, "awareness_rate.社区居民") == (27, 30)
    assert nd(r, "awareness_rate.外来务工人员") == (10, 20)
    assert nd(r, "awareness_rate.中小学生") == (9, 10)  # Σ知晓 / Σ调查 over both rows, not a mean of rates
    assert (nd(r, "awareness_rate.娱乐场所从业人员"), r["awareness_rate.娱乐场所从业人员"].status) == ((0, 0), "na")
    assert nd(r, "awareness_rate.群众") == (90 + 40 + 27, 100 + 50 + 30)
    assert nd(r, "awareness_rate.总体") == (90 + 40 + 27 + 10 + 9, 100 + 50 + 30 + 20 + 10)
    assert r["awareness_rate.总体"].value == pytest.approx(176 / 210)


def test_new_users_against_last_year_over_the_same_span(tmp_path):
    # T = 2025-06-30: this year's span [2025-01-01, 2025-06-30], last year's [2024-01-01, 2024-06-30]
    persons = [
        person(1, "死亡", since=D(2025, 3, 1), registered=D(2025, 1, 1)),  # new (EXEMPT rows count too)
        person(2, "社区戒毒", registered=D(2025, 6, 30), order=D(2025, 6, 30), last_use=D(2025, 6, 28)),  # new
        person(3, "社区戒毒", registered=D(2025, 7, 1), order=D(2025, 7, 2), last_use=D(2025, 6, 29)),  # after T
        person(4, "戒断未满三年", registered=D(2024, 1, 1)),  # last year
        person(5, "戒断未满三年", registered=D(2024, 6, 30)),  # last year, on T − 1 year
        person(6, "戒断未满三年", registered=D(2024, 7, 1)),  # 2024 but after the same span
        person(7, "戒断未满三年", registered=D(2023, 12, 31)),
    ]
    _, r = run(build(tmp_path, persons, info={"基准年新增人数": 4}), as_of=D(2025, 6, 30))
    new = r["new_users"]
    assert new.value == 2 and {g["id"] for g in new.gap} == {pid(1), pid(2)}
    assert new.extra["last_year"] == 2
    assert new.extra["change"] == 0
    assert (new.extra["baseline"], new.extra["change_vs_baseline"]) == (4, pytest.approx(-0.5))
    assert r["registered"].value == 6


def test_timely_report_at_15_and_16_days(tmp_path):
    persons = [
        person(1, "社区戒毒", order=D(2025, 3, 1), signed=D(2025, 3, 16)),  # 15 days: timely
        person(2, "社区康复", order=D(2025, 3, 1), signed=D(2025, 3, 17)),  # 16 days: late
        person(3, "社区康复", order=D(2025, 3, 1), signed="none"),  # not reported: not executed, not in timely
        person(4, "社区康复", order=D(2022, 1, 1), signed=D(2022, 1, 20), last_use=D(2021, 6, 1)),  # ordered before P
        person(5, "戒断未满三年", order=D(2025, 3, 1), signed=D(2025, 5, 1)),  # not under an order status
    ]
    _, r = run(build(tmp_path, persons))
    assert nd(r, "order_execution_rate") == (3, 4)  # 1, 2, 4 of the four 社区戒毒/社区康复
    assert [g["id"] for g in r["order_execution_rate"].gap] == [pid(3)]
    # orders started in P whose 15 days are over: 1 timely (15 days); 2 (16 days) late; 3 never signed counts
    # against; 4's order started in 2022, not in P
    assert nd(r, "timely_report_rate") == (1, 3)
    assert {(g["id"], g["reason"]) for g in r["timely_report_rate"].gap} == {
        (pid(2), Said("gap.reported_late", days=16)), (pid(3), Said("gap.not_reported"))}
    assert [gap_reason(Said("gap.reported_late", days=16), lang) for lang in ("zh", "en")] == [
        "16 天后才报到", "reported only after 16 days"]


def test_control_rate_with_out_of_control_and_missing(tmp_path):
    persons = [
        person(1, "社区戒毒"),  # in society, 在控
        person(2, "社区康复", control="失控"),  # in society, 失控
        person(3, "下落不明", since=D(2024, 2, 1)),  # in society (not yet exempt), missing → out of control
        person(4, "戒断未满三年"),  # in society, 在控
        person(5, "强制隔离戒毒", since=D(2025, 1, 1), control="失控"),  # in custody: not IN_SOCIETY
        person(6, "戒断三年未复吸", last_use=D(2015, 1, 1), control="失控"),  # ABSTINENT3: not CURRENT
        person(7, "下落不明", since=D(2020, 1, 1)),  # EXEMPT (≥ 4 years)
    ]
    _, r = run(build(tmp_path, persons))
    assert ids(r.sets.people(r.sets.in_society)) == {pid(1), pid(2), pid(3), pid(4)}
    assert nd(r, "control_rate") == (2, 4)
    assert r["out_of_control"].value == 2
    assert {g["id"] for g in r["out_of_control"].gap} == {pid(2), pid(3)}


def test_help_rate_needs_group_and_a_talk_and_home_rate_only_counts_at_home(tmp_path):
    persons = [
        person(1, "社区戒毒"),  # group, talk, test
        person(2, "社区戒毒", group="否"),  # talk but no group
        person(3, "戒断未满三年", home="外出"),  # group, no talk; tested while away
        person(4, "社区康复", home="外出"),  # group, talk, no test
    ]
    tests = [test(1, D(2025, 2, 1)), test(3, D(2025, 4, 1))]
    talks = [talk(1, D(2025, 2, 1)), talk(2, D(2025, 2, 1)), talk(4, D(2025, 3, 1))]
    _, r = run(build(tmp_path, persons, tests=tests, talks=talks))
    assert nd(r, "help_rate") == (2, 4)  # 1 and 4
    assert nd(r, "urinalysis_rate") == (2, 4)  # 1 and 3
    assert nd(r, "home_urinalysis_rate") == (1, 2)  # at home: 1 (tested), 2 (not)


# ── records after T, rows with errors ──────────────────────────────────────────────────────────────
def test_records_dated_after_t_are_ignored(tmp_path):
    persons = [person(1, "社区戒毒"), person(2, "戒断未满三年")]
    tests = [test(1, D(2025, 5, 1)), test(2, D(2026, 1, 3), "阳性"), test(1, D(2026, 1, 3), "阳性")]
    talks = [talk(1, D(2025, 5, 1)), talk(2, D(2026, 1, 3))]
    events = [event(D(2025, 11, 30)), event(D(2026, 1, 2))]
    surveys = [[D(2025, 4, 1), "农村居民", 10, 9], [D(2026, 1, 2), "农村居民", 10, 0]]
    ledger, r = run(build(tmp_path, persons, tests=tests, talks=talks, events=events, surveys=surveys))
    assert ledger.errors == 0 and ("date_future", "warning") in codes(ledger)
    assert nd(r, "urinalysis_rate") == (1, 2)
    assert (r["relapses"].value, nd(r, "relapse_rate")) == (0, (0, 2))
    assert nd(r, "help_rate") == (1, 2)
    assert r["events"].value == 1
    assert nd(r, "awareness_rate.农村居民") == (9, 10)
    assert ids(r.sets.people(r.sets.due)) == {pid(1), pid(2)}


def test_signing_after_t_is_not_a_report(tmp_path):
    p = person(1, "社区戒毒", order=D(2025, 12, 20), signed=D(2026, 1, 2), registered=D(2025, 12, 15),
               last_use=D(2025, 12, 10))
    _, r = run(build(tmp_path, [p]))
    # ordered 11 days before T and not signed by T: still inside the 15-day reporting period of 《戒毒条例》,
    # so not yet a failure (the signing dated after T has not happened yet)
    assert (nd(r, "order_execution_rate"), r["order_execution_rate"].status) == ((0, 0), "na")
    assert (nd(r, "timely_report_rate"), r["timely_report_rate"].status) == ((0, 0), "na")
    # at T = 2026-01-05 (P = 2026) the 15 days are over (16 days) and the 01-02 signing has happened: executed;
    # had the person never signed, the order would now count against the rate
    _, r = run(build(tmp_path, [p], name="b.xlsx"), as_of=D(2026, 1, 5), year=2026)
    assert nd(r, "order_execution_rate") == (1, 1)
    never = list(p)
    never[PERSON_HEADER.index("协议签订日期")] = None
    _, r = run(build(tmp_path, [never], name="c.xlsx"), as_of=D(2026, 1, 5), year=2026)
    assert nd(r, "order_execution_rate") == (0, 1)
    _, r = run(build(tmp_path, [never], name="d.xlsx"), as_of=D(2026, 1, 4), year=2026)  # day 15: not yet
    assert nd(r, "order_execution_rate") == (0, 0)


def test_rows_with_errors_are_left_out(tmp_path):
    good = person(1, "社区戒毒")
    bad_id = person(2, "社区戒毒")
    bad_id[1] = pid(2)[:17] + ("0" if pid(2)[17] != "0" else "1")  # wrong check character
    bad_status = person(3, "戒毒中")
    no_order = person(4, "社区康复")
    no_order[PERSON_HEADER.index("措施开始日期")] = None  # required for 社区康复
    tests = [test(1, D(2025, 3, 1)), [pid(1), "人员1", "2025.6.31", "阳性"],  # no such date: row dropped
             [pid(1), "人员1", D(2025, 7, 1), "阳？"]]  # unknown result: row dropped
    events = [event(D(2025, 1, 5)), event(D(2025, 1, 6), people=-3)]  # negative 参与人数: row dropped
    surveys = [[D(2025, 4, 1), "农村居民", 10, 9], [D(2025, 4, 1), "中小学生", 10, 12]]  # 知晓 > 调查: dropped
    ledger, r = run(build(tmp_path, [good, bad_id, bad_status, no_order], tests=tests, events=events, surveys=surveys))
    # record rows with errors are left out (2 tests, 1 event, 1 survey); 吸毒人员 rows with errors are not
    assert ledger.skipped_rows == 2 + 1 + 1
    assert r["registry_errors"].value == 3
    # DOMAIN.md §2/§4: a 吸毒人员 row with errors stays in every set its readable cells decide — a wrong check
    # digit does not make a drug user disappear; 2 is 社区戒毒 (readable), 4 is 社区康复 without its start date;
    # 3's status 戒毒中 cannot be read, so 3 counts as ACTIVE and DUE
    assert r["registered"].value == 4 and r["current_users"].value == 4 and r["active_users"].value == 4
    assert ids(r.sets.people(r.sets.due)) == {pid(1), bad_id[1], pid(3), pid(4)}
    assert ids(r.sets.people(r.sets.in_society)) == {pid(1), bad_id[1], pid(3), pid(4)}
    assert nd(r, "order_execution_rate") == (3, 3)  # 1, 2 and 4 signed (4's start date is unreadable, not its signing)
    assert r["relapses"].value == 0  # neither the bad-date 阳性 nor the 阳？ row counts
    # every DUE person owes tests (4's and 3's windows anchor at 首次登记日期 2020-01-01); only 1 was tested
    assert nd(r, "urinalysis_rate") == (1, 4)
    assert (r["events"].value, r["events"].extra["参与人数"]) == (1, 50)
    assert nd(r, "awareness_rate.总体") == (9, 10)
    assert r["awareness_rate.中小学生"].status == "na"
