"""DOMAIN.md §9 across every command and every output kind: no full ID or name unless --full-pii,
and never in what leaves the machine (robot, mail, calendar) even with it."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nodrug_cli.cli.app import app
from nodrug_cli.ledger.read import read_ledger

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parent.parent / "sample_ledgers"
LEDGER = SAMPLES / "石桥村.xlsx"  # persons with shortfalls, so IDs and names appear in gaps and reminders
AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def people():
    frame = read_ledger(LEDGER, dt.date(2026, 11, 25)).frames["吸毒人员"]
    ids = {i for i in frame["身份证号"].dropna()}
    names = {n for n in frame["姓名"].dropna() if len(n) >= 3}  # two-character names also occur as ordinary words
    return ids, names


def text_of(path: Path) -> str:
    """Everything a file holds as text: an xlsx's XML parts, or the file itself."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8-sig")


def leaks(text: str, people) -> set[str]:
    ids, names = people
    return {x for x in ids | names if x in text}


def outputs(tmp_path: Path, full: bool) -> dict[str, str]:
    """Run every command that shows persons, in every output kind, and collect what each printed or wrote."""
    pii = ["--full-pii"] if full else []
    folder = tmp_path / ("full" if full else "masked")
    folder.mkdir()
    db = folder / "h.sqlite"
    runs = {
        "validate text": ["validate", LEDGER, "--as-of", AS_OF],
        "validate json": ["validate", LEDGER, "--as-of", AS_OF, "--format", "json"],
        "score text": ["score", LEDGER, "--as-of", AS_OF, *pii],
        "score json": ["score", LEDGER, "--as-of", AS_OF, "--format", "json", *pii],
        "score md": ["score", LEDGER, "--as-of", AS_OF, "--format", "md", *pii],
        "score xlsx": ["score", LEDGER, "--as-of", AS_OF, "-o", folder / "考评表.xlsx", *pii],
        "batch json": ["batch", SAMPLES, "--as-of", AS_OF, "--format", "json", "--db", db, "-o", folder / "汇总.xlsx"],
        "remind text": ["remind", LEDGER, "--as-of", "2025-12-20", *pii],
        "remind json": ["remind", LEDGER, "--as-of", "2025-12-20", "--format", "json", *pii],
        "remind md": ["remind", LEDGER, "--as-of", "2025-12-20", "--format", "md", *pii],
        "remind csv": ["remind", LEDGER, "--as-of", "2025-12-20", "--format", "csv", "-o", folder / "提醒.csv", *pii],
        "remind ics": ["remind", LEDGER, "--as-of", "2025-12-20", "--format", "ics", "-o", folder / "提醒.ics", *pii],
        "history": ["history", "--db", db],
    }
    collected = {}
    for name, args in runs.items():
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code in (0, 1), (name, result.output)
        collected[name] = result.output
    for path in folder.iterdir():
        if path.suffix in (".xlsx", ".csv", ".ics"):
            collected[path.name] = text_of(path)
    return collected


def test_nothing_whole_leaves_any_command_without_full_pii(tmp_path, people):
    found = {name: leaks(text, people) for name, text in outputs(tmp_path, full=False).items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_full_pii_shows_them_on_screen_and_in_files_but_never_in_the_calendar(tmp_path, people):
    got = outputs(tmp_path, full=True)
    for name in ("score json", "考评表.xlsx", "remind json", "提醒.csv"):
        assert leaks(got[name], people), name  # asked for explicitly: shown whole
    assert not leaks(got["提醒.ics"], people)  # a calendar leaves the machine: masked whatever was asked
    assert not leaks(got["汇总.xlsx"], people)  # the town summary holds no persons at all
