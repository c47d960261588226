"""What every command shares: the outside world passed in (`Env`), option types, error printing."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from enum import Enum
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
    """The outside world a command sees: streams, whether stdout is a terminal, today's date, language."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    is_terminal: bool | None = None
    today: dt.date | None = None
    lang: str = "zh"

    def __post_init__(self) -> None:
        if self.is_terminal is None:
            self.is_terminal = bool(getattr(self.stdout, "isatty", lambda: False)())
        if self.today is None:
            self.today = dt.date.today()

    def say(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh


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


def standard_and_ledgers(env: Env, standard: str | None, paths, output, force: bool):
    """The standard, the ledger files under `paths` and the paths that matched nothing, with the output
    checked against them — or exit 2 with the reason (for the commands that take many ledgers)."""
    from nodrug_cli.batch import find_ledgers
    from nodrug_cli.outputs import OutputRefused, check_output
    from nodrug_cli.standards.load import StandardError, load_standard

    try:
        rubric = load_standard(standard)
        files, nothing = find_ledgers(paths)
        if output is not None:
            check_output(output, force, inputs=tuple(files))
    except (StandardError, OutputRefused) as exc:
        raise fail(env, exc.message("zh"), exc.message("en")) from None
    return rubric, files, nothing
