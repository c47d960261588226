"""Opening a ledger file safely: sniff what it really is, refuse what cannot be read, return raw cells.

The file is read once into memory and never written, renamed or locked. The format is decided from
the bytes, not the extension (a `.xlsx` that is really a CSV or a web page happens). Workbooks are
read with calamine (Rust; does not expand XML entities); CSV with the standard library.

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
import re
import stat
import zipfile
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path

from nodrug_cli.ledger.cleantext import CONTROL, without_control
from nodrug_cli.ledger.guard import GRID_CELL_BYTES, ZIP_MAGIC, check_xls, inflate, ods_grid, xlsx_grid, xml_tags
from nodrug_cli.ledger.sheetparts import PartGuard, sheet_plan
from nodrug_cli.ledger.unreadable import Unreadable, human_size

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
# One limit for everything a file may grow into once opened: the file itself, the XML a zip inflates to,
# and each sheet laid out as a grid. A sheet at Excel's full 1,048,576-row limit with twenty columns is
# about 0.7 GiB of XML and a 0.6 GiB grid: far inside it, so no real ledger is refused.
DEFAULT_MAX_INFLATED = 4 * 1024**3

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

@dataclass
class RawSheet:
    """One worksheet's cells: rows[0] is Excel row 1, rows[r][0] is column A; '' or None when empty."""

    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 (0-based, inclusive)
    visible: bool = True


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
        sheets = _open_calamine(path, data, max_inflated)
    else:
        if _looks_like_html(data):
            raise Unreadable(path, "html")
        if b"\x00" in data[:4096] and not data.startswith(_BOMS[1:]):
            raise Unreadable(path, "not_workbook")
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
        return _open_calamine(path, data, limit)
    return _open_calamine(path, data, limit, sheet_guard=(archive, PartGuard(worksheets, check)))


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


# Threads that parse one workbook's sheets at once (more than the two cores of a district office's PC buys
# nothing: a ledger has three big sheets).
PARSE_THREADS = 2


def _open_calamine(path: Path, data: bytes, limit: int, threads: int | None = None,
                   sheet_guard: tuple[zipfile.ZipFile, PartGuard] | None = None) -> list[RawSheet]:
    """Every worksheet as raw cells. With `threads` > 1 the sheets are parsed at once, each thread on its own
    workbook object over the same bytes: calamine parses a sheet without holding Python's lock, so a ledger's
    big sheets (吸毒人员, 尿检记录, 谈话记录) take the time of the largest rather than of all.

    `sheet_guard` holds the .xlsx's worksheet members still to be checked (`sheetparts`): each is checked just
    before calamine parses its sheet when the workbook is plain, else all of them before any sheet is parsed."""
    import python_calamine as calamine

    threads = PARSE_THREADS if threads is None else threads
    book = _calamine_call(path, limit, calamine.CalamineWorkbook.from_filelike, io.BytesIO(data))
    try:
        every = _calamine_call(path, limit, lambda: [
            (m.name, m.visible == calamine.SheetVisibleEnum.Visible, m.typ == calamine.SheetTypeEnum.WorkSheet)
            for m in book.sheets_metadata
        ])
        metas = [(name, visible) for name, visible, worksheet in every if worksheet]
        before, order = None, None
        if sheet_guard is not None:
            archive, guard = sheet_guard
            plan = sheet_plan(archive, [name for name, _, _ in every])
            if plan is None:
                guard.check_all()
            else:
                def before(name: str) -> None:
                    guard.check(plan[name])
                size = {info.filename: info.compress_size for info in archive.infolist()}
                order = sorted(range(len(metas)), key=lambda at: -size[plan[metas[at][0]]])  # biggest first
        if threads <= 1 or len(metas) <= 1:
            sheets = [_calamine_call(path, limit, _raw_sheet, book, name, visible, before) for name, visible in metas]
        else:
            sheets = _parse_in_threads(path, data, limit, book, metas, threads, before, order)
        if sheet_guard is not None:
            sheet_guard[1].check_all()  # a worksheet part no sheet uses is still refused as it always was
    finally:
        book.close()
    if not sheets:
        raise Unreadable(path, "no_worksheet")
    if not any(any(v not in ("", None) for v in row) for s in sheets for row in s.rows):
        raise Unreadable(path, "empty_workbook")
    return sheets


def _parse_in_threads(path: Path, data: bytes, limit: int, book, metas: list, threads: int,
                      before=None, order: list[int] | None = None) -> list[RawSheet]:
    """`_raw_sheet` of every (name, visible) in `metas`, `threads` at a time, begun in `order` (indexes into
    `metas`; default their order) and returned in theirs; the first thread uses `book`, the others open their
    own. After a failure no new sheet is begun, and the first failure (in sheet order) is raised."""
    import threading

    import python_calamine as calamine

    results: list = [None] * len(metas)
    pending = iter(order if order is not None else range(len(metas)))
    lock = threading.Lock()
    failed: list[int] = []

    def work(own) -> None:
        try:
            reader = own or _calamine_call(path, limit, calamine.CalamineWorkbook.from_filelike, io.BytesIO(data))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            reader, failure = None, exc
        try:
            while True:
                with lock:
                    at = None if failed else next(pending, None)
                if at is None:
                    return
                if reader is None:
                    results[at] = failure
                    continue
                try:
                    results[at] = _calamine_call(path, limit, _raw_sheet, reader, *metas[at], before)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                    results[at] = exc
                    failed.append(at)
        finally:
            if reader is not None and reader is not own:
                reader.close()

    helpers = [threading.Thread(target=work, args=(None,), daemon=True) for _ in range(min(threads, len(metas)) - 1)]
    for helper in helpers:
        helper.start()
    work(book)
    for helper in helpers:
        helper.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    if failed or None in results:  # pragma: no cover - every sheet is either read or failed
        raise Unreadable(path, "truncated")
    return results


def _raw_sheet(book, name: str, visible: bool, before=None) -> RawSheet:
    if before is not None:
        before(name)  # the sheet's part is checked before calamine parses it
    sheet = book.get_sheet_by_name(name)
    rows = sheet.to_python(skip_empty_area=False)
    return RawSheet(name, rows, _merged(sheet.merged_cell_ranges or [], rows), visible=visible)


def _calamine_call(path: Path, limit: int, function, *args):
    """function(*args), with calamine's failures turned into Unreadable (it raises several types)."""
    import python_calamine as calamine

    try:
        return function(*args)
    except calamine.PasswordError:
        raise Unreadable(path, "encrypted") from None
    except Unreadable:
        raise
    except Exception as exc:  # calamine raises several types for damaged files
        raise Unreadable(path, _damage_reason(exc), human_size(limit)) from None


def _merged(ranges, rows: list[list]) -> list[tuple[int, int, int, int]]:
    """Merged ranges clipped to the sheet, without repeats. Excel never overlaps them, so their areas add up
    to at most the sheet's: past that the list is hostile (a million copies of A1:Z1000) and the rest is
    dropped, which keeps filling merged cells linear in the sheet's size."""
    height, width = len(rows), max((len(r) for r in rows), default=0)
    budget = height * width
    out, seen = [], set()
    for (r0, c0), (r1, c1) in ranges:
        r1, c1 = min(r1, height - 1), min(c1, width - 1)
        if r0 > r1 or c0 > c1 or (r0, c0, r1, c1) in seen:
            continue
        budget -= (r1 - r0 + 1) * (c1 - c0 + 1)
        if budget < 0:
            break
        seen.add((r0, c0, r1, c1))
        out.append((r0, c0, r1, c1))
    return out


def _damage_reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return "encrypted"
    if "cell limit" in text or "memory" in text:
        return "too_large"
    if "entity" in text or "doctype" in text:
        return "unsafe_xml"
    return "truncated"


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
