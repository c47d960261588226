"""The history database (SQLite, embedded): every assessment, spot-check draws, delivered reminders.

Where it lives: `--db PATH`, else the `NODRUG_DB` environment variable, else `history.sqlite` in the
user's data directory. The schema is versioned by named migrations, each run once inside a
transaction when the database is opened. Writes happen in `BEGIN IMMEDIATE` transactions with a busy
timeout, so two processes writing at once wait for each other instead of corrupting or losing rows.
Re-recording the same community, year and standard replaces the earlier row of the same kind: a review
(as-of 31 December, or marked `--review`) replaces the year's review, an interim check the year's interim
check; an interim check never replaces a review (migration 004 keys rows by the kind too).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from nodrug_cli.render.words import WordedError

BUSY_TIMEOUT_S = 60

MIGRATIONS: list[tuple[str, str]] = [
    ("001_assessments", """
        CREATE TABLE assessments (
            id INTEGER PRIMARY KEY,
            town TEXT NOT NULL DEFAULT '',
            community TEXT NOT NULL,
            year INTEGER NOT NULL,
            standard TEXT NOT NULL,
            as_of TEXT NOT NULL,
            total REAL,
            grade TEXT,
            passed INTEGER NOT NULL,
            grade_passed INTEGER NOT NULL,
            drug_free INTEGER NOT NULL,
            vetoed INTEGER NOT NULL,
            plaque_declared INTEGER,
            errors INTEGER NOT NULL DEFAULT 0,
            indicators TEXT NOT NULL,
            ledger_path TEXT,
            ledger_sha256 TEXT,
            recorded_at TEXT NOT NULL,
            UNIQUE (town, community, year, standard)
        );
        CREATE INDEX assessments_by_community ON assessments (community, town, standard, year);
    """),
    ("002_spot_checks", """
        CREATE TABLE spot_checks (
            id INTEGER PRIMARY KEY,
            draw_id TEXT NOT NULL,
            year INTEGER NOT NULL,
            standard TEXT NOT NULL,
            rate REAL NOT NULL,
            seed INTEGER NOT NULL,
            town TEXT NOT NULL DEFAULT '',
            community TEXT NOT NULL,
            drawn_at TEXT NOT NULL
        );
    """),
    ("003_sent_reminders", """
        CREATE TABLE sent_reminders (
            id INTEGER PRIMARY KEY,
            reminder_key TEXT NOT NULL,
            channel TEXT NOT NULL,
            state TEXT NOT NULL,
            sent_at TEXT NOT NULL,
            UNIQUE (reminder_key, channel)
        );
    """),
    ("004_reviews_and_interim_checks", """
        CREATE TABLE assessments_new (
            id INTEGER PRIMARY KEY,
            town TEXT NOT NULL DEFAULT '',
            community TEXT NOT NULL,
            year INTEGER NOT NULL,
            standard TEXT NOT NULL,
            as_of TEXT NOT NULL,
            review INTEGER NOT NULL DEFAULT 1,
            total REAL,
            grade TEXT,
            passed INTEGER NOT NULL,
            grade_passed INTEGER NOT NULL,
            drug_free INTEGER NOT NULL,
            vetoed INTEGER NOT NULL,
            plaque_declared INTEGER,
            errors INTEGER NOT NULL DEFAULT 0,
            indicators TEXT NOT NULL,
            ledger_path TEXT,
            ledger_sha256 TEXT,
            recorded_at TEXT NOT NULL,
            UNIQUE (town, community, year, standard, review)
        );
        INSERT INTO assessments_new (id, town, community, year, standard, as_of, review, total, grade, passed,
            grade_passed, drug_free, vetoed, plaque_declared, errors, indicators, ledger_path, ledger_sha256, recorded_at)
            SELECT id, town, community, year, standard, as_of, CASE WHEN as_of = year || '-12-31' THEN 1 ELSE 0 END, total, grade, passed, grade_passed, drug_free,
                vetoed, plaque_declared, errors, indicators, ledger_path, ledger_sha256, recorded_at FROM assessments;
        DROP TABLE assessments;
        ALTER TABLE assessments_new RENAME TO assessments;
        CREATE INDEX assessments_by_community ON assessments (community, town, standard, year);
        ALTER TABLE spot_checks ADD COLUMN result TEXT;
        ALTER TABLE spot_checks ADD COLUMN checked_on TEXT
    """),
]


def default_path() -> Path:
    """`NODRUG_DB`, else history.sqlite in the user's data directory."""
    env = os.environ.get("NODRUG_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("nodrug", appauthor=False)) / "history.sqlite"


class HistoryError(WordedError):
    """The database cannot be opened, read or written (exit code 2): `history.cannot_open|read|write` with the path
    and the database's own words (`detail`)."""


@dataclass
class AssessmentRecord:
    """One stored assessment."""

    town: str
    community: str
    year: int
    standard: str
    as_of: str
    total: float | None
    grade: str | None
    passed: bool
    grade_passed: bool
    drug_free: bool
    vetoed: bool
    plaque_declared: bool | None
    errors: int
    indicators: dict
    ledger_path: str | None = None
    ledger_sha256: str | None = None
    review: bool = True  # the year's review (moves the sanction ladder); False: an interim check


@dataclass
class SpotCheck:
    """One unit drawn for a spot check, and its re-inspection result once recorded."""

    draw_id: str
    year: int
    standard: str
    rate: float
    seed: int
    town: str
    community: str
    drawn_at: str
    result: str | None = None  # passed | failed
    checked_on: str | None = None  # ISO date of the re-inspection


class History:
    """An open history database."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
            self._use_wal()
            self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise HistoryError("history.cannot_open", path=self.path, detail=str(exc)) from None

    def _use_wal(self) -> None:
        """Switch to write-ahead logging. Two processes creating the database at once can be told "locked" by
        this one statement without SQLite waiting (it takes no busy timeout), so it is retried for as long."""
        import time

        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken at once (BEGIN IMMEDIATE), committed or rolled back whole."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            done = {row[0] for row in db.execute("SELECT name FROM migrations")}
            for name, script in MIGRATIONS:
                if name in done:
                    continue
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))

    def migrations(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT name FROM migrations ORDER BY name")]

    def record(self, records: list[AssessmentRecord]) -> None:
        """Store assessments in one transaction; the same town, community, year, standard and kind replaces."""
        rows = [(
            r.town or "", r.community, r.year, r.standard, r.as_of, int(r.review), r.total, r.grade, int(r.passed),
            int(r.grade_passed), int(r.drug_free), int(r.vetoed),
            None if r.plaque_declared is None else int(r.plaque_declared), r.errors,
            json.dumps(r.indicators, ensure_ascii=False, default=_in_words), r.ledger_path, r.ledger_sha256, _now(),
        ) for r in records]
        try:
            with self.transaction() as db:
                db.executemany("""
                    INSERT INTO assessments (town, community, year, standard, as_of, review, total, grade, passed,
                        grade_passed, drug_free, vetoed, plaque_declared, errors, indicators, ledger_path,
                        ledger_sha256, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (town, community, year, standard, review) DO UPDATE SET
                        as_of = excluded.as_of, total = excluded.total, grade = excluded.grade,
                        passed = excluded.passed, grade_passed = excluded.grade_passed, drug_free = excluded.drug_free,
                        vetoed = excluded.vetoed, plaque_declared = excluded.plaque_declared, errors = excluded.errors,
                        indicators = excluded.indicators, ledger_path = excluded.ledger_path,
                        ledger_sha256 = excluded.ledger_sha256, recorded_at = excluded.recorded_at
                """, rows)
        except sqlite3.Error as exc:
            raise HistoryError("history.cannot_write", path=self.path, detail=str(exc)) from None

    def assessments(self, community: str | None = None, standard: str | None = None,
                    town: str | None = None) -> list[AssessmentRecord]:
        """Stored assessments, by town, community and year."""
        sql = ("SELECT town, community, year, standard, as_of, total, grade, passed, grade_passed, drug_free, vetoed, "
               "plaque_declared, errors, indicators, ledger_path, ledger_sha256, review FROM assessments WHERE 1=1")
        args: list = []
        for column, value in (("community", community), ("standard", standard), ("town", town)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        sql += " ORDER BY town, community, standard, year, review"
        return [AssessmentRecord(
            town=r[0], community=r[1], year=r[2], standard=r[3], as_of=r[4], total=r[5], grade=r[6],
            passed=bool(r[7]), grade_passed=bool(r[8]), drug_free=bool(r[9]), vetoed=bool(r[10]),
            plaque_declared=None if r[11] is None else bool(r[11]), errors=r[12], indicators=json.loads(r[13]),
            ledger_path=r[14], ledger_sha256=r[15], review=bool(r[16]),
        ) for r in self.db.execute(sql, args)]

    def record_draw(self, draw_id: str, year: int, standard: str, rate: float, seed: int,
                    units: list[tuple[str, str]]) -> None:
        """Store a spot-check draw: the units (town, community) drawn."""
        with self.transaction() as db:
            db.executemany("INSERT INTO spot_checks (draw_id, year, standard, rate, seed, town, community, drawn_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [(draw_id, year, standard, rate, seed, t or "", c, _now()) for t, c in units])

    def draws(self, year: int | None = None, standard: str | None = None) -> list[SpotCheck]:
        """Every unit drawn for a spot check (of `year`, under `standard`), in the order drawn."""
        sql = ("SELECT draw_id, year, standard, rate, seed, town, community, drawn_at, result, checked_on "
               "FROM spot_checks WHERE 1=1")
        args: list = []
        for column, value in (("year", year), ("standard", standard)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        return [SpotCheck(*r) for r in self.db.execute(sql + " ORDER BY id", args)]

    def record_result(self, year: int, standard: str, town: str | None, community: str, passed: bool,
                      checked_on: str) -> int:
        """Record a drawn unit's re-inspection result (on its latest draw of `year`); how many units matched."""
        where = "year = ? AND standard = ? AND community = ?" + (" AND town = ?" if town is not None else "")
        args = [year, standard, community] + ([town] if town is not None else [])
        try:
            with self.transaction() as db:
                rows = db.execute(f"SELECT MAX(id), town FROM spot_checks WHERE {where} GROUP BY town", args).fetchall()
                if len(rows) == 1:
                    db.execute("UPDATE spot_checks SET result = ?, checked_on = ? WHERE id = ?",
                               ("passed" if passed else "failed", checked_on, rows[0][0]))
        except sqlite3.Error as exc:
            raise HistoryError("history.cannot_write", path=self.path, detail=str(exc)) from None
        return len(rows)


def _in_words(value: object) -> object:
    """An indicator's reason (why it cannot be computed) as the database keeps it: its Chinese words."""
    from nodrug_cli.render.words import gap_reason
    from nodrug_cli.said import Said

    if isinstance(value, Said):
        return gap_reason(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
