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

REFUSAL_MESSAGES = {
    "is_input": ("输出文件 {path} 就是输入台账 {other}，拒绝覆盖：请换一个输出文件名", "the output {path} is the input ledger {other}: refused; choose another name"),
    "exists": ("输出文件 {path} 已存在：加 --force 覆盖，或换一个文件名", "the output {path} already exists: add --force to overwrite, or choose another name"),
    "unwritable": ("无法写入 {path}：{other}", "cannot write {path}: {other}"),
    "is_directory": ("输出路径 {path} 是一个文件夹：请给出文件名", "the output {path} is a folder: give a file name"),
    "wrong_suffix": ("输出文件 {path} 的扩展名不对：这里写出的是 {other} 文件，请用以 {other} 结尾的文件名",
                     "the output {path} has the wrong extension: what is written here is a {other} file; "
                     "name it with {other}"),
}


class OutputRefused(Exception):
    """An output file that must not or cannot be written (exit code 2)."""

    def __init__(self, reason: str, path: Path, other: object = ""):
        self.reason, self.path, self.other = reason, Path(path), other
        super().__init__(self.message("zh"))

    def message(self, lang: str = "zh") -> str:
        zh, en = REFUSAL_MESSAGES[self.reason]
        other = self.other
        if isinstance(other, tuple):  # a (zh, en) pair, from `os_reason`
            other = other[1] if lang == "en" else other[0]
        return (en if lang == "en" else zh).format(path=self.path, other=other)


def os_reason(exc: OSError) -> tuple[str, str]:
    """Why the system would not write a file, in plain words (zh, en), instead of its English strerror."""
    import errno

    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return "没有写入该文件夹的权限", "no permission to write in that folder"
    if exc.errno == errno.EROFS:
        return "该磁盘是只读的", "the disk is read-only"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "磁盘空间不足", "the disk is full"
    if isinstance(exc, FileNotFoundError):
        return "文件夹不存在", "the folder does not exist"
    if isinstance(exc, NotADirectoryError):
        return "上级路径不是文件夹", "a parent of the path is not a folder"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹", "it is a folder"
    return f"系统错误：{exc.strerror or exc}", f"system error: {exc.strerror or exc}"


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
        raise OutputRefused("wrong_suffix", path, (" 或 ".join(suffixes), " or ".join(suffixes)))
    if path.is_dir():
        raise OutputRefused("is_directory", path)
    if path.exists() and not force:
        raise OutputRefused("exists", path)
    folder = path.parent
    if not folder.exists():
        raise OutputRefused("unwritable", path, ("文件夹不存在", "the folder does not exist"))
    if not folder.is_dir():
        raise OutputRefused("unwritable", path, ("上级路径不是文件夹", "a parent of the path is not a folder"))
    if not os.access(folder, os.W_OK | os.X_OK):  # say so now, not after reading every ledger
        raise OutputRefused("unwritable", path, ("没有写入该文件夹的权限", "no permission to write in that folder"))
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
