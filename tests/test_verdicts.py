"""Each sample ledger under each built-in standard: the total, grade, veto, 无毒 and `passed` its design
leads to, with the reasoning (sample_ledgers/make_samples.py and sample_ledgers/README.md).

What the samples show as of 2025-12-31 (the numbers the comments below use):

- 清溪村: nobody registered, so every rate about persons is "not applicable" (0/0) and current_users =
  new_users = 0; 61 events, ≥ 4 in every month, a 6·26 event and a September event for 中小学生, every
  对象群体 reached; 知晓率 农村居民 97.8 %, 外来务工人员 98.4 %, 中小学生 100 %, no 城镇居民, 社区居民 or
  娱乐场所从业人员 surveyed; 3 venues, all signed, all measures; every 自查项目 是; 常住人口 1,860 → 0 ‰.
- 百灵社区: 22 registered, 3 EXEMPT (2 死亡, 1 出国（境）), 8 戒断三年未复吸 → abstinence3_rate 8/19 =
  42.1 %, 11 CURRENT, 9 DUE (4 社区戒毒 + 5 社区康复), all in society and 在控, all reported within 15 days,
  tested and talked to in every two-month window (48/48 each), no 阳性, no 2025 registrations (基准年 1);
  64 events (≥ 4 every month); 知晓率 社区居民 97.1 %, 外来务工 97.6 %, 娱乐场所 100 %, 中小学生 100 %;
  6 venues all signed with measures; 就业 6/9 = 66.7 %; 6,420 residents → 11/6420 = 1.71 ‰.
- 石桥村: 26 registered, 3 EXEMPT (死亡, 户口迁出, 服刑 60 months), 16 CURRENT, 13 DUE, 13 in society;
  one 社区康复 person went 失控 in May (control_rate 12/13, out_of_control 1; his tests stop on 10 May);
  one 社区戒毒 person has no 帮教小组 and no talk all year (help_rate 12/13); one 阳性 on 14 July
  (relapses 1); one user first registered on 20 September 2025 (new_users 1, 基准年 2); with the
  two-month schedule 7 of 69 test windows and 10 of 69 talk windows are missed; 41 events: none in June,
  2 in February, 3 in August and November (8 events short); the September school event is there;
  知晓率 农村居民 87.3 %, 外来务工 84.7 %, 中小学生 95.6 %; 石桥网吧 has no 责任状 (1/2), measures 2/2;
  自查 网格化管理 否; 就业 5/13 = 38.5 %; 2,740 residents → 16/2740 = 5.84 ‰.
- 杏林社区 (messy but valid): 25 registered, 2 EXEMPT, 14 CURRENT, 10 DUE, abstinence3 9/23 = 39.1 %;
  one 阳性 on 19 August; 2 of 52 two-month test windows missed (the designed skip, and the window the
  generator emptied when it moved that person's nearest test to the 阳性 day), no talk missed; 53 events,
  only 3 in March, June and December (3 short), the June and September events are there; 知晓率 社区居民
  93.7 %, 外来务工 87.8 %, 中小学生 101/102 = 99.0 %; 蓝鲸网吧's measures not in place (2/3), all signed;
  就业 10/10; 4,860 residents → 14/4860 = 2.88 ‰.
- 松柏村 (clerks' errors): 11 errors, 8 of them in 吸毒人员 (registry_errors 8; those rows are left out),
  17 usable rows, 12 CURRENT, 11 DUE, abstinence3 4/16 = 25 %; every window met, no 阳性; one user
  first registered on 3 April 2025 (new_users 1, no 基准年); 63 usable events, ≥ 4 every month; 知晓率
  农村居民 93.5 %, 外来务工 89.6 %, 中小学生 97.9 %; 2 venues signed with measures; 就业 11/11;
  3,310 residents → 12/3310 = 3.63 ‰.

Every 自查项目 row is 是 except 石桥村's 网格化管理, and every sample lists every item a built-in reads.
A total is the points earned over the points of the items that apply, × 100 (an item whose indicator
is 0/0 and says `na: exclude` is left out).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nodrug_cli.ledger.read import read_ledger
from nodrug_cli.standards.engine import assess
from nodrug_cli.standards.load import builtin_names, load_standard

SAMPLES = Path(__file__).resolve().parent.parent / "sample_ledgers"
TODAY = dt.date(2026, 11, 25)
AS_OF = dt.date(2025, 12, 31)


@dataclass(frozen=True)
class Verdict:
    total: float
    grade: str
    vetoed: bool
    outright: bool  # drug_free_outright
    drug_free: bool  # drug_free_passed
    passed: bool
    short: dict[str, float] = field(default_factory=dict)  # items below full points: id → points earned
    excluded: tuple[str, ...] = ()  # not applicable and left out of the total


EXPECTED: dict[tuple[str, str], Verdict] = {
    # ── boumei-2023 (seed 002): 100 points, verdict 无毒 (outright, or all ten criteria) ──────────────────
    # 清溪村: every person item is 0/0 with na: pass (full points); B3 (娱乐场所 知晓率) is not surveyed and
    # excluded, so 95/95. No users, no new users and 无制毒贩毒种毒 是: 无毒 outright.
    ("boumei-2023", "清溪村"): Verdict(100, "优秀", False, True, True, True, excluded=("B3",)),
    # 百灵社区: every scored item is met (100), but criterion 2 asks abstinence3_rate = 100 % literally
    # (8/19 = 42.1 %): not 无毒, so not passed, by design (the README's “only this one sub-item”).
    ("boumei-2023", "百灵社区"): Verdict(100, "优秀", False, False, False, False),
    # 石桥村: B1 群众 87.3 % < 95, B2 外来务工 84.7 % < 95, B4 中小学生 95.6 % < 100 (0 each); B5 8 events
    # short → 10 − 8 = 2; C3 7 missed test windows → 3; C4 10 missed talks → 0; C5 帮教率 12/13 → 0;
    # C6 one relapse → 0. Earned 45 of the 95 that apply (B3 excluded): 47.37, 不合格. Criteria 1 (失控),
    # 2, 4 (no 帮教小组), 5 (new user), 7 (events), 9 (网格化管理 否) fail.
    ("boumei-2023", "石桥村"): Verdict(47.37, "不合格", False, False, False, False,
                                    {"B1": 0, "B2": 0, "B4": 0, "B5": 2, "C3": 3, "C4": 0, "C5": 0, "C6": 0}, ("B3",)),
    # 杏林社区: B1 93.7 %, B2 87.8 %, B4 99.0 % miss their 95/95/100 (0 each); B5 3 events short → 7;
    # C3 2 missed windows → 8; C6 one relapse → 0. 70 of 95: 73.68, 合格 — but criteria 2 (missed
    # windows, relapse, abstinence3) and 7 (events) fail, so not 无毒 and not passed.
    ("boumei-2023", "杏林社区"): Verdict(73.68, "合格", False, False, False, False,
                                      {"B1": 0, "B2": 0, "B4": 0, "B5": 7, "C3": 8, "C6": 0}, ("B3",)),
    # 松柏村: B1 93.5 %, B2 89.6 %, B4 97.9 % (0 each); D1 8 registry errors → 0; the usable rows meet every
    # person item. 75 of 95: 78.95, 合格; criteria 2 (abstinence3 25 %), 3 (registry errors) and 5 (a new
    # user) fail: not passed.
    ("boumei-2023", "松柏村"): Verdict(78.95, "合格", False, False, False, False,
                                    {"B1": 0, "B2": 0, "B4": 0, "D1": 0}, ("B3",)),

    # ── county-2021 (seed 000): 100 points, verdict grade (合格 or better) ───────────────────────────────
    # 清溪村: 城镇居民 (C1) and 娱乐场所 (C4) not surveyed → excluded; no 基准年新增人数 → B3 (new users
    # against the baseline) excluded; everything else met (person rates 0/0 pass, 农村 97.8 ≥ 80, 外来务工
    # 98.4 ≥ 80, 中小学 100, 群众 97.8, both campaigns, all four groups reached): 80/80 = 100.
    ("county-2021", "清溪村"): Verdict(100, "优秀", False, True, True, True, excluded=("B3", "C1", "C4")),
    # 百灵社区: residents are surveyed as 社区居民, which is neither 城镇 (C1) nor 农村 (C2) → both excluded;
    # C6 (群众, which counts 社区居民) 97.1 ≥ 80; 帮教率 and 尿检率 100 %, no new user: 90/90 = 100.
    # Not 无毒 (it has current users), which a grade verdict does not need.
    ("county-2021", "百灵社区"): Verdict(100, "优秀", False, False, False, True, excluded=("C1", "C2")),
    # 石桥村: B1 帮教率 92.3 % < 95 (0 of 15); C5 中小学生 95.6 % < 100; D1 no June event. B3 is met: one new
    # user against a baseline of 2 is −50 % ≤ −20 %. 尿检率 13/13 ≥ 80, 农村 87.3 ≥ 80, 外来务工 84.7 ≥ 80
    # pass. C1, C4 excluded: 65 of 90 = 72.22, 合格, passed.
    ("county-2021", "石桥村"): Verdict(72.22, "合格", False, False, False, True,
                                    {"B1": 0, "C5": 0, "D1": 0}, ("C1", "C4")),
    # 杏林社区: only C5 中小学生 99.0 % < 100 loses (5); no baseline → B3 excluded; C1, C2 (社区居民 survey)
    # and C4 excluded: 70 of 75 = 93.33.
    ("county-2021", "杏林社区"): Verdict(93.33, "优秀", False, False, False, True, {"C5": 0}, ("B3", "C1", "C2", "C4")),
    # 松柏村: B4 8 registry errors, C5 中小学生 97.9 % < 100; no baseline → B3 excluded; C1, C4 excluded:
    # 70 of 80 = 87.5, 合格.
    ("county-2021", "松柏村"): Verdict(87.5, "合格", False, False, False, True, {"B4": 0, "C5": 0}, ("B3", "C1", "C4")),

    # ── baiyun-2022 (seed 001): four parts × 25, venue 责任状 veto, verdict grade ──────────────────────────
    # 清溪村: every checklist 是, no registry error, ≥ 20 events and ≥ 500 handouts, both campaigns, 0 ‰ (≤ 1 ‰
    # band: 25), person rates 0/0 pass, all venues signed with measures: 100.
    ("baiyun-2022", "清溪村"): Verdict(100, "优秀", False, True, True, True),
    # 百灵社区: C1 1.71 ‰ falls in the ≤ 2 ‰ band (20 of 25); D4 abstinence3 42.1 % < 90 % (0 of 5): 90.
    ("baiyun-2022", "百灵社区"): Verdict(90, "优秀", False, False, False, True, {"C1": 20, "D4": 0}),
    # 石桥村: B2 no June event; C1 5.84 ‰ is above every band (0 of 25); D1 管控率 12/13 and D2 one person
    # 失控 (the report names both, so both lose); D4 30.4 %: 100 − 5 − 25 − 5 − 5 − 5 = 55. 石桥网吧 has no
    # 责任状 (1/2): V1 vetoes, so 不合格 whatever the score.
    ("baiyun-2022", "石桥村"): Verdict(55, "不合格", True, False, False, False,
                                    {"B2": 0, "C1": 0, "D1": 0, "D2": 0, "D4": 0}),
    # 杏林社区: C1 2.88 ‰ → ≤ 3 ‰ band (15); D4 39.1 % (0); D5 measures 2/3 (0): 100 − 10 − 5 − 5 = 80.
    ("baiyun-2022", "杏林社区"): Verdict(80, "合格", False, False, False, True, {"C1": 15, "D4": 0, "D5": 0}),
    # 松柏村: A4 8 registry errors (0); C1 3.63 ‰ → ≤ 5 ‰ band (10); D4 25 % (0): 100 − 5 − 15 − 5 = 75.
    ("baiyun-2022", "松柏村"): Verdict(75, "合格", False, False, False, True, {"A4": 0, "C1": 10, "D4": 0}),

    # ── zhongkai-2015 (seed 003): six checklist vetoes, 100 points, verdict 无毒 (the six main standards) ──
    # Every sample's 自查项目 says 是 to all six main standards, so no veto fires and every sample is 无毒;
    # only the ledger items tell them apart. 清溪村 is also 无毒 outright (no users, no new users).
    ("zhongkai-2015", "清溪村"): Verdict(100, "优秀", False, True, True, True),
    # 百灵社区: C3 就业 66.7 % → the ≥ 60 % band (5 of 10): 95.
    ("zhongkai-2015", "百灵社区"): Verdict(95, "优秀", False, False, True, True, {"C3": 5}),
    # 石桥村: C1 one person 失控 (0 of 10); C3 就业 38.5 % below both bands (0 of 10); D2 群众 87.3 % → the
    # ≥ 80 % band (5 of 10): 75, 合格. Its other failures (talks, tests, relapse, events, 责任状, 网格化管理)
    # are not among seed 003's six main standards or this standard's items, so it stays 无毒 and passes.
    ("zhongkai-2015", "石桥村"): Verdict(75, "合格", False, False, True, True, {"C1": 0, "C3": 0, "D2": 5}),
    # 杏林社区: 0 失控, every order reported, 就业 100 %, no registry error, 53 events, 群众 93.7 % ≥ 90: 100.
    ("zhongkai-2015", "杏林社区"): Verdict(100, "优秀", False, False, True, True),
    # 松柏村: C4 8 registry errors (0 of 5): 95. The six main standards do not ask for a clean registry.
    ("zhongkai-2015", "松柏村"): Verdict(95, "优秀", False, False, True, True, {"C4": 0}),
}


@functools.cache
def sample(name: str):
    return read_ledger(SAMPLES / f"{name}.xlsx", today=TODAY, as_of=AS_OF)


def test_every_sample_under_every_builtin_is_expected():
    names = {p.stem for p in SAMPLES.glob("*.xlsx")}
    assert set(EXPECTED) == {(s, n) for s in builtin_names() for n in names}


@pytest.mark.parametrize("standard, name", list(EXPECTED), ids=[f"{s}-{n}" for s, n in EXPECTED])
def test_verdict(standard, name):
    want = EXPECTED[(standard, name)]
    result = assess(sample(name), load_standard(standard))
    assert result.as_of == AS_OF and result.year == 2025
    got = Verdict(
        total=result.total, grade=result.grade, vetoed=result.vetoed, outright=result.drug_free_outright,
        drug_free=result.drug_free_passed, passed=result.passed,
        short={r.item.id: r.points for r in result.items if r.points is not None and r.points < r.item.points},
        excluded=tuple(r.item.id for r in result.items if r.points is None),
    )
    assert got.total == pytest.approx(want.total, abs=0.005)
    assert got == Verdict(**{**want.__dict__, "total": got.total})
