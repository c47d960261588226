"""`nodrug batch` on a real folder: one ledger that goes wrong (unreadable, a crash while scoring, a worker
that dies under it) is that ledger's row and the rest are scored, summarised and recorded; only ledgers are
read (nodrug's own workbooks skipped, other workbooks listed as not ledgers, two files of one community
counted in nothing).

The crash and the dying worker are injected into the scoring step (`standards.engine.assess`) of a real run
over real files; the batch machinery around it (workers, isolation, roll-up, history) is what is tested.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from builders import write_xlsx
from test_batch import QINGHE, SHIMEN, failing, ledger_folder, passing
from typer.testing import CliRunner

from nodrug_cli.cli.app import app
from nodrug_cli.standards import engine

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_user_database(tmp_path, monkeypatch):
    monkeypatch.setenv("NODRUG_DB", str(tmp_path / "env-default.sqlite"))


def batch(*args):
    return runner.invoke(app, ["batch", *map(str, args)])


def batch_json(*args, jobs: int = 1):
    result = batch(*args, "--format", "json", "--as-of", "2025-12-31", "--jobs", jobs)
    assert "Traceback" not in result.output, result.output
    return result, json.loads(result.stdout)


def recorded(db: Path) -> list[str]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as con:
        return sorted(r[0] for r in con.execute("SELECT community FROM assessments"))


def four_communities(root: Path) -> Path:
    return ledger_folder(root, [(passing, "甲村", QINGHE), (failing, "乙村", QINGHE), (passing, "丙村", SHIMEN),
                                (passing, "丁村", SHIMEN)])


def _fault(monkeypatch, community: str, fault) -> None:
    """Make scoring `community` go wrong with `fault()`; every other ledger is scored for real."""
    real = engine.assess

    def assess(ledger, standard, last_year=None):
        if ledger.info.get("社区名称") == community:
            fault()
        return real(ledger, standard, last_year)

    monkeypatch.setattr(engine, "assess", assess)


def _boom() -> None:
    raise ZeroDivisionError("division by zero")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crash_while_scoring_one_ledger_is_its_row(tmp_path, monkeypatch, jobs):
    root = four_communities(tmp_path / "台账")
    db = tmp_path / "h.sqlite"
    _fault(monkeypatch, "乙村", _boom)
    result, data = batch_json(root, "--db", db, jobs=jobs)
    assert result.exit_code == 1  # one ledger failed
    rows = {Path(r["path"]).stem: r for r in data["ledgers"]}
    assert rows["乙村"]["status"] == "failed"
    assert "程序出错" in rows["乙村"]["reason"] and "ZeroDivisionError" in rows["乙村"]["reason"]
    assert {rows[k]["status"] for k in ("甲村", "丙村", "丁村")} == {"ok"}
    assert data["county"]["communities"] == 3
    assert recorded(db) == ["丁村", "丙村", "甲村"]


def test_a_worker_that_dies_under_one_ledger_blames_that_ledger_alone(tmp_path, monkeypatch):
    root = four_communities(tmp_path / "台账")
    passing(root / "戊村.xlsx", "戊村", SHIMEN)
    db = tmp_path / "h.sqlite"
    _fault(monkeypatch, "乙村", lambda: os.kill(os.getpid(), signal.SIGKILL))
    result, data = batch_json(root, "--db", db, "-o", tmp_path / "汇总.xlsx", jobs=2)
    assert result.exit_code == 1
    rows = {Path(r["path"]).stem: r for r in data["ledgers"]}
    assert rows["乙村"]["status"] == "failed" and "进程异常退出" in rows["乙村"]["reason"]
    assert all(rows[k]["status"] == "ok" for k in ("甲村", "丙村", "丁村", "戊村")), rows
    assert recorded(db) == ["丁村", "丙村", "戊村", "甲村"]
    assert (tmp_path / "汇总.xlsx").exists()


# --- what batch reads ---------------------------------------------------------------------------


def test_only_ledgers_are_read(tmp_path):
    root = tmp_path / "台账"
    root.mkdir()
    passing(root / "甲村.xlsx", "甲村", QINGHE)
    passing(root / "乙村.xlsx", "乙村", QINGHE)
    write_xlsx(root / "花名册.xlsx", {"名单": [["姓名", "电话"], ["张三", "123"]]})
    db = tmp_path / "h.sqlite"
    # last run's summary and an assessment workbook, written into the same folder
    first = batch(root, "--db", tmp_path / "first.sqlite", "--as-of", "2025-12-31", "--jobs", 1, "-o", root / "汇总.xlsx")
    assert first.exit_code == 0, first.output
    scored = runner.invoke(app, ["score", str(root / "甲村.xlsx"), "--as-of", "2025-12-31", "-o", str(root / "考评表.xlsx")])
    assert scored.exit_code == 0, scored.output
    assert "nodrug-output" in openpyxl.load_workbook(root / "汇总.xlsx").custom_doc_props.names

    result, data = batch_json(root, "--db", db)
    assert result.exit_code == 0, result.output  # a workbook that is not a ledger is skipped, not a failure
    assert sorted(Path(r["path"]).name for r in data["ledgers"]) == ["乙村.xlsx", "甲村.xlsx"]
    assert data["skipped"] == [{"path": str(root / "花名册.xlsx"), "reason": data["skipped"][0]["reason"]}]
    assert "不是台账" in data["skipped"][0]["reason"]
    assert f"跳过 {root / '花名册.xlsx'}：不是台账" in result.stderr
    assert "汇总.xlsx" not in result.output and "考评表.xlsx" not in result.output  # skipped without a word
    assert data["county"]["communities"] == 2
    assert recorded(db) == ["乙村", "甲村"]


def test_two_files_of_one_community_count_in_nothing(tmp_path):
    root = tmp_path / "台账"
    root.mkdir()
    passing(root / "甲村.xlsx", "甲村", QINGHE)
    passing(root / "甲村（副本）.xlsx", "甲村", QINGHE)  # a copy under another name
    passing(root / "乙村.xlsx", "乙村", QINGHE)
    passing(root / "石门镇甲村.xlsx", "甲村", SHIMEN)  # the same name in another town is another community
    db = tmp_path / "h.sqlite"
    result, data = batch_json(root, "--db", db)
    assert result.exit_code == 1
    rows = {Path(r["path"]).stem: r for r in data["ledgers"]}
    assert rows["甲村"]["status"] == rows["甲村（副本）"]["status"] == "duplicate"
    assert str(root / "甲村（副本）.xlsx") in rows["甲村"]["reason"]
    assert rows["乙村"]["status"] == rows["石门镇甲村"]["status"] == "ok"
    towns = {t["town"]: t["communities"] for t in data["towns"]}
    assert towns == {QINGHE: 1, SHIMEN: 1} and data["county"]["communities"] == 2
    assert recorded(db) == ["乙村", "甲村"]  # 石门镇's 甲村 and 乙村
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT town FROM assessments WHERE community = '甲村'").fetchall() == [(SHIMEN,)]


def test_no_ledger_found_exits_2(tmp_path):
    missing = tmp_path / "台帐"  # a mistyped folder
    result = batch(missing, "--db", tmp_path / "h.sqlite", "--jobs", 1)
    assert result.exit_code == 2
    assert f"没有找到台账：{missing}" in result.stderr and "没有找到任何台账" in result.stderr
    assert not (tmp_path / "h.sqlite").exists()

    root = tmp_path / "名单"
    root.mkdir()
    write_xlsx(root / "花名册.xlsx", {"名单": [["姓名", "电话"], ["张三", "123"]]})
    result = batch(root, "--db", tmp_path / "h.sqlite", "--jobs", 1)
    assert result.exit_code == 2
    assert "没有找到任何台账" in result.stderr and "不是台账" in result.stderr


def test_a_missing_file_among_ledgers_is_a_failure(tmp_path):
    root = four_communities(tmp_path / "台账")
    result, data = batch_json(root / "甲村.xlsx", root / "没有这个村.xlsx", "--db", tmp_path / "h.sqlite")
    assert result.exit_code == 1
    assert f"没有找到台账：{root / '没有这个村.xlsx'}" in result.stderr
    assert [r["community"] for r in data["ledgers"]] == ["甲村"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_in_the_folder_is_never_waited_on(tmp_path):
    root = tmp_path / "台账"
    root.mkdir()
    passing(root / "甲村.xlsx", "甲村", QINGHE)
    os.mkfifo(root / "管道.xlsx")
    result, data = batch_json(root, "--db", tmp_path / "h.sqlite")
    assert result.exit_code == 1
    rows = {Path(r["path"]).name: r["status"] for r in data["ledgers"]}
    assert rows == {"甲村.xlsx": "ok", "管道.xlsx": "unreadable"}
