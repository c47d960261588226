"""The situations of issue 13, each as the smallest ledger that exposes it, with the verdict DOMAIN.md gives.

Every ledger is written as a real .xlsx and read back. Unless a test says otherwise: P = 2025, T = 2025-12-31,
the standard is boumei-2023 (seed 002: tests and talks every two months, ≥ 4 events every month, the ten
无毒 criteria), and the village is otherwise a model one — every checklist item 是, 4 events in every month,
a 群众 survey at 100 %, no venues (an empty 重点场所 sheet). So whatever fails below fails for the reason the
test names.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from builders import person_id, write_xlsx

from nodrug_cli.indicators.windows import add_months
from nodrug_cli.ledger.read import read_ledger
from nodrug_cli.remind.rules import reminders_for
from nodrug_cli.standards.engine import assess
from nodrug_cli.standards.load import load_standard

D = dt.date
TODAY = D(2026, 11, 25)
T = D(2025, 12, 31)
BOUMEI = load_standard("boumei-2023")
HEADER = ["姓名", "身份证号", "人员状态", "状态起始日期", "管控状态", "首次登记日期", "措施开始日期", "协议签订日期",
          "最近吸毒日期", "帮教小组"]
WORK_CRITERIA = ("4", "5", "6", "7", "8", "9", "10")


def pid(n: int) -> str:
    return person_id(n)


def person(n, status, *, since=None, control="在控", registered=D(2019, 1, 1), order=None, signed=None, last_use=None,
           group="是"):
    return [f"人员{n}", pid(n), status, since, control, registered, order, signed, last_use, group]


def village(tmp_path, persons=(), tests=(), talks=(), *, checklist_no=(), events=True, surveys=True, venues=True,
            name="村.xlsx", as_of=T):
    """A model village's ledger with the given persons and records; `checklist_no` items are 否."""
    months = pd.period_range("2025-01", f"{as_of:%Y-%m}", freq="M")
    sheets = {
        "社区概况": [["社区名称", "模范村"], ["所属镇（街道）", "青禾镇"], ["评估年度", 2025], ["常住人口", 2000]],
        "吸毒人员": [HEADER, *persons],
        "尿检记录": [["身份证号", "姓名", "检测日期", "检测结果"], *tests],
        "谈话记录": [["身份证号", "姓名", "谈话日期", "谈话人"], *talks],
        "自查项目": [["项目", "是否落实"], *[[item, "否" if item in checklist_no else "是"]
                                      for item in BOUMEI.checklist_items()]],
    }
    if events:
        sheets["宣传活动"] = [["活动日期", "活动名称", "对象群体"]] + [
            [D(m.year, m.month, day), "禁毒宣传", "社区居民"] for m in months for day in (3, 10, 17, 24)]
    if surveys:
        sheets["知晓率调查"] = [["调查日期", "人群类别", "调查人数", "知晓人数"], [D(2025, 5, 1), "农村居民", 50, 50]]
    if venues:
        sheets["重点场所"] = [["场所名称", "场所类型", "责任状", "防范措施落实"]]
    return write_xlsx(tmp_path / name, sheets)


def score(path, standard=BOUMEI, as_of=T, last_year=None):
    return assess(read_ledger(path, TODAY, as_of=as_of), standard, last_year)


def failed(a) -> list[str]:
    return [c.id for c in a.criteria if not c.passed]


def every_window(n: int, start: D, until: D, months: int = 2) -> list[D]:
    """One record in the middle of every `months`-month window from `start` that ends by `until`."""
    out, k = [], 0
    while True:
        begin = add_months(pd.Series([pd.Timestamp(start)]), k * months).iloc[0].date()
        end = add_months(pd.Series([pd.Timestamp(start)]), (k + 1) * months).iloc[0].date()
        if end > until + dt.timedelta(days=1):
            return out
        out.append(begin + (end - begin) / 2)
        k += 1


# ── who counts ─────────────────────────────────────────────────────────────────────────────────────
def test_all_users_three_years_clean_but_the_work_not_done_is_not_drug_free(tmp_path):
    # Every registered user is 戒断三年未复吸, but the checklist says 否 for seed 002's work criteria 4, 5, 6,
    # 8, 9 and 10. Seed 002: 无毒 ⇔ all ten criteria; being clean is criteria 1–3, not 4–10.
    persons = [person(1, "戒断三年未复吸", last_use=D(2018, 3, 1)), person(2, "戒断三年未复吸", last_use=D(2019, 7, 1))]
    lazy = ("层层签订禁毒责任状", "无制毒贩毒种毒", "14类涉毒重点人员摸排", "禁毒教育阵地", "网格化管理", "移风易俗、村规民约")
    a = score(village(tmp_path, persons, checklist_no=lazy))
    ind = a.indicators
    assert (ind["current_users"].value, ind["active_users"].value, ind["abstinence3_rate"].value) == (2, 0, 1.0)
    assert failed(a) == ["4", "5", "6", "8", "9", "10"]
    assert (a.drug_free_passed, a.passed) == (False, False)
    # the same village doing its work is 无毒: three-year-clean users do not stand in the way
    a = score(village(tmp_path, persons, name="勤.xlsx"))
    assert (failed(a), a.drug_free_passed, a.passed) == ([], True, True)


def test_no_users_but_no_prevention_work_is_not_drug_free(tmp_path):
    # No registered user at all, but no 宣传活动 sheet and no 知晓率调查: criteria 1–3 hold vacuously (nobody to
    # control, test or count), criterion 7 (≥ 4 events every month) cannot be shown → not 无毒, not passed.
    a = score(village(tmp_path, events=False, surveys=False))
    assert a.indicators["current_users"].value == 0
    assert a.indicators["event_months_met"].status == "not_computable"
    assert failed(a) == ["7"]
    assert (a.drug_free_passed, a.passed) == (False, False)
    b1 = next(r for r in a.items if r.item.id == "B1")  # 群众知晓率 says na: fail — no survey, no points
    assert (b1.points, b1.passed) == (0.0, False)
    # with the sheet kept but empty, the 12 months are there and none is met: 0 %, still not 无毒
    a = score(village(tmp_path, events=False, name="b.xlsx"), as_of=T)
    a2 = score(write_xlsx(tmp_path / "c.xlsx", {**_sheets(tmp_path / "b.xlsx"), "宣传活动": [["活动日期", "活动名称"]]}))
    assert a2.indicators["event_months_met"].numerator == 0 and a2.indicators["event_months_met"].denominator == 12
    assert "7" in failed(a2) and not a2.passed and not a.passed


def _sheets(path) -> dict[str, list[list]]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def test_a_community_rehab_order_whose_last_use_is_three_years_back_still_owes_tests(tmp_path):
    # 社区康复 ordered 2024-09-01 after two years of 强戒; last use 2022-06-01 (more than T − 3 years back).
    # DOMAIN.md §4: a person under a running order is never ABSTINENT3 — still DUE, ACTIVE, IN_SOCIETY.
    # Never tested or talked to in 2025 → windows missed, criterion 2 fails.
    p = person(1, "社区康复", registered=D(2020, 5, 1), order=D(2024, 9, 1), signed=D(2024, 9, 5), last_use=D(2022, 6, 1))
    a = score(village(tmp_path, [p]))
    sets, ind = a.indicators.sets, a.indicators
    assert sets.due.sum() == 1 and sets.abstinent3.sum() == 0 and sets.in_society.sum() == 1
    # windows from 2024-09-01 every two months: ends 2025-01-01 … 2025-11-01 (6 due in P, all missed)
    assert (ind["on_schedule_test_rate"].numerator, ind["on_schedule_test_rate"].denominator) == (0, 6)
    assert (ind["urinalysis_rate"].numerator, ind["urinalysis_rate"].denominator) == (0, 1)
    assert ind["abstinence3_rate"].value == 0.0
    assert "2" in failed(a) and not a.drug_free_passed and not a.passed
    # he absconds: 失控 counts (seed 001's 脱失清零 is not met, criterion 1 fails)
    gone = person(1, "社区康复", registered=D(2020, 5, 1), order=D(2024, 9, 1), signed=D(2024, 9, 5),
                  last_use=D(2022, 6, 1), control="失控")
    a = score(village(tmp_path, [gone], name="b.xlsx"))
    assert a.indicators["out_of_control"].value == 1 and "1" in failed(a)
    baiyun = score(village(tmp_path, [gone], name="c.xlsx"), standard=load_standard("baiyun-2022"))
    d2 = next(r for r in baiyun.items if r.item.id == "D2")  # 戒毒康复人员脱失清零
    assert (d2.points, d2.passed) == (0.0, False)
    # and the reminders keep coming: a test is overdue; nobody is told to change the status to 戒断三年未复吸
    kinds = {r.kind for r in reminders_for(read_ledger(village(tmp_path, [gone], name="d.xlsx", as_of=D(2025, 6, 10)),
                                                       TODAY, as_of=D(2025, 6, 10)), BOUMEI, D(2025, 6, 10), 7)}
    assert "test_overdue" in kinds and "abstinence_reached" not in kinds


def test_one_mistyped_check_digit_does_not_remove_the_only_user(tmp_path):
    # The village's only user, 社区戒毒, with a wrong check character: an error, but the person stays in every set
    # the readable cells decide (DOMAIN.md §4). Criterion 3 (底数清) fails; `passed` needs a registry without errors.
    p = person(1, "社区戒毒", registered=D(2024, 1, 1), order=D(2024, 1, 5), signed=D(2024, 1, 8), last_use=D(2023, 12, 1))
    good = pid(1)
    p[1] = good[:17] + ("0" if good[17] != "0" else "1")
    tests = [[p[1], "人员1", day, "阴性"] for day in every_window(1, D(2024, 1, 5), T)]
    talks = [[p[1], "人员1", day, "刘专干"] for day in every_window(1, D(2024, 1, 5), T)]
    a = score(village(tmp_path, [p], tests, talks))
    ind = a.indicators
    assert ind["registry_errors"].value >= 1
    assert (ind["current_users"].value, ind["active_users"].value, int(a.indicators.sets.due.sum())) == (1, 1, 1)
    assert failed(a) == ["2", "3"]  # 2: a running order is not 戒断巩固三年以上; 3: 底数清
    assert (a.drug_free_passed, a.passed) == (False, False)


def test_an_unreadable_status_counts_as_active_and_due(tmp_path):
    p = person(1, "戒毒中", registered=D(2024, 1, 1), last_use=D(2023, 12, 1))
    a = score(village(tmp_path, [p]))
    sets = a.indicators.sets
    assert (int(sets.active.sum()), int(sets.due.sum()), int(sets.unreadable_status.sum())) == (1, 1, 1)
    assert a.indicators["on_schedule_test_rate"].numerator == 0 and a.indicators["on_schedule_test_rate"].denominator > 0
    assert not a.passed


# ── which windows ──────────────────────────────────────────────────────────────────────────────────
def test_a_worker_who_meets_every_reminder_on_time_loses_no_point(tmp_path):
    # 社区戒毒 ordered 2024-11-20 (windows [11-20, 01-20), [01-20, 03-20) … across the year end). The worker runs
    # `remind --within 7` every Monday from the order on, and tests and talks to the person on the day a reminder
    # names him (due soon or overdue). At year-end the score counts the same windows: nothing missed.
    order = D(2024, 11, 20)
    p = person(1, "社区戒毒", registered=D(2024, 11, 18), order=order, signed=D(2024, 11, 25), last_use=D(2024, 11, 10))
    path = village(tmp_path, [p])
    ledger = read_ledger(path, TODAY, as_of=T)
    tests, talks = [], []
    day = order
    while day <= T:
        ledger.frames["尿检记录"] = _records(tests, "检测日期", {"检测结果": "阴性"})
        ledger.frames["谈话记录"] = _records(talks, "谈话日期", {"谈话人": "刘专干"})
        for r in reminders_for(ledger, BOUMEI, day, 7):
            if r.kind in ("test_due", "test_overdue"):
                tests.append(day)
            if r.kind in ("talk_due", "talk_overdue"):
                talks.append(day)
        day += dt.timedelta(days=7)
    assert tests and talks and min(tests) == D(2025, 1, 15)  # the window [2024-11-20, 2025-01-20), 4 days before its end
    ledger.frames["尿检记录"] = _records(tests, "检测日期", {"检测结果": "阴性"})
    ledger.frames["谈话记录"] = _records(talks, "谈话日期", {"谈话人": "刘专干"})
    a = assess(ledger, BOUMEI)
    ind = a.indicators
    assert ind["on_schedule_test_rate"].value == 1.0 and ind["on_schedule_talk_rate"].value == 1.0
    assert ind["on_schedule_test_rate"].denominator == 6  # ends 01-20, 03-20, 05-20, 07-20, 09-20, 11-20
    for item in ("C3", "C4"):
        result = next(r for r in a.items if r.item.id == item)
        assert result.points == result.item.points, item


def _records(days: list[D], column: str, extra: dict) -> pd.DataFrame:
    return pd.DataFrame({"身份证号": [pid(1)] * len(days), "姓名": ["人员1"] * len(days),
                         column: pd.to_datetime(pd.Series(days, dtype=object)), **{k: [v] * len(days) for k, v in extra.items()}})


def test_a_record_in_december_meets_the_window_that_ends_in_january(tmp_path):
    # window [2024-11-20, 2025-01-20) is due in P (its last day is 2025-01-19); a test on 2024-12-15 meets it
    p = person(1, "社区戒毒", registered=D(2024, 11, 18), order=D(2024, 11, 20), signed=D(2024, 11, 25),
               last_use=D(2024, 11, 10))
    a = score(village(tmp_path, [p], tests=[[pid(1), "人员1", D(2024, 12, 15), "阴性"]]), as_of=D(2025, 1, 31))
    assert (a.indicators["on_schedule_test_rate"].numerator, a.indicators["on_schedule_test_rate"].denominator) == (1, 1)


def test_an_order_made_nine_days_before_year_end_is_not_yet_a_failure(tmp_path):
    # A user (registered 2023) relapses and gets a 社区戒毒 order on 2025-12-22; he has not reported by T.
    # 《戒毒条例》 gives him 15 days: the order is not yet a failure, criterion 1 holds.
    p = person(1, "社区戒毒", registered=D(2023, 3, 1), order=D(2025, 12, 22), last_use=D(2025, 12, 1))
    a = score(village(tmp_path, [p]))
    ind = a.indicators["order_execution_rate"]
    assert (ind.numerator, ind.denominator, ind.status) == (0, 0, "na")
    assert "1" not in failed(a)
    # his first window has not ended: he owes no test yet, so no test rate holds him against the village
    assert a.indicators["urinalysis_rate"].status == "na" and a.indicators["on_schedule_test_rate"].status == "na"


# ── relapses and the year-on-year figures ───────────────────────────────────────────────────────────
def test_a_positive_test_followed_by_compulsory_isolation_is_a_relapse(tmp_path):
    persons = [
        # 阳性 on 2025-06-20, sent to 强戒 on 2025-07-01: still a relapse (CURRENT, whatever the status now)
        person(1, "强制隔离戒毒", since=D(2025, 7, 1), registered=D(2021, 1, 1), last_use=D(2025, 6, 20)),
        # first found by a 阳性 test on the day of registration: not a relapse
        person(2, "社区戒毒", registered=D(2025, 3, 3), order=D(2025, 3, 10), signed=D(2025, 3, 12), last_use=D(2025, 3, 3)),
        # relapsed last year (2024-05-05): last year's count
        person(3, "强制隔离戒毒", since=D(2024, 6, 1), registered=D(2020, 1, 1), last_use=D(2024, 5, 5)),
    ]
    tests = [[pid(1), "人员1", D(2025, 6, 20), "阳性"], [pid(2), "人员2", D(2025, 3, 3), "阳性"],
             [pid(3), "人员3", D(2024, 5, 5), "阳性"]]
    a = score(village(tmp_path, persons, tests))
    relapses = a.indicators["relapses"]
    assert relapses.value == 1 and [g["id"] for g in relapses.gap] == [pid(1)]
    assert (relapses.extra["last_year"], relapses.extra["fell"]) == (1, 0)  # 1 → 1: did not fall
    c6 = next(r for r in a.items if r.item.id == "C6")  # 复吸人员绝对数逐年下降
    assert (c6.points, c6.passed) == (0.0, False)
    # relapse rate over DUE ∪ relapsed: DUE = {2} (社区戒毒), relapsed = {1} → 1 / 2
    assert (a.indicators["relapse_rate"].numerator, a.indicators["relapse_rate"].denominator) == (1, 2)


def test_newly_abstinent_counts_this_year_and_last(tmp_path):
    persons = [
        person(1, "戒断未满三年", last_use=D(2022, 5, 1)),  # three years on 2025-05-01: newly abstinent in P
        person(2, "戒断三年未复吸", last_use=D(2021, 3, 1)),  # completed 2024-03-01: last year's
        person(3, "戒断三年未复吸", since=D(2025, 2, 1)),  # no last-use date: completed when the status began, in P
        person(4, "社区康复", order=D(2024, 1, 5), signed=D(2024, 1, 8), last_use=D(2022, 1, 1)),  # order runs: never
    ]
    a = score(village(tmp_path, persons))
    newly = a.indicators["newly_abstinent"]
    assert newly.value == 2 and {g["id"] for g in newly.gap} == {pid(1), pid(3)}
    assert (newly.extra["last_year"], newly.extra["rose"]) == (1, 1)
    c7 = next(r for r in a.items if r.item.id == "C7")  # 年度脱毒人数逐年增加
    assert c7.passed is True
    # one completed last year, none this year: did not rise, and the item lists nobody as a shortfall
    a = score(village(tmp_path, [persons[1]], name="b.xlsx"))
    c7 = next(r for r in a.items if r.item.id == "C7")
    assert (a.indicators["newly_abstinent"].extra["rose"], c7.passed, c7.gap) == (0, False, [])


def test_history_supplies_last_year_when_the_ledger_cannot(tmp_path):
    # A ledger kept for 2025 only shows no relapse last year; history's stored review of 2024 had 2.
    # One relapse this year against 2 last year: fell.
    p = person(1, "社区戒毒", registered=D(2021, 1, 1), order=D(2025, 2, 1), signed=D(2025, 2, 3), last_use=D(2025, 1, 20))
    path = village(tmp_path, [p], tests=[[pid(1), "人员1", D(2025, 4, 1), "阳性"]])
    alone = score(path)
    assert (alone.indicators["relapses"].extra["last_year"], alone.indicators["relapses"].extra["fell"]) == (0, 0)
    helped = score(path, last_year={"relapses": 2, "new_users": 3, "newly_abstinent": 0})
    relapses = helped.indicators["relapses"]
    assert (relapses.extra["last_year"], relapses.extra["fell"], relapses.extra["last_year_source"]) == (2, 1, "history")
    assert helped.indicators["new_users"].extra["last_year"] == 3
    c6 = next(r for r in helped.items if r.item.id == "C6")
    assert c6.passed is True and helped.total > alone.total


# ── the verdict ─────────────────────────────────────────────────────────────────────────────────────
def test_baiyun_without_a_venue_sheet_is_not_vetoed(tmp_path):
    # seed 001's 一票否决 binds the venue that signs the 责任状, not the community: an ordinary item now.
    a = score(village(tmp_path, venues=False), standard=load_standard("baiyun-2022"))
    assert not a.vetoed
    d6 = next(r for r in a.items if r.item.id == "D6")
    assert (d6.points, d6.passed) == (0.0, False)  # no 重点场所 sheet: cannot be shown, scores 0
    # a village that keeps the sheet and has no venue: not applicable, left out and the total rescaled
    b = score(village(tmp_path, name="b.xlsx"), standard=load_standard("baiyun-2022"))
    assert next(r for r in b.items if r.item.id == "D6").points is None and "D6" in b.excluded_items


def test_items_over_a_not_applicable_indicator_are_left_out(tmp_path):
    # No DUE person: C1–C5 (tests, talks, help) are 0/0 → left out, the total rescaled over what applies.
    a = score(village(tmp_path, [person(1, "戒断三年未复吸", last_use=D(2018, 1, 1))]))
    assert {"C1", "C2", "C3", "C4", "C5"} <= set(a.excluded_items)
    assert a.total == 100.0 and a.passed
