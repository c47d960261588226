"""Ctrl-C and SIGTERM end every command the same way: a Chinese message on stderr, nothing half-written
(temporary output files are removed by the `finally` of `outputs.atomic_path`), no partial summary or history,
exit 130 (Ctrl-C) or 143 (SIGTERM, as a shell reports a process it ended).

Both signals raise `Stopped`, which is no `Exception` and no `KeyboardInterrupt`, so neither nodrug's own
`except Exception` nor typer's answer to KeyboardInterrupt (a silent exit 130) swallows it on the way out.
Handlers are installed by the console entry point only; a library caller keeps Python's own behaviour.
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

    @property
    def words(self) -> str:
        return "已终止（收到终止信号 SIGTERM）" if self.signum == signal.SIGTERM else "已中断"


def _raise(signum, _frame) -> None:
    raise Stopped(signum)


def install() -> None:
    """Make SIGINT and SIGTERM raise `Stopped` in the main thread."""
    signal.signal(signal.SIGINT, _raise)
    signal.signal(signal.SIGTERM, _raise)


def stopped_code(exc: BaseException) -> tuple[int, str]:
    """(exit code, words) for a Ctrl-C (KeyboardInterrupt, click's Abort) or a `Stopped`."""
    if isinstance(exc, Stopped):
        return exc.code, exc.words
    return INTERRUPTED, "已中断"
