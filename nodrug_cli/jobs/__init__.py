"""One library call per command: a frozen settings object (the parsed options) in, a result object out.

`validate`, `score`, `batch`, `remind`, `sample`, `history`, `template`, `standards`: each module holds its job.
A job never prints and never calls typer; what it finds is data (assessments, findings, reminders, delivery
outcomes, the exit code it implies) for a renderer to word. Unusable input or options raise `JobError`, which
carries the zh and en message and the exit code. `nodrug_cli/cli/*` is the skin: options → settings → job →
renderer → exit code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from nodrug_cli.exitcodes import ExitCode


@dataclass(frozen=True, kw_only=True)
class LedgerSettings:
    """What the settings of every job that reads ledgers (validate, score, batch, remind) hold."""

    today: dt.date
    as_of: dt.date | None = None  # None: the job's default (score: the earlier of today and 31 December)
    standard: str | None = None  # a built-in name or a YAML file (None: boumei-2023)
    max_size: int | None = None  # bytes a sheet may inflate to (None: the reader's default)
    format: str = "text"
    lang: str = "zh"


class JobError(Exception):
    """Unusable input or options: the message in zh and en, the exit code, and any lines to show before it
    (`notes`, (zh, en) pairs: the paths that held no ledger, say, before "no ledger found")."""

    def __init__(self, zh: str, en: str, code: ExitCode = ExitCode.UNUSABLE, notes: tuple = ()):
        super().__init__(zh)
        self.zh, self.en, self.code, self.notes = zh, en, code, tuple(notes)

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


def refused(exc: Exception) -> JobError:
    """A library refusal (a standard, an output file, an unreadable ledger: `message(lang)`; the history
    database: its text) as a JobError."""
    if hasattr(exc, "message"):
        return JobError(exc.message("zh"), exc.message("en"))
    return JobError(str(exc), str(exc))


def existing_db(db: Path | None) -> Path:
    """The history database a read-only job reads (`--db`, else NODRUG_DB, else the user data directory), which
    must exist: reading never creates one, so a mistyped path is told, not answered with "no records"."""
    from nodrug_cli.history.store import default_path

    path = Path(db) if db is not None else default_path()
    if not path.is_file():
        raise JobError(f"历史数据库 {path} 不存在：请检查 --db 的路径（查询不会新建数据库；"
                       "先用 nodrug batch 或 nodrug score --record 记录考评）",
                       f"the history database {path} does not exist: check --db (a query never creates one; record "
                       "assessments first with nodrug batch or nodrug score --record)")
    return path


def standard_and_ledgers(standard: str | None, paths, output: Path | None, force: bool,
                         suffixes: tuple[str, ...] = ()):
    """The standard, the ledger files under `paths` and the paths that matched nothing, with the output checked
    against them (and against `suffixes`) — for the jobs that take many ledgers."""
    from nodrug_cli.batch.discovery import find_ledgers
    from nodrug_cli.outputs import OutputRefused, check_output
    from nodrug_cli.standards.load import StandardError, load_standard

    try:
        rubric = load_standard(standard)
        files, nothing = find_ledgers(paths)
        if output is not None:
            check_output(output, force, inputs=tuple(files), suffixes=suffixes)
    except (StandardError, OutputRefused) as exc:
        raise refused(exc) from None
    return rubric, files, nothing


def load(standard: str | None, read=None):
    """`read(standard)` — by default the standard by name or file (`load_standard`) — or JobError."""
    from nodrug_cli.standards.load import StandardError, load_standard

    try:
        return (read or load_standard)(standard)
    except StandardError as exc:
        raise refused(exc) from None
