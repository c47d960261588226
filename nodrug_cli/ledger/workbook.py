"""Opening a ledger file safely: sniff what it really is, refuse what cannot be read, return raw cells.

The file is read once into memory and never written, renamed or locked. The format is decided from
the bytes, not the extension (a `.xlsx` that is really a CSV or a web page happens). Workbooks are
read with calamine (`cells`: Rust, no XML entity expansion, two sheets at a time); CSV with the standard library.

calamine lays every sheet out as a grid from A1, so one cell at XFD1048576 in a 7 KB file makes it
ask for 512 GiB and abort the whole process; a zip entry may inflate far past what its header says.
So before calamine sees a file, it is checked cheaply against one limit (`max_inflated`, default
`DEFAULT_MAX_INFLATED`): the file's size; the XML a zip declares, before anything is inflated; each
XML part inflating to exactly its declared size and CRC (a lying header is caught after at most that
many bytes); no DTD or entity declaration anywhere; and every sheet's grid at `GRID_CELL_BYTES` a cell
(.xlsx from its cell references, .xls from its cell records, .ods from its repeat counts).
"""

from __future__ import annotations

import csv
import io
import os
import stat
import zipfile
from functools import partial
from itertools import chain
from pathlib import Path

from nodrug_cli.ledger.cells import RawSheet, read_sheets
from nodrug_cli.ledger.cleantext import CONTROL, without_control
from nodrug_cli.ledger.guard import GRID_CELL_BYTES, ZIP_MAGIC, check_xls, inflate, ods_grid, xlsx_grid, xml_tags
from nodrug_cli.ledger.sheetparts import PartGuard
from nodrug_cli.ledger.unreadable import Unreadable, human_size

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
# Names that promise a workbook. A file under one of them that holds plain text (a CSV saved with the wrong
# name, a system export) is refused, not read as CSV: its one sheet would be reported as a ledger without
# 社区概况, or even scored, when the clerk only needs to rename it.
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# One limit for everything a file may grow into once opened: the file itself, the XML a zip inflates to,
# and each sheet laid out as a grid. A sheet at Excel's full 1,048,576-row limit with twenty columns is
# about 0.7 GiB of XML and a 0.6 GiB grid: far inside it, so no real ledger is refused.
DEFAULT_MAX_INFLATED = 4 * 1024**3

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

def reason_for_os_error(exc: OSError) -> str:
    """The Unreadable reason for an operating-system error met while opening or reading a ledger."""
    import errno

    if isinstance(exc, FileNotFoundError) or exc.errno in (errno.ENOTDIR, errno.ENAMETOOLONG, errno.ELOOP):
        return "not_found"
    if isinstance(exc, IsADirectoryError):
        return "is_directory"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return "no_permission"
    return "truncated"  # EIO and the like: the copy on this disk is damaged


def read_bytes(path: Path, limit: int = DEFAULT_MAX_INFLATED) -> bytes:
    """The whole file, or Unreadable for a missing path, a folder, a device or pipe, a permission problem or a
    file larger than `limit`. Opened read-only and non-blocking (a named pipe never hangs the command)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise Unreadable(path, "is_directory")
            if not stat.S_ISREG(info.st_mode):
                raise Unreadable(path, "not_workbook")
            if info.st_size > limit:
                raise Unreadable(path, "too_large", human_size(limit))
            if info.st_size:
                data = handle.read(info.st_size + 1)
            else:  # a size the system does not know (a pseudo-file): read in pieces up to the limit
                pieces, total = [], 0
                while total <= limit and (piece := handle.read(1024 * 1024)):
                    pieces.append(piece)
                    total += len(piece)
                data = b"".join(pieces)
    except OSError as exc:
        raise Unreadable(path, reason_for_os_error(exc)) from None
    if len(data) > limit:  # it grew while being read
        raise Unreadable(path, "too_large", human_size(limit))
    return data


def open_workbook(path: Path | str, max_inflated: int = DEFAULT_MAX_INFLATED) -> list[RawSheet]:
    """Every worksheet of the file at `path` as raw cells, or Unreadable with the reason.

    `max_inflated` bounds the file, the XML a zip inflates to, and each sheet's grid (bytes).
    """
    path = Path(path)
    data = read_bytes(path, max_inflated)
    if not data:
        raise Unreadable(path, "empty_file")
    if data.startswith(ZIP_MAGIC):
        sheets = _open_zip(path, data, max_inflated)
    elif data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_MARK in data:
            raise Unreadable(path, "encrypted")
        check_xls(path, data, max_inflated)
        sheets = read_sheets(path, data, max_inflated)
    else:
        if _looks_like_html(data):
            raise Unreadable(path, "html")
        if b"\x00" in data[:4096] and not data.startswith(_BOMS[1:]):
            raise Unreadable(path, "not_workbook")
        if path.suffix.lower() in EXCEL_SUFFIXES:  # text under a workbook's name: say so rather than guess CSV
            raise Unreadable(path, "text_named_workbook", path.suffix)
        sheets = [_read_csv(path, data, max_inflated)]
    return [_clean(sheet) for sheet in sheets]


class Opening:
    """`open_workbook(path, max_inflated)` running in a background thread from the moment it is made, so that
    a command imports pandas and loads its standard meanwhile (the reading spends most of its time in calamine,
    outside Python's lock). `sheets()` waits for it and returns what it returned or raises what it raised."""

    def __init__(self, path: Path | str, max_inflated: int | None = None) -> None:
        import threading

        self.path = Path(path)
        self._done = threading.Event()
        self._outcome: list[RawSheet] | BaseException | None = None
        threading.Thread(target=self._open, args=(max_inflated,), name="nodrug-open", daemon=True).start()

    def _open(self, max_inflated: int | None) -> None:
        try:
            self._outcome = open_workbook(self.path, max_inflated or DEFAULT_MAX_INFLATED)
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread by sheets()
            self._outcome = exc
        finally:
            self._done.set()

    def sheets(self) -> list[RawSheet]:
        self._done.wait()
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        return self._outcome


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith(_BOMS[1:]):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    head = head.removeprefix(_BOMS[0]).lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<table" in head[:2048]


# -- zip containers (.xlsx, .xlsm, .ods) ------------------------------------------------------------------


def _open_zip(path: Path, data: bytes, limit: int) -> list[RawSheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, NotImplementedError):
        raise Unreadable(path, "truncated") from None
    names = {info.filename for info in infos}
    kind = _zip_kind(path, archive, names)
    parts = [info for info in infos if _read_by_calamine(info.filename)]
    if sum(info.file_size for info in parts) > limit:  # declared sizes: refused before inflating anything
        raise Unreadable(path, "too_large", human_size(limit))
    for info in parts:
        if info.flag_bits & 0x1:
            raise Unreadable(path, "encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):  # Excel and WPS write only these
            raise Unreadable(path, "truncated")
    check = partial(_check_part, path, data, kind, limit)
    worksheets = [info for info in parts if kind == "xlsx" and _worksheet_part(info.filename)]
    for info in parts:
        if info not in worksheets:
            check(info)
    if not worksheets:
        return read_sheets(path, data, limit)
    return read_sheets(path, data, limit, sheet_guard=(archive, PartGuard(worksheets, check)))


def _check_part(path: Path, data: bytes, kind: str, limit: int, info: zipfile.ZipInfo) -> None:
    """Refuse the file if this member inflates wrongly, declares a DTD, or lays out a grid past `limit`."""
    chunks = partial(inflate, path, data, info)  # a part may be read twice: inflated afresh each time
    if kind == "ods" and info.filename == "content.xml":
        cells = ods_grid(path, chunks)
    elif kind == "xlsx" and _worksheet_part(info.filename):
        cells = xlsx_grid(path, chunks, limit)
    else:  # not a grid: only inflated in full and looked through for a DTD
        cells = sum(0 for _ in xml_tags(path, chunks()))
    if cells * GRID_CELL_BYTES > limit:
        raise Unreadable(path, "too_large", human_size(limit))


def _worksheet_part(name: str) -> bool:
    """Whether a workbook's relationships can make this member a worksheet: calamine takes anything under
    xl/worksheets/ as one, whatever its extension."""
    return name.replace("\\", "/").lstrip("/").startswith("xl/worksheets/")


def _read_by_calamine(name: str) -> bool:
    """Whether calamine may parse this member as XML: any .xml or .rels part, and any worksheet part."""
    return name.lower().endswith((".xml", ".rels")) or _worksheet_part(name)


def _zip_kind(path: Path, archive: zipfile.ZipFile, names: set[str]) -> str:
    """"xlsx" or "ods", or Unreadable: an Office file that is not a workbook, a binary workbook, any other zip."""
    if "[Content_Types].xml" in names:
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "xl/workbook.bin" in names:
            raise Unreadable(path, "xlsb")
        raise Unreadable(path, "not_workbook")  # a .docx or .pptx, or a workbook without its workbook part
    if "content.xml" in names:
        info = archive.getinfo("mimetype") if "mimetype" in names else None
        if info is not None and info.file_size < 200:
            try:
                mimetype = archive.read(info).strip()
            except (zipfile.BadZipFile, EOFError, ValueError, OSError, NotImplementedError, RuntimeError):
                raise Unreadable(path, "truncated") from None
            if not mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                raise Unreadable(path, "not_workbook")  # an .odt or .odp
        return "ods"
    raise Unreadable(path, "zip_not_workbook")


# The rows a layout reads as words (a title, the header, a key/value block: `layout`) are cleaned of control
# characters here with the sheet's name; the cells below them as they are read (see `cleantext`).
CLEAN_HEAD_ROWS = 200


def _clean(sheet: RawSheet) -> RawSheet:
    """The sheet with control characters removed from its name and the text of its first CLEAN_HEAD_ROWS rows."""
    head = sheet.rows[:CLEAN_HEAD_ROWS]
    text = "".join([v for v in chain.from_iterable(head) if v.__class__ is str])
    if CONTROL.search(text) is None and CONTROL.search(sheet.name) is None:
        return sheet
    rows = [[without_control(v) if v.__class__ is str else v for v in row] for row in head] + sheet.rows[CLEAN_HEAD_ROWS:]
    return RawSheet(without_control(sheet.name), rows, sheet.merged, sheet.visible)


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(_BOMS[1:]):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unreadable(path, "bad_text") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable(path, "bad_text")


def _read_csv(path: Path, data: bytes, limit: int = DEFAULT_MAX_INFLATED) -> RawSheet:
    text = _decode(path, data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:  # a field past 16 MiB, or a NUL the sniffing let through
        raise Unreadable(path, "not_workbook") from None
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise Unreadable(path, "empty_workbook")
    width = max(len(r) for r in rows)
    if len(rows) * width * GRID_CELL_BYTES > limit:  # one line of two million commas squares up to billions
        raise Unreadable(path, "too_large", human_size(limit))
    rows = [r + [""] * (width - len(r)) for r in rows]
    return RawSheet(name=os.path.splitext(path.name)[0], rows=rows)
