"""The `nodrug` command: a typer app whose commands live one per module and import lazily."""

from __future__ import annotations

import typer

from nodrug_cli import __version__
from nodrug_cli.cli import batch, history, remind, sample, score, standards, template, validate
from nodrug_cli.cli.zh import argv_lang, chinese_app, usage_message

app = chinese_app(
    name="nodrug",
    help="无毒村（社区）创建台账工具：检查台账、计算指标、考评打分、批量汇总、到期提醒。",
    no_args_is_help=True,
)


def _version(value: bool) -> None:
    if value:
        print(f"nodrug {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本号并退出"),
) -> None:
    """无毒村（社区）创建台账工具。"""


app.command("validate")(validate.command)
app.command("template")(template.command)
app.command("score")(score.command)
app.command("batch")(batch.command)
app.command("history")(history.command)
app.command("sample")(sample.command)
app.command("remind")(remind.command)
app.add_typer(standards.app, name="standards")


def main() -> None:
    """Console-script entry point: usage errors are told in Chinese, with exit code 2."""
    import gc
    import sys

    # Reading a ledger makes hundreds of thousands of small objects and almost no reference cycles: the
    # collector's default (a pass every 700 new containers) spends about a tenth of a large score's time
    # finding nothing. Rarer passes still collect what cycles there are.
    gc.set_threshold(50_000, 20, 20)
    from nodrug_cli.cli.signals import INTERRUPTED, TERMINATED, Stopped, install, stopped_code

    install(argv_lang(sys.argv[1:]))
    try:
        code = app(standalone_mode=False)
    except (KeyboardInterrupt, Stopped) as exc:
        code, words = stopped_code(exc)
        _stop(words, code)
    except Exception as exc:  # typer vendors click in some versions: recognise its usage errors by name
        names = {cls.__name__ for cls in type(exc).__mro__}
        if "NoArgsIsHelpError" in names:
            print(exc.format_message())
            sys.exit(0)
        if "UsageError" in names:
            print(usage_message(exc, argv_lang(sys.argv[1:])), file=sys.stderr)
            sys.exit(2)
        if "Abort" in names:
            _stop(*reversed(stopped_code(exc.__context__ or exc)))
        raise
    except SystemExit:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # click's answer to a reader that stopped reading
            _exit(OUTPUT_CLOSED)
        raise
    code = code if isinstance(code, int) else 0
    # a command that ended itself on a signal (batch says how far it got) does not wait for helper threads either
    _exit(code, wait_for_threads=code not in (INTERRUPTED, TERMINATED))


def _stop(words: str, code: int) -> None:
    """End a run the user or the system stopped: one line on stderr, the signal's exit code."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while leaving changes nothing
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from nodrug_cli.cli.signals import stop_line

    try:
        print(stop_line(words), file=sys.stderr)
    except (OSError, ValueError):
        pass
    # a stopped run does not wait for helper threads: a `batch` executor's thread, woken at interpreter
    # shutdown through a pipe the stop already closed, would print a traceback after the message
    _exit(code, wait_for_threads=False)


# Exit code when the program reading nodrug's output stopped before the end (`nodrug score … | head`): the
# shell's code for a process ended by SIGPIPE, rather than click's 1, which nodrug uses for "the ledger has
# errors". Output that fitted in the pipe before the reader left ends with the command's own code.
OUTPUT_CLOSED = 141


def _exit(code: int, wait_for_threads: bool = True) -> None:
    """End the process with `code` once everything written is flushed, without tearing the interpreter down
    object by object (a large ledger leaves a few hundred thousand objects behind; freeing them one by one
    only delays the prompt). Every file nodrug writes is closed and synced before its command returns, and
    functions registered with `atexit` run; a command that left a helper thread running exits the ordinary way
    (unless `wait_for_threads` is False: the run was stopped)."""
    import atexit
    import os
    import sys
    import threading

    if wait_for_threads and any(t is not threading.main_thread() and not t.daemon for t in threading.enumerate()):
        sys.exit(code)
    atexit._run_exitfuncs()  # what was registered to run at exit still runs
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader of a pipe (`| head`) stopped reading: nothing more to say
        pass
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)
