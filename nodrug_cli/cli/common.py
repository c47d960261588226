"""What every command's skin shares: the outside world passed in (`Env`), parsing option values, error printing.
The options themselves are declared in `cli.options`."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from typing import TextIO

import typer

from nodrug_cli.exitcodes import ExitCode


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
        from nodrug_cli.cli.signals import speak

        speak(self.lang)  # a Ctrl-C from here on is told in the command's language

    def say(self, zh: str, en: str) -> str:
        """One of a (zh, en) pair the library gave (a refusal's two messages), in the command's language."""
        return en if self.lang == "en" else zh

    def word(self, key: str, *args, **kwargs) -> str:
        """A line of the message table (`render/messages.py`) in the command's language."""
        from nodrug_cli.render.words import Words

        return Words(self.lang)(key, *args, **kwargs)


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no such method, or a closed stream
        return False


def fail(env: Env, zh: str, en: str, code: ExitCode = ExitCode.UNUSABLE) -> typer.Exit:
    """Print a one-line message to stderr and return the Exit to raise."""
    print(env.say(zh, en), file=env.stderr)
    return typer.Exit(int(code))


def job_failed(env: Env, exc) -> typer.Exit:
    """A job's `JobError` on stderr (its notes, then its message) and the Exit to raise."""
    for zh, en in exc.notes:
        print(env.say(zh, en), file=env.stderr)
    return fail(env, exc.zh, exc.en, exc.code)


def call(env: Env, job, *args):
    """`job(*args)`'s result; its `JobError` is told on stderr and raised as the Exit with its code."""
    from nodrug_cli.jobs import JobError

    try:
        return job(*args)
    except JobError as exc:
        raise job_failed(env, exc) from None


def shared_settings(lang, as_of: str | None, max_size: str | None) -> tuple[Env, dict]:
    """The outside world for `--lang`, and the settings every ledger-reading command shares (today, the parsed
    `--as-of` and `--max-size`, the language); a bad value exits 2 naming its option."""
    env = Env(lang=lang.value)
    return env, {"today": env.today, "as_of": parse_date_option(env, as_of, "--as-of"),
                 "max_size": parse_size_option(env, max_size), "lang": lang.value}


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


# A year any campaign ledger can be about: the national campaign began in the 2000s; a four-digit typo
# (1900, 20025) is refused rather than scored as an empty year.
YEAR_RANGE = (2000, 2100)


class _BadYear(typer.BadParameter):
    """A `--year` outside YEAR_RANGE, in Chinese and (`en`) English: usage errors are worded before `--lang` is read."""

    def __init__(self, value: int):
        from nodrug_cli.render.words import Words

        words = {"value": value, "low": YEAR_RANGE[0], "high": YEAR_RANGE[1]}
        self.en = Words("en")("usage.year_range", **words)
        super().__init__(Words("zh")("usage.year_range", **words), param_hint="--year")


def _check_year(value: int | None) -> int | None:
    if value is not None and not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        raise _BadYear(value)
    return value


def year_option(help: str):
    """The `--year` option every command shares: a year in YEAR_RANGE, else exit 2 naming the option."""
    return typer.Option(None, "--year", metavar="YEAR", callback=_check_year,
                        help=f"{help}；{YEAR_RANGE[0]}–{YEAR_RANGE[1]}")
