"""The history database (migrations, concurrent writers), `score --record`, `nodrug history` and `nodrug sample`.

Every test uses its own SQLite file in tmp_path; NODRUG_DB points into tmp_path too, so the user's
own database is never touched.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import multiprocessing
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from builders import minimal_ledger, write_xlsx
from typer.testing import CliRunner

from nodrug_cli.cli.app import app
from nodrug_cli.history import store
from nodrug_cli.history.store import AssessmentRecord, History, HistoryError

runner = CliRunner()
CHECKLIST = ["禁毒机构和机制健全", "完成上级下达的打击指标", "创建工作档案规范完整", "无制毒贩毒种毒",
             "层层签订禁毒责任状", "14类涉毒重点人员摸排", "禁毒教育阵地", "网格化管理", "移风易俗、村规民约"]
BUILTIN_MIGRATIONS = [name for name, _ in store.MIGRATIONS]


@pytest.fixture(autouse=True)
def env_db(tmp_path, monkeypatch) -> Path:
    """The default history database (NODRUG_DB) lives in tmp_path, whatever a test forgets."""
    path = tmp_path / "env-default.sqlite"
    monkeypatch.setenv("NODRUG_DB", str(path))
    return path


def record(community: str, year: int = 2025, passed: bool = True, declared: bool | None = False,
           town: str = "青禾镇", total: float | None = None, standard: str = "boumei-2023") -> AssessmentRecord:
    return AssessmentRecord(
        town=town, community=community, year=year, standard=standard, as_of=f"{year}-12-31",
        total=total if total is not None else (88.0 if passed else 40.0), grade="合格" if passed else "不合格",
        passed=passed, grade_passed=passed, drug_free=passed, vetoed=False, plaque_declared=declared, errors=0,
        indicators={"current_users": {"value": 0, "numerator": 0, "denominator": None, "status": "ok"}})


def count(db: Path, sql: str, *args) -> int:
    with sqlite3.connect(db) as con:
        return con.execute(sql, args).fetchone()[0]


def ledger(path: Path, year: int, aware: int = 100, checklist: bool = True, name: str = "甲村") -> Path:
    """A community with no registered persons and four events in every month; with the checklist it meets all ten
    无毒 criteria (1–3 hold with nobody registered, 4–10 are its work)."""
    extra = {"知晓率调查": [["调查日期", "人群类别", "调查人数", "知晓人数"], [dt.date(year, 5, 1), "社区居民", 100, aware]],
             "宣传活动": [["活动日期", "活动名称"]] + [[dt.date(year, month, day), f"禁毒宣传{month}-{day}"]
                                                 for month in range(1, 13) for day in (3, 10, 17, 24)]}
    if checklist:
        extra["自查项目"] = [["项目", "是否落实"]] + [[item, "是"] for item in CHECKLIST]
    sheets = minimal_ledger(persons=[], tests=[], talks=[], extra=extra)
    sheets["社区概况"] = [["社区名称", name], ["所属镇（街道）", "青禾镇"], ["评估年度", year], ["常住人口", 3000]]
    return write_xlsx(path, sheets)


# --- the store: migrations ------------------------------------------------------------------------


def test_migrations_are_recorded_by_name_and_run_once(tmp_path):
    db = tmp_path / "h.sqlite"
    with History(db) as history:
        assert history.migrations() == sorted(BUILTIN_MIGRATIONS)
    with History(db) as history:  # opening again runs nothing twice
        assert history.migrations() == sorted(BUILTIN_MIGRATIONS)
    assert count(db, "SELECT COUNT(*) FROM migrations") == len(BUILTIN_MIGRATIONS)
    with sqlite3.connect(db) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert all(applied for (applied,) in con.execute("SELECT applied_at FROM migrations"))
    assert {"migrations", "assessments", "spot_checks", "sent_reminders"} <= tables


def test_a_new_migration_runs_on_the_next_open_once(tmp_path, monkeypatch):
    db = tmp_path / "h.sqlite"
    with History(db) as history:
        history.record([record("甲村")])
    fake = ("900_fake", "CREATE TABLE fake_runs (n INTEGER); INSERT INTO fake_runs VALUES (1)")
    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, fake])
    with History(db) as history:
        assert history.migrations() == sorted([*BUILTIN_MIGRATIONS, "900_fake"])
    with History(db) as history:
        assert "900_fake" in history.migrations()
        assert [r.community for r in history.assessments()] == ["甲村"]  # earlier data kept
    assert count(db, "SELECT COUNT(*) FROM fake_runs") == 1
    assert count(db, "SELECT COUNT(*) FROM migrations WHERE name = '900_fake'") == 1


def test_a_failing_migration_leaves_nothing_half_done(tmp_path, monkeypatch):
    db = tmp_path / "h.sqlite"
    History(db).close()
    bad = ("901_bad", "CREATE TABLE half_done (n INTEGER); THIS IS NOT SQL")
    monkeypatch.setattr(store, "MIGRATIONS", [*store.MIGRATIONS, bad])
    with pytest.raises(HistoryError, match="无法打开历史数据库"):
        History(db)
    monkeypatch.setattr(store, "MIGRATIONS", [m for m in store.MIGRATIONS if m[0] != "901_bad"])
    with History(db) as history:
        assert "901_bad" not in history.migrations()
    assert count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'") == 0


def test_a_database_that_cannot_be_opened_exits_2(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    result = runner.invoke(app, ["history", "--db", str(junk)])
    assert result.exit_code == 2
    assert "无法打开历史数据库" in result.stderr and "Traceback" not in result.output


# --- the store: two processes at once -------------------------------------------------------------


def _write_many(db: str, tag: str, start, n: int) -> None:
    """A worker process: record n different assessments one transaction at a time."""
    start.wait()
    with History(db) as history:
        for i in range(n):
            history.record([record(f"{tag}-{i:03d}")])


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    db = tmp_path / "h.sqlite"  # not created beforehand: both processes also migrate at once
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [ctx.Process(target=_write_many, args=(str(db), tag, start, 200)) for tag in ("甲", "乙")]
    for w in workers:
        w.start()
    start.set()
    for w in workers:
        w.join(timeout=300)
    assert [w.exitcode for w in workers] == [0, 0]
    assert count(db, "SELECT COUNT(*) FROM assessments") == 400
    assert count(db, "SELECT COUNT(DISTINCT community) FROM assessments") == 400
    assert count(db, "SELECT COUNT(*) FROM migrations") == len(BUILTIN_MIGRATIONS)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


# --- score --record ------------------------------------------------------------------------------


def score_and_record(path: Path, db: Path):
    """`nodrug score --record` on one ledger, and the one assessment the database then holds."""
    result = runner.invoke(app, ["score", str(path), "--record", "--db", str(db), "--as-of", "2025-12-31",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert count(db, "SELECT COUNT(*) FROM assessments") == 1
    with History(db) as history:
        (stored,) = history.assessments()
    return result, stored


def test_score_record_stores_a_row_and_a_second_run_replaces_it(tmp_path):
    db = tmp_path / "h.sqlite"
    path = ledger(tmp_path / "甲村.xlsx", 2025, checklist=False)
    first, stored = score_and_record(path, db)
    assert (stored.community, stored.town, stored.year, stored.standard, stored.as_of) == (
        "甲村", "青禾镇", 2025, "boumei-2023", "2025-12-31")
    before = stored.total
    assert stored.total == json.loads(first.stdout)["total"] and not stored.passed and not stored.drug_free
    assert stored.ledger_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    ledger(path, 2025, checklist=True)  # the clerk fills in the checklist and scores again
    second, stored = score_and_record(path, db)  # the one stored row is replaced
    assert stored.total == json.loads(second.stdout)["total"] > before
    assert stored.passed and stored.drug_free
    assert stored.ledger_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_score_without_record_stores_nothing(tmp_path, env_db):
    path = ledger(tmp_path / "甲村.xlsx", 2025)
    result = runner.invoke(app, ["score", str(path), "--as-of", "2025-12-31", "--format", "json"])
    assert result.exit_code == 0
    assert not env_db.exists() or count(env_db, "SELECT COUNT(*) FROM assessments") == 0


# --- nodrug history -------------------------------------------------------------------------------


def two_years(tmp_path: Path, db: Path) -> tuple[dict, dict]:
    scored = {}
    for year, aware in ((2024, 90), (2025, 100)):
        path = ledger(tmp_path / f"甲村{year}.xlsx", year, aware=aware)
        result = runner.invoke(app, ["score", str(path), "--record", "--db", str(db), "--as-of", f"{year}-12-31",
                                     "--format", "json"])
        assert result.exit_code == 0, result.output
        scored[year] = json.loads(result.stdout)
    return scored[2024], scored[2025]


def test_history_text_shows_the_years_side_by_side_with_the_change(tmp_path):
    db = tmp_path / "h.sqlite"
    y2024, y2025 = two_years(tmp_path, db)
    assert y2024["total"] < y2025["total"]  # 2024's awareness (90 %) misses the 95 % item
    result = runner.invoke(app, ["history", "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "青禾镇 · 甲村 · 标准 boumei-2023"
    header = lines[1].split()
    assert header == ["2024", "2025", "较上年"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:] if line.strip()}
    assert rows["得分"] == [f"{y2024['total']:g}", f"{y2025['total']:g}", f"{y2025['total'] - y2024['total']:+g}"]
    assert rows["等级"] == [y2024["grade"], y2025["grade"]]
    assert rows["无毒"] == ["是", "是"]
    assert rows["知晓率（总体）"] == ["90.0%", "100.0%", "+10.0", "个百分点"]
    assert rows["现有吸毒人员"] == ["0", "0", "+0"]


def test_history_json_has_the_readme_keys(tmp_path):
    db = tmp_path / "h.sqlite"
    y2024, y2025 = two_years(tmp_path, db)
    with History(db) as history:
        history.record([record("乙村", town="石门镇")])
    result = runner.invoke(app, ["history", "甲村", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"assessments"}
    assert [set(a) for a in data["assessments"]] == [
        {"community", "town", "year", "standard", "as_of", "review", "total", "grade", "passed", "drug_free"}] * 2
    assert all(a["review"] for a in data["assessments"])  # as of 31 December: the year's review
    assert [(a["community"], a["town"], a["year"], a["standard"], a["as_of"], a["total"], a["grade"], a["drug_free"])
            for a in data["assessments"]] == [
        ("甲村", "青禾镇", 2024, "boumei-2023", "2024-12-31", y2024["total"], y2024["grade"], True),
        ("甲村", "青禾镇", 2025, "boumei-2023", "2025-12-31", y2025["total"], y2025["grade"], True)]
    everyone = json.loads(runner.invoke(app, ["history", "--db", str(db), "--format", "json"]).stdout)
    assert sorted({a["community"] for a in everyone["assessments"]}) == ["乙村", "甲村"]


def test_history_of_an_unknown_community_and_the_nodrug_db_default(tmp_path, env_db):
    missing = tmp_path / "没有的文件夹" / "h.sqlite"
    result = runner.invoke(app, ["history", "无此村", "--db", str(missing)])
    assert result.exit_code == 2  # a query never creates a database: a mistyped --db is told
    assert f"历史数据库 {missing} 不存在" in result.stderr
    assert not missing.parent.exists()
    db = tmp_path / "h.sqlite"
    with History(db) as history:
        history.record([record("甲村")])
    result = runner.invoke(app, ["history", "无此村", "--db", str(db)])
    assert result.exit_code == 1
    assert "没有“无此村”的考评记录" in result.stderr
    data = runner.invoke(app, ["history", "无此村", "--db", str(db), "--format", "json"])
    assert data.exit_code == 1 and json.loads(data.stdout) == {"assessments": []}
    with History(env_db) as history:  # no --db: NODRUG_DB decides
        history.record([record("甲村")])
    data = json.loads(runner.invoke(app, ["history", "--format", "json"]).stdout)
    assert [a["community"] for a in data["assessments"]] == ["甲村"]


# --- nodrug sample --------------------------------------------------------------------------------

FORMULA_NAME = "=HYPERLINK(\"http://x\",\"点我\")村"
HOLDERS = ["甲村", "乙村", "丙村", "丁村", FORMULA_NAME]


@pytest.fixture
def holders_db(tmp_path) -> Path:
    """2025: five holders (passing non-holders granted the plaque) and two units holding nothing (戊村 lost its
    plaque at its second failed review; 己村 never held one)."""
    db = tmp_path / "h.sqlite"
    with History(db) as history:
        history.record([record(name, 2025, passed=True, declared=False) for name in HOLDERS])
        history.record([record("戊村", 2024, passed=False, declared=True), record("戊村", 2025, passed=False),
                        record("己村", 2025, passed=False, declared=False, town="石门镇")])
    return db


def sample(db: Path, *args):
    return runner.invoke(app, ["sample", "--db", str(db), *map(str, args)])


def test_sample_draws_the_ceiling_of_rate_times_holders_reproducibly(holders_db):
    first = sample(holders_db, "--seed", 7, "--rate", 0.5, "--format", "json")
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert set(data) == {"year", "standard", "rate", "seed", "holders", "drawn"}
    assert (data["year"], data["standard"], data["rate"], data["seed"], data["holders"]) == (
        2025, "boumei-2023", 0.5, 7, 5)
    assert len(data["drawn"]) == math.ceil(0.5 * 5) == 3
    assert all(set(d) == {"town", "community"} and d["town"] == "青禾镇" and d["community"] in HOLDERS
               for d in data["drawn"])
    assert len({d["community"] for d in data["drawn"]}) == 3
    again = json.loads(sample(holders_db, "--seed", 7, "--rate", 0.5, "--format", "json").stdout)
    assert again["drawn"] == data["drawn"]

    with sqlite3.connect(holders_db) as con:
        rows = con.execute("SELECT draw_id, year, standard, rate, seed, town, community FROM spot_checks "
                           "ORDER BY id").fetchall()
    assert len(rows) == 6  # both draws recorded
    assert {r[:5] for r in rows} == {("2025-boumei-2023-7", 2025, "boumei-2023", 0.5, 7)}
    assert sorted(r[6] for r in rows[:3]) == sorted(d["community"] for d in data["drawn"])


def test_sample_at_least_one_and_text_names_the_seed(holders_db):
    data = json.loads(sample(holders_db, "--seed", 3, "--rate", 0.1, "--format", "json").stdout)
    assert len(data["drawn"]) == 1  # ⌈0.1 × 5⌉ = 1
    data = json.loads(sample(holders_db, "--seed", 3, "--rate", 0, "--format", "json").stdout)
    assert len(data["drawn"]) == 1  # at least one when any unit holds the title
    text = sample(holders_db, "--seed", 11, "--rate", 0.5)
    assert text.exit_code == 0
    assert "授牌单位 5 个" in text.stdout and "抽取 3 个" in text.stdout and "--seed 11" in text.stdout
    fresh = json.loads(sample(holders_db, "--rate", 0.5, "--format", "json").stdout)
    assert isinstance(fresh["seed"], int) and len(fresh["drawn"]) == 3


def test_sample_csv_output_defuses_formulas(holders_db, tmp_path):
    out = tmp_path / "draw.csv"
    result = sample(holders_db, "--seed", 7, "--rate", 1, "-o", out)
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["年度", "镇（街道）", "村（社区）", "种子"]
    names = [r[2] for r in rows[1:]]
    assert len(names) == 5
    assert "'" + FORMULA_NAME in names and FORMULA_NAME not in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert sorted(n.lstrip("'") for n in names) == sorted(HOLDERS)
    # an existing file is not overwritten without --force
    refused = sample(holders_db, "--seed", 7, "--rate", 1, "-o", out)
    assert refused.exit_code == 2 and "已存在" in refused.stderr


def test_sample_xlsx_output_keeps_a_formula_like_name_as_text(holders_db, tmp_path):
    out = tmp_path / "抽查名单.xlsx"
    assert sample(holders_db, "--seed", 7, "--rate", 1, "-o", out).exit_code == 0
    sheet = openpyxl.load_workbook(out).active
    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    formula = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert formula.data_type == "s" and formula.value == FORMULA_NAME


def test_sample_with_no_assessments_exits_2_in_chinese(tmp_path):
    db = tmp_path / "empty.sqlite"
    result = sample(db, "--seed", 7, "--rate", 0.5)
    assert result.exit_code == 2
    assert "历史数据库中没有" in result.stderr and "nodrug batch" in result.stderr
    assert "Traceback" not in result.output
    if db.exists():
        assert count(db, "SELECT COUNT(*) FROM spot_checks") == 0


def test_sample_of_a_year_without_holders_draws_nobody(tmp_path):
    db = tmp_path / "h.sqlite"
    with History(db) as history:
        history.record([record("甲村", 2025, passed=False, declared=False)])
    data = json.loads(sample(db, "--seed", 7, "--format", "json").stdout)
    assert (data["holders"], data["drawn"]) == (0, [])


def test_sample_counts_a_holder_not_yet_reviewed_this_year(tmp_path):
    db = tmp_path / "h.sqlite"
    with History(db) as history:
        history.record([record("甲村", 2024, passed=True, declared=False),  # 授牌 2024; 2025 not yet reviewed
                        record("乙村", 2024, passed=True, declared=False, town="石门镇"),
                        record("乙村", 2025, passed=True, town="石门镇")])  # 授牌 2024, 保持 2025
    data = json.loads(sample(db, "--seed", 1, "--rate", 1, "--year", 2025, "--format", "json").stdout)
    assert data["holders"] == 2
    assert {d["community"] for d in data["drawn"]} == {"甲村", "乙村"}
