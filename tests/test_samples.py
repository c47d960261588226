"""The shipped sample ledgers (sample_ledgers/): each reads with exactly the findings its design puts in
it, the script that makes them reproduces them, and each community looks the way its design says."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from nodrug_cli.ledger.read import read_ledger
from nodrug_cli.standards.load import builtin_names, load_standard

SAMPLES = Path(__file__).resolve().parent.parent / "sample_ledgers"
TODAY = dt.date(2026, 11, 25)
AS_OF = dt.date(2025, 12, 31)

# The designed findings, as (code, cell). 松柏村's cells follow the SONGBAI_* rows of make_samples.py.
EXPECTED = {
    "清溪村": [],
    "百灵社区": [],
    "石桥村": [],
    "杏林社区": [],
    "松柏村": [
        ("id_numeric", "吸毒人员!B5"),  # an ID typed into a General cell: Excel kept 15 digits
        ("id_numeric", "吸毒人员!B14"),
        ("id_checksum", "吸毒人员!B8"),
        ("id_checksum", "吸毒人员!B19"),
        ("id_chars", "吸毒人员!B11"),  # a letter O (or l) where a digit belongs
        ("sex_mismatch", "吸毒人员!C7"),
        ("enum_invalid", "吸毒人员!F16"),  # 戒毒中
        ("measure_date_missing", "吸毒人员!L21"),  # 社区戒毒 without 措施开始日期
        ("id_duplicate", "吸毒人员!B26"),  # row 9's person registered a second time
        ("aware_exceeds_surveyed", "知晓率调查!D5"),
        ("count_negative", "宣传活动!F15"),
        ("orphan_record", "尿检记录!A12"),  # a person registered in another village
        ("test_duplicate", "尿检记录!C21"),  # row 20 entered twice
        ("date_invalid", "尿检记录!C33"),  # 2025.6.31
        ("record_before_registration", "尿检记录!C40"),
    ],
}
EXPECTED_ERRORS = {"清溪村": 0, "百灵社区": 0, "石桥村": 0, "杏林社区": 0, "松柏村": 11}


def _read(name: str, path: Path | None = None):
    return read_ledger(path or SAMPLES / f"{name}.xlsx", today=TODAY, as_of=AS_OF)


@functools.cache
def _script():
    """sample_ledgers/make_samples.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def ledgers():
    return {name: _read(name) for name in EXPECTED}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sample_findings(name, ledgers):
    ledger = ledgers[name]
    assert sorted((f.code, f.cell) for f in ledger.findings) == sorted(EXPECTED[name])
    assert ledger.errors == EXPECTED_ERRORS[name]
    assert ledger.year == 2025 and ledger.as_of == AS_OF


def _cells(path: Path) -> dict:
    book = openpyxl.load_workbook(path)
    return {
        ws.title: (sorted(map(str, ws.merged_cells.ranges)), [list(row) for row in ws.iter_rows(values_only=True)])
        for ws in book.worksheets
    }


def test_script_reproduces_the_shipped_files(tmp_path):
    written = _script().main([str(tmp_path)])
    assert sorted(p.name for p in written) == sorted(f"{name}.xlsx" for name in EXPECTED)
    for path in written:
        shipped = _cells(SAMPLES / path.name)
        fresh = _cells(path)
        assert list(fresh) == list(shipped), path.name
        for sheet in shipped:
            assert fresh[sheet] == shipped[sheet], f"{path.name}!{sheet}"


# ── the designs hold (read back from the files, so the checks see what a clerk's file would show) ──
def _events_per_month(ledger) -> pd.Series:
    days = ledger.frame("宣传活动")["活动日期"]
    return days.dt.month.value_counts().reindex(range(1, 13), fill_value=0)


def _window_gaps(ledger, sheet: str, date_column: str) -> list[tuple[str, dt.date]]:
    """(ID, window start) of every two-month window due in 2025 without a record, for the DUE persons (DOMAIN.md
    §4–§5: every running order; 戒断未满三年 unless three years clean and 在控; windows from 措施开始日期, else
    首次登记日期, due when their last day falls in 2025, met by a record inside them, 2024 included)."""
    due_windows = _script().due_windows
    people = ledger.frame("吸毒人员")
    last_use_cut = pd.Timestamp(AS_OF.replace(year=AS_OF.year - 3))
    clean = (people["最近吸毒日期"] <= last_use_cut) & people["管控状态"].eq("在控")
    due = people[people["人员状态"].isin(["社区戒毒", "社区康复"]) | (people["人员状态"].eq("戒断未满三年") & ~clean)]
    records = ledger.frame(sheet)
    gaps = []
    for _, p in due.iterrows():
        anchor = p["措施开始日期"] if pd.notna(p["措施开始日期"]) else p["首次登记日期"]
        mine = records.loc[records["身份证号"].eq(p["身份证号"]), date_column].dt.date
        for begin, end in due_windows(anchor.date()):
            if not ((mine >= begin) & (mine < end)).any():
                gaps.append((p["身份证号"], begin))
    return gaps


def test_qingxi_has_nobody_and_does_the_work(ledgers):
    ledger = ledgers["清溪村"]
    assert len(ledger.frame("吸毒人员")) == 0 and "吸毒人员" in ledger.tables
    assert (_events_per_month(ledger) >= 4).all()
    events = ledger.frame("宣传活动")
    september = events[events["活动日期"].dt.month.eq(9)]
    assert september["对象群体"].str.contains("中小学生").any()
    assert ledger.frame("重点场所")["责任状"].all() and ledger.frame("自查项目")["是否落实"].all()
    # one row for every checklist item some built-in standard reads (make_samples.py takes the union)
    wanted = {item for name in builtin_names() for item in load_standard(name).checklist_items()}
    assert sorted(ledger.frame("自查项目")["项目"]) == sorted(wanted)


def test_bailing_meets_the_criteria_it_can(ledgers):
    ledger = ledgers["百灵社区"]
    people = ledger.frame("吸毒人员")
    assert 10 <= len(people) <= 40
    assert set(people["人员状态"]) == {"社区戒毒", "社区康复", "戒断未满三年", "戒断三年未复吸", "强制隔离戒毒", "死亡",
                                    "出国（境）"}
    cut = pd.Timestamp("2022-12-31")  # T − 3 years
    # a running order whose last use is more than three years back (still DUE), and a 戒断未满三年 person three
    # years clean and 在控 (ABSTINENT3 by the last-use route)
    assert (people["人员状态"].eq("社区康复") & (people["最近吸毒日期"] <= cut)).sum() == 1
    assert (people["人员状态"].eq("戒断未满三年") & (people["最近吸毒日期"] <= cut)).sum() == 1
    # three years completed in 2025 by two persons, in 2024 by nobody (年度脱毒人数逐年增加)
    clean_years = people.loc[people["人员状态"].isin(["戒断未满三年", "戒断三年未复吸"]), "最近吸毒日期"].dt.year + 3
    assert (clean_years == 2025).sum() == 2 and (clean_years == 2024).sum() == 0
    assert (people["首次登记日期"] < "2025-01-01").all()
    assert people["管控状态"].eq("在控").all()
    ordered = people[people["人员状态"].isin(["社区戒毒", "社区康复"])]
    assert ((ordered["协议签订日期"] - ordered["措施开始日期"]).dt.days.between(0, 15)).all()
    assert ordered["帮教小组"].all()
    assert ledger.frame("尿检记录")["检测结果"].eq("阴性").all()
    assert _window_gaps(ledger, "尿检记录", "检测日期") == []
    assert _window_gaps(ledger, "谈话记录", "谈话日期") == []
    # some windows across 1 January are met by records of December or November 2024
    assert ledger.frame("尿检记录")["检测日期"].dt.year.eq(2024).any()
    assert ledger.frame("谈话记录")["谈话日期"].dt.year.eq(2024).any()
    assert (_events_per_month(ledger) >= 4).all()
    assert ledger.frame("重点场所")["责任状"].all() and ledger.frame("自查项目")["是否落实"].all()


def test_shiqiao_fails_where_designed(ledgers):
    ledger = ledgers["石桥村"]
    people = ledger.frame("吸毒人员")
    assert 10 <= len(people) <= 40
    assert people["管控状态"].eq("失控").sum() == 1
    assert people["首次登记日期"].dt.year.eq(2025).sum() == 1
    tests = ledger.frame("尿检记录")
    positive_years = tests.loc[tests["检测结果"].eq("阳性"), "检测日期"].dt.year
    assert (positive_years == 2025).sum() == 2 and (positive_years == 2024).sum() == 1  # a relapse last year too
    # one of 2025's 阳性 tests is a person now in 强戒
    in_custody = set(people.loc[people["人员状态"].eq("强制隔离戒毒"), "身份证号"])
    assert tests.loc[tests["检测结果"].eq("阳性") & tests["身份证号"].isin(in_custody), "检测日期"].dt.year.tolist() == [2025]
    # the 失控 person is under a running order whose last use is more than three years back
    lost = people[people["管控状态"].eq("失控")]
    assert lost["人员状态"].eq("社区康复").all() and (lost["最近吸毒日期"] <= pd.Timestamp("2022-12-31")).all()
    assert _window_gaps(ledger, "尿检记录", "检测日期")
    talked = set(ledger.frame("谈话记录")["身份证号"])
    ordered = people[people["人员状态"].isin(["社区戒毒", "社区康复"])]
    assert not set(ordered["身份证号"]) <= talked
    months = _events_per_month(ledger)
    assert months[6] == 0 and (months < 4).sum() >= 3
    assert not ledger.frame("重点场所")["责任状"].all()
    assert ledger.frame("自查项目")["是否落实"].eq(False).sum() == 1


def test_xinglin_is_messy_in_the_designed_ways(ledgers):
    ledger = ledgers["杏林社区"]
    assert {t.name for t in ledger.tables.values()} >= {"吸毒人员登记表", "尿检台账", "帮教记录", "宣传台账", "问卷调查"}
    book = openpyxl.load_workbook(SAMPLES / "杏林社区.xlsx")
    texts = [v for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    for marker in ("2025/", "2025.", "2025年", "２０２５－", "（+）", "√", "×", "合计"):
        assert any(marker in t for t in texts), marker
    assert any(t.startswith("注：") for t in texts)
    assert all(ws["A1"].coordinate in ws.merged_cells for ws in book.worksheets)
    people = ledger.frame("吸毒人员")
    assert 10 <= len(people) <= 40
    # tests of 2025, and of November–December 2024 for the windows that straddle 1 January
    assert ledger.frame("尿检记录")["检测日期"].between("2024-11-01", "2025-12-31").all()
    assert ledger.frame("尿检记录")["检测结果"].eq("阳性").sum() == 1
    assert ledger.frame("宣传活动")["活动日期"].dt.year.eq(2025).all()  # the 合计 row is not an event


def test_a_merged_note_row_still_ends_the_table(tmp_path):
    book = openpyxl.load_workbook(SAMPLES / "杏林社区.xlsx")
    ws = book["尿检台账"]
    note_row = max(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("注："))
    ws.merge_cells(start_row=note_row, start_column=1, end_row=note_row, end_column=ws.max_column)
    path = tmp_path / "杏林社区.xlsx"
    book.save(path)
    assert [(f.code, f.cell) for f in _read("杏林社区", path).findings] == []
