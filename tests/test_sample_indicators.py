"""Every indicator of the five shipped sample ledgers, against numbers worked out by hand.

Each sample is read as of T = 2025-12-31 (P = 2025, from 社区概况.评估年度) with seed 002's schedules:
a test and a talk every two months ([2]) and 4 events a month. The expected values below were counted
from the workbooks' rows (opened with openpyxl) and from `sample_ledgers/make_samples.py`, never by
calling the code under test. Dates in comments are 2025 unless a year is given.

Conventions of the (numerator, denominator) pairs: a count is (n, None); a rate is (met, all), with
status "na" and value None when all = 0; a campaign/coverage flag is (1, 1) when met and (0, 1) when
not; `user_ratio_permille` is (current_users, 常住人口). The `checklist.*` items are left out (they
follow the standard and the samples' 自查项目 sheet, which another change owns).

Person sets at T (DOMAIN.md §4), with T − 3 years = 2022-12-31: a 社区戒毒/社区康复/戒断未满三年 person
whose 最近吸毒日期 is after 2022-12-31 is DUE; none of the samples' DUE persons has an older one.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

from nodrug_cli.indicators.compute import Params, compute_indicators
from nodrug_cli.ledger.read import read_ledger

SAMPLES = Path(__file__).resolve().parent.parent / "sample_ledgers"
TODAY = dt.date(2026, 11, 25)
AS_OF = dt.date(2025, 12, 31)
PARAMS = Params(test_schedule=[2], talk_schedule=[2], events_per_month=4)

GROUPS = ("社区居民", "中小学生", "外来务工人员", "娱乐场所从业人员", "社会闲散人员", "企业职工")
SURVEY_GROUPS = ("城镇居民", "农村居民", "社区居民", "外来务工人员", "娱乐场所从业人员", "中小学生")


@functools.cache
def computed(name: str):
    ledger = read_ledger(SAMPLES / f"{name}.xlsx", TODAY, as_of=AS_OF)
    assert (ledger.year, ledger.as_of) == (2025, AS_OF)
    return compute_indicators(ledger, PARAMS)


def pairs(result) -> dict[str, tuple]:
    return {k: (v.numerator, v.denominator) for k, v in result.values.items() if not k.startswith("checklist.")}


def statuses(result) -> dict[str, str]:
    return {k: v.status for k, v in result.values.items() if not k.startswith("checklist.")}


def all_groups_covered() -> dict[str, tuple]:
    return {f"group_coverage.{g}": (1, 1) for g in GROUPS}


def check(name: str, expected: dict[str, tuple], not_ok: dict[str, str]) -> None:
    result = computed(name)
    assert pairs(result) == expected
    assert statuses(result) == {k: not_ok.get(k, "ok") for k in expected}
    for key, ind in result.values.items():
        if key.startswith("checklist."):
            continue
        if ind.status != "ok":
            assert ind.value is None, key
        elif ind.kind in ("rate",):
            assert ind.value == pytest.approx(ind.numerator / ind.denominator), key
        elif ind.kind == "permille":
            assert ind.value == pytest.approx(ind.numerator / ind.denominator * 1000), key
        else:
            assert ind.value == ind.numerator, key


# ── 清溪村 ──────────────────────────────────────────────────────────────────────────────────────────
# 吸毒人员, 尿检记录 and 谈话记录 have their headers only: every person rate is 0/0 → "na" (computed,
# not "not_computable", because the sheets are present).
QINGXI = {
    "registered": (0, None), "current_users": (0, None), "new_users": (0, None),
    "user_ratio_permille": (0, 1860),  # 0 current users / 常住人口 1860
    "control_rate": (0, 0), "out_of_control": (0, None),
    "order_execution_rate": (0, 0), "timely_report_rate": (0, 0),
    "abstinence3_rate": (0, 0), "employment_rate": (0, 0), "help_group_rate": (0, 0),
    "urinalysis_rate": (0, 0), "home_urinalysis_rate": (0, 0), "on_schedule_test_rate": (0, 0),
    "relapses": (0, None), "relapse_rate": (0, 0),
    "help_rate": (0, 0), "on_schedule_talk_rate": (0, 0),
    # 61 events; per month 6,4,6,5,5,4,6,6,4,6,4,5 — every month ≥ 4 → 12/12; 6·26 event on 06-26;
    # 09-10 开学第一课 for 中小学生.
    "events": (61, None), "event_months_met": (12, 12), "june_campaign": (1, 1), "school_term_campaign": (1, 1),
    **all_groups_covered(),  # 社区居民 48, 外来务工人员 21, 中小学生 15, 社会闲散人员 5, 企业职工 4, 娱乐场所从业人员 2
    # 知晓率调查: 04-18 and 10-21, three groups each
    "awareness_rate.城镇居民": (0, 0), "awareness_rate.社区居民": (0, 0), "awareness_rate.娱乐场所从业人员": (0, 0),
    "awareness_rate.农村居民": (141 + 85, 144 + 87),
    "awareness_rate.中小学生": (53 + 39, 53 + 39),
    "awareness_rate.外来务工人员": (106 + 75, 107 + 77),
    "awareness_rate.总体": (226 + 92 + 181, 231 + 92 + 184),
    "awareness_rate.群众": (226, 231),  # 群众 = 城镇 + 农村 + 社区居民; only 农村居民 surveyed
    "venue_pledge_rate": (3, 3), "venue_measure_rate": (3, 3),  # 清溪农家乐, 清溪客栈, 云溪网吧 all 是
    "registry_errors": (0, None),
}
QINGXI_NA = {k: "na" for k, (n, d) in QINGXI.items() if d == 0}


def test_qingxi_every_indicator():
    assert len(QINGXI_NA) == 12 + 3  # 12 person rates + 3 awareness groups nobody surveyed
    check("清溪村", QINGXI, QINGXI_NA)


def test_qingxi_event_totals():
    # Σ 参与人数 / 发放资料 / 悬挂标语 over the 61 rows
    events = computed("清溪村")["events"]
    assert (events.extra["参与人数"], events.extra["发放资料（份）"], events.extra["悬挂标语（条）"]) == (8334, 8458, 128)


# ── 百灵社区 ────────────────────────────────────────────────────────────────────────────────────────
# 22 persons: 4 社区戒毒 (杨英杰 order 2023-03-10, 戴菊 2024-01-26, 毛秀思 2024-10-20, 孟远菊 2023-06-20),
# 5 社区康复 (姚琳琳 2024-10-26, 严敏菊 2025-01-06, 欧阳艳菊 2025-07-25, 徐娜丽 2025-02-15, 徐红玉 2024-12-02),
# 8 戒断三年未复吸, 2 强制隔离戒毒 (蔡俊, 尹兰春), 2 死亡 (陶春, 范超斌), 1 出国（境） (蒋明宁).
# EXEMPT 3; ABSTINENT3 = the 8 戒断三年未复吸 (no 阳性 test at all); DUE = the 9 under an order
# (latest 最近吸毒日期 among them 2024-10-09, oldest 2023-02-23 > 2022-12-31).
# CURRENT = 22 − 3 − 8 = 11 (9 DUE + 2 强戒); IN_SOCIETY = the 9 DUE, all 在控, all 在家.
BAILING = {
    "registered": (22, None), "current_users": (11, None),
    "new_users": (0, None),  # every 首次登记日期 before 2025
    "user_ratio_permille": (11, 6420),
    "control_rate": (9, 9), "out_of_control": (0, None),
    # 9 orders, all signed; delays 8, 2, 8, 6, 2, 7, 9, 10, 9 days — all ≤ 15
    "order_execution_rate": (9, 9), "timely_report_rate": (9, 9),
    "abstinence3_rate": (8, 22 - 3),
    # 就业 among DUE: 毛秀思 严敏菊 欧阳艳菊 徐娜丽 孟远菊 徐红玉; 未就业: 杨英杰 姚琳琳 戴菊
    "employment_rate": (6, 9), "help_group_rate": (9, 9),
    "urinalysis_rate": (9, 9), "home_urinalysis_rate": (9, 9),
    # windows of two months: 6 for each of the 6 persons anchored on 1 Jan (杨英杰 姚琳琳 戴菊 毛秀思
    # 孟远菊 徐红玉: 01-01 … 11-01→2026-01-01, whose end is T + 1 day, so it counts); 严敏菊 from 01-06: 5
    # (the 6th ends 2026-01-06); 徐娜丽 from 02-15: 5 (…10-15→12-15); 欧阳艳菊 from 07-25: 2 (→09-25, →11-25).
    # 36 + 5 + 5 + 2 = 48, each with a test and a talk.
    "on_schedule_test_rate": (48, 48), "on_schedule_talk_rate": (48, 48),
    "relapses": (0, None), "relapse_rate": (0, 9),  # every test 阴性
    "help_rate": (9, 9),
    # 64 events, per month 5,7,4,4,6,6,6,5,5,5,6,5; 06-26 event; 09-08 开学第一课 for 中小学生
    "events": (64, None), "event_months_met": (12, 12), "june_campaign": (1, 1), "school_term_campaign": (1, 1),
    **all_groups_covered(),
    # surveys 03-20, 06-24, 11-18
    "awareness_rate.城镇居民": (0, 0), "awareness_rate.农村居民": (0, 0),
    "awareness_rate.社区居民": (111 + 89 + 103, 116 + 92 + 104),
    "awareness_rate.外来务工人员": (110 + 76 + 142, 114 + 78 + 144),
    "awareness_rate.娱乐场所从业人员": (41 + 36 + 45, 41 + 36 + 45),
    "awareness_rate.中小学生": (44 + 56 + 51, 44 + 56 + 51),
    "awareness_rate.总体": (303 + 328 + 122 + 151, 312 + 336 + 122 + 151),
    "awareness_rate.群众": (303, 312),
    "venue_pledge_rate": (6, 6), "venue_measure_rate": (6, 6),
    "registry_errors": (0, None),
}


def test_bailing_every_indicator():
    check("百灵社区", BAILING, {"awareness_rate.城镇居民": "na", "awareness_rate.农村居民": "na"})


def test_bailing_extras():
    result = computed("百灵社区")
    # 2024 registrations up to 2024-12-31: 戴菊 (2024-01-20) only; baseline 基准年新增人数 1
    assert result["new_users"].extra["last_year"] == 1
    assert result["new_users"].extra["change"] == pytest.approx(-1.0)
    assert result["new_users"].extra["baseline"] == 1
    assert result["on_schedule_test_rate"].extra == {"应检人次": 48, "漏检人次": 0}
    assert result["on_schedule_talk_rate"].extra == {"应谈人次": 48, "漏谈人次": 0}
    assert result["abstinence3_rate"].gap and {g["name"] for g in result["current_users"].gap} >= {"蔡俊", "尹兰春"}
    # the only ones not ABSTINENT3: 9 DUE + 2 强戒
    assert len(result["current_users"].gap) == 11


# ── 石桥村 ──────────────────────────────────────────────────────────────────────────────────────────
# 26 persons: 6 社区戒毒 (侯国桂, 陶洋秋, 谭俊, 姚梅敏, 余博华, 陆婷玉 — the last first registered
# 2025-09-20), 4 社区康复 (谢明刚 失控/外出, 蒋峰, 史娜, 雷鹏飞 外出), 3 戒断未满三年 (孟明, 上官华,
# 史国 外出), 7 戒断三年未复吸, 2 强制隔离戒毒 (姜静燕, 孔国芳), 2 服刑 (蔡志福 24 months — not exempt;
# 薛轩 60 months — exempt), 死亡 (熊敏平), 户口迁出 (韦勇红).
# EXEMPT 3 (熊敏平, 韦勇红, 薛轩); ABSTINENT3 7; DUE 13; CURRENT = 26 − 3 − 7 = 16 (13 DUE + 姜静燕,
# 孔国芳, 蔡志福 — in custody, so 蔡志福's 最近吸毒日期 2022-09-25 ≤ T − 3y does not make him abstinent).
# IN_SOCIETY = 13 DUE, of whom 谢明刚 is 失控.
SHIQIAO = {
    "registered": (26, None), "current_users": (16, None),
    "new_users": (1, None),  # 陆婷玉, 首次登记 2025-09-20
    "user_ratio_permille": (16, 2740),
    "control_rate": (12, 13), "out_of_control": (1, None),
    # 10 orders, all signed; delays 5, 3, 6, 3 (谢明刚 02-27→03-02), 9 (蒋峰 2024-12-28→01-06), 6, 4, 5,
    # 11 (余博华 2023-02-22→03-05), 5 days — all ≤ 15
    "order_execution_rate": (10, 10), "timely_report_rate": (10, 10),
    "abstinence3_rate": (7, 26 - 3),
    # 就业 among DUE: 陶洋秋 谭俊 谢明刚 蒋峰 史娜
    "employment_rate": (5, 13),
    "help_group_rate": (12, 13),  # 侯国桂 帮教小组 否
    "urinalysis_rate": (13, 13),  # every DUE person has a 2025 test
    "home_urinalysis_rate": (10, 10),  # 13 DUE minus 外出 史国, 谢明刚, 雷鹏飞
    # windows: 6 each for 孟明 侯国桂 上官华 陶洋秋 谭俊 史国 蒋峰 姚梅敏 余博华 (anchor 1 Jan) = 54;
    # 谢明刚 from 02-27: 5 (…10-27→12-27); 史娜 from 02-12: 5 (…10-12→12-12); 雷鹏飞 from 03-24: 4
    # (…09-24→11-24); 陆婷玉 from 09-25: 1 (→11-25). 54 + 5 + 5 + 4 + 1 = 69.
    # tests missed: 孟明 03-01…04-30 and 09-01…10-31; 陶洋秋 05-01…06-30; 谭俊 05-01…06-30 (his test of
    # that window became the 07-14 阳性); 谢明刚 06-27…, 08-27…, 10-27… (no records after 05-10) → 7
    "on_schedule_test_rate": (69 - 7, 69),
    # talks missed: 侯国桂 all 6, 孟明 09-01…10-31, 谢明刚 3 → 10
    "on_schedule_talk_rate": (69 - 10, 69),
    "relapses": (1, None), "relapse_rate": (1, 13),  # 谭俊 阳性 2025-07-14
    "help_rate": (12, 13),  # 侯国桂: no 帮教小组 and no talk
    # 41 events, per month 4,2,4,5,4,0,4,3,4,4,3,4: short months Feb, Jun, Aug, Nov → 8/12; none in June;
    # 09-02 开学第一课 for 中小学生
    "events": (41, None), "event_months_met": (8, 12), "june_campaign": (0, 1), "school_term_campaign": (1, 1),
    **all_groups_covered(),
    # surveys 05-16 and 11-07
    "awareness_rate.城镇居民": (0, 0), "awareness_rate.社区居民": (0, 0), "awareness_rate.娱乐场所从业人员": (0, 0),
    "awareness_rate.农村居民": (130 + 125, 148 + 144),
    "awareness_rate.中小学生": (49 + 37, 51 + 39),
    "awareness_rate.外来务工人员": (97 + 74, 115 + 87),
    "awareness_rate.总体": (255 + 86 + 171, 292 + 90 + 202),
    "awareness_rate.群众": (255, 292),
    "venue_pledge_rate": (1, 2),  # 石桥网吧 责任状 否
    "venue_measure_rate": (2, 2),
    "registry_errors": (0, None),
}
SHIQIAO_NA = {"awareness_rate.城镇居民": "na", "awareness_rate.社区居民": "na", "awareness_rate.娱乐场所从业人员": "na"}

XIE, HOU, MENG = "99230319780110348X", "992303197708034870", "992303198802216368"
TAO, TAN, LU = "99230319900116198X", "992303199507013757", "992303197906168132"


def test_shiqiao_every_indicator():
    check("石桥村", SHIQIAO, SHIQIAO_NA)


def test_shiqiao_extras():
    result = computed("石桥村")
    # 2024 registrations: 陶洋秋 2024-11-03 and 姜静燕 2024-03-20 → 2; (1 − 2) / 2
    assert result["new_users"].extra["last_year"] == 2
    assert result["new_users"].extra["change"] == pytest.approx(-0.5)
    assert result["new_users"].extra["change_vs_baseline"] == pytest.approx(-0.5)  # 基准年新增人数 2
    assert result["on_schedule_test_rate"].extra == {"应检人次": 69, "漏检人次": 7}
    assert result["on_schedule_talk_rate"].extra == {"应谈人次": 69, "漏谈人次": 10}
    assert result["event_months_met"].extra["missing_events"] == 2 + 4 + 1 + 1


def test_shiqiao_person_gaps():
    result = computed("石桥村")
    assert [g["id"] for g in result["out_of_control"].gap] == [XIE]
    assert [g["id"] for g in result["control_rate"].gap] == [XIE]
    assert [g["id"] for g in result["help_rate"].gap] == [HOU]
    assert [g["id"] for g in result["help_group_rate"].gap] == [HOU]
    assert [(g["id"], g["reason"]) for g in result["relapses"].gap] == [(TAN, "2025-07-14 检测阳性")]
    assert [g["id"] for g in result["relapse_rate"].gap] == [TAN]
    assert [(g["id"], g["name"]) for g in result["new_users"].gap] == [(LU, "陆婷玉")]
    assert [g["venue"] for g in result["venue_pledge_rate"].gap] == ["石桥网吧"]
    # the persons who are not ABSTINENT3 are CURRENT; the three in custody are among them
    assert {g["name"] for g in result["current_users"].gap} >= {"蔡志福", "姜静燕", "孔国芳", "陆婷玉"}
    assert "薛轩" not in {g["name"] for g in result["current_users"].gap}  # 服刑 60 months: EXEMPT


def test_shiqiao_window_gaps():
    result = computed("石桥村")
    missed_tests = {(g["id"], g["start"], g["end"]) for g in result["on_schedule_test_rate"].gap}
    assert missed_tests == {
        (MENG, "2025-03-01", "2025-04-30"), (MENG, "2025-09-01", "2025-10-31"),
        (TAO, "2025-05-01", "2025-06-30"), (TAN, "2025-05-01", "2025-06-30"),
        # 谢明刚's windows from his order start 02-27: [06-27, 08-27), [08-27, 10-27), [10-27, 12-27)
        (XIE, "2025-06-27", "2025-08-26"), (XIE, "2025-08-27", "2025-10-26"), (XIE, "2025-10-27", "2025-12-26"),
    }
    missed_talks = [(g["id"], g["start"], g["end"]) for g in result["on_schedule_talk_rate"].gap]
    assert len(missed_talks) == 10
    assert [w for w in missed_talks if w[0] == HOU] == [
        (HOU, "2025-01-01", "2025-02-28"), (HOU, "2025-03-01", "2025-04-30"), (HOU, "2025-05-01", "2025-06-30"),
        (HOU, "2025-07-01", "2025-08-31"), (HOU, "2025-09-01", "2025-10-31"), (HOU, "2025-11-01", "2025-12-31"),
    ]
    assert (MENG, "2025-09-01", "2025-10-31") in missed_talks
    assert {g["name"] for g in result["on_schedule_talk_rate"].gap} == {"侯国桂", "孟明", "谢明刚"}


def test_shiqiao_event_gaps():
    result = computed("石桥村")
    assert [(g["month"], g["events"]) for g in result["event_months_met"].gap] == [
        ("2025-02", 2), ("2025-06", 0), ("2025-08", 3), ("2025-11", 3)]
    assert result["june_campaign"].gap and result["june_campaign"].value == 0


# ── 杏林社区 ────────────────────────────────────────────────────────────────────────────────────────
# Messy but valid. 25 persons (序号 1–25; a blank row after 12 and a 注 row below): 4 社区戒毒 (陈秋 order
# 2023-07-18, 宋思梅 2024-05-27, 沈芳 2024-07-09, 董龙 2024-07-25), 4 社区康复 (钱琳红 2025-02-18,
# 谭兴 2025-08-08, 顾春燕 2025-02-10, 秦燕海 2025-04-22), 2 戒断未满三年 (郝凤, 钟兰红), 9 戒断三年未复吸,
# 3 强制隔离戒毒 (two written 强戒), 服刑 江福 with 刑期 30 (< 36: not exempt), 死亡, 户口迁出.
# EXEMPT 2; ABSTINENT3 9; DUE 10; CURRENT = 25 − 2 − 9 = 14 (10 DUE + 3 强戒 + 江福). All 在家, all
# 是否在控 是 → 在控, every DUE person 帮教小组 √ and 就业.
XINGLIN = {
    "registered": (25, None), "current_users": (14, None),
    "new_users": (0, None),  # latest 登记日期 2024-07-13
    "user_ratio_permille": (14, 4860),  # 常住人口 written ４８６０
    "control_rate": (10, 10), "out_of_control": (0, None),
    # 决定日期 → 报到日期: 7, 5, 5, 8, 3, 4, 12, 1 days
    "order_execution_rate": (8, 8), "timely_report_rate": (8, 8),
    "abstinence3_rate": (9, 25 - 2),
    "employment_rate": (10, 10), "help_group_rate": (10, 10),
    "urinalysis_rate": (10, 10), "home_urinalysis_rate": (10, 10),
    # windows: 6 each for 郝凤 钟兰红 陈秋 宋思梅 沈芳 董龙 (anchor 1 Jan) = 36; 钱琳红 from 02-18: 5;
    # 顾春燕 from 02-10: 5; 秦燕海 from 04-22: 4 (→06-22 … →12-22); 谭兴 from 08-08: 2 → 52.
    # tests missed: 钱琳红 [06-18, 08-18) (her test moved to the 08-19 （+）), 郝凤 [07-01, 09-01) → 50
    "on_schedule_test_rate": (50, 52), "on_schedule_talk_rate": (52, 52),
    "relapses": (1, None), "relapse_rate": (1, 10),  # 钱琳红 （+） on 2025/8/19
    "help_rate": (10, 10),
    # 53 events (合计 row not counted), per month 6,4,3,4,6,3,5,5,5,4,5,3 → Mar, Jun, Dec short → 9/12;
    # 06-26 event; 2025-09-08 开学第一课 for 中小学生. 对象群体 written with 、 ， and / separators.
    "events": (53, None), "event_months_met": (9, 12), "june_campaign": (1, 1), "school_term_campaign": (1, 1),
    **all_groups_covered(),
    # 问卷调查 06-12 and 12-05 (some counts in full-width digits)
    "awareness_rate.城镇居民": (0, 0), "awareness_rate.农村居民": (0, 0), "awareness_rate.娱乐场所从业人员": (0, 0),
    "awareness_rate.社区居民": (112 + 82, 120 + 87),
    "awareness_rate.外来务工人员": (102 + 114, 115 + 131),
    "awareness_rate.中小学生": (50 + 51, 50 + 52),
    "awareness_rate.总体": (194 + 216 + 101, 207 + 246 + 102),
    "awareness_rate.群众": (194, 207),
    "venue_pledge_rate": (3, 3), "venue_measure_rate": (2, 3),  # 蓝鲸网吧 防范措施 ×
    "registry_errors": (0, None),
}


def test_xinglin_every_indicator():
    check("杏林社区", XINGLIN, {"awareness_rate.城镇居民": "na", "awareness_rate.农村居民": "na",
                            "awareness_rate.娱乐场所从业人员": "na"})


def test_xinglin_extras():
    result = computed("杏林社区")
    # 2024 registrations: 宋思梅 2024.5.17, 沈芳 2024.7.6, 董龙 2024-07-13; no 基准年新增人数
    assert result["new_users"].extra["last_year"] == 3
    assert "baseline" not in result["new_users"].extra
    events = result["events"].extra
    # the clerk's own 合计 row says 6016 / 8919 / 145, the sum of the 53 rows
    assert (events["参与人数"], events["发放资料（份）"], events["悬挂标语（条）"]) == (6016, 8919, 145)
    assert {(g["id"], g["start"], g["end"]) for g in result["on_schedule_test_rate"].gap} == {
        ("992304197309258996", "2025-06-18", "2025-08-17"), ("992304198810260509", "2025-07-01", "2025-08-31")}


# ── 松柏村 ──────────────────────────────────────────────────────────────────────────────────────────
# Rows with errors are left out. 吸毒人员 errors on rows 5 and 14 (ID as a number), 8 and 19 (checksum),
# 11 (letter O), 16 (status 戒毒中), 21 (社区戒毒 without 措施开始日期), 26 (row 9's 韩嘉 again) → 8
# findings, 8 rows dropped (姜芳永 强戒, 乔晨宁 死亡, 陆芳春 出国, 廖刚兴 戒断三年, 钟怡, 吴桂轩 服刑 42,
# 杜艳 社区戒毒, the second 韩嘉). Row 7's sex mismatch is only a warning: 金秀菊 stays.
# 17 persons kept: 社区戒毒 罗文, 文德涛, 韩嘉, 周杰刚, 徐菊霞 (first registered 2025-04-03);
# 社区康复: 蔡龙志 (2025-03-24), 金秀菊 (2025-07-01), 陆明 (2024-11-25),
# 邵杰 (2025-08-01); 戒断未满三年: 田燕, 段红 (外出); 戒断三年未复吸: 易博怡, 薛磊, 孔玉建, 钱玉春;
# 强制隔离戒毒: 萧海军; 户口迁出: 朱艳.
# EXEMPT 1; ABSTINENT3 4; DUE 11; CURRENT = 17 − 1 − 4 = 12 (11 DUE + 萧海军).
SONGBAI = {
    "registered": (17, None), "current_users": (12, None),
    "new_users": (1, None),  # 徐菊霞
    "user_ratio_permille": (12, 3310),
    "control_rate": (11, 11), "out_of_control": (0, None),
    # 9 kept orders, delays 12, 1, 2, 5, 12, 10, 11, 7, 9 days
    "order_execution_rate": (9, 9), "timely_report_rate": (9, 9),
    "abstinence3_rate": (4, 17 - 1),
    "employment_rate": (11, 11), "help_group_rate": (11, 11),
    "urinalysis_rate": (11, 11), "home_urinalysis_rate": (10, 10),  # 段红 外出
    # windows: 6 each for 罗文 文德涛 韩嘉 田燕 陆明 周杰刚 段红 = 42; 蔡龙志 from 03-24: 4; 金秀菊 from
    # 07-01: 3 (the third ends 2026-01-01 = T + 1: counts); 邵杰 from 08-01: 2; 徐菊霞 from 04-15: 4 → 55,
    # every one with a test and a talk (罗文's unreadable 2025.6.31 test is not needed: 05-22, 06-14).
    "on_schedule_test_rate": (55, 55), "on_schedule_talk_rate": (55, 55),
    "relapses": (0, None), "relapse_rate": (0, 11),
    "help_rate": (11, 11),
    # 64 event rows, row 15 (03-07, 参与人数 −151) dropped → 63; per month 6,5,4,6,4,6,4,6,5,6,6,5 → 12/12
    "events": (63, None), "event_months_met": (12, 12), "june_campaign": (1, 1), "school_term_campaign": (1, 1),
    **all_groups_covered(),
    # surveys 04-09 and 10-15; row 5 (10-15 农村居民 116 surveyed, 122 aware) dropped
    "awareness_rate.城镇居民": (0, 0), "awareness_rate.社区居民": (0, 0), "awareness_rate.娱乐场所从业人员": (0, 0),
    "awareness_rate.农村居民": (130, 139),
    "awareness_rate.中小学生": (35 + 57, 36 + 58),
    "awareness_rate.外来务工人员": (66 + 80, 77 + 86),
    "awareness_rate.总体": (130 + 92 + 146, 139 + 94 + 163),
    "awareness_rate.群众": (130, 139),
    "venue_pledge_rate": (2, 2), "venue_measure_rate": (2, 2),
    "registry_errors": (8, None),  # B5, B14, B8, B19, B11, F16, L21, B26
}


def test_songbai_every_indicator():
    check("松柏村", SONGBAI, {"awareness_rate.城镇居民": "na", "awareness_rate.社区居民": "na",
                           "awareness_rate.娱乐场所从业人员": "na"})


def test_songbai_extras():
    result = computed("松柏村")
    # 2024 registrations among the rows kept: 韩嘉 2024-02-05 (his duplicate row 26 is dropped)
    assert result["new_users"].extra["last_year"] == 1
    events = result["events"].extra  # the 63 kept rows
    assert (events["参与人数"], events["发放资料（份）"], events["悬挂标语（条）"]) == (8203, 10176, 139)
    names = {g["name"] for g in result["current_users"].gap}
    assert "萧海军" in names and "杜艳" not in names and "姜芳永" not in names
