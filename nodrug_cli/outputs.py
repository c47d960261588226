"""Writing output files safely: never over an input, never over an existing file without --force,
always through a temporary file in the target folder renamed into place (nothing half-written)."""

from __future__ import annotations

import os
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# The custom document property every workbook nodrug writes carries (render/xlsx_style.new_book), so that a
# batch over a folder skips last run's summary instead of scoring it as a community (discovery.py).
OUTPUT_MARK = "nodrug-output"

# What each written format's file must be called (`-o`): a name that promises another format is refused.
XLSX = (".xlsx",)
TEXT_SUFFIXES = {"text": (".txt", ".log"), "json": (".json",), "csv": (".csv",), "md": (".md",), "ics": (".ics",)}


class OutputRefused(Exception):
    """An output file that must not or cannot be written (exit code 2)."""

    def __init__(self, reason: str, path: Path, other: object = ""):
        self.reason, self.path, self.other = reason, Path(path), other
        super().__init__(self.message("zh"))

    def message(self, lang: str = "zh") -> str:
        from nodrug_cli.render.words import Words  # only when refusing: start-up stays light

        other = self.other
        if isinstance(other, tuple):  # a (zh, en) pair, from `_both`
            other = other[1] if lang == "en" else other[0]
        return Words(lang)(f"output.{self.reason}", path=self.path, other=other)


def _both(key: str, *args: object) -> tuple[str, str]:
    """The message table's words for `output.<key>` in both languages: a refusal is worded when it is shown."""
    from nodrug_cli.render.words import Words

    return Words("zh")(f"output.{key}", *args), Words("en")(f"output.{key}", *args)


def os_reason(exc: OSError) -> tuple[str, str]:
    """Why the system would not write a file, in plain words (zh, en), instead of its English strerror."""
    import errno

    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return _both("no_permission")
    if exc.errno == errno.EROFS:
        return _both("read_only")
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return _both("disk_full")
    if isinstance(exc, FileNotFoundError):
        return _both("no_folder")
    if isinstance(exc, NotADirectoryError):
        return _both("parent_not_folder")
    if isinstance(exc, IsADirectoryError):
        return _both("is_folder")
    return _both("system_error", exc.strerror or exc)


def check_output(path: Path, force: bool, inputs: tuple[Path, ...] = (), suffixes: tuple[str, ...] = ()) -> Path:
    """Refuse an output path that is an input, a folder, an existing file without `force`, or (when `suffixes`
    are given) one whose extension is not among them: xlsx bytes under `考评表.xls` or `模板.csv` would not open."""
    path = Path(path)
    for source in inputs:
        try:
            if path.exists() and os.path.samefile(path, source) or path.resolve() == Path(source).resolve():
                raise OutputRefused("is_input", path, source)
        except OSError:
            pass
    if suffixes and path.suffix.lower() not in suffixes:
        raise OutputRefused("wrong_suffix", path, tuple(word.join(suffixes) for word in _both("or")))
    if path.is_dir():
        raise OutputRefused("is_directory", path)
    if path.exists() and not force:
        raise OutputRefused("exists", path)
    folder = path.parent
    if not folder.exists():
        raise OutputRefused("unwritable", path, _both("no_folder"))
    if not folder.is_dir():
        raise OutputRefused("unwritable", path, _both("parent_not_folder"))
    if not os.access(folder, os.W_OK | os.X_OK):  # say so now, not after reading every ledger
        raise OutputRefused("unwritable", path, _both("no_permission"))
    return path


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path in `path`'s folder; on success flush it to disk and rename it over `path` (one
    atomic step: readers see the old file or the whole new one), else remove it and re-raise."""
    path = Path(path)
    temp_path = None
    try:
        with _signals_held():  # a Ctrl-C between making the file and knowing its name would leave it behind
            try:
                handle, temp = tempfile.mkstemp(prefix=".nodrug-", suffix=path.suffix, dir=path.parent)
            except OSError as exc:
                raise OutputRefused("unwritable", path, os_reason(exc)) from None
            temp_path = Path(temp)
            os.close(handle)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp_path, 0o666 & ~umask)  # mkstemp makes 0600; an output file gets the usual mode
        yield temp_path
        _flush(temp_path)
        os.replace(temp_path, path)
    except OSError as exc:
        if temp_path is not None:
            temp_path.unlink(missing_ok=True)
        raise OutputRefused("unwritable", path, os_reason(exc)) from None
    except BaseException:
        if temp_path is not None:
            temp_path.unlink(missing_ok=True)
        raise


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for a few instructions: they arrive when the block ends, inside the caller's
    cleanup (where the platform cannot hold signals, they arrive as they come)."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held) if hasattr(signal, "pthread_sigmask") else None
    try:
        yield
    finally:
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _flush(path: Path) -> None:
    """Make the written bytes durable before the rename, so a power cut never leaves an empty output."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    except OSError:  # a file system without fsync (some network shares): the rename is still atomic
        pass
    finally:
        os.close(fd)
