"""Realistic, seeded ledgers for benchmarks, written to a temporary folder (never committed).

Sizes (issue 8): small = 200 persons (~800 tests, ~700 talks, 50 events); large = 20,000 persons
(~86,000 tests, ~73,000 talks, 5,000 events). Every row count is proportional to the persons
(`row_counts`), so 4× the persons is 4× the rows.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl

from nodrug_cli.fake import FakePeople
from nodrug_cli.ledger.schema import AUDIENCES, EVENT_FORMS, STATUSES, SURVEY_GROUPS

SIZES = {"small": 200, "large": 20_000}
TESTS_PER_PERSON = 4.3
TALKS_PER_PERSON = 3.65
STATUS_WEIGHTS = [20, 15, 20, 25, 6, 5, 2, 2, 3, 2]  # in the order of STATUSES


def row_counts(persons: int) -> dict[str, int]:
    """Data rows (below the header) of each table sheet in a ledger of `persons` persons."""
    return {"吸毒人员": persons, "尿检记录": int(persons * TESTS_PER_PERSON), "谈话记录": int(persons * TALKS_PER_PERSON),
            "宣传活动": max(1, persons // 4), "知晓率调查": len(SURVEY_GROUPS)}


def make_ledger(path: Path, persons: int, seed: int = 1, year: int = 2025) -> Path:
    """Write one community ledger with `persons` registered persons and proportional records."""
    rng = random.Random(seed)
    counts = row_counts(persons)
    people = FakePeople(seed, region="99" + f"{seed % 10000:04d}")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    book = openpyxl.Workbook(write_only=True)
    info = book.create_sheet("社区概况")
    for row in (["社区名称", f"测试社区{seed}"], ["所属镇（街道）", f"测试镇{seed % 7}"], ["评估年度", year],
                ["常住人口", persons * 150], ["是否已授牌", "否"]):
        info.append(row)
    registry = book.create_sheet("吸毒人员")
    registry.append(["姓名", "身份证号", "性别", "出生日期", "人员状态", "首次登记日期", "措施开始日期", "协议签订日期",
                     "最近吸毒日期", "帮教小组", "就业情况", "居住状态", "管控状态"])
    ids = []
    for _ in range(persons):
        name, ident, sex, born = people.person()
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        registered = people.date_between(dt.date(2012, 1, 1), dt.date(year, 10, 31))
        order = registered + dt.timedelta(days=rng.randint(0, 30)) if status in ("社区戒毒", "社区康复") else None
        signed = order + dt.timedelta(days=rng.randint(1, 20)) if order else None
        registry.append([name, ident, sex, born, status, registered, order, signed,
                         registered - dt.timedelta(days=rng.randint(0, 60)), rng.choice(["是", "是", "否"]),
                         rng.choice(["就业", "未就业"]), rng.choice(["在家", "在家", "外出"]), "在控"])
        ids.append((ident, name))
    _records(book.create_sheet("尿检记录"), ["身份证号", "姓名", "检测日期", "检测方式", "检测结果"], ids,
             counts["尿检记录"], rng, people, start, end, lambda: ["尿检", rng.choice(["阴性"] * 30 + ["阳性"])])
    _records(book.create_sheet("谈话记录"), ["身份证号", "姓名", "谈话日期", "谈话人"], ids,
             counts["谈话记录"], rng, people, start, end, lambda: ["刘专干"])
    events = book.create_sheet("宣传活动")
    events.append(["活动日期", "活动名称", "活动形式", "对象群体", "地点", "参与人数", "发放资料（份）", "悬挂标语（条）"])
    for i in range(counts["宣传活动"]):
        events.append([people.date_between(start, end), f"禁毒宣传活动{i + 1}", rng.choice(EVENT_FORMS),
                       "、".join(rng.sample(AUDIENCES, rng.randint(1, 2))), "社区广场", rng.randint(10, 300),
                       rng.randint(0, 500), rng.randint(0, 5)])
    survey = book.create_sheet("知晓率调查")
    survey.append(["调查日期", "人群类别", "调查人数", "知晓人数"])
    for group in SURVEY_GROUPS:
        asked = rng.randint(50, 200)
        survey.append([people.date_between(start, end), group, asked, asked - rng.randint(0, 8)])
    book.save(path)
    return path


def _records(sheet, header, ids, count, rng, people, start, end, tail) -> None:
    sheet.append(header)
    for _ in range(count):
        ident, name = rng.choice(ids)
        sheet.append([ident, name, people.date_between(start, end), *tail()])


def make_ledgers(specs: list[tuple[Path, int, int]], jobs: int = 1) -> list[Path]:
    """Write each (path, persons, seed) ledger, `jobs` at a time (each file is the same whatever `jobs` is)."""
    if jobs <= 1 or len(specs) <= 1:
        return [make_ledger(path, persons, seed) for path, persons, seed in specs]
    with ProcessPoolExecutor(min(jobs, len(specs))) as pool:
        return list(pool.map(make_ledger, *zip(*specs), chunksize=max(1, len(specs) // (8 * jobs))))


def make_folder(folder: Path, count: int = 500, persons: int = SIZES["small"], jobs: int = 1) -> Path:
    """A town's worth of small ledgers (`count` files) in `folder`; `jobs` processes write them (0: one per CPU)."""
    folder.mkdir(parents=True, exist_ok=True)
    make_ledgers([(folder / f"社区{i + 1:03d}.xlsx", persons, 1000 + i) for i in range(count)], jobs or os.cpu_count() or 1)
    return folder
