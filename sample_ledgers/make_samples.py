#!/usr/bin/env python
"""Make the five sample ledgers of 青禾镇 (所属县（区）: 云岭县), assessment year 2025.

    python sample_ledgers/make_samples.py [OUTDIR]      (default: the folder this script is in)

Every person, record and event is fictional: names and ID numbers come from `nodrug_cli.fake.FakePeople`
(valid checksums, region codes 99xxxx that do not exist), every other choice from `random.Random(seed)`.
People are generated whole (a status, the dates that go with it) and their tests and talks follow the
windows rule of DOMAIN.md §5: two-month windows anchored at the order start (措施开始日期, else 首次登记日期),
running across year ends; a window is due in 2025 when its last day falls in 2025, so the window that
straddles 1 January gets its records anywhere inside it, late 2024 included. Events are generated month by
month. Workbook properties and the zip entries' timestamps are fixed, so a rerun writes the same bytes
(given the same openpyxl and zlib).
Every 自查项目 sheet lists each checklist item that some built-in standard reads (the union of
`checklist_items()` over `nodrug_cli.standards.load.builtin_names()`), so a sample scored under any
built-in standard has no "未自查" item; a new built-in standard's items appear after a rerun.

The samples (as of 2025-12-31):

1. 清溪村 — no registered users (吸毒人员 has its header only); ≥ 4 events every month including a June
   (6·26) event and a September event for 中小学生, high awareness, every venue signed, every 自查项目 是.
   无毒 with nobody registered: seed 002's criteria 1–3 hold vacuously and its work criteria 4–10 are met.
   No findings.
2. 百灵社区 — has users and meets every one of seed 002's ten criteria that a community with users can
   meet: no 失控, every 社区戒毒/社区康复 order reported within 15 days, every DUE person tested and
   talked to in every two-month window due in 2025 (one window across 1 January met by December 2024
   records only) and never 阳性, 帮教小组 是, no new users in 2025, more persons completing three abstinent
   years in 2025 than in 2024 (年度脱毒人数逐年增加), ≥ 4 events a month, high awareness, venues signed,
   checklist all 是. It also holds a 社区康复 person whose last use is more than three years back (still
   DUE: a running order is never ABSTINENT3) and a 戒断未满三年 person three years clean and 在控
   (ABSTINENT3 by the last-use route, newly abstinent in 2025). No findings.
   NOTE: criterion 2 read literally also asks abstinence3_rate = 100 % (“现有吸毒人员戒断巩固三年以上”),
   and a community with anyone under a running order cannot meet it; 百灵社区 fails that one sub-item by
   construction and meets everything else. An office that reads the criterion loosely edits that one line
   of the shipped standard.
3. 石桥村 — a clean ledger (no findings) of a community that fails several criteria: a 失控 person (under a
   社区康复 order whose last use is more than three years back), a person with no talks in 2025, missed
   test windows, 阳性 tests in 2025 (one of them by a person sent to 强戒 afterwards) and one in 2024 (last
   year's relapse), a user first registered in 2025, months with < 4 events and none at all in June, a
   venue without 责任状, a 自查项目 row 否.
4. 杏林社区 — messy but valid, like a clerk's own file: alias sheet names and headers, a merged title row
   and a blank row above each header, a 序号 column, text dates in several forms mixed with real
   dates, full-width digits, results written -/（+）, 帮教小组 as √/×, a 合计 row, a blank row and a
   注： row below the data. No findings.
5. 松柏村 — the errors a clerk really makes, each at a designed cell (see SONGBAI_* below): IDs stored
   as numbers, bad checksums, a letter inside an ID, an unknown status, a 社区戒毒 person without
   措施开始日期, a date that does not exist, a sex that disagrees with the ID, a person registered
   twice, 知晓人数 > 调查人数, a negative 参与人数, an orphan test, a test dated before the person's
   registration, a test entered twice. The 吸毒人员 rows with errors stay in the person sets (DOMAIN.md §2,
   §4); the 社区戒毒 row without 措施开始日期 is anchored at its 首次登记日期, ten days before the order date
   the worker followed, so one test window and two talk windows of that person are missed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import random
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from nodrug_cli.fake import FakePeople
from nodrug_cli.standards.load import DEFAULT_STANDARD, builtin_names, load_standard

YEAR = 2025
JAN1 = dt.date(YEAR, 1, 1)
AS_OF = dt.date(YEAR, 12, 31)
FIXED_TIME = dt.datetime(2025, 12, 31, 18, 0, 0)
ZIP_TIME = (2025, 12, 31, 18, 0, 0)
TOWN, COUNTY = "青禾镇", "云岭县"
DAY = dt.timedelta(days=1)
THREE_YEARS_BEFORE_T = dt.date(YEAR - 3, 12, 31)  # T − 3 years: a last use on or before it is three years back

SAMPLES = ("清溪村", "百灵社区", "石桥村", "杏林社区", "松柏村")

# 松柏村: where each designed error sits (Excel rows; the headers are on row 1).
SONGBAI_NUMERIC_ID_ROWS = (5, 14)
SONGBAI_BAD_CHECKSUM_ROWS = (8, 19)
SONGBAI_LETTER_ID_ROW = 11
SONGBAI_SEX_MISMATCH_ROW = 7
SONGBAI_UNKNOWN_STATUS_ROW = 16
SONGBAI_NO_MEASURE_DATE_ROW = 21
SONGBAI_REGISTERED_2025_ROW = 23  # the person whose test predates the registration
SONGBAI_DUPLICATED_ROW = 9  # registered twice: copied to the row after the last person
SONGBAI_TEST_ORPHAN_ROW = 12
SONGBAI_TEST_DUPLICATE_ROW = 21  # copies the test on the row above
SONGBAI_TEST_BAD_DATE_ROW = 33
SONGBAI_TEST_EARLY_ROW = 40
SONGBAI_SURVEY_EXCESS_ROW = 5
SONGBAI_EVENT_NEGATIVE_ROW = 15

PERSON_COLUMNS = [
    "姓名", "身份证号", "性别", "出生日期", "所属村（社区）", "人员状态", "状态起始日期", "刑期（月）", "居住状态",
    "管控状态", "首次登记日期", "措施开始日期", "协议签订日期", "最近吸毒日期", "出所日期", "帮教小组", "帮教责任人",
    "就业情况",
]
TEST_COLUMNS = ["身份证号", "姓名", "检测日期", "检测方式", "检测结果", "检测单位"]
TALK_COLUMNS = ["身份证号", "姓名", "谈话日期", "谈话人", "谈话内容"]
EVENT_COLUMNS = ["活动日期", "活动名称", "活动形式", "对象群体", "地点", "参与人数", "发放资料（份）", "悬挂标语（条）", "负责人"]
SURVEY_COLUMNS = ["调查日期", "人群类别", "调查人数", "知晓人数"]
VENUE_COLUMNS = ["场所名称", "场所类型", "责任状", "防范措施落实", "最近检查日期"]
CHECK_COLUMNS = ["编号", "项目", "是否落实", "佐证材料", "备注"]

# 佐证材料 written beside each 自查项目 (an item no entry names gets CHECKLIST_PROOF_DEFAULT).
CHECKLIST_PROOFS = {
    "禁毒机构和机制健全": "禁毒工作领导小组成立文件、专干聘任文件",
    "完成上级下达的打击指标": "派出所出具的打击整治情况说明",
    "创建工作档案规范完整": "创建工作档案目录及台账汇编",
    "无制毒贩毒种毒": "铲毒踏查记录、派出所出具的情况说明",
    "层层签订禁毒责任状": "村（社区）与网格、家庭签订的责任状汇编",
    "14类涉毒重点人员摸排": "摸排登记表及核查记录",
    "禁毒教育阵地": "禁毒宣传长廊照片、阵地建设台账",
    "网格化管理": "网格划分图、网格员名册、巡防记录",
    "移风易俗、村规民约": "村规民约文本（含禁毒条款）、会议记录",
    "禁毒工作场所": "禁毒工作站（室）照片、设施清单",
    "禁毒人员配备": "禁毒专干、禁毒社工、禁毒志愿者名册",
    "一人一档": "涉毒人员个人档案目录",
    "无制毒窝点": "派出所出具的情况说明",
    "无贩毒团伙和网络": "派出所出具的情况说明",
    "无在逃涉毒骨干犯罪分子和制毒师傅": "派出所出具的在逃人员核查说明",
    "无娱乐场所涉毒": "场所检查记录、派出所出具的情况说明",
    "无易制毒化学品和麻精药品企业失管失控": "易制毒化学品、麻精药品企业检查记录",
    "无聚众吸毒事件": "派出所出具的情况说明",
    "吸毒人员增幅低于全省平均水平": "区禁毒委通报的毒情数据",
    "打击水平高于全省平均水平": "区禁毒委通报的打击整治数据",
}
CHECKLIST_PROOF_DEFAULT = "相关工作台账、照片"


def checklist_items() -> list[str]:
    """Every 自查项目 some built-in standard reads (the default standard's first, then the others by name),
    so that each sample can be scored under every built-in standard without "未自查" items."""
    names = [DEFAULT_STANDARD] + [n for n in builtin_names() if n != DEFAULT_STANDARD]
    return list(dict.fromkeys(item for n in names for item in load_standard(n).checklist_items()))


CHECKLIST = [(item, CHECKLIST_PROOFS.get(item, CHECKLIST_PROOF_DEFAULT)) for item in checklist_items()]
TALK_TOPICS = [
    "了解近期生活和就业情况，重申社区戒毒（康复）协议要求", "家访，与家属沟通帮教措施", "提醒按时尿检，讲解复吸危害",
    "了解身体状况，告知美沙酮维持治疗政策", "协助办理就业登记，鼓励参加技能培训", "节前谈话，告知外出报备规定",
]
TEST_UNITS = [f"{TOWN}社区戒毒社区康复工作站", f"{TOWN}派出所"]


# ── dates ──────────────────────────────────────────────────────────────────────────────────────────
def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, keeping the day of month and clamping it to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def windows(anchor: dt.date, months: int, until: dt.date = AS_OF) -> list[tuple[dt.date, dt.date]]:
    """The DOMAIN.md §5 windows [start, end) from `anchor`, every one that starts on or before `until`. The
    samples' schedule has one entry (every `months` months), so the program year never changes the step."""
    out, start, i = [], anchor, 0
    while start <= until:
        i += 1
        end = add_months(anchor, months * i)
        out.append((start, end))
        start = end
    return out


def due_windows(anchor: dt.date, months: int = 2) -> list[tuple[dt.date, dt.date]]:
    """The windows due in 2025 (DOMAIN.md §5): those whose last day (end − 1 day) falls in [1 Jan, T]. The first
    may start in 2024 (it straddles 1 January) and is met by a record inside it, before 1 January included."""
    return [(start, end) for start, end in windows(anchor, months) if JAN1 <= end - DAY <= AS_OF]


def between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def days_in(rng: random.Random, first: dt.date, last: dt.date, count: int) -> list[dt.date]:
    """`count` distinct days in [first, last], sorted (fewer when the span is short)."""
    span = (last - first).days + 1
    if span <= 0:
        return []
    return [first + dt.timedelta(days=d) for d in sorted(rng.sample(range(span), min(count, span)))]


# ── people ─────────────────────────────────────────────────────────────────────────────────────────
@dataclass
class Person:
    name: str
    ident: str
    sex: str
    birth: dt.date
    status: str
    registered: dt.date
    status_since: dt.date | None = None
    sentence: int | None = None
    residence: str = "在家"
    control: str = "在控"
    measure_start: dt.date | None = None
    agreement: dt.date | None = None
    last_use: dt.date | None = None
    released: dt.date | None = None
    group: bool | None = None
    helper: str | None = None
    employment: str | None = None
    # how the worker's records for this person go in 2025
    skip_test_windows: tuple[int, ...] = ()
    skip_talk_windows: tuple[int, ...] = ()
    no_talks: bool = False
    records_stop: dt.date | None = None  # no records after this day (the person went missing)
    positive_on: dt.date | None = None
    yearly_test: bool = False  # an abstinent person's one check-up test of the year
    straddle_in_2024: bool = False  # the window across 1 January is met by records dated in 2024 only
    extra_tests: list[tuple[dt.date, str]] = field(default_factory=list)  # (day, result) outside the windows

    @property
    def due(self) -> bool:
        """DUE (DOMAIN.md §4): a running order, whatever the last use; or 戒断未满三年 not yet three years clean
        and 在控 (the last-use route to ABSTINENT3). No sample gives such a person a 阳性 within three years."""
        if self.status in ("社区戒毒", "社区康复"):
            return True
        clean = self.last_use is not None and self.last_use <= THREE_YEARS_BEFORE_T and self.control == "在控"
        return self.status == "戒断未满三年" and not clean

    def anchor(self) -> dt.date:
        """The windows' anchor a (DOMAIN.md §5): 措施开始日期, else 首次登记日期 — never clamped to 1 January."""
        return self.measure_start or self.registered


def new_person(fp: FakePeople, rng: random.Random, status: str, helpers: list[str], *,
               registered_in: int | None = None, employment_rate: float = 0.8) -> Person:
    """A whole fictional person in `status`, with dates that agree with each other."""
    name, ident, sex, birth = fp.person(1966, 1999)
    adult = add_years(birth, 18)
    earliest = max(dt.date(2008, 1, 1), adult)
    p = Person(name, ident, sex, birth, status, registered=earliest)
    if status == "社区戒毒":
        if registered_in:  # a new user: found (and registered) this year, ordered into 社区戒毒 days later
            first_found = between(rng, dt.date(registered_in, 3, 1), dt.date(registered_in, 9, 30))
            p.measure_start = first_found + dt.timedelta(days=rng.randint(2, 12))
            p.registered = first_found
        else:  # found (perhaps again, after an earlier registration) and ordered in the last three years
            p.measure_start = between(rng, dt.date(2023, 2, 1), dt.date(2024, 11, 30))
            first_found = p.measure_start - dt.timedelta(days=rng.randint(3, 15))
            p.registered = first_found if rng.random() < 0.6 else between(rng, earliest, first_found)
        p.last_use = first_found - dt.timedelta(days=rng.randint(0, 7))
        p.agreement = p.measure_start + dt.timedelta(days=rng.randint(1, 12))
        p.status_since = p.measure_start
    elif status == "社区康复":
        p.last_use = between(rng, dt.date(2023, 1, 20), dt.date(2023, 9, 30))
        p.released = p.last_use + dt.timedelta(days=rng.randint(540, 720))
        p.measure_start = p.released
        p.agreement = p.measure_start + dt.timedelta(days=rng.randint(1, 10))
        p.status_since = p.measure_start
        p.registered = between(rng, earliest, p.last_use)
    elif status == "戒断未满三年":
        p.last_use = between(rng, dt.date(2023, 3, 1), dt.date(2024, 6, 30))
        p.registered = between(rng, earliest, p.last_use)
        p.status_since = p.last_use + dt.timedelta(days=rng.randint(200, 400))
    elif status == "戒断三年未复吸":
        p.last_use = between(rng, max(earliest, dt.date(2012, 1, 1)), dt.date(2021, 12, 31))
        p.registered = between(rng, earliest, p.last_use)
        p.status_since = add_years(p.last_use, 3)
        p.yearly_test = rng.random() < 0.5
    elif status == "强制隔离戒毒":
        p.status_since = between(rng, dt.date(2024, 3, 1), dt.date(2025, 8, 31))
        p.last_use = p.status_since - dt.timedelta(days=rng.randint(1, 6))
        p.registered = between(rng, earliest, min(p.last_use, dt.date(2024, 12, 31)))
    elif status == "服刑":
        p.status_since = between(rng, dt.date(2022, 1, 1), dt.date(2024, 12, 31))
        p.sentence = rng.choice([18, 24, 42, 60])
        p.last_use = p.status_since - dt.timedelta(days=rng.randint(30, 300))
        p.registered = between(rng, earliest, p.last_use)
    else:  # 死亡, 出国（境）, 户口迁出, 下落不明
        p.status_since = between(rng, dt.date(2020, 1, 1), dt.date(2024, 10, 31))
        p.registered = between(rng, earliest, p.status_since - dt.timedelta(days=200))
        p.last_use = between(rng, p.registered, p.status_since)
    if p.due:
        p.group = True
        p.helper = rng.choice(helpers)
        p.employment = "就业" if rng.random() < employment_rate else "未就业"
        p.residence = "外出" if rng.random() < 0.1 else "在家"
    elif status == "戒断三年未复吸":
        p.group = rng.random() < 0.5
        p.employment = "就业" if rng.random() < 0.85 else "未就业"
    return p


def set_last_use(p: Person, day: dt.date) -> Person:
    """Move a person's 最近吸毒日期 to `day` and the dates that follow from it (registration never after it)."""
    p.last_use, p.registered = day, min(p.registered, day)
    if p.status == "社区康复":  # two years of 强戒, then the 社区康复 order
        p.released = p.measure_start = p.status_since = day + dt.timedelta(days=730)
        p.agreement = p.measure_start + dt.timedelta(days=6)
    elif p.status == "戒断未满三年":
        p.status_since = day + dt.timedelta(days=300)
    elif p.status == "戒断三年未复吸":
        p.status_since = add_years(day, 3)
    return p


def three_years_done(persons: list[Person], year: int) -> list[Person]:
    """The persons who completed three abstinent years in `year` (DOMAIN.md §5 newly_abstinent, as the design
    sees it): ABSTINENT3 at T (戒断三年未复吸, or 戒断未满三年 three years clean and 在控), last use + 3 years in it."""
    return [p for p in persons if p.status in ("戒断三年未复吸", "戒断未满三年") and not p.due and p.last_use
            and add_years(p.last_use, 3).year == year]


def person_row(p: Person, village: str) -> list:
    return [
        p.name, p.ident, p.sex, p.birth, village, p.status, p.status_since, p.sentence, p.residence, p.control,
        p.registered, p.measure_start, p.agreement, p.last_use, p.released,
        None if p.group is None else ("是" if p.group else "否"), p.helper, p.employment,
    ]


@dataclass
class Record:
    person: Person
    day: dt.date
    kind: str  # test | talk
    method: str = "尿检"
    result: str = "阴性"
    by: str = ""
    text: str = ""


def person_records(rng: random.Random, p: Person, workers: list[str]) -> list[Record]:
    """A DUE person's tests and talks: one of each in every two-month window due in 2025 (two tests a window in
    the first year of a 社区戒毒 order), minus the windows the design skips (`skip_*` count the windows due in
    2025 from 0). The window across 1 January gets its records anywhere inside it, 2024 included."""
    out: list[Record] = []
    if p.due:
        stop = min(AS_OF, p.records_stop or AS_OF)
        for i, (start, end) in enumerate(due_windows(p.anchor(), 2)):
            first, last = max(start, p.registered), min(end - DAY, stop)
            if p.straddle_in_2024 and start < JAN1:
                last = min(last, JAN1 - DAY)
            if first > last:
                continue
            if i not in p.skip_test_windows:
                first_year = p.status == "社区戒毒" and p.measure_start and start < add_years(p.measure_start, 1)
                count = (2 if first_year else 1) + (rng.random() < 0.15)
                for day in days_in(rng, first, last, count):
                    method = "毛发检测" if rng.random() < 0.08 else "尿检"
                    out.append(Record(p, day, "test", method))
            if not p.no_talks and i not in p.skip_talk_windows:
                for day in days_in(rng, first, last, 1):
                    out.append(Record(p, day, "talk", by=rng.choice([p.helper or workers[0], workers[0]]),
                                      text=rng.choice(TALK_TOPICS)))
    elif p.yearly_test:
        out.append(Record(p, between(rng, dt.date(YEAR, 3, 1), dt.date(YEAR, 11, 30)), "test"))
    if p.positive_on:
        tests = [r for r in out if r.kind == "test"]
        hit = min(tests, key=lambda r: abs((r.day - p.positive_on).days))
        hit.day, hit.result, hit.method = p.positive_on, "阳性", "尿检"
    out += [Record(p, day, "test", result=result) for day, result in p.extra_tests]
    return out


# ── events, surveys, venues, checklist ─────────────────────────────────────────────────────────────
EVENT_TEMPLATES = [
    ("禁毒知识进万家入户宣传", "进家庭", "社区居民", "{home}"),
    ("禁毒法律法规集中宣传", "集中宣传", "社区居民、外来务工人员", "{square}"),
    ("新型毒品识别专题讲座", "讲座", "社区居民", "{hall}"),
    ("禁毒展板巡回展览", "展览", "社区居民、中小学生", "{square}"),
    ("禁毒微信知识竞答", "线上", "社区居民、外来务工人员", "线上"),
    ("禁毒宣传进企业", "进企业", "企业职工、外来务工人员", "{firm}"),
    ("禁毒宣传进场所", "进场所", "娱乐场所从业人员", "{venue}"),
    ("禁毒文艺汇演", "文艺演出", "社区居民", "{square}"),
    ("禁毒志愿者进社区宣传", "进社区", "社区居民、社会闲散人员", "{hall}"),
    ("禁毒知识讲座进校园", "进校园", "中小学生", "{school}"),
]
JUNE_EVENT = ("“6·26”国际禁毒日集中宣传", "集中宣传", "社区居民、中小学生、外来务工人员", "{square}")
SEPTEMBER_EVENT = ("开学第一课·禁毒教育进校园", "进校园", "中小学生", "{school}")


def make_events(rng: random.Random, places: dict, counts: dict[int, int], leaders: list[str],
                june: bool = True, school_start: bool = True) -> list[list]:
    """Events month by month (`counts[month]` of them), sorted by date; June gets its 6·26 event and
    September its school-start event unless switched off."""
    rows = []
    for month, count in counts.items():
        if count == 0:
            continue
        last = min(dt.date(YEAR, month, calendar.monthrange(YEAR, month)[1]), AS_OF)
        days = days_in(rng, dt.date(YEAR, month, 1), last, count)
        fixed = []
        if month == 6 and june:
            fixed.append((dt.date(YEAR, 6, 26), JUNE_EVENT))
        if month == 9 and school_start:
            fixed.append((dt.date(YEAR, 9, rng.randint(2, 10)), SEPTEMBER_EVENT))
        days = [d for d in days if d not in {f[0] for f in fixed}][: count - len(fixed)]
        chosen = fixed + [(d, rng.choice(EVENT_TEMPLATES)) for d in days]
        for day, (name, form, audience, place) in chosen:
            online = form == "线上"
            people = rng.randint(200, 600) if online else rng.randint(25, 180)
            handouts = 0 if online else rng.randint(30, 300)
            banners = 0 if online or form in ("进家庭", "讲座") else rng.randint(1, 6)
            rows.append([day, name, form, audience, place.format(**places), people, handouts, banners,
                         rng.choice(leaders)])
    rows.sort(key=lambda r: r[0])
    return rows


def make_surveys(rng: random.Random, plan: dict[str, tuple[float, float]], dates: list[dt.date]) -> list[list]:
    """One row per surveyed group on each date; the known share drawn from the group's (low, high) range."""
    rows = []
    for day in dates:
        for group, (low, high) in plan.items():
            surveyed = rng.randint(30, 60) if group in ("中小学生", "娱乐场所从业人员") else rng.randint(60, 150)
            aware = min(surveyed, round(surveyed * rng.uniform(low, high)))
            rows.append([day, group, surveyed, aware])
    return rows


def checklist_rows(answers: dict[str, str] | None = None, notes: dict[str, str] | None = None) -> list[list]:
    answers, notes = answers or {}, notes or {}
    return [[str(i), item, answers.get(item, "是"), proof, notes.get(item)]
            for i, (item, proof) in enumerate(CHECKLIST, 1)]


def info_rows(name: str, population: int, floating: int, granted: bool, baseline: int | None = None) -> list[list]:
    rows = [["社区名称", name], ["所属镇（街道）", TOWN], ["所属县（区）", COUNTY], ["评估年度", YEAR],
            ["常住人口", population], ["流动人口", floating], ["是否已授牌", "是" if granted else "否"]]
    if baseline is not None:
        rows.append(["基准年新增人数", baseline])
    return rows


# ── writing ────────────────────────────────────────────────────────────────────────────────────────
@dataclass
class Sheet:
    name: str
    rows: list[list]
    header_row: int = 1  # Excel row of the header (formats and widths start there)
    text_columns: tuple[str, ...] = ("身份证号", "公民身份号码")
    merged: list[str] = field(default_factory=list)
    title: bool = False  # row 1 is a title row


def save(path: Path, sheets: list[Sheet]) -> Path:
    """Write `sheets` to `path` with fixed properties and zip timestamps (same content → same bytes)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for spec in sheets:
        ws = book.create_sheet(spec.name)
        for row in spec.rows:
            ws.append(row)
        header = spec.rows[spec.header_row - 1] if len(spec.rows) >= spec.header_row else []
        widths = {}
        for c, head in enumerate(header, 1):
            letter = get_column_letter(c)
            column_cells = [ws.cell(r, c) for r in range(spec.header_row, ws.max_row + 1)]
            for cell in column_cells[1:]:
                if head in spec.text_columns and isinstance(cell.value, str):
                    cell.number_format = "@"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
            longest = max((_display_width(cell.value) for cell in column_cells), default=4)
            widths[letter] = min(40, max(6, longest + 2))
        for letter, width in widths.items():
            ws.column_dimensions[letter].width = width
        for ref in spec.merged:
            ws.merge_cells(ref)
        if spec.title:
            ws["A1"].font = Font(bold=True, size=14)
            ws["A1"].alignment = Alignment(horizontal="center")
        if spec.header_row and header:
            for c in range(1, len(header) + 1):
                ws.cell(spec.header_row, c).font = Font(bold=True)
    book.properties.creator = "nodrug sample_ledgers/make_samples.py"
    book.properties.lastModifiedBy = "nodrug sample_ledgers/make_samples.py"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    staging = io.BytesIO()
    archive = zipfile.ZipFile(staging, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(book, archive).save()  # not book.save(): that stamps `modified` with the clock
    final = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(staging.getvalue())) as src, zipfile.ZipFile(final, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    path.write_bytes(final.getvalue())
    return path


def _display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def standard_sheets(info: list[list], persons: list[list], tests: list[list], talks: list[list], events: list[list],
                    surveys: list[list], venues: list[list], checks: list[list]) -> list[Sheet]:
    return [
        Sheet("社区概况", [["项目", "内容"], *info]),
        Sheet("吸毒人员", [PERSON_COLUMNS, *persons]),
        Sheet("尿检记录", [TEST_COLUMNS, *tests]),
        Sheet("谈话记录", [TALK_COLUMNS, *talks]),
        Sheet("宣传活动", [EVENT_COLUMNS, *events]),
        Sheet("知晓率调查", [SURVEY_COLUMNS, *surveys]),
        Sheet("重点场所", [VENUE_COLUMNS, *venues]),
        Sheet("自查项目", [CHECK_COLUMNS, *checks]),
    ]


def record_rows(records: list[Record], rng: random.Random) -> tuple[list[list], list[list]]:
    """(test rows, talk rows) in date order, as the standard sheets hold them."""
    records = sorted(records, key=lambda r: (r.day, r.person.registered, r.person.ident))
    tests = [[r.person.ident, r.person.name, r.day, r.method, r.result, rng.choice(TEST_UNITS)]
             for r in records if r.kind == "test"]
    talks = [[r.person.ident, r.person.name, r.day, r.by, r.text] for r in records if r.kind == "talk"]
    return tests, talks


def places_of(name: str, village: bool) -> dict:
    return {
        "home": f"{name}各{'村民小组' if village else '小区'}", "square": f"{name}文化广场",
        "hall": f"{name}{'村委会' if village else '居委会'}会议室", "firm": f"{TOWN}工业园区",
        "venue": f"{name}辖区娱乐场所", "school": f"{TOWN}中心小学" if village else f"{TOWN}第二中学",
    }


FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789-"}


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


# ── 1. 清溪村 ───────────────────────────────────────────────────────────────────────────────────────
def qingxi(out: Path) -> Path:
    name, seed = "清溪村", 101
    rng, fp = random.Random(seed), FakePeople(seed, region="992301")
    staff = [fp.name() for _ in range(3)]
    counts = {m: rng.randint(4, 6) for m in range(1, 13)}
    events = make_events(rng, places_of(name, True), counts, staff)
    surveys = make_surveys(rng, {"农村居民": (0.95, 0.99), "中小学生": (1.0, 1.0), "外来务工人员": (0.95, 0.99)},
                           [dt.date(YEAR, 4, 18), dt.date(YEAR, 10, 21)])
    venues = [["清溪农家乐", "其他", "是", "是", dt.date(YEAR, 11, 12)],
              ["清溪客栈", "宾馆", "是", "是", dt.date(YEAR, 11, 12)],
              ["云溪网吧", "网吧", "是", "是", dt.date(YEAR, 10, 28)]]
    sheets = standard_sheets(info_rows(name, 1860, 124, True, baseline=0), [], [], [], events, surveys, venues,
                             checklist_rows())
    return save(out / f"{name}.xlsx", sheets)


# ── 2. 百灵社区 ─────────────────────────────────────────────────────────────────────────────────────
def bailing(out: Path) -> Path:
    name, seed = "百灵社区", 202
    rng, fp = random.Random(seed), FakePeople(seed, region="992302")
    staff = [fp.name() for _ in range(4)]
    plan = (["社区戒毒"] * 4 + ["社区康复"] * 5 + ["戒断三年未复吸"] * 8 + ["强制隔离戒毒"] * 2 + ["死亡"] * 2
            + ["出国（境）"])
    rng.shuffle(plan)
    persons = [new_person(fp, rng, status, staff, employment_rate=0.85) for status in plan]
    # What the rules of DOMAIN.md §4–§5 need to be seen working (appended, so the persons above stay as they were):
    # a 社区康复 order whose last use is more than three years back — still DUE, never ABSTINENT3 (issue 13);
    # a 戒断未满三年 person three years clean on 2025-08-09, ABSTINENT3 by the last-use route (the status not yet
    # updated); a 戒断三年未复吸 person whose three years ended on 2025-03-02. Both are newly abstinent in 2025.
    old_order = set_last_use(new_person(fp, rng, "社区康复", staff, employment_rate=0.85), dt.date(2022, 5, 17))
    reached = set_last_use(new_person(fp, rng, "戒断未满三年", staff), dt.date(2022, 8, 9))
    reached.yearly_test = True
    persons += [old_order, reached, set_last_use(new_person(fp, rng, "戒断三年未复吸", staff), dt.date(2022, 3, 2))]
    assert old_order.due and old_order.last_use <= THREE_YEARS_BEFORE_T and not reached.due
    assert len(three_years_done(persons, YEAR)) > len(three_years_done(persons, YEAR - 1))  # 年度脱毒人数逐年增加
    # 社区戒毒 orders that began in 2025 would mean new users; keep every registration before 2025
    assert all(p.registered < JAN1 for p in persons)
    assert all((p.agreement - p.measure_start).days <= 15 for p in persons if p.measure_start)
    # the worker met the window across 1 January of the first DUE person whose window starts well before it in
    # December 2024 only: a record before 1 January still counts for a window that ends in 2025
    straddler = next(p for p in persons if p.due and due_windows(p.anchor())[0][0] <= dt.date(YEAR - 1, 12, 10))
    straddler.straddle_in_2024 = True
    records = [r for p in persons for r in person_records(rng, p, staff)]
    _check_every_window(persons, records)
    assert any(r.person is straddler and r.day < JAN1 and r.kind == kind for r in records for kind in ("test", "talk"))
    tests, talks = record_rows(records, rng)
    counts = {m: rng.randint(4, 7) for m in range(1, 13)}
    events = make_events(rng, places_of(name, False), counts, staff)
    surveys = make_surveys(
        rng, {"社区居民": (0.96, 0.99), "外来务工人员": (0.96, 0.99), "娱乐场所从业人员": (1.0, 1.0), "中小学生": (1.0, 1.0)},
        [dt.date(YEAR, 3, 20), dt.date(YEAR, 6, 24), dt.date(YEAR, 11, 18)],
    )
    venues = [["百灵星光KTV", "KTV", "是", "是", dt.date(YEAR, 12, 3)], ["夜色酒吧", "酒吧", "是", "是", dt.date(YEAR, 12, 3)],
              ["百灵宾馆", "宾馆", "是", "是", dt.date(YEAR, 11, 20)], ["悦来商务酒店", "宾馆", "是", "是", dt.date(YEAR, 11, 20)],
              ["极速网咖", "网吧", "是", "是", dt.date(YEAR, 10, 15)], ["清泉洗浴中心", "洗浴", "是", "是", dt.date(YEAR, 12, 9)]]
    sheets = standard_sheets(info_rows(name, 6420, 1130, False, baseline=1),
                             [person_row(p, name) for p in persons], tests, talks, events, surveys, venues,
                             checklist_rows())
    return save(out / f"{name}.xlsx", sheets)


def _check_every_window(persons: list[Person], records: list[Record]) -> None:
    """百灵社区's promise: every DUE person has a test and a talk in every window due in 2025."""
    for p in persons:
        if not p.due:
            continue
        mine = [r for r in records if r.person is p]
        for start, end in due_windows(p.anchor(), 2):
            for kind in ("test", "talk"):
                assert any(r.kind == kind and start <= r.day < end for r in mine), (p.name, kind, start)
        assert all(r.result == "阴性" for r in mine)


# ── 3. 石桥村 ───────────────────────────────────────────────────────────────────────────────────────
def shiqiao(out: Path) -> Path:
    name, seed = "石桥村", 303
    rng, fp = random.Random(seed), FakePeople(seed, region="992303")
    staff = [fp.name() for _ in range(3)]
    plan = (["社区戒毒"] * 5 + ["社区康复"] * 4 + ["戒断未满三年"] * 3 + ["戒断三年未复吸"] * 7 + ["强制隔离戒毒"] * 2
            + ["服刑"] * 2 + ["死亡", "户口迁出"])
    rng.shuffle(plan)
    persons = [new_person(fp, rng, status, staff, employment_rate=0.6) for status in plan]
    by_status = {}
    for p in persons:
        by_status.setdefault(p.status, []).append(p)
    # went to work elsewhere in May and stopped answering; his last use is more than three years back (two years
    # of 强戒 before the order), which does not make a person under a running order ABSTINENT3 (issue 13)
    lost = set_last_use(by_status["社区康复"][0], dt.date(2022, 4, 6))
    lost.residence, lost.control, lost.records_stop = "外出", "失控", dt.date(YEAR, 5, 10)
    silent = by_status["社区戒毒"][0]  # tested, but nobody talked to him all year
    silent.no_talks, silent.group, silent.helper = True, False, None
    by_status["社区戒毒"][1].skip_test_windows = (2,)
    by_status["戒断未满三年"][0].skip_test_windows = (1, 4)
    by_status["戒断未满三年"][0].skip_talk_windows = (4,)
    relapsed = by_status["社区戒毒"][2]
    relapsed.positive_on = dt.date(YEAR, 7, 14)
    relapsed.last_use = relapsed.positive_on
    # a 阳性 test on 2025-03-27, then 强戒 from 2025-04-18: still a relapse of 2025 (DOMAIN.md §5 relapses)
    sent_away = by_status["强制隔离戒毒"][0]
    sent_away.last_use, sent_away.status_since = dt.date(YEAR, 3, 27), dt.date(YEAR, 4, 18)
    sent_away.extra_tests = [(sent_away.last_use, "阳性")]
    assert sent_away.registered < sent_away.last_use
    # last year's relapse: registered in 2019, found 阳性 again on 2024-05-12 and ordered into 社区戒毒 on 05-20
    again = by_status["社区戒毒"][3]
    again.registered = min(again.registered, dt.date(2019, 3, 8))
    again.last_use, again.measure_start = dt.date(YEAR - 1, 5, 12), dt.date(YEAR - 1, 5, 20)
    again.status_since, again.agreement = again.measure_start, dt.date(YEAR - 1, 5, 27)
    again.extra_tests = [(again.last_use, "阳性")]
    sentences = iter([24, 60])
    for p in by_status["服刑"]:
        p.sentence = next(sentences)
    newcomer = new_person(fp, rng, "社区戒毒", staff, registered_in=YEAR)
    persons.append(newcomer)
    records = [r for p in persons for r in person_records(rng, p, staff)]
    tests, talks = record_rows(records, rng)
    counts = {1: 4, 2: 2, 3: 4, 4: 5, 5: 4, 6: 0, 7: 4, 8: 3, 9: 4, 10: 4, 11: 3, 12: 4}
    events = make_events(rng, places_of(name, True), counts, staff, june=False)
    surveys = make_surveys(rng, {"农村居民": (0.84, 0.9), "中小学生": (0.95, 0.99), "外来务工人员": (0.78, 0.86)},
                           [dt.date(YEAR, 5, 16), dt.date(YEAR, 11, 7)])
    venues = [["石桥网吧", "网吧", "否", "是", dt.date(YEAR, 9, 3)], ["桥头旅馆", "宾馆", "是", "是", dt.date(YEAR, 9, 3)]]
    checks = checklist_rows({"网格化管理": "否"}, {"网格化管理": "3个网格员未完成巡防系统培训"})
    sheets = standard_sheets(info_rows(name, 2740, 310, True, baseline=2), [person_row(p, name) for p in persons],
                             tests, talks, events, surveys, venues, checks)
    return save(out / f"{name}.xlsx", sheets)


# ── 4. 杏林社区 ─────────────────────────────────────────────────────────────────────────────────────
def messy_date(rng: random.Random, day: dt.date) -> object:
    """A date the way clerks type it: a real date, or text in one of several forms."""
    form = rng.choices(["date", "slash", "dot", "chinese", "wide"], weights=[5, 2, 2, 2, 1])[0]
    if form == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if form == "dot":
        return f"{day.year}.{day.month}.{day.day}"
    if form == "chinese":
        return f"{day.year}年{day.month}月{day.day}日"
    if form == "wide":
        return full_width(day.isoformat())
    return day


def messy_count(rng: random.Random, value: int) -> object:
    return full_width(str(value)) if rng.random() < 0.25 else value


def titled(name: str, title: str, header: list[str], rows: list[list], note: str, total: list | None = None) -> Sheet:
    """A clerk's table: title merged across row 1, a blank row, the header, data, (合计), a blank row, a 注 row."""
    width = len(header)
    body = [[title] + [None] * (width - 1), [None] * width, header, *rows]
    if total:
        body.append(total)
    body += [[None] * width, [note]]
    return Sheet(name, body, header_row=3, merged=[f"A1:{get_column_letter(width)}1"], title=True)


def xinglin(out: Path) -> Path:
    name, seed = "杏林社区", 404
    rng, fp = random.Random(seed), FakePeople(seed, region="992304")
    staff = [fp.name() for _ in range(3)]
    plan = (["社区戒毒"] * 4 + ["社区康复"] * 4 + ["戒断未满三年"] * 2 + ["戒断三年未复吸"] * 9 + ["强制隔离戒毒"] * 3
            + ["服刑", "死亡", "户口迁出"])
    rng.shuffle(plan)
    persons = [new_person(fp, rng, status, staff) for status in plan]
    relapsed = next(p for p in persons if p.status == "社区康复")
    relapsed.positive_on = dt.date(YEAR, 8, 19)
    relapsed.last_use = relapsed.positive_on
    next(p for p in persons if p.status == "戒断未满三年").skip_test_windows = (3,)
    for p in persons:
        if p.status == "服刑":
            p.sentence = 30
    spoken = {"社区戒毒": "社戒", "社区康复": "社康", "强制隔离戒毒": "强戒"}
    person_header = ["序号", "姓名", "公民身份号码", "性别", "出生日期", "状态", "登记日期", "决定日期", "报到日期",
                     "最后一次\n吸毒日期", "是否建立帮教小组", "责任人", "就业情况", "在家情况", "是否在控", "刑期（月）", "备注"]
    person_rows = []
    for i, p in enumerate(persons, 1):
        status = spoken.get(p.status, p.status) if rng.random() < 0.5 else p.status
        group = None if p.group is None else ("√" if p.group else "×")
        residence = "外出务工" if p.residence == "外出" else p.residence
        person_rows.append([
            i, p.name, p.ident, p.sex, messy_date(rng, p.birth), status, messy_date(rng, p.registered),
            p.measure_start and messy_date(rng, p.measure_start), p.agreement and messy_date(rng, p.agreement),
            p.last_use and messy_date(rng, p.last_use), group, p.helper, p.employment, residence, "是", p.sentence,
            "出所后转社区康复" if p.status == "社区康复" else None,
        ])
    person_rows.insert(len(person_rows) // 2, [None] * len(person_header))  # a row the clerk left empty
    records = sorted((r for p in persons for r in person_records(rng, p, staff)),
                     key=lambda r: (r.day, r.person.registered, r.person.ident))
    results = {"阴性": ["-", "-", "阴性", "（-）"], "阳性": ["（+）"]}
    tests = [[i, r.person.name, r.person.ident, messy_date(rng, r.day), rng.choice(results[r.result]),
              rng.choice(TEST_UNITS)] for i, r in enumerate((r for r in records if r.kind == "test"), 1)]
    talks = [[i, r.person.name, r.person.ident, messy_date(rng, r.day), r.by, r.text]
             for i, r in enumerate((r for r in records if r.kind == "talk"), 1)]
    counts = {m: rng.randint(3, 6) for m in range(1, 13)}
    events = make_events(rng, places_of(name, False), counts, staff)
    separators = ["、", "，", "/"]
    event_rows = [[i, messy_date(rng, e[0]), e[1], e[2], e[3].replace("、", rng.choice(separators)), e[4],
                   messy_count(rng, e[5]), messy_count(rng, e[6]), e[7], e[8]] for i, e in enumerate(events, 1)]
    event_total = ["合计", None, None, None, None, None, sum(e[5] for e in events), sum(e[6] for e in events),
                   sum(e[7] for e in events), None]
    surveys = make_surveys(rng, {"社区居民": (0.9, 0.97), "外来务工人员": (0.85, 0.95), "中小学生": (0.97, 1.0)},
                           [dt.date(YEAR, 6, 12), dt.date(YEAR, 12, 5)])
    survey_rows = [[i, messy_date(rng, s[0]), s[1], messy_count(rng, s[2]), messy_count(rng, s[3])]
                   for i, s in enumerate(surveys, 1)]
    venues = [[1, "金曲KTV", "歌厅", "√", "√", messy_date(rng, dt.date(YEAR, 11, 6))],
              [2, "杏林旅馆", "旅馆", "√", "√", messy_date(rng, dt.date(YEAR, 11, 6))],
              [3, "蓝鲸网吧", "网吧", "√", "×", messy_date(rng, dt.date(YEAR, 10, 22))]]
    checks = [[str(i), item.replace("、", "") if item == "移风易俗、村规民约" else item, "是", proof, None]
              for i, (item, proof) in enumerate(CHECKLIST, 1)]  # the clerk dropped the 、 (still matches)
    head = f"{name}{{}}（{YEAR}年）"
    note = "注：本表由社区禁毒专干填写，每月底前更新，报镇禁毒办备案。"
    sheets = [
        Sheet("基本情况", [[f"{name}基本情况", None], [None, None], ["村（社区）名称", name], ["所属街道", TOWN],
                       ["所属县（区）", COUNTY], ["考核年度", YEAR], ["常住人口（人）", full_width("4860")],
                       ["流动人口（人）", 730], ["是否已授牌", "否"], ["填表人", staff[0]]],
              header_row=3, merged=["A1:B1"], title=True),
        titled("吸毒人员登记表", head.format("吸毒人员登记表"), person_header, person_rows, note),
        titled("尿检台账", head.format("尿检登记表"),
               ["序号", "姓名", "公民身份号码", "尿检日期", "尿检结果", "检测单位"], tests, note),
        titled("帮教记录", head.format("帮教谈话记录"), ["序号", "姓名", "公民身份号码", "帮教日期", "谈话人", "谈话内容"],
               talks, note),
        titled("宣传台账", head.format("禁毒宣传活动台账"),
               ["序号", "活动日期", "活动名称", "活动形式", "对象群体", "地点", "参与人数", "发放资料", "悬挂标语", "负责人"],
               event_rows, note, total=event_total),
        titled("问卷调查", head.format("禁毒知识知晓率问卷调查"), ["序号", "调查日期", "人群类别", "调查人数", "知晓人数"],
               survey_rows, note),
        titled("重点场所台账", head.format("重点场所登记表"),
               ["序号", "场所名称", "场所类型", "是否签订责任状", "防范措施是否落实", "最近检查日期"], venues, note),
        titled("自查表", head.format("创建无毒社区自查表"), ["序号", "自查项目", "落实情况", "佐证材料", "备注"], checks, note),
    ]
    return save(out / f"{name}.xlsx", sheets)


# ── 5. 松柏村 ───────────────────────────────────────────────────────────────────────────────────────
SONGBAI_PLAN = {  # Excel row → status (rows 2…25; the duplicate goes on row 26)
    2: "社区戒毒", 3: "社区康复", 4: "戒断三年未复吸", 5: "强制隔离戒毒", 6: "社区戒毒", 7: "社区康复", 8: "死亡",
    9: "社区戒毒", 10: "戒断未满三年", 11: "出国（境）", 12: "社区康复", 13: "戒断三年未复吸", 14: "戒断三年未复吸",
    15: "社区戒毒", 16: "社区戒毒", 17: "戒断三年未复吸", 18: "社区康复", 19: "服刑", 20: "戒断未满三年",
    21: "社区戒毒", 22: "强制隔离戒毒", 23: "社区戒毒", 24: "戒断三年未复吸", 25: "户口迁出",
}


def excel_number(ident: str) -> int:
    """What Excel keeps of an ID typed into a General cell: 15 significant digits, the rest zeros."""
    return int(ident[:15] + "000")


def songbai(out: Path) -> Path:
    name, seed = "松柏村", 505
    rng, fp = random.Random(seed), FakePeople(seed, region="992305")
    staff = [fp.name() for _ in range(3)]
    persons: dict[int, Person] = {}
    for row, status in SONGBAI_PLAN.items():
        new_in = YEAR if row == SONGBAI_REGISTERED_2025_ROW else None
        persons[row] = new_person(fp, rng, status, staff, registered_in=new_in)
    for row in SONGBAI_NUMERIC_ID_ROWS + SONGBAI_BAD_CHECKSUM_ROWS + (SONGBAI_LETTER_ID_ROW,):
        assert not persons[row].due  # a broken registry ID would make every record of the person an orphan
    records = [r for p in persons.values() for r in person_records(rng, p, staff)]
    rows = {row: person_row(p, name) for row, p in persons.items()}
    for row in SONGBAI_NUMERIC_ID_ROWS:
        rows[row][1] = excel_number(persons[row].ident)
    for row in SONGBAI_BAD_CHECKSUM_ROWS:
        ident = persons[row].ident
        rows[row][1] = ident[:17] + "0123456789X"[("0123456789X".index(ident[17]) + 3) % 11]
    ident = persons[SONGBAI_LETTER_ID_ROW].ident
    rows[SONGBAI_LETTER_ID_ROW][1] = ident[:10] + ("O" if ident[10] == "0" else "l") + ident[11:]  # O for 0, l for 1
    rows[SONGBAI_SEX_MISMATCH_ROW][2] = "女" if persons[SONGBAI_SEX_MISMATCH_ROW].sex == "男" else "男"
    rows[SONGBAI_UNKNOWN_STATUS_ROW][5] = "戒毒中"
    rows[SONGBAI_NO_MEASURE_DATE_ROW][11] = None
    again = list(rows[SONGBAI_DUPLICATED_ROW])  # registered a second time when the order changed
    again[5] = "社区康复"
    person_rows = [rows[r] for r in sorted(rows)] + [again]

    tests, talks = record_rows(records, rng)
    outsider = FakePeople(seed + 1, region="992399").person()  # tested here, registered elsewhere
    late = persons[SONGBAI_REGISTERED_2025_ROW]
    flaws = {
        SONGBAI_TEST_ORPHAN_ROW: lambda: [outsider[1], outsider[0], tests[SONGBAI_TEST_ORPHAN_ROW - 3][2], "尿检", "阴性",
                                          TEST_UNITS[1]],
        SONGBAI_TEST_DUPLICATE_ROW: lambda: list(tests[SONGBAI_TEST_DUPLICATE_ROW - 3]),
        SONGBAI_TEST_BAD_DATE_ROW: lambda: [*tests[SONGBAI_TEST_BAD_DATE_ROW - 2][:2], "2025.6.31", "尿检", "阴性",
                                            TEST_UNITS[0]],
        SONGBAI_TEST_EARLY_ROW: lambda: [late.ident, late.name, late.registered - dt.timedelta(days=3), "尿检", "阴性",
                                         TEST_UNITS[1]],
    }
    for row in sorted(flaws):
        tests.insert(row - 2, flaws[row]())
    counts = {m: rng.randint(4, 6) for m in range(1, 13)}
    events = make_events(rng, places_of(name, True), counts, staff)
    events[SONGBAI_EVENT_NEGATIVE_ROW - 2][5] = -events[SONGBAI_EVENT_NEGATIVE_ROW - 2][5]
    surveys = make_surveys(rng, {"农村居民": (0.9, 0.97), "中小学生": (0.97, 1.0), "外来务工人员": (0.85, 0.95)},
                           [dt.date(YEAR, 4, 9), dt.date(YEAR, 10, 15)])
    survey = surveys[SONGBAI_SURVEY_EXCESS_ROW - 2]
    survey[3] = survey[2] + 6
    venues = [["松柏网吧", "网吧", "是", "是", dt.date(YEAR, 8, 21)], ["松柏旅社", "宾馆", "是", "是", dt.date(YEAR, 8, 21)]]
    sheets = standard_sheets(info_rows(name, 3310, 420, False), person_rows, tests, talks, events, surveys, venues,
                             checklist_rows())
    return save(out / f"{name}.xlsx", sheets)


BUILDERS = {"清溪村": qingxi, "百灵社区": bailing, "石桥村": shiqiao, "杏林社区": xinglin, "松柏村": songbai}


def main(argv: list[str] | None = None) -> list[Path]:
    """Write the five samples into OUTDIR (default: this script's folder); returns their paths."""
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path(__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    paths = [BUILDERS[name](out) for name in SAMPLES]
    for path in paths:
        print(path)
    return paths


if __name__ == "__main__":
    main()
