"""Every reminder rule of DOMAIN.md §8 with a fixed as-of date, boundaries included."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from builders import minimal_ledger, person_id, write_xlsx

from nodrug_cli.ledger.read import read_ledger
from nodrug_cli.remind.rules import reminders_for
from nodrug_cli.standards.load import load_standard

D = dt.date
A = person_id(1)
MONTHLY = None  # default county schedule [1, 2, 3] comes from county-2021


def person(status="社区戒毒", order=D(2025, 1, 10), signed=D(2025, 1, 15), registered=D(2025, 1, 5), ident=A,
           name="王小明", last_use=None):
    return [name, ident, "男", D(1990, 5, 17), status, registered, order, signed, "是", last_use]


def ledger(tmp_path, persons, tests=(), talks=(), events=None, as_of=D(2025, 6, 1)):
    sheets = minimal_ledger(persons=[list(p) for p in persons], tests=[list(t) for t in tests],
                            talks=[list(t) for t in talks])
    sheets["吸毒人员"][0] = sheets["吸毒人员"][0] + ["最近吸毒日期"]
    if events is not None:
        sheets["宣传活动"] = [["活动日期", "活动名称"]] + [[d, "禁毒宣传"] for d in events]
    path = write_xlsx(tmp_path / "l.xlsx", sheets)
    return read_ledger(path, as_of, as_of=as_of, year=as_of.year)


def kinds(tmp_path, as_of, within=7, standard="boumei-2023", **kw):
    read = ledger(tmp_path, as_of=as_of, **kw)
    return [(r.kind, r.due_date, r.days_overdue, r.days_left) for r in reminders_for(read, load_standard(standard), as_of,
                                                                                     within)
            if r.kind != "report_due"]


# boumei-2023: two-month windows anchored at the order start 2025-01-10: [01-10, 03-10), [03-10, 05-10), [05-10, 07-10)…

def test_window_due_soon_boundary(tmp_path):
    tests = [[A, "王小明", D(2025, 1, 20), "阴性"]]
    talks = [[A, "王小明", D(2025, 1, 20), "刘"], [A, "王小明", D(2025, 3, 20), "刘"]]
    # current window [03-10, 05-10) has no test; its last day is 05-09
    assert kinds(tmp_path, D(2025, 5, 2), tests=tests, talks=talks, persons=[person()]) == [
        ("test_due", D(2025, 5, 9), None, 7)]
    assert kinds(tmp_path, D(2025, 5, 1), tests=tests, talks=talks, persons=[person()]) == []  # 8 days left > 7
    # on its last day it is still current: 0 days left
    assert kinds(tmp_path, D(2025, 5, 9), tests=tests, talks=talks, persons=[person()]) == [
        ("test_due", D(2025, 5, 9), None, 0)]


def test_overdue_the_day_after_and_reported_once(tmp_path):
    tests = [[A, "王小明", D(2025, 1, 20), "阴性"]]
    talks = [[A, "王小明", D(2025, 1, 20), "刘"], [A, "王小明", D(2025, 3, 20), "刘"], [A, "王小明", D(2025, 5, 10), "刘"]]
    # 05-10: window [03-10, 05-10) elapsed without a test, the new one has none yet → overdue 1 day, not also due
    assert kinds(tmp_path, D(2025, 5, 10), tests=tests, talks=talks, persons=[person()]) == [
        ("test_overdue", D(2025, 5, 9), 1, None)]
    # a test in the current window clears it: nothing overdue any more
    tests2 = tests + [[A, "王小明", D(2025, 5, 12), "阴性"]]
    assert kinds(tmp_path, D(2025, 5, 12), tests=tests2, talks=talks, persons=[person()]) == []


def test_records_after_as_of_do_not_count(tmp_path):
    tests = [[A, "王小明", D(2025, 1, 20), "阴性"], [A, "王小明", D(2025, 5, 8), "阴性"]]
    talks = [[A, "王小明", D(2025, 1, 20), "刘"], [A, "王小明", D(2025, 3, 20), "刘"]]
    assert kinds(tmp_path, D(2025, 5, 5), tests=tests, talks=talks, persons=[person()]) == [
        ("test_due", D(2025, 5, 9), None, 4)]


def test_month_end_clamping(tmp_path):
    # order 2025-01-31 with monthly windows (county-2021 keeps the default [1, 2, 3]): [01-31, 02-28), [02-28, 03-31)
    p = person(order=D(2025, 1, 31), signed=D(2025, 2, 3), registered=D(2025, 1, 31))
    talks = [[A, "王小明", D(2025, 2, 5), "刘"], [A, "王小明", D(2025, 3, 5), "刘"]]
    got = kinds(tmp_path, D(2025, 2, 25), standard="county-2021", persons=[p], talks=talks)
    assert got == [("test_due", D(2025, 2, 27), None, 2)]
    got = kinds(tmp_path, D(2025, 3, 28), standard="county-2021", persons=[p], talks=talks,
                tests=[[A, "王小明", D(2025, 2, 1), "阴性"]])
    assert got == [("test_due", D(2025, 3, 30), None, 2)]


def test_order_starting_today(tmp_path):
    p = person(order=D(2025, 6, 1), signed=None, registered=D(2025, 6, 1))
    # the first two-month window runs to 07-31; nothing is due within 7 days, nothing is unreported yet
    assert kinds(tmp_path, D(2025, 6, 1), persons=[p]) == []
    # 15 days later still not unreported (T − start = 15); on day 16 it is
    assert kinds(tmp_path, D(2025, 6, 16), persons=[p]) == []
    assert kinds(tmp_path, D(2025, 6, 17), persons=[p]) == [("order_unreported", D(2025, 6, 16), 1, None)]


def test_order_ending_within_days(tmp_path):
    p = person(order=D(2022, 6, 5), signed=D(2022, 6, 8), registered=D(2022, 6, 1))
    tests = [[A, "王小明", D(2025, 5, 20), "阴性"]]
    talks = [[A, "王小明", D(2025, 5, 20), "刘"]]
    got = kinds(tmp_path, D(2025, 6, 1), persons=[p], tests=tests, talks=talks)
    assert ("order_ending", D(2025, 6, 5), None, 4) in got
    assert not [k for k in kinds(tmp_path, D(2025, 5, 28), persons=[p], tests=tests, talks=talks) if k[0] == "order_ending"]


def test_abstinence_reached_within_the_last_days(tmp_path):
    p = person(status="戒断未满三年", order=None, signed=None, registered=D(2020, 1, 1), last_use=D(2022, 5, 28))
    got = kinds(tmp_path, D(2025, 6, 1), persons=[p])
    assert got == [("abstinence_reached", D(2025, 5, 28), 4, None)]
    assert kinds(tmp_path, D(2025, 6, 10), persons=[p]) == []  # 13 days ago: outside --within 7
    positive = [[A, "王小明", D(2024, 1, 5), "阳性"]]  # a 阳性 test within three years: not abstinent
    assert [k for k in kinds(tmp_path, D(2025, 6, 1), persons=[p], tests=positive) if k[0] == "abstinence_reached"] == []


def test_events_short_near_month_end(tmp_path):
    three = [D(2025, 6, 2), D(2025, 6, 9), D(2025, 6, 16)]
    assert kinds(tmp_path, D(2025, 6, 23), persons=[], events=three) == [("events_short", D(2025, 6, 30), None, 7)]
    assert kinds(tmp_path, D(2025, 6, 22), persons=[], events=three) == []  # 8 days left
    assert kinds(tmp_path, D(2025, 6, 23), persons=[], events=three + [D(2025, 6, 20)]) == []


def test_june_campaign_window(tmp_path):
    assert kinds(tmp_path, D(2025, 5, 25), within=0, persons=[], events=[D(2025, 5, 3)]) == [
        ("june_campaign", D(2025, 6, 26), None, 32)]
    assert kinds(tmp_path, D(2025, 5, 24), within=0, persons=[], events=[]) == []
    assert kinds(tmp_path, D(2025, 6, 25), within=0, persons=[], events=[D(2025, 6, 1)]) == []
    assert kinds(tmp_path, D(2025, 6, 26), within=0, persons=[], events=[]) == []


@pytest.mark.parametrize("as_of, expected", [
    (D(2025, 3, 18), [(D(2025, 3, 25), 7)]),
    (D(2025, 3, 17), []),
    (D(2025, 3, 25), [(D(2025, 3, 25), 0)]),
    (D(2025, 3, 26), []),  # past: the next one is June's
    (D(2025, 12, 20), [(D(2025, 12, 25), 5)]),
    (D(2025, 12, 26), []),
])
def test_report_due(tmp_path, as_of, expected):
    """Seed 003 (zhongkai-2015) carries the duty: by the 25th of each quarter's last month."""
    read = ledger(tmp_path, persons=[], as_of=as_of)
    got = [(r.due_date, r.days_left) for r in reminders_for(read, load_standard("zhongkai-2015"), as_of, 7)
           if r.kind == "report_due"]
    assert got == expected


def test_report_due_only_under_a_standard_that_carries_it(tmp_path):
    """Seed 002 (boumei-2023) asks for no quarterly report: nobody is reminded of one."""
    read = ledger(tmp_path, persons=[], as_of=D(2025, 3, 20))
    assert [r for r in reminders_for(read, load_standard("boumei-2023"), D(2025, 3, 20), 7)
            if r.kind == "report_due"] == []


def test_a_report_duty_is_a_yaml_edit(tmp_path):
    """A county's own report duty (the 10th of every other month) comes from its standard file alone."""
    text = load_standard("boumei-2023").model_dump(mode="json")
    text.update(name="my-county", reports=[{"title": "禁毒工作月报", "day": 10, "months": [2, 4, 6, 8, 10, 12],
                                             "by": "镇禁毒办", "to": "县禁毒办", "source": "县方案：双月10日前报送"}])
    path = tmp_path / "my-county.yaml"
    path.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    read = ledger(tmp_path, persons=[], as_of=D(2025, 4, 5))
    got = [r for r in reminders_for(read, load_standard(str(path)), D(2025, 4, 5), 7) if r.kind == "report_due"]
    assert [(r.community, r.due_date, r.days_left) for r in got] == [("青禾镇", D(2025, 4, 10), 5)]
    assert "禁毒工作月报" in got[0].message() and "县禁毒办" in got[0].rule


def test_report_due_of_the_next_quarter_across_the_year_end(tmp_path):
    read = ledger(tmp_path, persons=[], as_of=D(2025, 12, 28))
    got = [(r.due_date, r.days_left) for r in reminders_for(read, load_standard("zhongkai-2015"), D(2025, 12, 28), 90)
           if r.kind == "report_due"]
    assert got == [(D(2026, 3, 25), 87)]


def test_windows_run_on_across_the_year_end(tmp_path):
    p = person(order=D(2024, 11, 20), signed=D(2024, 11, 25), registered=D(2024, 11, 20))
    tests = [[A, "王小明", D(2024, 12, 1), "阴性"]]
    talks = [[A, "王小明", D(2024, 12, 1), "刘"], [A, "王小明", D(2025, 1, 25), "刘"]]
    # windows from 2024-11-20: [11-20, 01-20), [01-20, 03-20) — not reset on 1 January
    assert kinds(tmp_path, D(2025, 3, 15), persons=[p], tests=tests, talks=talks) == [
        ("test_due", D(2025, 3, 19), None, 4)]


def test_reminders_sorted_overdue_first_and_masked(tmp_path):
    b = person_id(2)
    people = [person(), person(ident=b, name="欧阳小华", order=D(2025, 3, 1), signed=D(2025, 3, 3), registered=D(2025, 3, 1))]
    read = ledger(tmp_path, persons=people, as_of=D(2025, 4, 28))
    found = reminders_for(read, load_standard("boumei-2023"), D(2025, 4, 28), 7)
    assert found[0].overdue or all(not r.overdue for r in found)
    text = " ".join(r.message() for r in found)
    assert A not in text and b not in text and "欧阳小华" not in text and "王小明" not in text
    # both persons are reminded, each under the masked name DOMAIN.md §9 gives (欧阳小华 → 欧**华, not 欧阳**华)
    assert "王*明" in text and "欧**华" in text and "欧阳*" not in text
