"""Every indicator of the five shipped sample ledgers, against numbers worked out by hand.

Each sample is read as of T = 2025-12-31 (P = 2025, from 社区概况.评估年度) with seed 002's schedules:
a test and a talk every two months ([2]) and 4 events a month. The expected values below were counted
from the workbooks' rows (opened with openpyxl) and from the choices of `sample_ledgers/make_samples.py`,
following DOMAIN.md §4–§5 as written, never by calling the code under test. Dates in comments are 2025
unless a year is given.

Conventions of the (numerator, denominator) pairs: a count is (n, None); a rate is (met, all), with
status "na" and value None when all = 0; a campaign/coverage flag is (1, 1) when met and (0, 1) when
not; `user_ratio_permille` is (active_users, 常住人口). The `checklist.*` items are left out (they
follow the standard and the samples' 自查项目 sheet).

The rules the counts follow (DOMAIN.md §4–§5), with T − 3 years = 2022-12-31:
- EXEMPT: 死亡, 出国（境）, 户口迁出, 服刑 ≥ 36 months. CURRENT = registered − EXEMPT, three-year abstinent
  persons included. ABSTINENT3: CURRENT, not under a running order, and 戒断三年未复吸, or 戒断未满三年 with
  最近吸毒日期 ≤ 2022-12-31 and 在控 (no 阳性 since 2022-12-31 either way). ACTIVE = CURRENT − ABSTINENT3.
  DUE = every running 社区戒毒/社区康复 order (whatever the last use) + 戒断未满三年 not ABSTINENT3.
- A 吸毒人员 row with errors stays in every set its readable cells decide (松柏村).
- Windows: anchored at 措施开始日期, else 首次登记日期, two months each, running across year ends; a window
  is due when its last day falls in [1 Jan, T] and met by a record inside it, 2024 included. So a person
  anchored before 2025 owes the window that straddles 1 January plus the ones after it: 6 for a two-month
  schedule whose anchor day is not 1 January (the window starting in November or December of 2024 up to
  the one starting in September or October of 2025); the window that starts in November or December 2025
  ends in 2026 and is not due.
- Last year's figures (new_users, relapses, newly_abstinent) use the same rules one year earlier, at
  T − 1 year = 2024-12-31.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

from nodrug_cli.indicators.compute import Params, compute_indicators
from nodrug_cli.ledger.read import read_ledger
from nodrug_cli.said import Said

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
    "registered": (0, None), "current_users": (0, None), "active_users": (0, None), "new_users": (0, None),
    "user_ratio_permille": (0, 1860),  # 0 active users / 常住人口 1860
    "control_rate": (0, 0), "out_of_control": (0, None),
    "order_execution_rate": (0, 0), "timely_report_rate": (0, 0),
    "abstinence3_rate": (0, 0), "employment_rate": (0, 0), "help_group_rate": (0, 0),
    "urinalysis_rate": (0, 0), "home_urinalysis_rate": (0, 0), "on_schedule_test_rate": (0, 0),
    "relapses": (0, None), "relapse_rate": (0, 0), "newly_abstinent": (0, None),
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


def test_qingxi_last_year():
    result = computed("清溪村")
    # nobody, this year or last: relapses "fell" (0 both years, seed 002's 逐年下降 holds) and whether the newly
    # abstinent rose is not applicable (0 both years: None)
    assert result["relapses"].extra == {"last_year": 0, "fell": 1}
    assert result["newly_abstinent"].extra == {"last_year": 0, "rose": None}
    assert result["new_users"].extra["last_year"] == 0


def test_qingxi_event_totals():
    # Σ 参与人数 / 发放资料 / 悬挂标语 over the 61 rows
    events = computed("清溪村")["events"]
    assert (events.extra["参与人数"], events.extra["发放资料（份）"], events.extra["悬挂标语（条）"]) == (8334, 8458, 128)


# ── 百灵社区 ────────────────────────────────────────────────────────────────────────────────────────
# 25 persons (rows 2–26): 4 社区戒毒 (杨英杰 order 2023-03-10, 戴菊 2024-01-26, 毛秀思 2024-10-20, 孟远菊
# 2023-06-20); 6 社区康复 (姚琳琳 2024-10-26, 严敏菊 2025-01-06, 欧阳艳菊 2025-07-25, 徐娜丽 2025-02-15, 徐红玉
# 2024-12-02, 张远鹏 2024-05-16 — his 最近吸毒日期 2022-05-17 is more than three years back, but the order runs,
# so he is DUE and not ABSTINENT3); 1 戒断未满三年 (吴国晨, last use 2022-08-09 ≤ 2022-12-31, 在控: ABSTINENT3 by
# the last-use route, the status not yet updated); 9 戒断三年未复吸 (尹子浩 since 2025-03-02); 2 强制隔离戒毒
# (蔡俊, 尹兰春); 2 死亡 (陶春, 范超斌); 1 出国（境） (蒋明宁).
# EXEMPT 3; CURRENT 22; ABSTINENT3 = 9 戒断三年未复吸 + 吴国晨 = 10 (no 阳性 test at all); ACTIVE 12 = the 10
# orders + 2 强戒; DUE = the 10 orders; IN_SOCIETY = the 10 DUE, all 在控, all 在家.
BAILING = {
    "registered": (25, None), "current_users": (22, None), "active_users": (12, None),
    "new_users": (0, None),  # every 首次登记日期 before 2025
    "user_ratio_permille": (12, 6420),
    "control_rate": (10, 10), "out_of_control": (0, None),
    # 10 orders, all signed; delays 8, 2, 8, 6, 2, 7, 9, 10, 9, 6 days — all ≤ 15. Begun in 2025: 严敏菊 (2 days),
    # 欧阳艳菊 (7), 徐娜丽 (9).
    "order_execution_rate": (10, 10), "timely_report_rate": (3, 3),
    "abstinence3_rate": (10, 22),
    # 就业 among DUE: 毛秀思 严敏菊 欧阳艳菊 徐娜丽 孟远菊 徐红玉 张远鹏; 未就业: 杨英杰 姚琳琳 戴菊
    "employment_rate": (7, 10), "help_group_rate": (10, 10),
    "urinalysis_rate": (10, 10), "home_urinalysis_rate": (10, 10),
    # two-month windows from each order start, due when they end in 2025: 6 each for 杨英杰 (from 2024-11-10),
    # 姚琳琳 (2024-12-26), 戴菊 (2024-11-26), 毛秀思 (2024-12-20), 孟远菊 (2024-12-20), 徐红玉 (2024-12-02), 张远鹏
    # (2024-11-16); 严敏菊 from 01-06: 5 (the 6th ends 2026-01-05); 徐娜丽 from 02-15: 5; 欧阳艳菊 from 07-25: 2.
    # 7 × 6 + 5 + 5 + 2 = 54, each with a test and a talk. 杨英杰's window [2024-11-10, 2025-01-09] is met by a
    # test (2024-12-14) and a talk (2024-12-15) dated before 1 January only.
    "on_schedule_test_rate": (54, 54), "on_schedule_talk_rate": (54, 54),
    "relapses": (0, None), "relapse_rate": (0, 10),  # every test 阴性
    # three years completed in 2025: 尹子浩 (2022-03-02 + 3 years) and 吴国晨 (2022-08-09 + 3 years)
    "newly_abstinent": (2, None),
    "help_rate": (10, 10),
    # 71 events, per month 7,6,5,7,6,6,4,6,6,5,7,6; 06-26 event; September events for 中小学生
    "events": (71, None), "event_months_met": (12, 12), "june_campaign": (1, 1), "school_term_campaign": (1, 1),
    **all_groups_covered(),
    # surveys 03-20, 06-24, 11-18
    "awareness_rate.城镇居民": (0, 0), "awareness_rate.农村居民": (0, 0),
    "awareness_rate.社区居民": (95 + 141 + 92, 97 + 144 + 94),
    "awareness_rate.外来务工人员": (133 + 115 + 59, 138 + 119 + 61),
    "awareness_rate.娱乐场所从业人员": (44 + 30 + 48, 44 + 30 + 48),
    "awareness_rate.中小学生": (58 + 46 + 55, 58 + 46 + 55),
    "awareness_rate.总体": (328 + 307 + 122 + 159, 335 + 318 + 122 + 159),
    "awareness_rate.群众": (328, 335),
    "venue_pledge_rate": (6, 6), "venue_measure_rate": (6, 6),
    "registry_errors": (0, None),
}
YANG, ZHANG = "992302198208166365", "992302198808213639"


def test_bailing_every_indicator():
    check("百灵社区", BAILING, {"awareness_rate.城镇居民": "na", "awareness_rate.农村居民": "na"})


def test_bailing_extras():
    result = computed("百灵社区")
    # 2024 registrations up to 2024-12-31: 戴菊 (2024-01-20) only; baseline 基准年新增人数 1
    assert result["new_users"].extra["last_year"] == 1
    assert result["new_users"].extra["change"] == pytest.approx(-1.0)
    assert result["new_users"].extra["baseline"] == 1
    assert result["on_schedule_test_rate"].extra == {"应检人次": 54, "漏检人次": 0}
    assert result["on_schedule_talk_rate"].extra == {"应谈人次": 54, "漏谈人次": 0}
    # no 阳性 in either year: fell (0 both years); at 2024-12-31 nobody had completed three years during 2024
    # (the 戒断三年未复吸 persons' last uses are 2012–2019, and 2022 for 尹子浩), so 2 > 0: rose
    assert result["relapses"].extra == {"last_year": 0, "fell": 1}
    assert result["newly_abstinent"].extra == {"last_year": 0, "rose": 1}
    assert {g["name"] for g in result["newly_abstinent"].gap} == {"尹子浩", "吴国晨"}
    # the 12 who are not ABSTINENT3: the 10 under an order (张远鹏 among them) and the 2 in 强戒
    assert len(result["active_users"].gap) == 12
    assert {g["name"] for g in result["active_users"].gap} >= {"蔡俊", "尹兰春", "张远鹏"}
    assert ZHANG in {g["id"] for g in result["abstinence3_rate"].gap}


def test_bailing_window_across_new_year():
    """杨英杰's first window due in 2025 starts on 2024-11-10 and ends on 2025-01-09: the worker met it in December
    2024 only, and it counts (DOMAIN.md §5: met by a record inside it, before 1 January included)."""
    ledger = read_ledger(SAMPLES / "百灵社区.xlsx", TODAY, as_of=AS_OF)
    for sheet, column in (("尿检记录", "检测日期"), ("谈话记录", "谈话日期")):
        frame = ledger.frame(sheet)
        days = frame.loc[frame["身份证号"].eq(YANG), column].dt.date
        inside = days[(days >= dt.date(2024, 11, 10)) & (days < dt.date(2025, 1, 10))]
        assert len(inside) and (inside < dt.date(2025, 1, 1)).all(), sheet
    result = computed("百灵社区")
    assert not [g for g in result["on_schedule_test_rate"].gap if g["id"] == YANG]
    assert not [g for g in result["on_schedule_talk_rate"].gap if g["id"] == YANG]


# ── 石桥村 ──────────────────────────────────────────────────────────────────────────────────────────
# 26 persons: 6 社区戒毒 (侯国桂 order 2023-10-14, 陶洋秋 2024-11-18, 谭俊 2023-04-16, 姚梅敏 2024-05-20, 余博华
# 2023-02-22, 陆婷玉 2025-09-25 — first registered 2025-09-20), 4 社区康复 (谢明刚 2024-04-05 失控/外出, last use
# 2022-04-06; 蒋峰 2024-12-28; 史娜 2025-02-12; 雷鹏飞 2025-03-24 外出), 3 戒断未满三年 (孟明, 上官华, 史国 外出;
# last uses 2023–2024), 7 戒断三年未复吸, 2 强制隔离戒毒 (姜静燕 since 2025-04-18, after a 阳性 test on
# 2025-03-27; 孔国芳), 2 服刑 (蔡志福 24 months — not exempt; 薛轩 60 months — exempt), 死亡 (熊敏平), 户口迁出
# (韦勇红).
# EXEMPT 3; CURRENT 23; ABSTINENT3 7; ACTIVE 16 = 13 DUE + 姜静燕, 孔国芳, 蔡志福 (in custody: 蔡志福's 最近吸毒日期
# 2022-09-25 ≤ T − 3 years does not make him abstinent, the last-use route is for 戒断未满三年 only).
# DUE 13 (the 10 orders — 谢明刚's last use three years back changes nothing — and the 3 戒断未满三年);
# IN_SOCIETY = the 13 DUE, of whom 谢明刚 is 失控.
SHIQIAO = {
    "registered": (26, None), "current_users": (23, None), "active_users": (16, None),
    "new_users": (1, None),  # 陆婷玉, 首次登记 2025-09-20
    "user_ratio_permille": (16, 2740),
    "control_rate": (12, 13), "out_of_control": (1, None),
    # 10 orders, all signed; delays 5, 3, 6, 7, 11, 5 (社区戒毒), 6, 9 (蒋峰 2024-12-28 → 2025-01-06), 4, 5 days
    # — all ≤ 15. Begun in 2025 and past the 15 days: 史娜 (4), 雷鹏飞 (5), 陆婷玉 (5).
    "order_execution_rate": (10, 10), "timely_report_rate": (3, 3),
    "abstinence3_rate": (7, 23),
    # 就业 among DUE: 陶洋秋 谭俊 谢明刚 蒋峰 史娜
    "employment_rate": (5, 13),
    "help_group_rate": (12, 13),  # 侯国桂 帮教小组 否
    "urinalysis_rate": (13, 13),  # every DUE person has a 2025 test (谢明刚 before 05-10)
    "home_urinalysis_rate": (10, 10),  # 13 DUE minus 外出 史国, 谢明刚, 雷鹏飞
    # windows: 6 each for the 10 anchored before 2025 — 孟明 (首次登记 2023-12-25: from 2024-12-25), 侯国桂
    # (2024-12-14), 上官华 (首次登记 2019-11-13: 2024-11-13), 陶洋秋 (2024-11-18), 谭俊 (2024-12-16), 史国 (首次登记
    # 2008-02-03: 2024-12-03), 谢明刚 (2024-12-05), 蒋峰 (2024-12-28), 姚梅敏 (2024-11-20), 余博华 (2024-12-22);
    # 史娜 from 02-12: 5; 雷鹏飞 from 03-24: 4; 陆婷玉 from 09-25: 1. 60 + 5 + 4 + 1 = 70.
    # tests missed: 孟明 [02-25, 04-24] and [08-25, 10-24] (skipped by design); 陶洋秋 [03-18, 05-17] (skipped);
    # 谭俊 [04-16, 06-15] (his test of that window was moved to the 07-14 阳性); 谢明刚 [06-05, 08-04], [08-05,
    # 10-04], [10-05, 12-04] (no records after 05-10) → 7
    "on_schedule_test_rate": (70 - 7, 70),
    # talks missed: 侯国桂 all 6, 孟明 [08-25, 10-24], 谢明刚 3 → 10
    "on_schedule_talk_rate": (70 - 10, 70),
    # 阳性 in 2025 after registration: 谭俊 07-14 and 姜静燕 03-27 (now in 强戒: still a relapse). The rate's
    # denominator is DUE ∪ relapsed = 13 + 姜静燕.
    "relapses": (2, None), "relapse_rate": (2, 14),
    "newly_abstinent": (0, None),  # the 戒断三年未复吸 persons' last uses are 2012–2021
    "help_rate": (12, 13),  # 侯国桂: no 帮教小组 and no talk
    # 41 events, per month 4,2,4,5,4,0,4,3,4,4,3,4: short months Feb, Jun, Aug, Nov → 8/12; none in June;
    # September events for 中小学生
    "events": (41, None), "event_months_met": (8, 12), "june_campaign": (0, 1), "school_term_campaign": (1, 1),
    **all_groups_covered(),
    # surveys 05-16 and 11-07
    "awareness_rate.城镇居民": (0, 0), "awareness_rate.社区居民": (0, 0), "awareness_rate.娱乐场所从业人员": (0, 0),
    "awareness_rate.农村居民": (80 + 127, 94 + 150),
    "awareness_rate.中小学生": (31 + 37, 32 + 39),
    "awareness_rate.外来务工人员": (83 + 128, 105 + 149),
    "awareness_rate.总体": (207 + 68 + 211, 244 + 71 + 254),
    "awareness_rate.群众": (207, 244),
    "venue_pledge_rate": (1, 2),  # 石桥网吧 责任状 否
    "venue_measure_rate": (2, 2),
    "registry_errors": (0, None),
}
SHIQIAO_NA = {"awareness_rate.城镇居民": "na", "awareness_rate.社区居民": "na", "awareness_rate.娱乐场所从业人员": "na"}

XIE, HOU, MENG = "99230319780110348X", "992303197708034870", "992303198802216368"
TAO, TAN, LU = "99230319900116198X", "992303199507013757", "992303197906168132"
JIANG, YAO = "992303199203078519", "992303197002091013"


def test_shiqiao_every_indicator():
    check("石桥村", SHIQIAO, SHIQIAO_NA)


def test_shiqiao_extras():
    result = computed("石桥村")
    # 2024 registrations: 陶洋秋 2024-11-03 and 姜静燕 2024-03-20 → 2; (1 − 2) / 2
    assert result["new_users"].extra["last_year"] == 2
    assert result["new_users"].extra["change"] == pytest.approx(-0.5)
    assert result["new_users"].extra["change_vs_baseline"] == pytest.approx(-0.5)  # 基准年新增人数 2
    assert result["on_schedule_test_rate"].extra == {"应检人次": 70, "漏检人次": 7}
    assert result["on_schedule_talk_rate"].extra == {"应谈人次": 70, "漏谈人次": 10}
    assert result["event_months_met"].extra["missing_events"] == 2 + 4 + 1 + 1
    # last year: 姚梅敏, registered 2019-03-08, 阳性 on 2024-05-12 (then ordered into 社区戒毒) → 1; 2 this year is
    # not fewer: 复吸人员逐年下降 fails
    assert result["relapses"].extra == {"last_year": 1, "fell": 0}
    # last year: 邱雪伟's three years ended 2024-03-12 (last use 2021-03-12) → 1; none this year: not rising
    assert result["newly_abstinent"].extra == {"last_year": 1, "rose": 0}


def test_shiqiao_person_gaps():
    result = computed("石桥村")
    assert [g["id"] for g in result["out_of_control"].gap] == [XIE]
    assert [g["id"] for g in result["control_rate"].gap] == [XIE]
    assert [g["id"] for g in result["help_rate"].gap] == [HOU]
    assert [g["id"] for g in result["help_group_rate"].gap] == [HOU]
    assert sorted((g["id"], g["reason"]) for g in result["relapses"].gap) == [
        (JIANG, Said("gap.positive_on", day="2025-03-27")), (TAN, Said("gap.positive_on", day="2025-07-14"))]
    assert sorted(g["id"] for g in result["relapse_rate"].gap) == [JIANG, TAN]
    assert [(g["id"], g["name"]) for g in result["new_users"].gap] == [(LU, "陆婷玉")]
    assert [g["venue"] for g in result["venue_pledge_rate"].gap] == ["石桥网吧"]
    # the persons who are not ABSTINENT3; the three in custody are among them
    active = {g["name"] for g in result["active_users"].gap}
    assert len(active) == 16 and active >= {"蔡志福", "姜静燕", "孔国芳", "陆婷玉", "谢明刚"}
    assert "薛轩" not in {g["name"] for g in result["current_users"].gap}  # 服刑 60 months: EXEMPT
    assert YAO in {g["id"] for g in result["active_users"].gap}


def test_shiqiao_window_gaps():
    result = computed("石桥村")
    missed_tests = {(g["id"], g["start"], g["end"]) for g in result["on_schedule_test_rate"].gap}
    assert missed_tests == {
        (MENG, "2025-02-25", "2025-04-24"), (MENG, "2025-08-25", "2025-10-24"),
        (TAO, "2025-03-18", "2025-05-17"), (TAN, "2025-04-16", "2025-06-15"),
        # 谢明刚's windows run from his order start 2024-04-05
        (XIE, "2025-06-05", "2025-08-04"), (XIE, "2025-08-05", "2025-10-04"), (XIE, "2025-10-05", "2025-12-04"),
    }
    missed_talks = [(g["id"], g["start"], g["end"]) for g in result["on_schedule_talk_rate"].gap]
    assert len(missed_talks) == 10
    # 侯国桂's first window starts in 2024 and ends in 2025: due, and missed
    assert [w for w in missed_talks if w[0] == HOU] == [
        (HOU, "2024-12-14", "2025-02-13"), (HOU, "2025-02-14", "2025-04-13"), (HOU, "2025-04-14", "2025-06-13"),
        (HOU, "2025-06-14", "2025-08-13"), (HOU, "2025-08-14", "2025-10-13"), (HOU, "2025-10-14", "2025-12-13"),
    ]
    assert (MENG, "2025-08-25", "2025-10-24") in missed_talks
    assert {g["name"] for g in result["on_schedule_talk_rate"].gap} == {"侯国桂", "孟明", "谢明刚"}


def test_shiqiao_event_gaps():
    result = computed("石桥村")
    assert [(g["month"], g["events"]) for g in result["event_months_met"].gap] == [
        ("2025-02", 2), ("2025-06", 0), ("2025-08", 3), ("2025-11", 3)]
    assert result["june_campaign"].gap and result["june_campaign"].value == 0


# ── 杏林社区 ────────────────────────────────────────────────────────────────────────────────────────
# Messy but valid. 25 persons (序号 1–25; a blank row after 12 and a 注 row below): 4 社区戒毒 (陈秋 order
# 2023-07-18, 宋思梅 2024-05-27, 沈芳 2024-07-09, 董龙 2024-07-25), 4 社区康复 (钱琳红 2025-02-18,
# 谭兴 2025-08-08, 顾春燕 2025-02-10, 秦燕海 2025-04-22), 2 戒断未满三年 (郝凤 登记 2013-08-24, 钟兰红 登记
# 2012-01-25; last uses 2023–2024), 9 戒断三年未复吸, 3 强制隔离戒毒 (some written 强戒), 服刑 江福 with 刑期 30
# (< 36: not exempt), 死亡, 户口迁出.
# EXEMPT 2; CURRENT 23; ABSTINENT3 9; ACTIVE 14 (10 DUE + 3 强戒 + 江福); DUE 10. All 在家, all 是否在控 是 → 在控,
# every DUE person 帮教小组 √ and 就业.
XINGLIN = {
    "registered": (25, None), "current_users": (23, None), "active_users": (14, None),
    "new_users": (0, None),  # latest 登记日期 2024-07-13
    "user_ratio_permille": (14, 4860),  # 常住人口 written ４８６０
    "control_rate": (10, 10), "out_of_control": (0, None),
    # 决定日期 → 报到日期: 7, 5, 5, 8, 3, 4, 12, 1 days; begun in 2025: 钱琳红, 谭兴, 顾春燕, 秦燕海
    "order_execution_rate": (8, 8), "timely_report_rate": (4, 4),
    "abstinence3_rate": (9, 23),
    "employment_rate": (10, 10), "help_group_rate": (10, 10),
    "urinalysis_rate": (10, 10), "home_urinalysis_rate": (10, 10),
    # windows: 6 each for the 6 anchored before 2025 — 郝凤 (登记日期: from 2024-12-24), 钟兰红 (2024-11-25), 陈秋
    # (2024-11-18), 宋思梅 (2024-11-27), 沈芳 (2024-11-09), 董龙 (2024-11-25) = 36; 钱琳红 from 02-18: 5; 顾春燕 from
    # 02-10: 5; 秦燕海 from 04-22: 4; 谭兴 from 08-08: 2 → 52.
    # tests missed: 钱琳红 [06-18, 08-17] (her test moved to the 08-19 （+）), 郝凤 [06-24, 08-23] (skipped) → 50
    "on_schedule_test_rate": (50, 52), "on_schedule_talk_rate": (52, 52),
    "relapses": (1, None), "relapse_rate": (1, 10),  # 钱琳红 （+） on 2025/8/19
    "newly_abstinent": (0, None),
    "help_rate": (10, 10),
    # 52 events (合计 row not counted), per month 3,3,3,4,6,4,4,5,6,5,3,6 → Jan, Feb, Mar, Nov short → 8/12;
    # 06-26 event; September events for 中小学生. 对象群体 written with 、 ， and / separators.
    "events": (52, None), "event_months_met": (8, 12), "june_campaign": (1, 1), "school_term_campaign": (1, 1),
    **all_groups_covered(),
    # 问卷调查 06-12 and 12-05 (some counts in full-width digits)
    "awareness_rate.城镇居民": (0, 0), "awareness_rate.农村居民": (0, 0), "awareness_rate.娱乐场所从业人员": (0, 0),
    "awareness_rate.社区居民": (77 + 97, 80 + 106),
    "awareness_rate.外来务工人员": (97 + 101, 106 + 115),
    "awareness_rate.中小学生": (33 + 50, 34 + 50),
    "awareness_rate.总体": (174 + 198 + 83, 186 + 221 + 84),
    "awareness_rate.群众": (174, 186),
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
    # one relapse this year, none last year: not falling; 闫轩's three years ended 2024-02-25, none in 2025
    assert result["relapses"].extra == {"last_year": 0, "fell": 0}
    assert result["newly_abstinent"].extra == {"last_year": 1, "rose": 0}
    events = result["events"].extra
    # the clerk's own 合计 row says 6836 / 8710 / 131, the sum of the 52 rows
    assert (events["参与人数"], events["发放资料（份）"], events["悬挂标语（条）"]) == (6836, 8710, 131)
    assert {(g["id"], g["start"], g["end"]) for g in result["on_schedule_test_rate"].gap} == {
        ("992304197309258996", "2025-06-18", "2025-08-17"), ("992304198810260509", "2025-06-24", "2025-08-23")}


# ── 松柏村 ──────────────────────────────────────────────────────────────────────────────────────────
# 吸毒人员 errors on rows 5 and 14 (ID as a number), 8 and 19 (checksum), 11 (letter O), 16 (status 戒毒中),
# 21 (社区戒毒 without 措施开始日期), 26 (row 9's 韩嘉 again, as 社区康复) → 8 findings. Those rows STAY in the
# person sets (DOMAIN.md §2, §4: an error never makes a community look better), each in the sets its readable
# cells decide: 姜芳永 (row 5, 强戒) is ACTIVE; 廖刚兴 (row 14, 戒断三年未复吸) ABSTINENT3; 乔晨宁 (row 8, 死亡),
# 陆芳春 (row 11, 出国), 吴桂轩 (row 19, 服刑 42) EXEMPT; 钟怡 (row 16, 戒毒中: unreadable) ACTIVE and DUE; 杜艳
# (row 21) UNDER_ORDER and DUE, her windows anchored at her 首次登记日期 2023-02-02 because the order date is
# missing; 韩嘉's second row counts as a second registry row (registered, CURRENT, UNDER_ORDER, DUE) but his
# windows once (a 身份证号 listed twice counts once).
# 25 rows: 社区戒毒 罗文, 文德涛, 韩嘉, 周杰刚, 杜艳, 徐菊霞 (first registered 2025-04-03); 社区康复 蔡龙志
# (2025-03-24), 金秀菊 (2025-07-01), 陆明 (2024-11-25), 邵杰 (2025-08-01), 韩嘉 (row 26); 戒断未满三年 田燕, 段红
# (外出); 戒毒中 钟怡 (外出); 戒断三年未复吸 易博怡, 薛磊, 廖刚兴, 孔玉建, 钱玉春; 强制隔离戒毒 姜芳永, 萧海军; EXEMPT
# 乔晨宁, 陆芳春, 吴桂轩, 朱艳 (户口迁出).
# CURRENT 21; ABSTINENT3 5; ACTIVE 16; UNDER_ORDER 11; DUE 14 (11 + 田燕, 段红, 钟怡); IN_SOCIETY 14.
SONGBAI = {
    "registered": (25, None), "current_users": (21, None), "active_users": (16, None),
    "new_users": (1, None),  # 徐菊霞
    "user_ratio_permille": (16, 3310),
    "control_rate": (14, 14), "out_of_control": (0, None),
    # 11 orders, all signed (杜艳 too); begun in 2025: 蔡龙志 (1 day), 金秀菊 (5), 邵杰 (7), 徐菊霞 (9)
    "order_execution_rate": (11, 11), "timely_report_rate": (4, 4),
    "abstinence3_rate": (5, 21),
    "employment_rate": (13, 14),  # 钟怡 未就业
    "help_group_rate": (14, 14),
    "urinalysis_rate": (14, 14), "home_urinalysis_rate": (12, 12),  # 钟怡, 段红 外出
    # windows, one set per 身份证号: 6 each for 罗文 (from 2024-11-04), 文德涛 (2024-12-21), 韩嘉 (2024-12-10), 田燕
    # (登记 2016-05-12: 2024-11-12), 陆明 (2024-11-25), 周杰刚 (2024-12-15), 钟怡 (2024-12-26), 段红 (登记 2011-08-09:
    # 2024-12-09), 杜艳 (登记 2023-02-02: 2024-12-02) = 54; 蔡龙志 from 03-24: 4; 金秀菊 from 07-01: 3 (the third
    # ends 12-31); 邵杰 from 08-01: 2; 徐菊霞 from 04-15: 4 → 67.
    # 杜艳's worker followed her real order date (2023-02-12, her 状态起始日期), ten days after the anchor nodrug must
    # use: [02-02, 04-01] has no test and no talk, [10-02, 12-01] no talk → 1 test and 2 talks missed.
    "on_schedule_test_rate": (66, 67), "on_schedule_talk_rate": (65, 67),
    "relapses": (0, None), "relapse_rate": (0, 14),
    "newly_abstinent": (0, None),
    "help_rate": (14, 14),
    # 65 event rows, row 15 (03-16, 参与人数 −148) dropped → 64; per month 6,5,5,6,6,6,5,5,4,5,6,5 → 12/12
    "events": (64, None), "event_months_met": (12, 12), "june_campaign": (1, 1), "school_term_campaign": (1, 1),
    **all_groups_covered(),
    # surveys 04-09 and 10-15; row 5 (10-15 农村居民 69 surveyed, 75 aware) dropped
    "awareness_rate.城镇居民": (0, 0), "awareness_rate.社区居民": (0, 0), "awareness_rate.娱乐场所从业人员": (0, 0),
    "awareness_rate.农村居民": (114, 124),
    "awareness_rate.中小学生": (35 + 54, 35 + 54),
    "awareness_rate.外来务工人员": (81 + 68, 86 + 72),
    "awareness_rate.总体": (114 + 89 + 149, 124 + 89 + 158),
    "awareness_rate.群众": (114, 124),
    "venue_pledge_rate": (2, 2), "venue_measure_rate": (2, 2),
    "registry_errors": (8, None),  # B5, B14, B8, B19, B11, F16, L21, B26
}
DU = "99230519871104599X"


def test_songbai_every_indicator():
    check("松柏村", SONGBAI, {"awareness_rate.城镇居民": "na", "awareness_rate.社区居民": "na",
                           "awareness_rate.娱乐场所从业人员": "na"})


def test_songbai_extras():
    result = computed("松柏村")
    # 2024 registrations: 韩嘉 2024-02-05, on row 9 and again on row 26 (a duplicate 身份证号, an error): one person,
    # counted once — counted twice, last year would look worse and this year's change better than it is
    assert result["new_users"].extra["last_year"] == 1
    assert result["relapses"].extra == {"last_year": 0, "fell": 1}
    assert result["newly_abstinent"].extra == {"last_year": 0, "rose": None}
    events = result["events"].extra  # the 64 kept rows
    assert (events["参与人数"], events["发放资料（份）"], events["悬挂标语（条）"]) == (8469, 9145, 149)
    names = [g["name"] for g in result["active_users"].gap]
    # rows with errors stay: 钟怡 (unreadable status), 杜艳 (no order date), 姜芳永 (ID as a number); 韩嘉 twice
    assert {"萧海军", "钟怡", "杜艳", "姜芳永"} <= set(names) and names.count("韩嘉") == 2
    assert {(g["id"], g["start"], g["end"]) for g in result["on_schedule_test_rate"].gap} == {
        (DU, "2025-02-02", "2025-04-01")}
    assert {(g["id"], g["start"], g["end"]) for g in result["on_schedule_talk_rate"].gap} == {
        (DU, "2025-02-02", "2025-04-01"), (DU, "2025-10-02", "2025-12-01")}
