"""No workbook a clerk can make crashes nodrug: every single-column deletion and every header rename of every
sheet, of the filled template and of each sample ledger (tests/mutations.py), through validate, score, remind
and batch.

How the cost is kept for CI (a read is the dear part, ~0.1–0.2 s a workbook, whatever its size):
- each deletion of a required column (or 社区概况 entry) of the template gets a workbook of its own, so that one
  missing column is seen with everything else intact; every other change, and every change of the
  samples, goes in rounds (the n-th column each sheet can lose, all sheets at once; required and optional
  columns in separate rounds): every column is still taken away and renamed, at a fraction of the reads;
- every mutation is read once, in-process, and that one Ledger goes through the library calls behind `validate`
  (findings, JSON, exit code), `score` (assessment, JSON, text and Markdown) and `remind` (reminders, JSON); a
  rename leaves the frames of the column's deletion, so renames go through `validate` only;
- the commands themselves (typer's CliRunner, in-process) run on every required-column deletion of the
  template, and through real `python -m nodrug_cli` processes on one a sheet;
- `batch` runs once, as a real process, over a folder of every required-column deletion (alone or in rounds).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mutations import KEYVALUE_TABS, Change, Mutation, changes, filled_template, mutate, snapshot, write
from typer.testing import CliRunner

from nodrug_cli import jsonout
from nodrug_cli.cli.app import app
from nodrug_cli.exitcodes import ExitCode
from nodrug_cli.indicators.model import NOT_COMPUTABLE
from nodrug_cli.ledger.findings import ERROR
from nodrug_cli.ledger.layout import header_key
from nodrug_cli.ledger.read import read_ledger
from nodrug_cli.ledger.schema import column_specs, sheet_meta, sheet_schemas
from nodrug_cli.remind.rules import reminders_for
from nodrug_cli.render import words as say
from nodrug_cli.render.score import assessment_json, render_table
from nodrug_cli.standards.engine import assess
from nodrug_cli.standards.load import load_standard
from nodrug_cli.ledger.check import FileCheck, exit_code, to_json

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "无毒社区台账模板.xlsx"
SAMPLES = sorted((ROOT / "sample_ledgers").glob("*.xlsx"))
SOURCES = ["模板村", *(p.stem for p in SAMPLES)]
TODAY = dt.date(2026, 1, 15)
AS_OF = dt.date(2025, 12, 31)
REMIND_DAY = dt.date(2025, 6, 30)
STANDARD = load_standard(None)
runner = CliRunner()

# Which canonical sheet each tab of the sources is (the samples use aliases: 尿检台账, 基本情况…).
_TABS = {alias: key for key in sheet_schemas() for alias in (key, *sheet_meta(key)["aliases"])}


def _canonical(tab: str, header: str) -> tuple[str | None, str | None]:
    """(canonical sheet, canonical column) a source's tab and header stand for; None for what is not a ledger's
    (the template's 填表说明, an extra column)."""
    sheet = _TABS.get(tab)
    if sheet is None:
        return None, None
    wanted = header_key(header)
    for name, spec in column_specs(sheet).items():
        if wanted in {header_key(a) for a in (name, *spec.aliases)}:
            return sheet, name
    return sheet, None


def _required(change: Change) -> tuple[str, str] | None:
    """(canonical sheet, column) when the change takes a required column (or 社区概况 entry) away."""
    sheet, column = _canonical(change.sheet, change.header)
    if sheet is not None and column is not None and column_specs(sheet)[column].required:
        return sheet, column
    return None


def _template_alone(change: Change) -> bool:
    """A change of the template that gets a workbook of its own: a required column or 社区概况 entry deleted (its
    rename leaves the same frames, and goes in a round)."""
    return change.kind == "delete" and _required(change) is not None


def _sample_alone(change: Change) -> bool:
    """A sample's change that gets a workbook of its own: column A or B of 社区概况 (every entry, or every value)."""
    return change.sheet in KEYVALUE_TABS and change.header in ("列A", "列B")


def _is_required(change: Change) -> bool:
    return _required(change) is not None


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, dict[str, list[list]]]:
    """Each source's cell values: the filled template and the samples."""
    return {"模板村": filled_template(TEMPLATE), **{p.stem: snapshot(p) for p in SAMPLES}}


@pytest.fixture(scope="module")
def mutated(tmp_path_factory, sources) -> dict[str, list[Mutation]]:
    """Every mutation of every source, written once for the module."""
    root = tmp_path_factory.mktemp("mutations")
    out = {}
    for name, sheets in sources.items():
        source = write(root / f"{name}.xlsx", sheets)
        alone = _template_alone if name == "模板村" else _sample_alone
        out[name] = mutate(source, root / name, sheets, alone=alone, group=_is_required)
    return out


def test_the_filled_template_reads_clean(tmp_path):
    ledger = read_ledger(write(tmp_path / "模板村.xlsx", filled_template(TEMPLATE)), TODAY, as_of=AS_OF)
    assert [(f.code, f.cell) for f in ledger.findings if f.severity == ERROR] == []
    assert set(ledger.tables) == set(sheet_schemas())
    assert all(len(ledger.frame(k)) for k in sheet_schemas()), "every sheet has rows to lose a column from"


def test_every_sheet_and_column_is_mutated(sources, mutated):
    """Every single-column deletion and header rename of every sheet is made, in some workbook; every declared
    column of every sheet of the template among them, and each of its required ones deleted alone."""
    for name, sheets in sources.items():
        wanted = [change for change, _ in changes(sheets)]
        made = [c for m in mutated[name] for c in m.changes]
        assert sorted(made, key=repr) == sorted(wanted, key=repr), name
        assert {c.sheet for c in made} == set(sheets), name
        for m in mutated[name]:  # a round never mixes kinds, nor required columns with optional ones
            assert len({(c.kind, _is_required(c)) for c in m.changes}) == 1 and len({c.sheet for c in m.changes}) \
                == len(m.changes), m
        assert len(mutated[name]) < len(wanted) / 2, name  # the rounds do their work
    template = {(_canonical(c.sheet, c.header), c.kind) for m in mutated["模板村"] for c in m.changes}
    for sheet in sheet_schemas():
        if sheet_meta(sheet)["layout"] != "keyvalue":
            for column in column_specs(sheet):
                assert ((sheet, column), "delete") in template and ((sheet, column), "rename") in template
    alone = {_required(m.only) for m in mutated["模板村"] if m.only and m.kind == "delete" and _required(m.only)}
    assert alone == {(k, n) for k in sheet_schemas() for n, spec in column_specs(k).items() if spec.required}


def _validate(m: Mutation, ledger) -> None:
    check = FileCheck(m.path, ledger)
    document = json.loads(jsonout.dumps(to_json([check], "zh", masked=True)))
    assert len(document["files"]) == 1 and document["files"][0]["readable"]
    code = exit_code([check])
    assert code in (ExitCode.OK, ExitCode.FINDINGS)
    structural = [f for f in ledger.findings if f.code in ("column_missing", "header_not_found", "sheet_missing")]
    taken = [(c, _required(c)) for c in m.changes if _required(c)]
    if not taken:
        # Columns a sheet may lack, or column A/B of 社区概况 (its entries, or their values, gone).
        assert all(f.sheet in KEYVALUE_TABS for f in structural), (m, structural)
        return
    assert code == ExitCode.FINDINGS
    for change, (sheet, column) in taken:
        missing = [f for f in structural if f.code == "column_missing" and (f.sheet, f.header) == (change.sheet, column)]
        if change.sheet in KEYVALUE_TABS:
            assert [f.variant for f in missing] == ["keyvalue"], m
            assert "A 列" in missing[0].hint() and "表头行" not in missing[0].hint()
        else:
            assert [f.row for f in missing] == [change.header_row], m
            assert "*" not in missing[0].message() and change.sheet in missing[0].message()
        if not sheet_meta(sheet)["required"]:
            assert ledger.frame(sheet) is None and column in say.sheet_lacks(ledger, sheet), m
        else:
            assert ledger.frame(sheet) is not None, m  # a required sheet is kept without the column
        if sheet == "尿检记录" and column == "检测日期":
            assert not [f for f in ledger.findings if f.code == "test_duplicate"], m


def _score(m: Mutation, ledger) -> None:
    a = assess(ledger, STANDARD)
    document = json.loads(jsonout.dumps(assessment_json(a, full_pii=False)))
    assert isinstance(document, dict) and isinstance(document["findings"], list)
    for fmt in ("text", "md"):
        render_table(a, io.StringIO(), fmt)
    for change in m.changes:
        required = _required(change)
        if required is None or sheet_meta(required[0])["required"]:
            continue
        sheet, column = required
        for ind in a.indicators.values.values():
            if ind.status == NOT_COMPUTABLE and ind.extra.get("missing_sheet") == sheet:
                assert column in say.missing_reason(ind), (m, ind.key)
        unusable = [r for r in a.items if r.basis.startswith(f"“{change.sheet}”表缺少必需的列“{column}”")]
        needs = [r for r in a.items if a.indicators[r.item.indicator_key].extra.get("missing_sheet") == sheet]
        assert len(unusable) == len(needs), m
        assert not [r for r in a.items if f"缺少“{sheet}”表" in r.basis], m  # not mistaken for a missing sheet


def _remind(m: Mutation, ledger) -> None:
    reminders = reminders_for(ledger, STANDARD, REMIND_DAY, 7)
    json.loads(jsonout.dumps({"reminders": [r.to_json(False) for r in reminders]}))


@pytest.mark.parametrize("source", SOURCES)
def test_no_mutation_crashes_the_library(mutated, source):
    for m in mutated[source]:
        ledger = read_ledger(m.path, TODAY, as_of=AS_OF)
        _validate(m, ledger)
        if m.kind == "delete":  # a rename leaves the same frames as the deletion
            _score(m, ledger)
            _remind(m, ledger)


def _broken(mutations: list[Mutation]) -> list[Mutation]:
    """The deletions of a required column (or 社区概况 entry), alone or in rounds."""
    return [m for m in mutations if m.kind == "delete" and all(_required(c) for c in m.changes)]


def _one_json(result) -> dict:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    document = json.loads(result.stdout)  # exactly one JSON document, nothing else on stdout
    assert isinstance(document, dict)
    return document


def test_commands_on_every_required_column_of_the_template(mutated):
    broken = [m for m in _broken(mutated["模板村"]) if m.only]
    assert len(broken) == sum(s.required for k in sheet_schemas() for s in column_specs(k).values())
    for m in broken:
        v = runner.invoke(app, ["validate", str(m.path), "--as-of", AS_OF.isoformat(), "--format", "json"])
        assert v.exit_code == ExitCode.FINDINGS, (m, v.output)
        assert "column_missing" in {f["code"] for f in _one_json(v)["files"][0]["findings"]}
        s = runner.invoke(app, ["score", str(m.path), "--as-of", AS_OF.isoformat(), "--format", "json"])
        assert s.exit_code == ExitCode.FINDINGS, (m, s.output)
        assert "column_missing" in {f["code"] for f in _one_json(s)["findings"]}
        r = runner.invoke(app, ["remind", str(m.path), "--as-of", REMIND_DAY.isoformat(), "--format", "json"])
        assert r.exit_code == ExitCode.FINDINGS, (m, r.output)
        _one_json(r)


def _nodrug(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NODRUG_DB": str(cwd / "history.sqlite")}
    return subprocess.run([sys.executable, "-m", "nodrug_cli", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600)


def test_real_processes_and_one_batch_over_every_required_column(mutated, tmp_path):
    folder = tmp_path / "town"
    folder.mkdir()
    broken = [m for ms in mutated.values() for m in _broken(ms)]
    for m in broken:
        (folder / m.path.name).write_bytes(m.path.read_bytes())
    done = _nodrug("batch", str(folder), "--as-of", AS_OF.isoformat(), "--no-history", "--jobs", "2",
                   "--format", "json", cwd=tmp_path)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert done.returncode == ExitCode.FINDINGS, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert isinstance(summary, dict)
    listed = json.dumps(summary, ensure_ascii=False)
    assert all(m.path.name in listed for m in broken)  # every ledger has its row, none was dropped
    # One required column a sheet, taken away, through each command as a clerk runs it (validate and remind take
    # all the files at once).
    firsts = [str(m.path) for m in {m.only.sheet: m for m in _broken(mutated["模板村"]) if m.only}.values()]
    assert len(firsts) == len(sheet_schemas())
    for args in (("validate", *firsts), ("remind", *firsts), ("score", firsts[0])):
        day = REMIND_DAY if args[0] == "remind" else AS_OF
        shown = _nodrug(*args, "--as-of", day.isoformat(), "--format", "json", cwd=tmp_path)
        assert "Traceback" not in shown.stderr and shown.returncode == ExitCode.FINDINGS, (args[0], shown.stderr)
        assert isinstance(json.loads(shown.stdout), dict)
