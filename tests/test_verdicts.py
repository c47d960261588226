"""Each sample ledger under each built-in standard: the total, grade, veto, 无毒 and `passed` its design
leads to, with the reasoning (sample_ledgers/make_samples.py and sample_ledgers/README.md; the indicators
are worked out one by one in tests/test_sample_indicators.py).

The rules the expectations follow (DOMAIN.md §5–§6, issue 13):
- An item over a not-applicable indicator (0/0; a year-on-year trend that is 0 both years for 逐年增加) is
  left out and the total rescaled: total = points earned / points of the items that apply × 100; an item
  that says `na: pass|fail` scores as it says.
- `passed` = no veto, the pass grade (合格, ≥ 60) reached, a 吸毒人员 sheet without errors, and — for a
  standard whose verdict is 无毒 (boumei-2023, zhongkai-2015) — 无毒.
- boumei-2023 is 无毒 when all ten of seed 002's criteria hold (criterion 2 literally asks every CURRENT person
  to be ABSTINENT3, so a community with anyone under a running order is not 无毒). The other three standards
  use the project's own rule: no ACTIVE person, no new user, 无制毒贩毒种毒 是, and every checklist and
  prevention item of the standard met or not applicable (P1–P4). No built-in standard has `outright`
  conditions, so `drug_free_outright` is False everywhere.

What the samples show as of 2025-12-31 (the numbers the comments below use):

- 清溪村: nobody registered, so every rate about persons is "not applicable" (0/0) and current_users =
  active_users = new_users = 0; relapses 0 both years ("fell"), newly abstinent 0 both years (not
  applicable); 61 events, ≥ 4 in every month, a 6·26 event and September events for 中小学生, every
  对象群体 reached; 知晓率 农村居民 97.8 %, 外来务工人员 98.4 %, 中小学生 100 %, no 城镇居民, 社区居民 or
  娱乐场所从业人员 surveyed; 3 venues, all signed, all measures; every 自查项目 是; 常住人口 1,860 → 0 ‰.
- 百灵社区: 25 registered, 3 EXEMPT, 22 CURRENT, ABSTINENT3 10 (9 戒断三年未复吸 + a 戒断未满三年 person three
  years clean) → abstinence3_rate 10/22 = 45.5 %; ACTIVE 12 (10 under an order, one of them with his last use
  more than three years back, + 2 强戒); all 10 DUE in society, 在控, reported within 15 days, tested and
  talked to in every two-month window due in 2025 (54/54 each, one window met by December 2024 records),
  no 阳性 in either year; no 2025 registrations (基准年 1); newly abstinent 2 (0 last year: rose); 71 events (≥ 4
  every month); 知晓率 社区居民 97.9 %, 外来务工 96.5 %, 娱乐场所 100 %, 中小学生 100 %; 6 venues all signed
  with measures; 就业 7/10 = 70 %; 6,420 residents → 12/6420 = 1.87 ‰.
- 石桥村: 26 registered, 3 EXEMPT, 23 CURRENT, 7 ABSTINENT3 (30.4 %), 16 ACTIVE, 13 DUE, 13 in society; one
  社区康复 person went 失控 in May (control_rate 12/13, out_of_control 1); one 社区戒毒 person has no 帮教小组 and
  no talk (help_rate 12/13); 阳性 on 27 March (then 强戒) and 14 July → relapses 2, last year 1 (not fewer);
  newly abstinent 0, last year 1 (not rising); one user first registered on 20 September 2025 (new_users
  1, 基准年 2); 7 of 70 test windows and 10 of 70 talk windows missed; 41 events: none in June, 2 in February,
  3 in August and November (8 events short); the September school event is there; 知晓率 农村居民 84.8 %,
  外来务工 83.1 %, 中小学生 95.8 %; 石桥网吧 has no 责任状 (1/2), measures 2/2; 自查 网格化管理 否; 就业 5/13 =
  38.5 %; 2,740 residents → 16/2740 = 5.84 ‰.
- 杏林社区 (messy but valid): 25 registered, 2 EXEMPT, 23 CURRENT, ABSTINENT3 9 (39.1 %), ACTIVE 14, DUE 10;
  one 阳性 on 19 August (none last year: not fewer); newly abstinent 0, last year 1; 2 of 52 test windows
  missed, no talk missed; 52 events, only 3 in January, February, March and November (4 short), the June
  and September events are there; 知晓率 社区居民 93.5 %, 外来务工 89.6 %, 中小学生 83/84 = 98.8 %; 蓝鲸网吧's
  measures not in place (2/3), all signed; 就业 10/10; 4,860 residents → 14/4860 = 2.88 ‰.
- 松柏村 (clerks' errors): 11 errors, 8 of them in 吸毒人员 (registry_errors 8); those rows stay in the person
  sets: 25 rows, 21 CURRENT, 5 ABSTINENT3 (23.8 %), 16 ACTIVE, 14 DUE; 1 of 67 test windows and 2 of 67 talk
  windows missed (the 社区戒毒 row without 措施开始日期 is anchored at its 首次登记日期); no 阳性 either year; one
  user first registered on 3 April 2025 (new_users 1, no 基准年); newly abstinent 0 both years; 64 usable
  events, ≥ 4 every month; 知晓率 农村居民 91.9 %, 外来务工 94.3 %, 中小学生 100 %; 2 venues signed with
  measures; 就业 13/14; 3,310 residents → 16/3310 = 4.83 ‰.

Every 自查项目 row is 是 except 石桥村's 网格化管理, and every sample lists every item a built-in reads.
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
    # ── boumei-2023 (seed 002): 100 points, verdict 无毒 (all ten criteria) ──────────────────────────────────
    # 清溪村: no person to test, talk to or control: C1–C5 are 0/0 and left out; C7 (newly abstinent rising) is 0
    # both years, not applicable, left out; B3 (娱乐场所) nobody surveyed, left out. C6 holds (0 relapses both
    # years: "fell"), D1 no registry error, B1 群众 (农村) 97.8, B2 98.4, B4 100, B5 no event short, checklists
    # 是: 50 of the 50 that apply = 100. Criteria 1–3 hold vacuously, 4–10 are met (checklists, events ≥ 4 a
    # month, no new user): 无毒, passed.
    ("boumei-2023", "清溪村"): Verdict(100, "优秀", False, False, True, True,
                                    excluded=("B3", "C1", "C2", "C3", "C4", "C5", "C7")),
    # 百灵社区: every item is met: B1 97.9, B2 96.5, B3 and B4 100 %, no event short, in-home and total
    # urinalysis 10/10, no missed window (54/54 twice), help 10/10, relapses 0 both years (fell), newly
    # abstinent 2 > 0 (rose), no registry error: 100. Criterion 2 asks abstinence3_rate = 100 % literally
    # (10/22 = 45.5 %: ten persons under a running order, two in 强戒): not 无毒, so not passed, by design.
    ("boumei-2023", "百灵社区"): Verdict(100, "优秀", False, False, False, False),
    # 石桥村: B1 群众 84.8 % < 95, B2 83.1 % < 95, B4 95.8 % < 100 (0 each); B5 8 events short → 10 − 8 = 2; C3 7
    # missed test windows → 3; C4 10 missed talks → 0; C5 帮教率 12/13 → 0; C6 2 relapses vs 1 last year → 0; C7
    # 0 newly abstinent vs 1 → 0. C1 (在家 10/10) and C2 (13/13) are met. Earned 10 (A) + 2 + 7.5 + 7.5 + 3 + 5
    # (D1) + 5 (D2) = 40 of the 95 that apply (B3 left out): 42.11, 不合格. Criteria 1 (失控), 2, 4 (no 帮教小组),
    # 5 (new user), 7 (events), 9 (网格化管理 否) fail.
    ("boumei-2023", "石桥村"): Verdict(42.11, "不合格", False, False, False, False,
                                    {"B1": 0, "B2": 0, "B4": 0, "B5": 2, "C3": 3, "C4": 0, "C5": 0, "C6": 0, "C7": 0},
                                    ("B3",)),
    # 杏林社区: B1 93.5 %, B2 89.6 %, B4 98.8 % miss their 95/95/100 (0 each); B5 4 events short → 6; C3 2 missed
    # windows → 8; C6 1 relapse vs 0 last year → 0; C7 0 vs 1 → 0. Earned 10 + 6 + 7.5 + 7.5 + 8 + 10 + 5 + 5 + 5 =
    # 64 of 95: 67.37, 合格 — but criteria 2 (missed windows, relapse, abstinence3) and 7 (events) fail, so not
    # 无毒 and not passed.
    ("boumei-2023", "杏林社区"): Verdict(67.37, "合格", False, False, False, False,
                                      {"B1": 0, "B2": 0, "B4": 0, "B5": 6, "C3": 8, "C6": 0, "C7": 0}, ("B3",)),
    # 松柏村: B1 群众 (农村) 91.9 %, B2 94.3 % (0 each); B4 100 % (5); C3 1 missed test window → 9; C4 2 missed talks
    # → 8; D1 8 registry errors → 0; C6 0 relapses both years (5); C7 0 both years, left out with B3. Earned 10 +
    # 5 + 10 + 7.5 + 7.5 + 9 + 8 + 5 + 5 + 5 = 72 of 90: 80, 合格; criteria 2 (windows, abstinence3 5/21), 3
    # (registry errors) and 5 (a new user) fail: not passed.
    ("boumei-2023", "松柏村"): Verdict(80, "合格", False, False, False, False,
                                    {"B1": 0, "B2": 0, "C3": 9, "C4": 8, "D1": 0}, ("B3", "C7")),

    # ── county-2021 (seed 000): 100 points, verdict grade (合格 or better); 无毒 by the project's rule ────────────
    # 清溪村: 帮教率 (B1) and 尿检率 (B2) are 0/0, left out; 基准年新增人数 0 cannot be compared (B3 left out);
    # newly abstinent 0 both years (B6 left out); 城镇居民 (C1) and 娱乐场所 (C4) not surveyed, left out. B5
    # relapses 0 both years (fell), B4 no registry error, 农村 97.8 ≥ 80, 外来务工 98.4 ≥ 80, 中小学 100, 群众
    # 97.8, both campaigns, all four groups reached, checklists 是: 60/60 = 100. No ACTIVE person, no new user:
    # 无毒 by the project's rule too.
    ("county-2021", "清溪村"): Verdict(100, "优秀", False, False, True, True,
                                    excluded=("B1", "B2", "B3", "B6", "C1", "C4")),
    # 百灵社区: residents are surveyed as 社区居民, neither 城镇 (C1) nor 农村 (C2): both left out; C6 (群众, which
    # counts 社区居民) 97.9 ≥ 80; 帮教率 and 尿检率 100 %; B3 0 new users against a baseline of 1 (−100 % ≤ −20 %);
    # B5 fell, B6 rose (2 > 0): 90/90 = 100. Not 无毒 (12 ACTIVE persons, P1), which a grade verdict does not need.
    ("county-2021", "百灵社区"): Verdict(100, "优秀", False, False, False, True, excluded=("C1", "C2")),
    # 石桥村: B1 帮教率 92.3 % < 95 (0 of 10); B5 2 relapses vs 1 (0); B6 0 vs 1 newly abstinent (0); C5 中小学生
    # 95.8 % < 100; D1 no June event. B3 is met: one new user against a baseline of 2 is −50 % ≤ −20 %. 尿检率 13/13
    # ≥ 80, 农村 84.8 ≥ 80, 外来务工 83.1 ≥ 80, 群众 84.8 ≥ 80 pass. C1, C4 left out: 60 of 90 = 66.67, 合格, passed.
    ("county-2021", "石桥村"): Verdict(66.67, "合格", False, False, False, True,
                                    {"B1": 0, "B5": 0, "B6": 0, "C5": 0, "D1": 0}, ("C1", "C4")),
    # 杏林社区: B5 1 relapse vs 0 (0), B6 0 vs 1 (0), C5 中小学生 98.8 % < 100 (0); no baseline → B3 left out; C1, C2
    # (社区居民 survey) and C4 left out: 65 of 80 = 81.25, 合格.
    ("county-2021", "杏林社区"): Verdict(81.25, "合格", False, False, False, True,
                                      {"B5": 0, "B6": 0, "C5": 0}, ("B3", "C1", "C2", "C4")),
    # 松柏村: B4 8 registry errors (0 of 5); no baseline → B3 left out; newly abstinent 0 both years → B6 left out;
    # C1, C4 left out; everything else met (中小学生 100 % this time): 75 of 80 = 93.75, 优秀 — but the registry
    # has errors, so not passed (底数清).
    ("county-2021", "松柏村"): Verdict(93.75, "优秀", False, False, False, False, {"B4": 0}, ("B3", "B6", "C1", "C4")),

    # ── baiyun-2022 (seed 001): four parts × 25, verdict grade; 场所责任状 is an ordinary item (D6) ────────────
    # 清溪村: every checklist 是, no registry error, 61 events (≥ 20) and 8,458 handouts (≥ 500), both campaigns,
    # 0 ‰ (≤ 1 ‰ band: 25); 管控率 (D1), 执行率 (D3) and 戒断三年率 (D4) are 0/0 and left out; 0 失控 (D2), venues
    # signed and with measures: 85/85 = 100. 无毒 by the project's rule.
    ("baiyun-2022", "清溪村"): Verdict(100, "优秀", False, False, True, True, excluded=("D1", "D3", "D4")),
    # 百灵社区: C1 12/6420 = 1.87 ‰ falls in the ≤ 2 ‰ band (20 of 25); D4 abstinence3 45.5 % < 90 % (0 of 5): 90.
    ("baiyun-2022", "百灵社区"): Verdict(90, "优秀", False, False, False, True, {"C1": 20, "D4": 0}),
    # 石桥村: B2 no June event (0 of 5); C1 5.84 ‰ is above every band (0 of 25); D1 管控率 12/13 and D2 one person
    # 失控 (the report names both, so both lose 5); D4 30.4 % (0 of 5); D6 石桥网吧 has no 责任状 (0 of 2.5):
    # 100 − 5 − 25 − 5 − 5 − 5 − 2.5 = 52.5, 不合格. No veto: the 责任状's 一票否决 binds the venue.
    ("baiyun-2022", "石桥村"): Verdict(52.5, "不合格", False, False, False, False,
                                    {"B2": 0, "C1": 0, "D1": 0, "D2": 0, "D4": 0, "D6": 0}),
    # 杏林社区: C1 2.88 ‰ → ≤ 3 ‰ band (15); D4 39.1 % (0); D5 measures 2/3 (0 of 2.5): 100 − 10 − 5 − 2.5 = 82.5.
    ("baiyun-2022", "杏林社区"): Verdict(82.5, "合格", False, False, False, True, {"C1": 15, "D4": 0, "D5": 0}),
    # 松柏村: A4 8 registry errors (0); C1 16/3310 = 4.83 ‰ → ≤ 5 ‰ band (10); D4 23.8 % (0): 100 − 5 − 15 − 5 =
    # 75, 合格; not passed (registry errors).
    ("baiyun-2022", "松柏村"): Verdict(75, "合格", False, False, False, False, {"A4": 0, "C1": 10, "D4": 0}),

    # ── zhongkai-2015 (seed 003): six checklist vetoes, 100 points, verdict 无毒 (P1–P4 and the six main standards) ─
    # Every sample's 自查项目 says 是 to the six main standards, so no veto fires; but P1 (no ACTIVE person) fails
    # for every sample with users, so only 清溪村 is 无毒 and passes.
    # 清溪村: 执行率 (C2) and 就业 (C3) are 0/0 and left out; 0 失控, no registry error, 61 events (≥ 10), 群众 97.8
    # ≥ 90: 80/80 = 100.
    ("zhongkai-2015", "清溪村"): Verdict(100, "优秀", False, False, True, True, excluded=("C2", "C3")),
    # 百灵社区: C3 就业 70 % → the ≥ 60 % band (5 of 10): 95; 12 ACTIVE persons (P1): not 无毒, not passed.
    ("zhongkai-2015", "百灵社区"): Verdict(95, "优秀", False, False, False, False, {"C3": 5}),
    # 石桥村: C1 one person 失控 (0 of 10); C3 就业 38.5 % below both bands (0 of 10); D2 群众 84.8 % → the ≥ 80 %
    # band (5 of 10): 75, 合格; P1 (ACTIVE), P2 (new user) and P4 (D2 not full) fail: not 无毒, not passed.
    ("zhongkai-2015", "石桥村"): Verdict(75, "合格", False, False, False, False, {"C1": 0, "C3": 0, "D2": 5}),
    # 杏林社区: 0 失控, every order reported, 就业 100 %, no registry error, 52 events, 群众 93.5 % ≥ 90: 100; P1 fails.
    ("zhongkai-2015", "杏林社区"): Verdict(100, "优秀", False, False, False, False),
    # 松柏村: C4 8 registry errors (0 of 5): 95; P1, P2 fail, and the registry has errors: not passed.
    ("zhongkai-2015", "松柏村"): Verdict(95, "优秀", False, False, False, False, {"C4": 0}),
}


# The 无毒 criteria that fail (ids as in each standard's drug_free section), worked out from the same numbers:
# boumei's 1 (失控), 2 (help, windows, relapses, abstinence3 100 %), 3 (registry errors), 4 (帮教小组), 5 (new user),
# 7 (events every month), 9 (网格化管理); the project's P1 (ACTIVE), P2 (new user), P4 (a checklist or prevention
# item of the standard not met: 石桥村's missing June event and 中小学生 知晓率, zhongkai's 群众 知晓率 band; 杏林社区's
# 中小学生 知晓率 under county-2021).
FAILED_CRITERIA: dict[tuple[str, str], tuple[str, ...]] = {
    ("boumei-2023", "清溪村"): (), ("boumei-2023", "百灵社区"): ("2",),
    ("boumei-2023", "石桥村"): ("1", "2", "4", "5", "7", "9"), ("boumei-2023", "杏林社区"): ("2", "7"),
    ("boumei-2023", "松柏村"): ("2", "3", "5"),
    ("county-2021", "清溪村"): (), ("county-2021", "百灵社区"): ("P1",), ("county-2021", "石桥村"): ("P1", "P2", "P4"),
    ("county-2021", "杏林社区"): ("P1", "P4"), ("county-2021", "松柏村"): ("P1", "P2"),
    ("baiyun-2022", "清溪村"): (), ("baiyun-2022", "百灵社区"): ("P1",), ("baiyun-2022", "石桥村"): ("P1", "P2", "P4"),
    ("baiyun-2022", "杏林社区"): ("P1",), ("baiyun-2022", "松柏村"): ("P1", "P2"),
    ("zhongkai-2015", "清溪村"): (), ("zhongkai-2015", "百灵社区"): ("P1",),
    ("zhongkai-2015", "石桥村"): ("P1", "P2", "P4"), ("zhongkai-2015", "杏林社区"): ("P1",),
    ("zhongkai-2015", "松柏村"): ("P1", "P2"),
}


@functools.cache
def sample(name: str):
    return read_ledger(SAMPLES / f"{name}.xlsx", today=TODAY, as_of=AS_OF)


def test_every_sample_under_every_builtin_is_expected():
    names = {p.stem for p in SAMPLES.glob("*.xlsx")}
    assert set(EXPECTED) == {(s, n) for s in builtin_names() for n in names} == set(FAILED_CRITERIA)


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
    assert tuple(c.id for c in result.criteria if not c.passed) == FAILED_CRITERIA[(standard, name)]
