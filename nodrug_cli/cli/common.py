"""What every command shares: the outside world passed in (`Env`), option types, error printing."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TextIO

import typer

from nodrug_cli.exitcodes import ExitCode


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class Format(str, Enum):
    text = "text"
    json = "json"


@dataclass
class Env:
    """The outside world a command sees: streams, whether stdout (and stderr) is a terminal, today's date,
    language. Progress goes to stderr whenever stderr is a terminal, so `nodrug batch … > 汇总.txt` still
    shows it while the report goes to the file."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    is_terminal: bool | None = None
    today: dt.date | None = None
    lang: str = "zh"
    stderr_is_terminal: bool | None = None

    def __post_init__(self) -> None:
        if self.is_terminal is None:
            self.is_terminal = _isatty(self.stdout)
        if self.stderr_is_terminal is None:
            self.stderr_is_terminal = _isatty(self.stderr)
        if self.today is None:
            self.today = dt.date.today()

    def say(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no such method, or a closed stream
        return False


def fail(env: Env, zh: str, en: str, code: ExitCode = ExitCode.UNUSABLE) -> typer.Exit:
    """Print a one-line message to stderr and return the Exit to raise."""
    print(env.say(zh, en), file=env.stderr)
    return typer.Exit(int(code))


def parse_date_option(env: Env, value: str | None, option: str) -> dt.date | None:
    """An option's date (same forms as ledger dates), or exit 2 with a message naming the option."""
    if value is None:
        return None
    from nodrug_cli.ledger.dates import NotADate, text_date

    try:
        day = text_date(value)
    except NotADate:
        day = None
    if day is None:
        raise fail(env, f"{option} 的值“{value}”不是日期，请写成 2025-12-31 的形式",
                   f"{option}: “{value}” is not a date; write it as 2025-12-31")
    return day


_SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def parse_size_option(env: Env, value: str | None, option: str = "--max-size") -> int | None:
    """A size option (`8G`, `500M`, `4GiB`, `100MB`, or bytes; binary multiples) as bytes, or exit 2 naming it."""
    if value is None:
        return None
    import re

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", value.upper())
    size = int(float(match.group(1)) * _SIZE_UNITS[match.group(2)]) if match else 0
    if size <= 0:
        raise fail(env, f"{option} 的值“{value}”不是大小，请写成 8G、500M 的形式",
                   f"{option}: “{value}” is not a size; write it as 8G or 500M")
    return size


def standard_and_ledgers(env: Env, standard: str | None, paths, output, force: bool, suffixes: tuple[str, ...] = ()):
    """The standard, the ledger files under `paths` and the paths that matched nothing, with the output
    checked against them (and against `suffixes`) — or exit 2 with the reason (for the commands that take many
    ledgers)."""
    from nodrug_cli.batch import find_ledgers
    from nodrug_cli.outputs import OutputRefused, check_output
    from nodrug_cli.standards.load import StandardError, load_standard

    try:
        rubric = load_standard(standard)
        files, nothing = find_ledgers(paths)
        if output is not None:
            check_output(output, force, inputs=tuple(files), suffixes=suffixes)
    except (StandardError, OutputRefused) as exc:
        raise fail(env, exc.message("zh"), exc.message("en")) from None
    return rubric, files, nothing


# What each written format's file must be called (`-o`): a name that promises another format is refused.
XLSX = (".xlsx",)
TEXT_SUFFIXES = {"text": (".txt", ".log"), "json": (".json",), "csv": (".csv",), "md": (".md",), "ics": (".ics",)}

# A year any campaign ledger can be about: the national campaign began in the 2000s; a four-digit typo
# (1900, 20025) is refused rather than scored as an empty year.
YEAR_RANGE = (2000, 2100)


def _check_year(value: int | None) -> int | None:
    if value is not None and not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        raise typer.BadParameter(f"{value} 不在 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间",
                                 param_hint="--year")
    return value


def year_option(help: str):
    """The `--year` option every command shares: a year in YEAR_RANGE, else exit 2 naming the option."""
    return typer.Option(None, "--year", metavar="YEAR", callback=_check_year,
                        help=f"{help}；{YEAR_RANGE[0]}–{YEAR_RANGE[1]}")


def existing_db(env: Env, db: Path | None) -> Path:
    """The history database a read-only command reads (`--db`, else NODRUG_DB, else the user data directory),
    which must exist: reading never creates one, so a mistyped path is told, not answered with "no records"."""
    from nodrug_cli.history.store import default_path

    path = Path(db) if db is not None else default_path()
    if not path.is_file():
        raise fail(env, f"历史数据库 {path} 不存在：请检查 --db 的路径（查询不会新建数据库；"
                        "先用 nodrug batch 或 nodrug score --record 记录考评）",
                   f"the history database {path} does not exist: check --db (a query never creates one; record "
                   "assessments first with nodrug batch or nodrug score --record)")
    return path
