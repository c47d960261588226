"""`nodrug batch` as a clerk runs it on a folder of real ledger files, and the sanctions it carries forward.

Every test writes its own workbooks into tmp_path and its own SQLite history file (`--db`); NODRUG_DB
points into tmp_path as well, so the user's own database is never touched.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from builders import minimal_ledger, person_id, write_xlsx
from typer.testing import CliRunner

from nodrug_cli.cli.app import app
from nodrug_cli.history.sanctions import GRANT, KEEP, REVOKE, WARN, holders, replay
from nodrug_cli.history.store import AssessmentRecord
from nodrug_cli.standards.load import load_standard
from nodrug_cli.standards.model import Ladder

runner = CliRunner()

# Every 自查项目 that boumei-2023 reads (items A1, A2, D2 and the 无毒 criteria).
CHECKLIST = ["禁毒机构和机制健全", "完成上级下达的打击指标", "创建工作档案规范完整", "无制毒贩毒种毒",
             "层层签订禁毒责任状", "14类涉毒重点人员摸排", "禁毒教育阵地", "网格化管理", "移风易俗、村规民约"]
QINGHE, SHIMEN = "青禾镇", "石门镇"
LEDGER_KEYS = {"path", "community", "town", "status", "reason", "rank", "total", "grade", "passed", "drug_free", "errors",
               "warnings", "indicators"}
README = Path(__file__).resolve().parent.parent / "README.md"
TOWN_KEYS = {"town", "communities", "passed", "community_pass_rate", "drug_free", "drug_free_rate", "drug_free_target",
             "drug_free_met", "total", "grade", "grade_passed", "vetoed", "flag", "rank", "indicators"}
SANCTION_KEYS = {"community", "town", "year", "event", "action", "provisional", "accountability"}
SEED002 = load_standard("boumei-2023").sanctions
SEED003 = load_standard("zhongkai-2015").sanctions
NO_LADDER = Ladder()


@pytest.fixture(autouse=True)
def _no_user_database(tmp_path, monkeypatch):
    """Whatever a test forgets, the default history database lives in tmp_path."""
    monkeypatch.setenv("NODRUG_DB", str(tmp_path / "env-default.sqlite"))


# --- ledgers -------------------------------------------------------------------------------------


def info(name: str, town: str, year: int, holder: bool | None) -> list[list]:
    rows = [["社区名称", name], ["所属镇（街道）", town], ["评估年度", year], ["常住人口", 3000]]
    if holder is not None:
        rows.append(["是否已授牌", "是" if holder else "否"])
    return rows


def passing(path: Path, name: str, town: str, year: int = 2025, holder: bool | None = None,
            events: bool = True) -> Path:
    """No registered persons, every checklist item 是, awareness 100 %, four events in every month: all ten 无毒
    criteria hold (1–3 with nobody registered) and every item that applies is met: 100 (优秀), 无毒."""
    extra = {
        "自查项目": [["项目", "是否落实"]] + [[item, "是"] for item in CHECKLIST],
        "知晓率调查": [["调查日期", "人群类别", "调查人数", "知晓人数"], [dt.date(year, 5, 1), "社区居民", 100, 100]],
    }
    if events:
        extra["宣传活动"] = [["活动日期", "活动名称"]] + [
            [dt.date(year, month, day), f"禁毒宣传{month}-{day}"] for month in range(1, 13) for day in (3, 10, 17, 24)]
    sheets = minimal_ledger(persons=[], tests=[], talks=[], extra=extra)
    sheets["社区概况"] = info(name, town, year, holder)
    return write_xlsx(path, sheets)


def failing(path: Path, name: str, town: str, year: int = 2025, holder: bool | None = None) -> Path:
    """No registered persons but no 自查项目, 宣传活动 or 知晓率调查 sheet: of boumei-2023's items only those whose
    indicator applies count (C1–C5 and C7 are 0/0, left out: 55 points), and of those only C6 (no relapse either
    year) and D1 (no registry errors) are met: 10/55 → 18.18 (不合格), not 无毒."""
    sheets = minimal_ledger(persons=[], tests=[], talks=[])
    sheets["社区概况"] = info(name, town, year, holder)
    return write_xlsx(path, sheets)


def with_bad_id(path: Path, name: str, town: str, year: int = 2025) -> Path:
    """The default minimal ledger with the first person's ID checksum broken: one error, 13.68 (不合格)."""
    sheets = minimal_ledger()
    good = person_id(1)
    sheets["吸毒人员"][1][1] = good[:-1] + ("0" if good[-1] != "0" else "1")
    sheets["社区概况"] = info(name, town, year, None)
    return write_xlsx(path, sheets)


def ledger_folder(root: Path, ledgers: list[tuple]) -> Path:
    """A folder of ledgers, each (maker, community, town): written as 「community」.xlsx."""
    root.mkdir()
    for make, community, town in ledgers:
        make(root / f"{community}.xlsx", community, town)
    return root


def town_folder(root: Path) -> Path:
    """Two towns' ledgers, plus what a real shared folder holds besides ledgers."""
    ledger_folder(root, [(passing, "甲村", QINGHE), (failing, "乙村", QINGHE), (with_bad_id, "丙村", QINGHE),
                         (passing, "戊社区", SHIMEN)])
    (root / "子目录").mkdir()
    passing(root / "子目录" / "丁社区.xlsx", "丁社区", SHIMEN, events=True)
    (root / "坏文件.xlsx").write_bytes(b"\x00\x01\x02 this is no workbook \x00\xff" * 20)
    # skipped: an Excel lock file, a hidden file, a hidden folder and a CSV (garbage, so reading them would show)
    (root / "~$甲村.xlsx").write_bytes(b"\x00lock")
    (root / ".y.xlsx").write_bytes(b"\x00hidden")
    (root / ".cache").mkdir()
    failing(root / ".cache" / "旧村.xlsx", "旧村", QINGHE)
    (root / "名单.csv").write_text("社区名称,测试\n", encoding="utf-8")
    return root


def standard_with_target(tmp_path: Path) -> Path:
    """boumei-2023 as a user copies it, renamed, with a 2025 target of 50 % 无毒 communities (the short form)."""
    shown = runner.invoke(app, ["standards", "show", "boumei-2023"])
    assert shown.exit_code == 0
    assert "targets: {}\n" in shown.stdout and "name: boumei-2023\n" in shown.stdout
    path = tmp_path / "我的标准.yaml"
    path.write_text(shown.stdout.replace("targets: {}\n", "targets: {drug_free_rate: {2025: 50%}}\n")
                    .replace("name: boumei-2023\n", "name: 我的标准\n"), encoding="utf-8")
    return path


def batch(*args):
    return runner.invoke(app, ["batch", *map(str, args)])


def batch_json(*args, as_of: str = "2025-12-31", jobs: int = 1):
    result = batch(*args, "--format", "json", "--as-of", as_of, "--jobs", jobs)
    assert "Traceback" not in result.output, result.output
    return result, json.loads(result.stdout)


def score_total(path: Path) -> float:
    result = runner.invoke(app, ["score", str(path), "--as-of", "2025-12-31", "--format", "json"])
    return json.loads(result.stdout)["total"]


def rows_of(db: Path) -> list[tuple]:
    """Every stored assessment without its id and recorded_at."""
    with sqlite3.connect(db) as con:
        con.row_factory = sqlite3.Row
        rows = con.execute("SELECT * FROM assessments ORDER BY town, community, year, standard").fetchall()
    return [tuple(v for k, v in zip(r.keys(), r) if k not in ("id", "recorded_at")) for r in rows]


# --- one folder, two towns -----------------------------------------------------------------------


def test_folder_of_two_towns_every_row_rollup_and_exit_code(tmp_path):
    root = town_folder(tmp_path / "台账")
    db = tmp_path / "h.sqlite"
    result, data = batch_json(root, "--db", db, "--standard", standard_with_target(tmp_path))
    assert result.exit_code == 1, result.output  # one unreadable and one invalid ledger
    assert data["year"] == 2025 and data["standard"]["name"] == "我的标准" and data["review"] is True

    rows = data["ledgers"]
    # by town (石门镇 before 青禾镇 in code-point order), then score, highest first; unreadable last
    assert [r["community"] for r in rows] == ["丁社区", "戊社区", "甲村", "乙村", "丙村", None]
    by = {r["community"]: r for r in rows}
    assert {k: v for k, v in by["丁社区"].items() if k != "indicators"} == {
        "path": str(root / "子目录" / "丁社区.xlsx"),  # found in the subfolder
        "community": "丁社区", "town": SHIMEN, "status": "ok", "reason": None, "rank": 1, "total": 100.0,
        "grade": "优秀", "passed": True, "drug_free": True, "errors": 0, "warnings": by["丁社区"]["warnings"]}
    # ranks within the town, by score
    # 丁社区 and 戊社区 tie at 100: both first (competition ranking)
    assert [(r["community"], r["rank"]) for r in rows] == [("丁社区", 1), ("戊社区", 1), ("甲村", 1), ("乙村", 2),
                                                          ("丙村", 3), (None, None)]
    # the ledger with errors is scored: its indicators are shown
    assert by["丙村"]["indicators"]["current_users"]["value"] is not None
    for name, town in (("戊社区", SHIMEN), ("甲村", QINGHE)):
        assert by[name]["town"] == town
        assert (by[name]["status"], by[name]["reason"], by[name]["grade"], by[name]["drug_free"],
                by[name]["errors"]) == ("ok", None, "优秀", True, 0)
        assert by[name]["total"] == 100.0
    assert (by["乙村"]["status"], by["乙村"]["total"], by["乙村"]["grade"], by["乙村"]["drug_free"],
            by["乙村"]["errors"]) == ("ok", 18.18, "不合格", False, 0)  # 10 of the 55 points that apply (C1–C5, C7: 0/0)
    bad = by["丙村"]
    assert (bad["status"], bad["reason"], bad["town"], bad["grade"], bad["drug_free"], bad["errors"]) == (
        "invalid", "台账有 1 个错误", QINGHE, "不合格", False, 1)
    # the mistyped ID keeps the 社区戒毒 person in every set (DOMAIN.md §4); the tests and talks, keyed with the
    # right ID, no longer match him: 6 test and 6 talk windows missed (C3, C4: 4 of 10 each), C6 met (5), C1, C2,
    # C5, D1 and the missing sheets' items 0; C7 (0/0) left out → 13 of 95 → 13.68
    assert bad["total"] == 13.68
    unreadable = rows[-1]
    assert unreadable["path"] == str(root / "坏文件.xlsx")
    assert unreadable["status"] == "unreadable" and "不是 Excel/WPS 工作簿" in unreadable["reason"]
    assert (unreadable["town"], unreadable["total"], unreadable["grade"], unreadable["drug_free"]) == (
        None, None, None, None)
    # each score is what `nodrug score` gives for the same file
    for r in rows[:-1]:
        assert r["total"] == score_total(Path(r["path"])), r["community"]
    # skipped: lock file, hidden file, hidden folder, CSV
    paths = {r["path"] for r in rows}
    assert not any(("~$" in p) or ("/." in p) or p.endswith(".csv") for p in paths)
    assert len(rows) == 6

    towns = [{k: t[k] for k in ("town", "communities", "passed", "community_pass_rate", "drug_free",
                                "drug_free_rate", "drug_free_target", "drug_free_met")} for t in data["towns"]]
    assert towns == [
        {"town": SHIMEN, "communities": 2, "passed": 2, "community_pass_rate": 1.0, "drug_free": 2,
         "drug_free_rate": 1.0, "drug_free_target": 0.5, "drug_free_met": True},
        {"town": QINGHE, "communities": 3, "passed": 1, "community_pass_rate": pytest.approx(1 / 3), "drug_free": 1,
         "drug_free_rate": pytest.approx(1 / 3), "drug_free_target": 0.5, "drug_free_met": False},
    ]
    assert all(t["grade"] in ("优秀", "合格", "不合格") and t["total"] is not None for t in data["towns"])
    county = data["county"]
    assert (county["communities"], county["passed"], county["drug_free"], county["drug_free_rate"],
            county["unreadable"], county["towns"]) == (5, 3, 3, 0.6, 1, 2)
    # a fresh database: the passing non-holders are granted the plaque, the rest keep what they had
    review = {"year": 2025, "event": "review", "provisional": False, "accountability": None}
    assert data["sanctions"] == [
        {"community": "丁社区", "town": SHIMEN, "action": GRANT, **review},
        {"community": "戊社区", "town": SHIMEN, "action": GRANT, **review},
        {"community": "丙村", "town": QINGHE, "action": KEEP, **review},
        {"community": "乙村", "town": QINGHE, "action": KEEP, **review},
        {"community": "甲村", "town": QINGHE, "action": GRANT, **review},
    ]


def readme_batch_json() -> dict:
    """The example object in the README's `nodrug batch` section: the documented shape."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### `nodrug batch`"):]
    section = section[:section.index("\n### ", 1)]
    return json.loads(re.search(r"```json\n(.*?)\n```", section, re.S).group(1))


def test_json_has_exactly_the_readme_shape(tmp_path):
    shape = readme_batch_json()
    root = town_folder(tmp_path / "台账")
    _, data = batch_json(root, "--db", tmp_path / "h.sqlite")
    assert set(data) == set(shape) == {"year", "review", "standard", "ledgers", "towns", "county", "sanctions",
                                       "skipped"}
    assert data["ledgers"] and all(set(r) == set(shape["ledgers"][0]) for r in data["ledgers"])
    assert set(shape["ledgers"][0]) == LEDGER_KEYS
    assert all(set(t) == set(shape["towns"][0]) == TOWN_KEYS for t in data["towns"])
    assert set(data["county"]) == set(shape["county"])
    assert data["sanctions"] and all(set(s) == set(shape["sanctions"][0]) == SANCTION_KEYS for s in data["sanctions"])
    # without targets in the standard, the target is null
    assert all(t["drug_free_target"] is None for t in data["towns"]) and data["county"]["town_pass_target"] is None


def test_json_standard_object_has_the_readme_keys(tmp_path):
    root = tmp_path / "台账"
    root.mkdir()
    passing(root / "甲村.xlsx", "甲村", QINGHE)
    _, data = batch_json(root, "--db", tmp_path / "h.sqlite")
    assert set(data["standard"]) == set(readme_batch_json()["standard"])


def test_clean_folder_exits_0(tmp_path):
    root = tmp_path / "干净"
    root.mkdir()
    passing(root / "甲村.xlsx", "甲村", QINGHE)
    failing(root / "乙村.xlsx", "乙村", SHIMEN)  # a failing verdict is not a ledger error
    result, data = batch_json(root, "--db", tmp_path / "h.sqlite")
    assert result.exit_code == 0, result.output
    assert [r["status"] for r in data["ledgers"]] == ["ok", "ok"]


def test_two_jobs_give_the_same_result(tmp_path):
    root = town_folder(tmp_path / "台账")
    one, first = batch_json(root, "--db", tmp_path / "a.sqlite", jobs=1)
    two, second = batch_json(root, "--db", tmp_path / "b.sqlite", jobs=2)
    assert one.exit_code == two.exit_code == 1
    assert first == second
    assert rows_of(tmp_path / "a.sqlite") == rows_of(tmp_path / "b.sqlite")


def test_glob_and_explicit_file(tmp_path):
    root = town_folder(tmp_path / "台账")
    result, data = batch_json(str(root / "*.xlsx"), "--db", tmp_path / "h.sqlite")
    # the top folder only; the lock file and the hidden file are skipped
    assert sorted(Path(r["path"]).name for r in data["ledgers"]) == sorted(
        ["甲村.xlsx", "乙村.xlsx", "丙村.xlsx", "戊社区.xlsx", "坏文件.xlsx"])
    assert result.exit_code == 1
    result, data = batch_json(root / "甲村.xlsx", "--db", tmp_path / "h.sqlite")
    assert result.exit_code == 0
    assert [(r["community"], r["status"]) for r in data["ledgers"]] == [("甲村", "ok")]
    # a folder and a glob over it name the same files: each ledger is scored once
    _, data = batch_json(root, str(root / "*.xlsx"), root / "甲村.xlsx", "--db", tmp_path / "h.sqlite")
    assert len(data["ledgers"]) == 6 and data["county"]["communities"] == 5
    # a recursive glob reaches the subfolder
    _, data = batch_json(str(root / "**" / "丁*.xlsx"), "--db", tmp_path / "h.sqlite")
    assert [r["community"] for r in data["ledgers"]] == ["丁社区"]


def test_paths_matching_nothing(tmp_path):
    root = town_folder(tmp_path / "台账")
    db = tmp_path / "h.sqlite"
    nothing = str(tmp_path / "台账" / "没有*.xlsx")
    result, data = batch_json(root / "甲村.xlsx", nothing, "--db", db)
    assert result.exit_code == 0
    assert f"没有找到台账：{nothing}" in result.stderr
    assert [r["community"] for r in data["ledgers"]] == ["甲村"]

    result = batch(nothing, "--db", db, "--format", "json", "--jobs", 1)
    assert result.exit_code == 2
    assert f"没有找到台账：{nothing}" in result.stderr and "没有找到任何台账文件" in result.stderr

    empty = tmp_path / "空文件夹"
    empty.mkdir()
    (empty / "~$锁.xlsx").write_bytes(b"\x00")
    (empty / ".隐藏.xlsx").write_bytes(b"\x00")
    (empty / "名单.csv").write_text("a,b\n", encoding="utf-8")
    result = batch(empty, "--db", db, "--jobs", 1)
    assert result.exit_code == 2
    assert "没有找到任何台账文件" in result.stderr
    assert "Traceback" not in result.output


def test_summary_workbook_and_refusal_to_overwrite(tmp_path):
    root = town_folder(tmp_path / "台账")
    out = tmp_path / "summary.xlsx"
    result = batch(root, "--db", tmp_path / "h.sqlite", "--as-of", "2025-12-31", "--jobs", 1, "-o", out)
    assert result.exit_code == 1, result.output
    assert f"汇总表已写入：{out}" in result.stdout
    book = openpyxl.load_workbook(out)
    assert {"汇总", "镇街汇总", "奖惩"} <= set(book.sheetnames)
    written = out.read_bytes()

    fresh = tmp_path / "fresh.sqlite"
    refused = batch(root, "--db", fresh, "--as-of", "2025-12-31", "--jobs", 1, "-o", out)
    assert refused.exit_code == 2
    assert "已存在" in refused.stderr and "--force" in refused.stderr
    assert out.read_bytes() == written
    assert not fresh.exists() or rows_of(fresh) == []  # refused before anything was scored or recorded

    forced = batch(root, "--db", tmp_path / "h.sqlite", "--as-of", "2025-12-31", "--jobs", 1, "-o", out, "--force")
    assert forced.exit_code == 1, forced.output
    assert {"汇总", "镇街汇总", "奖惩"} <= set(openpyxl.load_workbook(out).sheetnames)


def test_interrupt_writes_no_history_and_exits_130(tmp_path, monkeypatch):
    import nodrug_cli.batch.outcome as batch_module

    root = town_folder(tmp_path / "台账")
    db = tmp_path / "h.sqlite"
    real = batch_module.score_one
    calls = []

    def interrupted(*args):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(batch_module, "score_one", interrupted)
    result = batch(root, "--db", db, "--as-of", "2025-12-31", "--jobs", 1, "-o", tmp_path / "s.xlsx")
    assert result.exit_code == 130
    assert "已中断：完成 2/6 个台账" in result.stderr
    assert not (tmp_path / "s.xlsx").exists()
    assert not db.exists() or rows_of(db) == []


# --- history: re-runs and interrupted runs -------------------------------------------------------


def test_rerunning_the_same_year_keeps_one_row_per_community_year_standard(tmp_path):
    root = town_folder(tmp_path / "台账")
    db = tmp_path / "h.sqlite"
    first_result, first = batch_json(root, "--db", db)
    before = rows_of(db)
    second_result, second = batch_json(root, "--db", db)
    assert first == second and first_result.exit_code == second_result.exit_code == 1
    with sqlite3.connect(db) as con:
        counts = con.execute("SELECT community, year, standard, COUNT(*) FROM assessments "
                             "GROUP BY town, community, year, standard").fetchall()
        total = con.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]
    assert total == 5  # the five readable ledgers; the unreadable file is not stored
    assert sorted(c for c, _, _, n in counts if n == 1) == sorted(["甲村", "乙村", "丙村", "丁社区", "戊社区"])
    assert {(y, s) for _, y, s, _ in counts} == {(2025, "boumei-2023")}
    assert rows_of(db) == before


def test_interrupted_then_complete_run_equals_one_clean_run(tmp_path):
    root = town_folder(tmp_path / "台账")
    resumed, clean = tmp_path / "resumed.sqlite", tmp_path / "clean.sqlite"
    batch_json(root / "甲村.xlsx", root / "丙村.xlsx", root / "子目录", "--db", resumed)  # half the folder
    result_resumed, after_resume = batch_json(root, "--db", resumed)
    result_clean, once = batch_json(root, "--db", clean)
    assert result_resumed.exit_code == result_clean.exit_code
    assert after_resume == once
    assert rows_of(resumed) == rows_of(clean)
    assert len(rows_of(clean)) == 5


# --- sanctions over the years --------------------------------------------------------------------


def year_folder(tmp_path: Path, year: int, plan: dict[str, tuple[bool, bool | None]]) -> Path:
    """One folder per year: community → (passes this year?, 是否已授牌 as the ledger declares it)."""
    folder = tmp_path / str(year)
    folder.mkdir()
    for name, (passes, holder) in plan.items():
        (passing if passes else failing)(folder / f"{name}.xlsx", name, QINGHE, year, holder)
    return folder


def test_sanctions_over_three_years(tmp_path):
    db = tmp_path / "h.sqlite"
    # (passes, 是否已授牌 in the ledger); the clerk keeps 是否已授牌 as the ledger had it — history decides
    plans = {
        2024: {"甲村": (True, False), "乙村": (False, True), "丙村": (False, True), "丁村": (False, False)},
        2025: {"甲村": (True, True), "乙村": (False, True), "丙村": (True, True), "丁村": (False, False)},
        2026: {"甲村": (True, True), "乙村": (True, True), "丙村": (False, True), "丁村": (True, False)},
    }
    expected = {
        # (a) non-holder that passes → 授牌, then 保持
        "甲村": {2024: GRANT, 2025: KEEP, 2026: KEEP},
        # (b) holder failing twice in a row → 黄牌警告, 收回授牌; passing after that → 授牌 again
        "乙村": {2024: WARN, 2025: REVOKE, 2026: GRANT},
        # (c) holder failing, passing, failing → the second failure since the grant, not consecutive
        "丙村": {2024: WARN, 2025: KEEP, 2026: REVOKE},
        # a non-holder failing keeps what it has (nothing); passing later → 授牌
        "丁村": {2024: KEEP, 2025: KEEP, 2026: GRANT},
    }
    for year, plan in plans.items():
        result, data = batch_json(year_folder(tmp_path, year, plan), "--db", db, as_of=f"{year}-12-31")
        assert result.exit_code == 0, result.output
        assert data["year"] == year
        assert [r["drug_free"] for r in data["ledgers"]] == sorted(
            [p for p, _ in plan.values()], reverse=True)  # ranked by score: the passing ones first
        assert {s["community"]: s["action"] for s in data["sanctions"]} == {
            name: actions[year] for name, actions in expected.items()}, year
        assert all(s["year"] == year for s in data["sanctions"])
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM assessments").fetchone()[0] == 12
    # re-running 2025 afterwards does not change 2025's sanctions (later years are not replayed into it)
    result, data = batch_json(tmp_path / "2025", "--db", db, as_of="2025-12-31")
    assert {s["community"]: s["action"] for s in data["sanctions"]} == {
        name: actions[2025] for name, actions in expected.items()}


def test_no_history_takes_the_ledgers_plaque_alone(tmp_path):
    db = tmp_path / "h.sqlite"
    folder = year_folder(tmp_path, 2025, {"甲村": (True, False), "乙村": (False, True)})
    result, data = batch_json(folder, "--no-history", "--db", db)
    assert result.exit_code == 0
    assert {s["community"]: s["action"] for s in data["sanctions"]} == {"甲村": GRANT, "乙村": WARN}
    assert not db.exists()


# --- the ladder itself ---------------------------------------------------------------------------


def rec(year: int, passed: bool, declared: bool | None = None, community: str = "甲村") -> AssessmentRecord:
    return AssessmentRecord(town=QINGHE, community=community, year=year, standard="boumei-2023",
                            as_of=f"{year}-12-31", total=88.0 if passed else 40.0,
                            grade="合格" if passed else "不合格", passed=passed, grade_passed=passed,
                            drug_free=passed, vetoed=False, plaque_declared=declared, errors=0, indicators={})


def actions(records, ladder):
    return [(s.year, s.action) for s in replay(records, ladder)]


def test_replay_seed002():
    # a non-holder that passes is granted the plaque and keeps it while it passes
    assert actions([rec(2024, True, False), rec(2025, True, True)], SEED002) == [(2024, GRANT), (2025, KEEP)]
    # a non-holder that fails keeps nothing
    assert actions([rec(2024, False, False)], SEED002) == [(2024, KEEP)]
    # a holder: first failure → 黄牌警告, second → 收回授牌
    assert actions([rec(2024, False, True), rec(2025, False, True)], SEED002) == [(2024, WARN), (2025, REVOKE)]
    # the second failure since the grant, not necessarily consecutive; records in any order
    steps = replay([rec(2026, False), rec(2024, False, True), rec(2025, True)], SEED002)
    assert [(s.year, s.action) for s in steps] == [(2024, WARN), (2025, KEEP), (2026, REVOKE)]
    assert [(s.holder_before, s.holder_after) for s in steps] == [(True, True), (True, True), (True, False)]
    # a new grant starts the count again: revoke, regrant, then one failure is only a warning
    assert actions([rec(2021, False, True), rec(2022, False), rec(2023, True), rec(2024, False), rec(2025, True),
                    rec(2026, False)], SEED002) == [
        (2021, WARN), (2022, REVOKE), (2023, GRANT), (2024, WARN), (2025, KEEP), (2026, REVOKE)]
    # only the earliest record's declaration seeds the holder; later declarations do not override history
    assert actions([rec(2024, False, False), rec(2025, False, True)], SEED002) == [(2024, KEEP), (2025, KEEP)]
    # no declaration (None) means no plaque
    assert actions([rec(2025, False, None)], SEED002) == [(2025, KEEP)]
    assert replay([], SEED002) == []


def test_replay_seed003():
    # a holder that fails the yearly re-review loses the title at once
    assert actions([rec(2024, False, True)], SEED003) == [(2024, REVOKE)]
    assert actions([rec(2024, True, True), rec(2025, False, True)], SEED003) == [(2024, KEEP), (2025, REVOKE)]
    # a non-holder that passes → 授牌; failing after that → 收回授牌 at once (no warning)
    assert actions([rec(2024, True, False), rec(2025, False), rec(2026, False), rec(2027, True)], SEED003) == [
        (2024, GRANT), (2025, REVOKE), (2026, KEEP), (2027, GRANT)]


def test_replay_none_and_holders():
    assert replay([rec(2024, True, False), rec(2025, False, True)], NO_LADDER) == []
    records = [rec(2024, True, False, "甲村"), rec(2025, True, True, "甲村"),
               rec(2024, False, True, "乙村"), rec(2025, False, True, "乙村"),
               rec(2025, False, True, "丙村"),
               rec(2024, True, False, "丁村")]
    assert {u for u in holders(records, SEED002, 2025) if u[1] != "丁村"} == {(QINGHE, "丙村"), (QINGHE, "甲村")}
    assert {u for u in holders(records, SEED003, 2025) if u[1] != "丁村"} == {(QINGHE, "甲村")}
    # no ladder: a unit holds the title while its latest review passed (丁村 passed 2024, not yet reviewed 2025)
    assert holders(records, NO_LADDER, 2025) == [(QINGHE, "丁村"), (QINGHE, "甲村")]
    assert holders(records, SEED002, 2024) == [(QINGHE, "丁村"), (QINGHE, "乙村"), (QINGHE, "甲村")]
