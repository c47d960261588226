"""Ctrl-C, SIGTERM and SIGKILL against real `nodrug` processes: a Chinese message and exit 130/143, no partial
summary or history, no worker left behind, no temporary output file left behind.

The runs are real (`python -m nodrug_cli` as a user starts it, real files, real worker processes, real signals
from os.kill). To hold a run where the signal must land, a small launcher (`SLOW`) makes one step wait: the
scoring of each ledger in `batch`, or the moment the finished output file is flushed in `score -o`; the code
under test — the signal handling, the workers and the cleanup — is nodrug's own.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_batch import QINGHE, passing

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")

ROOT = Path(__file__).resolve().parent.parent
SLOW = """
import sys, time
import nodrug_cli.batch.outcome, nodrug_cli.outputs

def slow(real):
    def wait_then(*args):
        time.sleep(60)
        return real(*args)
    return wait_then

if sys.argv[1] == "score_one":
    nodrug_cli.batch.outcome.score_one = slow(nodrug_cli.batch.outcome.score_one)
else:
    nodrug_cli.outputs._flush = slow(nodrug_cli.outputs._flush)
from nodrug_cli.cli.app import main
sys.argv = ["nodrug", *sys.argv[2:]]
main()
"""
PATIENCE_S = 60  # how long to wait for something that should happen at once


def start(tmp_path: Path, step: str, *args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NODRUG_DB": str(tmp_path / "env.sqlite")}
    return subprocess.Popen([sys.executable, "-c", SLOW, step, *map(str, args)], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def folder(tmp_path: Path) -> Path:
    root = tmp_path / "台账"
    root.mkdir()
    for name in ("甲村", "乙村", "丙村", "丁村"):
        passing(root / f"{name}.xlsx", name, QINGHE)
    return root


def batch_with_workers(tmp_path: Path):
    root = folder(tmp_path)
    db = tmp_path / "h.sqlite"
    proc = start(tmp_path, "score_one", "batch", root, "--jobs", 2, "--db", db, "-o", tmp_path / "汇总.xlsx",
                 "--as-of", "2025-12-31")
    wait_for(lambda: len(children(proc.pid)) >= 2, "the workers never started")
    return proc, children(proc.pid), db


@pytest.mark.parametrize("signum, code, words", [(signal.SIGTERM, 143, "已终止"), (signal.SIGINT, 130, "已中断")])
def test_batch_stopped_by_a_signal(tmp_path, signum, code, words):
    proc, workers, db = batch_with_workers(tmp_path)
    os.kill(proc.pid, signum)
    out, err = proc.communicate(timeout=PATIENCE_S)
    assert proc.returncode == code, err
    assert words in err and "：完成 0/4 个台账；未写出汇总，历史数据库未改动" in err
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "汇总.xlsx").exists()
    assert not db.exists() or sqlite3.connect(db).execute("SELECT count(*) FROM assessments").fetchone() == (0,)
    wait_for(lambda: not any(alive(w) for w in workers), "a worker outlived the batch")


def test_workers_die_when_the_batch_is_killed(tmp_path):
    proc, workers, _ = batch_with_workers(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=PATIENCE_S)
    wait_for(lambda: not any(alive(w) for w in workers), "a worker outlived a killed batch")


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_no_temporary_file_is_left_when_score_is_stopped_while_writing(tmp_path, signum, code):
    ledger = passing(tmp_path / "甲村.xlsx", "甲村", QINGHE)
    out = tmp_path / "考评表.xlsx"
    proc = start(tmp_path, "flush", "score", ledger, "-o", out, "--as-of", "2025-12-31")
    wait_for(lambda: list(tmp_path.glob(".nodrug-*.xlsx")), "the temporary output file never appeared")
    os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=PATIENCE_S)
    assert proc.returncode == code, err
    assert "Traceback" not in err and ("已终止" if signum == signal.SIGTERM else "已中断") in err
    assert list(tmp_path.glob(".nodrug-*")) == [] and not out.exists()


def test_a_killed_pools_manager_thread_fails_quietly():
    """Once batch has killed its pool, a failure of the pool's manager thread on its way down goes nowhere (the stop
    line has been said); any other thread's failure still reaches the hook that was there before."""
    import threading
    from concurrent.futures import ProcessPoolExecutor

    from nodrug_cli.batch import workers

    before, reached = threading.excepthook, []
    threading.excepthook = lambda args: reached.append(args.thread.name)
    pool = ProcessPoolExecutor(max_workers=1)
    try:
        pool.submit(sum, [1, 2]).result(timeout=60)
        manager = pool._executor_manager_thread
        workers._kill(pool)
        failure = (RuntimeError, RuntimeError("a pipe closed under the manager thread"), None)
        threading.excepthook(threading.ExceptHookArgs([*failure, manager]))
        assert reached == []
        other = threading.Thread(target=lambda: None, name="someone-else")
        threading.excepthook(threading.ExceptHookArgs([*failure, other]))
        assert reached == ["someone-else"]
    finally:
        threading.excepthook = before
