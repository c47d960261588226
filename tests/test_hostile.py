"""Hostile and broken input, and safe output (issue 7).

Every file of the corpus (tests/corpus.py) goes through every command that takes a ledger — validate and
score one file at a time, batch and remind with the files grouped — as a real subprocess
(`python -m nodrug_cli`, NODRUG_DB in a temporary folder, a timeout). Each run must: print no traceback,
name each unreadable file with its one-line Chinese message, exit with the documented code, stay within
TIME_LIMIT seconds and MEMORY_LIMIT_MIB of peak resident memory (its VmHWM at exit), and leave every
input byte-for-byte unchanged. The runs go two at a time (start-up costs ~0.5 s each); each is
`python -c LAUNCH …`, which is `python -m nodrug_cli …` plus a note of its peak memory.

Then outputs: temporary file and rename (nothing half-written when a writer fails), never over the input,
never over an existing file without --force, a clear message for an unwritable target, and ledger text
that a spreadsheet would run as a formula (=, +, -, @, tab, CR) written as text in xlsx and csv outputs.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from builders import minimal_ledger, person_id, write_xlsx
from corpus import BY_KEY, CASES, COMMANDS, CONTROL_CHARS, SECRET, build_all, small_zip_bomb

from nodrug_cli.ledger import workbook
from nodrug_cli.ledger.unreadable import UNREADABLE_MESSAGES
from nodrug_cli.ledger.workbook import DEFAULT_MAX_INFLATED, Unreadable, human_size, open_workbook

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes, pipes and /proc")

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0  # chmod 000 stops nobody as root
TIME_LIMIT = 20.0
MEMORY_LIMIT_MIB = 400
TIMEOUT = 90.0
TODAY = dt.date(2025, 12, 31)
CLI_SKIP = ("no_permission",) if ROOT else ()
BATCH_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@dataclass
class Run:
    """One finished `python -m nodrug_cli …`."""

    args: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float

    def __str__(self) -> str:
        return (f"nodrug {' '.join(self.args)} → {self.code}\n"
                f"--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}")


# `python -m nodrug_cli`, plus a note of the peak memory at exit. The peak is the process's own VmHWM (its
# resident high-water mark since exec) and its reaped workers' ru_maxrss: getrusage(RUSAGE_SELF) would
# report pytest's size, since a child started by vfork inherits the parent's high-water mark across exec.
LAUNCH = """
import atexit, os, resource, runpy, sys
def peak():
    try:
        with open("/proc/self/status") as status:
            own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(os.environ["NODRUG_TEST_PEAK"], "w") as out:
        out.write(str(max(own, workers)))
atexit.register(peak)
sys.argv[0] = "nodrug_cli"
runpy.run_module("nodrug_cli", run_name="__main__", alter_sys=True)
"""


def run_cli(args: list[str], cwd: Path, db: Path, timeout: float = TIMEOUT) -> Run:
    """Run the CLI in a fresh interpreter: exit code, output, wall time and peak memory (MiB)."""
    with tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        env = {**os.environ, "NODRUG_DB": str(db), "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1",
               "NODRUG_TEST_PEAK": str(peak_file)}
        env.pop("COLUMNS", None)
        started = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-c", LAUNCH, *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=timeout)
            code, out, err = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as exc:
            code, out, err = -9, exc.stdout or b"", (exc.stderr or b"") + b"\n[timed out]"
        seconds = time.perf_counter() - started
        kib = int(peak_file.read_text()) if peak_file.exists() else -1
    scale = 1 / 1024 if sys.platform == "darwin" else 1  # ru_maxrss: bytes on macOS, KiB elsewhere
    return Run(args, code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), seconds,
               kib * scale / 1024 if kib >= 0 else float("nan"))


def sha256(path: Path) -> str | None:
    if path.is_dir() or not os.access(path, os.R_OK):
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def injection_ledger(path: Path) -> Path:
    """A ledger whose community, town and names start with what a spreadsheet would run as a formula."""
    a, b, c = person_id(1), person_id(2, False), person_id(3)
    dates = [dt.date(2024, 1, 3), dt.date(2024, 1, 5), dt.date(2024, 1, 10), "是"]
    persons = [
        ["=1+1", a, "男", dt.date(1990, 5, 17), "社区戒毒", *dates],
        ["@SUM(1+1)", b, "女", dt.date(1990, 5, 17), "社区康复", *dates],
        ["-2+3", c, "男", dt.date(1990, 5, 17), "社区戒毒", *dates],
        ["+cmd|' /C calc'!A0", person_id(4), "男", dt.date(1990, 5, 17), "社区戒毒", *dates],
        ["\t=1+2", person_id(5), "男", dt.date(1990, 5, 17), "社区戒毒", *dates],
        ["\r=1+3", person_id(6), "男", dt.date(1990, 5, 17), "社区戒毒", *dates],
    ]
    sheets = minimal_ledger(persons=persons, tests=[[a, "=1+1", dt.date(2025, 3, 1), "阴性"]],
                            talks=[[a, "=1+1", dt.date(2025, 3, 2), "=HYPERLINK(\"http://evil.example\")"]])
    sheets["社区概况"] = [["社区名称", '=HYPERLINK("http://evil.example","点我")'], ["所属镇（街道）", "@SUM(1)"],
                      ["评估年度", 2025], ["常住人口", 3000], ["是否已授牌", "是"]]
    return write_text_cells(path, sheets)


def write_text_cells(path: Path, sheets: dict[str, list[list]]) -> Path:
    """builders.write_xlsx with text stored as text (`=1+1` typed by a clerk, not a formula)."""
    return write_xlsx(path, sheets, text_as_text=True)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class World:
    """The corpus, every run over it, and the inputs' hashes before anything ran."""

    def __init__(self, base: Path):
        self.base = base
        self.folder = base / "corpus"
        self.paths = build_all(self.folder)
        self.others = base / "others"  # files for the output tests
        self.others.mkdir()
        self.db = base / "history.sqlite"
        self.hashes: dict[Path, str | None] = {}
        self.runs: dict[str, Run] = {}

    def hash_inputs(self) -> None:
        for path in [*self.paths.values(), *self.others.rglob("*")]:
            self.hashes[path] = sha256(path)

    def plan(self) -> dict[str, tuple[list[str], Path]]:
        jobs: dict[str, tuple[list[str], Path]] = {}
        for case in CASES:
            if case.key in CLI_SKIP:
                continue
            path = self.paths[case.key]
            if case.key == "dash_name":
                for command in COMMANDS:
                    jobs[f"{command}:dash_name"] = ([command, "--", path.name], self.folder)
                jobs["validate:dash_name:dot"] = (["validate", f"./{path.name}"], self.folder)
                jobs["score:dash_name:dot"] = (["score", f"./{path.name}"], self.folder)
                jobs["validate:dash_name:bare"] = (["validate", path.name], self.folder)
                continue
            jobs[f"score:{case.key}"] = (["score", str(path)], self.base)
            if case.big or case.key == "directory":  # batch on a folder holding just that file
                alone = self.base / "alone" / case.key
                alone.mkdir(parents=True)
                target = alone / path.name
                if path.is_file():
                    os.link(path, target)
                else:
                    target.mkdir()
                jobs[f"batch:{case.key}"] = (["batch", str(alone), "--jobs", "1"], self.base)
            if case.key == "directory":
                jobs["remind:directory"] = (["remind", str(path)], self.base)
                jobs["validate:directory"] = (["validate", str(path)], self.base)
        named = [str(p) for p in self.paths.values() if p.suffix == ".csv"]
        jobs["batch:all"] = (["batch", str(self.folder), *named, "--jobs", "2"], self.base)
        jobs["batch:all:json"] = (["batch", str(self.folder), *named, "--jobs", "2", "--format", "json",
                                   "--no-history"], self.base)
        for group, members in self.groups().items():
            for command in ("validate", "remind"):  # they take many files: one run per kind of outcome
                jobs[f"{command}:{group}"] = ([command, *[str(self.paths[k]) for k in members]], self.base)
        return jobs

    def groups(self) -> dict[str, list[str]]:
        """The corpus files by the exit code they give (2 unreadable, 1 errors, 0 clean)."""
        groups: dict[str, list[str]] = {"unreadable": [], "errors": [], "clean": []}
        for case in CASES:
            if case.key in (*CLI_SKIP, "dash_name", "directory"):
                continue
            groups["unreadable" if case.reason else "errors" if case.errors else "clean"].append(case.key)
        return groups

    def run_all(self, extra: dict[str, tuple[list[str], Path]]) -> None:
        jobs = {**self.plan(), **extra}
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            futures = {name: pool.submit(run_cli, args, cwd, self.db) for name, (args, cwd) in jobs.items()}
            self.runs = {name: future.result() for name, future in futures.items()}


def output_jobs(world: World) -> dict[str, tuple[list[str], Path]]:
    """The CLI runs of the output tests, planned here so they run alongside the corpus."""
    o = world.others
    ledger = write_xlsx(o / "台账.xlsx", minimal_ledger())
    (o / "batch").mkdir()
    shutil.copy(ledger, o / "batch" / "台账.xlsx")
    for name in ("已有.xlsx", "已有.csv", "已有.ics"):
        (o / name).write_bytes(b"an earlier output, not to be lost")
    os.symlink(ledger, o / "链接.xlsx")
    (o / "inject").mkdir()
    inject = injection_ledger(o / "inject" / "注入.xlsx")
    readonly = o / "只读"
    readonly.mkdir()
    readonly.chmod(0o555)
    unwritable = readonly if not ROOT else Path("/sys")  # as root, /sys still refuses new files
    d = str(world.db.parent / "inject.sqlite")
    return {
        "out:score_is_input": (["score", str(ledger), "-o", str(ledger), "--force"], o),
        "out:score_is_input_spelled": (["score", "台账.xlsx", "-o", "./batch/../台账.xlsx", "--force"], o),
        "out:score_is_input_link": (["score", str(ledger), "-o", str(o / "链接.xlsx"), "--force"], o),
        "out:batch_is_input": (["batch", str(o / "batch"), "-o", str(o / "batch" / "台账.xlsx"), "--force",
                                "--no-history"], o),
        "out:remind_is_input": (["remind", str(ledger), "-o", str(ledger), "--force"], o),
        "out:template_exists": (["template", "-o", str(o / "已有.xlsx")], o),
        "out:score_exists": (["score", str(ledger), "-o", str(o / "已有.xlsx")], o),
        "out:batch_exists": (["batch", str(o / "batch"), "-o", str(o / "已有.xlsx"), "--no-history"], o),
        "out:remind_exists": (["remind", str(ledger), "--format", "ics", "-o", str(o / "已有.ics")], o),
        "out:sample_exists": (["sample", "--db", d, "-o", str(o / "已有.csv")], o),
        "out:template_no_folder": (["template", "-o", str(o / "没有这个文件夹" / "模板.xlsx")], o),
        "out:score_no_folder": (["score", str(ledger), "-o", str(o / "没有这个文件夹" / "考评表.xlsx")], o),
        "out:template_unwritable": (["template", "-o", str(unwritable / "模板.xlsx")], o),
        "out:batch_unwritable": (["batch", str(o / "batch"), "-o", str(unwritable / "汇总.xlsx"), "--no-history"], o),
        "out:inject_score": (["score", str(inject), "-o", str(o / "考评表.xlsx"), "--full-pii", "--as-of",
                              "2025-12-31"], o),
        "out:inject_score_masked": (["score", str(inject), "-o", str(o / "考评表_遮蔽.xlsx"), "--as-of",
                                     "2025-12-31"], o),
        "out:inject_batch": (["batch", str(o / "inject"), "-o", str(o / "汇总.xlsx"), "--db", d, "--as-of",
                              "2025-12-31"], o),
        "out:inject_remind_csv": (["remind", str(inject), "--format", "csv", "--as-of", "2025-12-20", "--full-pii",
                                   "-o", str(o / "提醒.csv")], o),
        "out:inject_remind_csv_stdout": (["remind", str(inject), "--format", "csv", "--as-of", "2025-12-20"], o),
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    world = World(tmp_path_factory.mktemp("hostile"))
    extra = output_jobs(world)
    world.hash_inputs()
    world.run_all(extra)
    # sample reads what batch recorded, so it runs after it
    d = str(world.db.parent / "inject.sqlite")
    for name, suffix in (("out:inject_sample_csv", ".csv"), ("out:inject_sample_xlsx", ".xlsx")):
        world.runs[name] = run_cli(["sample", "--db", d, "--year", "2025", "--rate", "1", "--seed", "7", "-o",
                                    str(world.others / f"抽查{suffix}")], world.others, world.db)
    return world


def check_run(run: Run, world: World) -> None:
    """What every run owes whatever its input: no traceback, bounded, nothing secret or raw-control printed."""
    text = run.stdout + run.stderr
    assert "Traceback" not in text, str(run)
    assert run.code not in (-6, -9, 134, 137), f"the process died: {run}"
    assert run.seconds < TIME_LIMIT, f"{run.seconds:.1f} s: {run}"
    assert run.peak_mib < MEMORY_LIMIT_MIB, f"{run.peak_mib:.0f} MiB: {run}"  # NaN (no note: it died) fails too
    assert SECRET not in text, str(run)
    for ch in CONTROL_CHARS:
        assert ch not in text, (repr(ch), str(run))
    assert len(text) < 2 * 1024 * 1024, f"{len(text)} characters of output"


# -- the corpus: what each file is --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_corpus_reads_as_declared(case, tmp_path):
    """In process: the reason it is refused, or the findings it must produce, quickly."""
    from nodrug_cli.ledger.read import read_ledger

    if case.key == "no_permission" and ROOT:
        pytest.skip("root reads a chmod 000 file; see test_permission_denied_is_its_own_reason")
    path = case.build(tmp_path)
    started = time.perf_counter()
    if case.reason:
        with pytest.raises(Unreadable) as caught:
            read_ledger(path, TODAY)
        assert caught.value.reason == case.reason
        assert caught.value.message() == case.message()
    else:
        ledger = read_ledger(path, TODAY)
        assert (ledger.errors > 0) == case.errors, [(f.code, f.cell) for f in ledger.findings]
        got = {f.code for f in ledger.findings} | {f"{f.code}@{f.cell}" for f in ledger.findings}
        assert set(case.findings) <= got, sorted(got)
        _assert_clean(ledger)
    assert time.perf_counter() - started < 10


def _assert_clean(ledger) -> None:
    """No control character in anything a ledger hands on: typed values, findings, tab names."""
    shown = [v for frame in ledger.frames.values() for v in frame.to_numpy().ravel()]
    shown += [x for f in ledger.findings for x in (f.value, f.header, f.sheet, f.detail)]
    shown += [t.name for t in ledger.tables.values()]
    for value in shown:
        assert not (isinstance(value, str) and any(ch in value for ch in CONTROL_CHARS)), repr(value)


def test_control_characters_far_down_a_sheet_never_reach_the_output(tmp_path):
    """Rows below the head of a sheet are cleaned as they are read: a name, a 性别 and a date 250 rows down."""
    from typer.testing import CliRunner

    from corpus import _csv_text, _person_rows
    from nodrug_cli.cli.app import app
    from nodrug_cli.ledger.read import read_ledger

    rows = _person_rows()
    header = rows[0]
    for n in range(300):
        row = list(rows[1])
        row[header.index("姓名")], row[header.index("身份证号")] = f"人员{n}", person_id(n + 10, True)
        row[header.index("出生日期")] = None
        rows.append(row)
    far = rows[260]
    far[header.index("姓名")] = "王\x1b[2J小明\x07"
    far[header.index("性别")] = "男\x1b]0;pwned\x07\x9b"
    path = tmp_path / "吸毒人员.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    ledger = read_ledger(path, TODAY)
    _assert_clean(ledger)
    assert "王[2J小明" in set(ledger.frames["吸毒人员"]["姓名"])
    result = CliRunner().invoke(app, ["validate", str(path), "--format", "json", "--as-of", "2025-12-31"])
    assert result.exit_code in (0, 1) and not any(ch in result.output for ch in CONTROL_CHARS), result.output


# -- the corpus through every command -----------------------------------------------------------------------


def _cases():
    return [pytest.param(c, id=c.key) for c in CASES if c.key not in (*CLI_SKIP, "dash_name")]


@pytest.mark.parametrize("case", _cases())
def test_score_one_file(world, case):
    run = world.runs[f"score:{case.key}"]
    check_run(run, world)
    assert run.code == case.exit_code("score"), str(run)
    path = world.paths[case.key]
    if case.reason:
        assert run.stderr.strip().splitlines() == [f"无法读取 {path}：{case.message()}"], str(run)
        assert run.stdout == "", str(run)
    else:
        assert "无法读取" not in run.stderr, str(run)


@pytest.mark.parametrize("group", ["unreadable", "errors", "clean"])
def test_validate_over_grouped_files(world, group):
    """One line per unreadable file (`无法读取 path：why`), nothing else on stderr; the group's exit code."""
    run = world.runs[f"validate:{group}"]
    check_run(run, world)
    assert run.code == {"unreadable": 2, "errors": 1, "clean": 0}[group], str(run)
    expected = [f"无法读取 {world.paths[k]}：{BY_KEY[k].message()}" for k in world.groups()[group] if BY_KEY[k].reason]
    assert run.stderr.strip().splitlines() == expected, str(run)
    if group == "unreadable":
        assert run.stdout == ""
    else:  # each readable file gets its report
        assert all(f"== {world.paths[k]} ==" in run.stdout for k in world.groups()[group]), str(run)


def test_validate_on_a_folder(world):
    run = world.runs["validate:directory"]
    check_run(run, world)
    assert run.code == 2 and run.stderr.strip() == f"无法读取 {world.paths['directory']}：这是一个文件夹，不是台账文件"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.key) for c in CASES if c.big or c.key == "directory"])
def test_batch_on_a_folder_holding_one_file(world, case):
    run = world.runs[f"batch:{case.key}"]
    check_run(run, world)
    assert run.code == case.exit_code("batch"), str(run)
    if case.key == "directory":
        assert "没有找到任何台账文件" in run.stderr
    elif case.reason:
        assert any(case.message() in line and "无法读取" in line and case.filename in line
                   for line in run.stdout.splitlines()), str(run)


def _batch_files(world: World):
    """Every corpus file batch reads: those in the folder, and the CSV files it was given by name."""
    return [(c, world.paths[c.key]) for c in CASES
            if c.key != "directory" and world.paths[c.key].suffix in (*BATCH_SUFFIXES, ".csv")]


def test_batch_over_the_whole_corpus(world):
    """One bad ledger never stops the batch: each becomes a row naming the file and why (exit 1)."""
    run, as_json = world.runs["batch:all"], world.runs["batch:all:json"]
    for r in (run, as_json):
        check_run(r, world)
        assert r.code == 1, str(r)
    rows = {row["path"]: row for row in json.loads(as_json.stdout)["ledgers"]}
    for case, path in _batch_files(world):
        row = rows[str(path)]
        if case.reason and case.key not in CLI_SKIP:  # as root the chmod 000 file is read like any other
            assert (row["status"], row["reason"]) == ("unreadable", case.message()), case.key
            assert any(str(path) in line and case.message() in line and "无法读取" in line
                       for line in run.stdout.splitlines()), case.key
        elif path.suffix == ".csv":  # one sheet, no 社区概况: a community of its own (the file's name), with errors
            assert row["status"] == "invalid", (case.key, row)
        else:  # every readable corpus workbook is one community under another file name: each a duplicate
            assert row["status"] == "duplicate", (case.key, row)
    assert len(rows) == len(_batch_files(world))


@pytest.mark.parametrize("group", ["unreadable", "errors", "clean"])
def test_remind_over_grouped_files(world, group):
    run = world.runs[f"remind:{group}"]
    check_run(run, world)
    assert run.code == {"unreadable": 2, "errors": 1, "clean": 0}[group], str(run)
    for key in world.groups()[group]:
        case, path = BY_KEY[key], world.paths[key]
        if case.reason:
            assert f"{path}：{case.message()}" in run.stderr.splitlines(), (key, str(run))
        else:
            assert not any(str(path) in line and "无法读取" in line for line in run.stderr.splitlines())


def test_remind_on_a_folder_with_no_ledger(world):
    run = world.runs["remind:directory"]
    check_run(run, world)
    assert run.code == 2 and "没有找到任何台账文件" in run.stderr, str(run)


def test_a_file_name_with_spaces_chinese_and_a_leading_dash(world):
    """`-百灵 社区.xlsx` is read after `--` and as ./-百灵 社区.xlsx; bare, it is an unknown option (exit 2)."""
    for name in ("validate:dash_name", "score:dash_name", "batch:dash_name", "remind:dash_name",
                 "validate:dash_name:dot", "score:dash_name:dot"):
        run = world.runs[name]
        check_run(run, world)
        assert run.code == 0, str(run)
    bare = world.runs["validate:dash_name:bare"]
    check_run(bare, world)
    assert bare.code == 2 and "-百" in bare.stderr and "--help" in bare.stderr, str(bare)


def test_every_input_is_unchanged(world):
    """After every command ran on every corpus file, each file hashes as it did before."""
    assert world.runs
    changed = [str(p) for p, digest in world.hashes.items() if digest is not None and sha256(p) != digest]
    assert changed == []
    assert not list(world.folder.glob(".nodrug-*")) and not list(world.folder.glob("~$*"))


def test_the_big_cases_are_fast_and_small(world):
    """Bombs are refused within the limit without reading them, and the dimension claim reads a few cells."""
    for case in (c for c in CASES if c.big):
        for command in ("score", "batch"):
            run = world.runs[f"{command}:{case.key}"]
            assert run.seconds < TIME_LIMIT and run.peak_mib < MEMORY_LIMIT_MIB, (case.key, command, run.seconds,
                                                                                  run.peak_mib)


# -- reading: limits and conditions, in process -------------------------------------------------------------


def test_a_small_zip_bomb_is_refused_from_its_declared_sizes_without_inflating(tmp_path, monkeypatch):
    path = small_zip_bomb(tmp_path, mib=16)
    monkeypatch.setattr(workbook, "inflate", lambda *a: pytest.fail("inflated a member of a refused file"))
    with pytest.raises(Unreadable) as caught:
        open_workbook(path, max_inflated=8 * 1024**2)
    assert caught.value.reason == "too_large"
    assert "8 MiB" in caught.value.message() and "--max-size" in caught.value.message()


def test_a_lying_zip_stops_after_its_declared_size(tmp_path, monkeypatch):
    path = BY_KEY["lying_zip"].build(tmp_path)
    inflated = []
    real = workbook.inflate

    def counting(path_, data, info):
        for piece in real(path_, data, info):
            inflated.append(len(piece))
            yield piece

    monkeypatch.setattr(workbook, "inflate", counting)
    with pytest.raises(Unreadable) as caught:
        open_workbook(path)
    assert caught.value.reason == "truncated"
    assert sum(inflated) < 64 * 1024**2  # 2.25 GiB behind a 1,800-byte header: stopped at the first chunk


def test_the_limit_is_documented_and_a_sheet_at_excels_row_limit_fits_under_it(tmp_path):
    """A 1,048,576-row × 20-column sheet: its XML (measured per row from openpyxl) and its grid fit."""
    row = [person_id(7), "王小明", dt.date(2025, 3, 1), "尿检", "阴性", *range(15)]
    path = write_xlsx(tmp_path / "rows.xlsx", {"尿检记录": [row] * 200})
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    per_row = len(xml) / 200
    assert per_row * 1_048_576 < DEFAULT_MAX_INFLATED / 2
    assert 1_048_576 * 20 * workbook.GRID_CELL_BYTES < DEFAULT_MAX_INFLATED / 4
    assert human_size(DEFAULT_MAX_INFLATED) == "4.0 GiB"


def test_a_sheet_at_excels_row_limit_is_read(tmp_path):
    """1,048,576 rows (two columns, to keep the test quick) are read, not refused."""
    from corpus import members, rezip

    parts = members(write_xlsx(tmp_path / "base.xlsx", {"尿检记录": [["身份证号", "检测日期"]]}))
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>45717</v></c></row>' % (r, r, r, r)
                    for r in range(2, 1_048_577))
    parts["xl/worksheets/sheet1.xml"] = re.sub(rb"</row></sheetData>", b"</row>" + rows + b"</sheetData>",
                                               parts["xl/worksheets/sheet1.xml"])
    path = rezip(tmp_path / "full.xlsx", parts)
    started = time.perf_counter()
    sheets = open_workbook(path)
    assert len(sheets[0].rows) == 1_048_576 and sheets[0].rows[-1][1] == 45717.0
    assert time.perf_counter() - started < 30
    del sheets


def test_cells_without_r_attributes_and_prefixed_tags_are_read_like_plain_ones(tmp_path):
    from corpus import members, rezip, sheet_part

    plain = write_xlsx(tmp_path / "plain.xlsx", minimal_ledger())
    parts = members(plain)
    sheet = sheet_part(parts, "尿检记录")  # every cell filled, so cells without r land where they were
    expected = open_workbook(plain)
    rowless = dict(parts)
    rowless[sheet] = re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", re.sub(rb'<row r="[0-9]+"', b"<row", parts[sheet]))
    prefixed = dict(parts)
    xml = parts[sheet].replace(b'<worksheet xmlns="', b'<x:worksheet xmlns:x="')
    prefixed[sheet] = re.sub(rb"<(/?)(?!x:)([A-Za-z]+)", rb"<\1x:\2", xml)
    for name, variant in (("rowless", rowless), ("prefixed", prefixed)):
        got = open_workbook(rezip(tmp_path / f"{name}.xlsx", variant))
        assert [s.rows for s in got] == [s.rows for s in expected], name
    # without r, a cell lands after the one before it: a far one is still seen
    far = dict(parts)
    far[sheet] = parts[sheet].replace(b"</sheetData>", b'<row r="1048576"><c><v>1</v></c></row>'
                                      b'<row r="1"><c r="XFC1"><v>1</v></c><c><v>2</v></c></row></sheetData>')
    with pytest.raises(Unreadable) as caught:
        open_workbook(rezip(tmp_path / "far.xlsx", far))
    assert caught.value.reason == "too_large"
    # a second r attribute (calamine takes the last) is no way around the check
    twice = dict(parts)
    twice[sheet] = parts[sheet].replace(b'<c r="A2" ', b'<c r="A2" r="XFD1048576" ', 1)
    assert twice[sheet] != parts[sheet]
    with pytest.raises(Unreadable):
        open_workbook(rezip(tmp_path / "twice.xlsx", twice))


def test_a_worksheet_part_with_another_extension_is_still_checked(tmp_path):
    """calamine takes whatever the relationships point at under xl/worksheets/ as a sheet, .xml or not."""
    from corpus import far_cell, members, rezip, sheet_part

    parts = members(far_cell(tmp_path))
    sheet = sheet_part(parts, "吸毒人员")
    renamed = sheet.replace(".xml", ".dat")
    parts[renamed] = parts.pop(sheet)
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        sheet.rsplit("/", 1)[1].encode(), renamed.rsplit("/", 1)[1].encode())
    with pytest.raises(Unreadable) as caught:
        open_workbook(rezip(tmp_path / "dat.xlsx", parts))
    assert caught.value.reason == "too_large"


def test_a_plain_workbook_maps_each_sheet_to_its_part_and_anything_else_to_none(tmp_path):
    """Each worksheet part is checked just before its sheet is parsed only when the workbook says plainly which
    part is whose; every other shape of workbook is checked whole first."""
    import python_calamine

    from corpus import ledger_xlsx, members, rezip
    from nodrug_cli.ledger.sheetparts import sheet_plan

    path = ledger_xlsx(tmp_path / "plain.xlsx")
    names = python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names
    with zipfile.ZipFile(path) as archive:
        plan = sheet_plan(archive, names)
        assert list(plan) == names and sorted(plan.values()) == sorted(
            n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        assert sheet_plan(archive, list(reversed(names))) is None  # calamine sees other sheets: not plain
    parts = members(path)
    rels = parts["xl/_rels/workbook.xml.rels"]
    for odd in (b"/xl/worksheets/../worksheets/sheet1.xml", b"worksheets/sub/sheet1.xml", b"/elsewhere/sheet1.xml"):
        changed = dict(parts, **{"xl/_rels/workbook.xml.rels": rels.replace(b"/xl/worksheets/sheet1.xml", odd)})
        with zipfile.ZipFile(rezip(tmp_path / "odd.xlsx", changed)) as archive:
            assert sheet_plan(archive, names) is None, odd
    twice = dict(parts, **{"xl/workbook.xml": parts["xl/workbook.xml"].replace(
        f'name="{names[1]}"'.encode(), f'name="{names[0].upper()}"'.encode())})
    with zipfile.ZipFile(rezip(tmp_path / "twice.xlsx", twice)) as archive:
        assert sheet_plan(archive, [names[0], names[0].upper(), *names[2:]]) is None  # two sheets of one name


@pytest.mark.parametrize("threads", [1, 2])
def test_a_far_cell_in_the_last_sheet_or_in_no_sheet_is_refused_after_the_others_are_parsed(tmp_path, monkeypatch,
                                                                                            threads):
    from corpus import ledger_xlsx, members, rezip, sheet_part

    monkeypatch.setattr("nodrug_cli.ledger.cells.PARSE_THREADS", threads)
    parts = members(ledger_xlsx(tmp_path / "base.xlsx"))
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    last = sorted(n for n in parts if n.startswith("xl/worksheets/sheet"))[-1]
    in_last = dict(parts, **{last: parts[last].replace(b"</sheetData>", far)})
    unused = dict(parts, **{"xl/worksheets/sheet99.xml": parts[sheet_part(parts, "吸毒人员")].replace(
        b"</sheetData>", far)})
    for name, variant in (("last", in_last), ("unused", unused)):
        with pytest.raises(Unreadable) as caught:
            open_workbook(rezip(tmp_path / f"{name}.xlsx", variant))
        assert caught.value.reason == "too_large", name


def test_a_libreoffice_ods_with_a_million_padding_rows_is_read(tmp_path):
    from builders import write_ods
    from corpus import members

    parts = members(write_ods(tmp_path / "base.ods", minimal_ledger()))
    parts["content.xml"] = parts["content.xml"].replace(
        b"</table:table>", b'<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
        b'table:number-columns-repeated="16384"/></table:table-row></table:table>')
    path = tmp_path / "libreoffice.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", parts.pop("mimetype"), zipfile.ZIP_STORED)
        for name, data in parts.items():
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    assert [s.name for s in open_workbook(path)][:2] == ["社区概况", "吸毒人员"]


def test_a_named_pipe_and_a_device_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "台账.xlsx"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        started = time.perf_counter()
        with pytest.raises(Unreadable) as caught:
            open_workbook(path)
        assert caught.value.reason == "not_workbook" and time.perf_counter() - started < 2


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "大.csv"
    path.write_bytes(b"a,b\n" * 300_000)
    with pytest.raises(Unreadable) as caught:
        open_workbook(path, max_inflated=1024**2)
    assert caught.value.reason == "too_large"


def unreadable_path(tmp_path: Path) -> Path:
    """A file open() refuses for real: chmod 000, or — as root, whom chmod stops not — a write-only kernel
    setting (/proc/sys/vm/drop_caches, mode 0200, which the kernel refuses to read even to root)."""
    if not ROOT:
        return BY_KEY["no_permission"].build(tmp_path)
    target = Path("/proc/sys/vm/drop_caches")
    try:
        open(target, "rb").close()
    except PermissionError:
        return target
    except OSError:
        pass
    pytest.skip("no file here that open() refuses to root")


def test_permission_denied_is_its_own_reason(tmp_path):
    target = unreadable_path(tmp_path)
    with pytest.raises(Unreadable) as caught:
        open_workbook(target)
    assert caught.value.reason == "no_permission"
    assert caught.value.message() == "没有读取该文件的权限"


@pytest.mark.parametrize("command", ["validate", "score", "remind"])
def test_permission_denied_through_the_cli(tmp_path, command):
    target = unreadable_path(tmp_path)
    run = run_cli([command, str(target)], tmp_path, tmp_path / "db.sqlite")
    assert "Traceback" not in run.stderr and run.code == 2, str(run)
    expected = f"{target}：没有读取该文件的权限"
    assert run.stderr.strip().splitlines()[-1] in (f"无法读取 {expected}", expected), str(run)


def test_os_errors_map_to_reasons():
    import errno

    assert workbook.reason_for_os_error(PermissionError(errno.EACCES, "denied")) == "no_permission"
    assert workbook.reason_for_os_error(OSError(errno.EPERM, "not permitted")) == "no_permission"
    assert workbook.reason_for_os_error(FileNotFoundError(errno.ENOENT, "gone")) == "not_found"
    assert workbook.reason_for_os_error(OSError(errno.ENOTDIR, "not a dir")) == "not_found"
    assert workbook.reason_for_os_error(IsADirectoryError(errno.EISDIR, "dir")) == "is_directory"
    assert workbook.reason_for_os_error(OSError(errno.EIO, "I/O")) == "truncated"


def test_size_option_parses_or_names_itself():
    import typer

    from nodrug_cli.cli.common import Env, parse_size_option

    env = Env(stdout=io.StringIO(), stderr=io.StringIO())
    assert parse_size_option(env, "8G") == 8 * 1024**3
    assert parse_size_option(env, "500M") == 500 * 1024**2
    assert parse_size_option(env, "4GiB") == DEFAULT_MAX_INFLATED
    assert parse_size_option(env, None) is None
    with pytest.raises(typer.Exit) as caught:
        parse_size_option(env, "很大")
    assert caught.value.exit_code == 2 and "--max-size" in env.stderr.getvalue()


def test_every_reason_has_a_one_line_chinese_message_saying_what_to_do():
    for reason, (zh, en) in UNREADABLE_MESSAGES.items():
        text = zh.format(detail="4.0 GiB")
        assert "\n" not in text and re.search(r"[\u4e00-\u9fff]", text), reason
        assert "\n" not in en


# -- outputs -----------------------------------------------------------------------------------------------


def _outputs_left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".nodrug-"))


def test_an_output_is_never_written_over_the_input(world):
    o = world.others
    for name, other in (("out:score_is_input", o / "台账.xlsx"), ("out:score_is_input_spelled", "台账.xlsx"),
                        ("out:score_is_input_link", o / "台账.xlsx"), ("out:remind_is_input", o / "台账.xlsx"),
                        ("out:batch_is_input", o / "batch" / "台账.xlsx")):
        run = world.runs[name]
        check_run(run, world)
        assert run.code == 2, str(run)
        line = run.stderr.strip().splitlines()[-1]
        assert "就是输入台账" in line and str(other) in line, str(run)
    assert world.hashes[o / "台账.xlsx"] == sha256(o / "台账.xlsx")
    assert (o / "链接.xlsx").is_symlink()


def test_an_existing_output_is_kept_without_force(world):
    for name in ("out:template_exists", "out:score_exists", "out:batch_exists", "out:remind_exists",
                 "out:sample_exists"):
        run = world.runs[name]
        check_run(run, world)
        assert run.code == 2 and "已存在" in run.stderr and "--force" in run.stderr, str(run)
    for name in ("已有.xlsx", "已有.csv", "已有.ics"):
        assert (world.others / name).read_bytes() == b"an earlier output, not to be lost"


def test_an_unwritable_target_gets_a_clear_message(world):
    for name, why in (("out:template_no_folder", "文件夹不存在"), ("out:score_no_folder", "文件夹不存在"),
                      ("out:template_unwritable", "无法写入"), ("out:batch_unwritable", "无法写入")):
        run = world.runs[name]
        check_run(run, world)
        assert run.code == 2, str(run)
        line = run.stderr.strip().splitlines()[-1]
        assert why in line and ".xlsx" in line, str(run)
        assert "Errno" not in line and "Permission denied" not in line, line
    assert _outputs_left(world.others) == []


def _fail_half_way(monkeypatch, error: BaseException):
    """Make every openpyxl save write a few bytes and then fail, as a full disk or a bug would."""
    import openpyxl

    def broken(self, filename):
        with open(filename, "wb") as handle:
            handle.write(b"PK\x03\x04 half a workbook")
        raise error

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)


def test_a_writer_that_fails_half_way_leaves_nothing(tmp_path, monkeypatch):
    from nodrug_cli.render.template_xlsx import write_template

    _fail_half_way(monkeypatch, RuntimeError("the writer broke"))
    target = tmp_path / "模板.xlsx"
    with pytest.raises(RuntimeError):
        write_template(target)
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(b"the previous template")  # with --force, a failed write keeps the old file
    with pytest.raises(RuntimeError):
        write_template(target)
    assert target.read_bytes() == b"the previous template" and _outputs_left(tmp_path) == []


def test_a_full_disk_while_writing_the_assessment_is_exit_2_and_leaves_nothing(tmp_path, monkeypatch):
    import errno

    import typer

    from nodrug_cli.cli import score
    from nodrug_cli.cli.common import Env
    from nodrug_cli.jobs.score import ScoreSettings

    ledger = write_xlsx(tmp_path / "台账.xlsx", minimal_ledger())
    _fail_half_way(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    env = Env(stdout=io.StringIO(), stderr=io.StringIO(), is_terminal=False, today=TODAY)
    with pytest.raises(typer.Exit) as caught:
        score.run(ScoreSettings(ledger, today=TODAY, output=tmp_path / "考评表.xlsx"), env)
    assert caught.value.exit_code == 2
    assert env.stderr.getvalue().strip() == f"无法写入 {tmp_path / '考评表.xlsx'}：磁盘空间不足"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["台账.xlsx"]


def test_a_full_disk_while_writing_the_spot_check_list_is_exit_2(tmp_path, monkeypatch):
    import errno

    import typer

    from nodrug_cli.cli import batch, sample
    from nodrug_cli.cli.common import Env
    from nodrug_cli.jobs.batch import BatchSettings
    from nodrug_cli.jobs.sample import SampleSettings

    ledger = injection_ledger(tmp_path / "台账.xlsx")
    db = tmp_path / "history.sqlite"
    quiet = Env(stdout=io.StringIO(), stderr=io.StringIO(), is_terminal=False, today=TODAY)
    with pytest.raises(typer.Exit):
        batch.run(BatchSettings((str(ledger),), today=TODAY, year=2025, jobs=1, format="json", db=db), quiet)
    _fail_half_way(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    env = Env(stdout=io.StringIO(), stderr=io.StringIO(), is_terminal=False, today=TODAY)
    target = tmp_path / "抽查.xlsx"
    with pytest.raises(typer.Exit) as caught:
        sample.run(SampleSettings(TODAY, rate=1.0, seed=7, year=2025, standard="boumei-2023", output=target, db=db), env)
    assert caught.value.exit_code == 2 and "磁盘空间不足" in env.stderr.getvalue()
    assert not target.exists()


def test_outputs_are_renamed_into_place_from_the_target_folder(tmp_path, monkeypatch):
    from nodrug_cli.outputs import atomic_path

    seen = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (seen.append((Path(a), Path(b))), real(a, b)))
    with atomic_path(tmp_path / "out.csv") as temp:
        temp.write_text("a,b\n")
    [(source, target)] = seen
    assert source.parent == target.parent == tmp_path and source.name.startswith(".nodrug-")
    assert (tmp_path / "out.csv").read_text() == "a,b\n" and _outputs_left(tmp_path) == []


def _formula_cells(path: Path) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    found = [f"{ws.title}!{cell.coordinate}={cell.value!r}" for ws in book.worksheets for row in ws.iter_rows()
             for cell in row if cell.data_type == "f"]
    with zipfile.ZipFile(path) as archive:  # and in the XML itself: no <f> element anywhere
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<(?:\w+:)?f[\s>]", archive.read(name)):
                found.append(name)
    return found


def _xlsx_texts(path: Path) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    return [cell.value for ws in book.worksheets for row in ws.iter_rows() for cell in row
            if isinstance(cell.value, str)]


def test_ledger_text_that_looks_like_a_formula_stays_text_in_xlsx_outputs(world):
    o = world.others
    for name in ("out:inject_score", "out:inject_score_masked", "out:inject_batch", "out:inject_sample_xlsx"):
        run = world.runs[name]
        check_run(run, world)
        assert run.code in (0, 1), str(run)
    for output in ("考评表.xlsx", "考评表_遮蔽.xlsx", "汇总.xlsx", "抽查.xlsx"):
        assert _formula_cells(o / output) == [], output
    hyperlink = '=HYPERLINK("http://evil.example","点我")'
    texts = _xlsx_texts(o / "考评表.xlsx")  # the hostile text is kept, as text, where it belongs
    assert hyperlink in texts or any(t.startswith(hyperlink) for t in texts), texts[:5]
    assert "=1+1" in texts and "@SUM(1+1)" in texts, texts  # gap persons' names (--full-pii)
    assert hyperlink in _xlsx_texts(o / "汇总.xlsx")
    assert hyperlink in _xlsx_texts(o / "抽查.xlsx")
    masked = "\n".join(_xlsx_texts(o / "考评表_遮蔽.xlsx"))  # without --full-pii: no whole name or ID
    assert "@SUM(1+1)" not in masked and person_id(1) not in masked and "@*******)" in masked


def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_ledger_text_that_looks_like_a_formula_is_defused_in_csv_outputs(world):
    o = world.others
    outputs = {}
    for name, path in (("out:inject_remind_csv", o / "提醒.csv"), ("out:inject_sample_csv", o / "抽查.csv")):
        run = world.runs[name]
        check_run(run, world)
        assert run.code in (0, 1), str(run)
        outputs[name] = path.read_text(encoding="utf-8-sig")
    stdout = world.runs["out:inject_remind_csv_stdout"]
    check_run(stdout, world)
    outputs["stdout"] = stdout.stdout
    for name, text in outputs.items():
        cells = _csv_cells(text)
        assert cells, name
        assert [c for c in cells if c.startswith(FORMULA_STARTS)] == [], name
    assert "'=1+1" in _csv_cells(outputs["out:inject_remind_csv"])  # the name, whole (--full-pii), defused
    assert person_id(1) not in outputs["stdout"] and "'=**1" in _csv_cells(outputs["stdout"])  # masked by default
    assert "'=HYPERLINK(\"http://evil.example\",\"点我\")" in _csv_cells(outputs["out:inject_sample_csv"])
