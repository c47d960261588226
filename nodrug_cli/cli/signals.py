"""Ctrl-C and SIGTERM end every command the same way: a message on stderr in the command's language, nothing
half-written (temporary output files are removed by the `finally` of `outputs.atomic_path`), no partial summary or
history, exit 130 (Ctrl-C) or 143 (SIGTERM, as a shell reports a process it ended).

Both signals raise `Stopped`, which is no `Exception` and no `KeyboardInterrupt`, so neither nodrug's own
`except Exception` nor typer's answer to KeyboardInterrupt (a silent exit 130) swallows it on the way out.
Handlers are installed by the console entry point only; a library caller keeps Python's own behaviour. The signal
can land before, during or after the command's options are read, so the language is taken from the command line
at once and recorded again (`speak`) when the command knows it, and the stop line is worded in it.
"""

from __future__ import annotations

import signal

INTERRUPTED = 130  # 128 + SIGINT
TERMINATED = 143  # 128 + SIGTERM


class Stopped(BaseException):
    """The user (Ctrl-C) or the system (SIGTERM) stopped the run."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def code(self) -> int:
        return TERMINATED if self.signum == signal.SIGTERM else INTERRUPTED


_spoken = ["zh"]  # the language of the command running now: `speak` records it, the stop line reads it


def speak(lang: str) -> None:
    """Record the language the command chose (its `--lang`), for the stop line."""
    _spoken[0] = lang


def stop_words(exc: BaseException | None = None, lang: str | None = None) -> str:
    """已中断 / 已终止（收到终止信号 SIGTERM）, in `lang` (default: the command's language)."""
    from nodrug_cli.render.words import Words

    terminated = isinstance(exc, Stopped) and exc.signum == signal.SIGTERM
    return Words(lang or _spoken[0])("stop.terminated" if terminated else "stop.interrupted")


def stop_line(words: str) -> str:
    """The one line a stopped command ends with: 已中断。"""
    from nodrug_cli.render.words import Words

    return Words(_spoken[0])("stop.line", words)


def _raise(signum, _frame) -> None:
    raise Stopped(signum)


def install(lang: str = "zh") -> None:
    """Make SIGINT and SIGTERM raise `Stopped` in the main thread; the stop line is in `lang` (the command line's
    `--lang`, read before it is parsed) until the command's own `speak`."""
    speak(lang)
    signal.signal(signal.SIGINT, _raise)
    signal.signal(signal.SIGTERM, _raise)


def stopped_code(exc: BaseException, lang: str | None = None) -> tuple[int, str]:
    """(exit code, words in `lang`, default the command's) for a Ctrl-C (KeyboardInterrupt, click's Abort) or a
    `Stopped`."""
    return (exc.code if isinstance(exc, Stopped) else INTERRUPTED), stop_words(exc, lang)
