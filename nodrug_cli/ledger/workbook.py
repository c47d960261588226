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
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Iterator

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
# One limit for everything a file may grow into once opened: the file itself, the XML a zip inflates to,
# and each sheet laid out as a grid. A sheet at Excel's full 1,048,576-row limit with twenty columns is
# about 0.7 GiB of XML and a 0.6 GiB grid: far inside it, so no real ledger is refused.
DEFAULT_MAX_INFLATED = 4 * 1024**3
# What one cell of the grid costs in the reader (calamine's cell value is 32 bytes).
GRID_CELL_BYTES = 32

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

UNREADABLE_MESSAGES: dict[str, tuple[str, str]] = {
    # reason: (zh, en); {detail} is filled in where it helps
    "not_found": ("文件不存在", "the file does not exist"),
    "is_directory": ("这是一个文件夹，不是台账文件", "this is a folder, not a ledger file"),
    "no_permission": ("没有读取该文件的权限", "no permission to read the file"),
    "empty_file": ("文件是空的（0 字节）", "the file is empty (0 bytes)"),
    "not_workbook": (
        "不是 Excel/WPS 工作簿（应为 .xlsx、.xls、.xlsm、.ods 或 .csv）",
        "not an Excel/WPS workbook (.xlsx, .xls, .xlsm, .ods or .csv expected)",
    ),
    "html": (
        "这是网页（HTML）格式，只是扩展名为表格：请用 Excel 打开后“另存为” .xlsx",
        "this is a web page (HTML) with a spreadsheet extension: open it in Excel and save as .xlsx",
    ),
    "zip_not_workbook": (
        "这是压缩包，但不是工作簿：请解压后选择其中的台账文件",
        "this is a zip archive, not a workbook: unzip it and pick the ledger inside",
    ),
    "xlsb": (
        "这是 Excel 二进制工作簿（.xlsb），不能读取：请在 Excel 中“另存为” .xlsx 后再试",
        "this is an Excel binary workbook (.xlsb), which is not read: save it as .xlsx in Excel and try again",
    ),
    "truncated": (
        "文件已损坏或不完整（可能未完整复制或下载）：请重新拷贝原文件",
        "the file is damaged or incomplete (a partial copy or download?): copy it again",
    ),
    "encrypted": (
        "文件设有打开密码：请在 Excel/WPS 中打开，取消密码（文件→信息→保护工作簿）后另存再试",
        "the file is password-protected: open it in Excel/WPS, remove the password and save it again",
    ),
    "unsafe_xml": (
        "文件含有 Excel/WPS 不会写入的 XML 实体声明，可能是恶意文件，已拒绝读取：请发送人用 Excel/WPS 重新保存后再发来",
        "the file holds XML entity declarations (a DTD) that Excel/WPS never write, possibly malicious; refused: "
        "ask the sender for a copy saved again in Excel/WPS",
    ),
    "too_large": (
        "文件或其中的工作表展开后超过 {detail}，已拒绝读取（可能是恶意文件）；确为正常台账时可用 --max-size 调高上限",
        "the file or a sheet in it would grow past {detail} once opened; refused (possibly a malicious file); "
        "raise --max-size if it is genuine",
    ),
    "no_worksheet": ("工作簿中没有可读的工作表（只有图表页？）", "the workbook has no worksheet (only chart sheets?)"),
    "empty_workbook": ("工作簿中没有任何内容", "the workbook holds no data at all"),
    "bad_text": (
        "无法识别 CSV 文件的编码（支持 UTF-8、GB18030、UTF-16）",
        "cannot tell the CSV file's encoding (UTF-8, GB18030 and UTF-16 are read)",
    ),
}


class Unreadable(Exception):
    """The file yields no readable ledger (exit code 2). Carries a reason code from UNREADABLE_MESSAGES."""

    def __init__(self, path: Path | str, reason: str, detail: str = ""):
        self.path = Path(path)
        self.reason = reason
        self.detail = detail
        super().__init__(self.message("zh"))

    def message(self, lang: str = "zh") -> str:
        zh, en = UNREADABLE_MESSAGES[self.reason]
        return (en if lang == "en" else zh).format(detail=self.detail)


@dataclass
class RawSheet:
    """One worksheet's cells: rows[0] is Excel row 1, rows[r][0] is column A; '' or None when empty."""

    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 (0-based, inclusive)
    visible: bool = True


def human_size(n: int) -> str:
    """A byte count as the limit is shown to a clerk: 4.0 GiB, 200 MiB, 64 KiB."""
    if n >= 1024**3:
        return f"{n / 1024**3:.1f} GiB"
    return f"{n / 1024**2:.0f} MiB" if n >= 1024**2 else f"{max(n, 0) / 1024:.0f} KiB"


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
    if data.startswith(_ZIP_MAGIC):
        sheets = _open_zip(path, data, max_inflated)
    elif data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_MARK in data:
            raise Unreadable(path, "encrypted")
        _check_xls(path, data, max_inflated)
        sheets = _open_calamine(path, data, max_inflated)
    else:
        if _looks_like_html(data):
            raise Unreadable(path, "html")
        if b"\x00" in data[:4096] and not data.startswith(_BOMS[1:]):
            raise Unreadable(path, "not_workbook")
        sheets = [_read_csv(path, data, max_inflated)]
    return [_clean(sheet) for sheet in sheets]


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
    for info in parts:
        chunks = partial(_inflate, path, data, info)  # a part may be read twice: inflated afresh each time
        if kind == "ods" and info.filename == "content.xml":
            cells = _ods_grid(path, chunks)
        elif kind == "xlsx" and _worksheet_part(info.filename):
            cells = _xlsx_grid(path, chunks, limit)
        else:  # not a grid: only inflated in full and looked through for a DTD
            cells = sum(0 for _ in _tags(path, chunks()))
        if cells * GRID_CELL_BYTES > limit:
            raise Unreadable(path, "too_large", human_size(limit))
    return _open_calamine(path, data, limit)


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


_OUT_CHUNK = 16 * 1024 * 1024
_IN_CHUNK = 1024 * 1024


def _inflate(path: Path, data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A zip member's bytes in chunks, never more than its declared size: a header that lies about the size,
    a wrong CRC or a cut-off stream is Unreadable("truncated") as soon as it shows."""
    offset = info.header_offset
    if data[offset:offset + 4] != _ZIP_MAGIC or offset + 30 > len(data):
        raise Unreadable(path, "truncated")
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        raise Unreadable(path, "truncated")
    crc, total = 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise Unreadable(path, "truncated")
        for at in range(0, len(raw), _OUT_CHUNK):
            piece = bytes(raw[at:at + _OUT_CHUNK])
            crc = zlib.crc32(piece, crc)
            yield piece
        total = len(raw)
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        at = 0
        while not inflater.eof:
            if inflater.unconsumed_tail:
                source = inflater.unconsumed_tail
            elif at < len(raw):
                source, at = raw[at:at + _IN_CHUNK], at + _IN_CHUNK
            else:
                break
            try:
                piece = inflater.decompress(source, _OUT_CHUNK)
            except zlib.error:
                raise Unreadable(path, "truncated") from None
            total += len(piece)
            if total > info.file_size:  # inflates past what the header says: stop here
                raise Unreadable(path, "truncated")
            crc = zlib.crc32(piece, crc)
            yield piece
        if not inflater.eof:
            raise Unreadable(path, "truncated")
    if total != info.file_size or crc != info.CRC:
        raise Unreadable(path, "truncated")


def _tags(path: Path, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The XML in pieces that never split a tag (each piece ends before the last `<` whose tag is open);
    a DTD or entity declaration anywhere is Unreadable("unsafe_xml")."""
    carry = b""
    for chunk in chunks:
        text = carry + chunk
        cut = text.rfind(b"<")
        if cut == -1 or text.rfind(b">") > cut:
            cut = len(text)
        piece, carry = text[:cut], text[cut:]
        if _DECLARATION.search(piece):
            raise Unreadable(path, "unsafe_xml")
        yield piece
    if _DECLARATION.search(carry):
        raise Unreadable(path, "unsafe_xml")
    yield carry


_DECLARATION = re.compile(rb"<!(?i:doctype|entity)")


# An .xlsx sheet: cells are <c> elements, positioned by their r attribute or, without one, after the cell
# before (calamine's rule). Excel, WPS, LibreOffice and every writer we know give each cell an r of the form
# A1 in plain double- or single-quoted attributes; a <c> or <row> tag of any other shape is refused.
_NAME = rb"[A-Za-z_][\w:.-]*"
_VALUE = rb"(?:\"[^\"<>]*\"|'[^'<>]*')"
_OTHER_ATTR = rb"\s+(?!r\s*=)" + _NAME + rb"\s*=\s*" + _VALUE
_OPEN = rb"<(?:[A-Za-z_][\w.-]*:)?"
_CELL_START = re.compile(_OPEN + rb"c(?=[\s/>])")
_CELL_WITH_REF = re.compile(
    _OPEN + rb"c(?:" + _OTHER_ATTR + rb")*\s+r\s*=\s*([\"'])([A-Za-z]+)([0-9]+)\1(?:" + _OTHER_ATTR + rb")*\s*>"
)
_EMPTY_CELL_WITH_REF = re.compile(
    _OPEN + rb"c(?:" + _OTHER_ATTR + rb")*\s+r\s*=\s*([\"'])[A-Za-z]+[0-9]+\1(?:" + _OTHER_ATTR + rb")*\s*/>"
)
_CELL_WITHOUT_REF = re.compile(_OPEN + rb"c(?:" + _OTHER_ATTR + rb")*\s*/?>")
_ROW_START = re.compile(_OPEN + rb"row(?=[\s/>])")
_ROW_PLAIN = re.compile(_OPEN + rb"row(?:\s+" + _NAME + rb"\s*=\s*" + _VALUE + rb")*\s*/?>")
_SHEET_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)((?:\s+" + _NAME + rb"\s*=\s*" + _VALUE + rb")*)\s*(/?)>"
)
_FIRST, _SECOND, _THIRD = itemgetter(0), itemgetter(1), itemgetter(2)
_R_ATTR = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([A-Za-z]*)([0-9]*)[\"']")


def _column_number(letters: bytes) -> int:
    """A → 1, Z → 26, AA → 27 (any length: a hostile reference gives a huge number, not an error)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


# The common shape, checked first because it is cheap (one pass, literal prefix): unprefixed tags, every <c
# starting `<c r="A1"` followed by plain attributes other than r. Any other <c tag matches the second branch
# with empty groups, and the part takes the general path. Cheaper still, when the limit allows a grid of
# ZZ99999: one search shows that every cell is that shape and within it, without collecting anything.
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_PLAIN_CELL = re.compile(rb'<c(?: r="([A-Za-z]+)([0-9]+)"(?: (?!r=)[A-Za-z]+="[^"<>]*")*/?>|(?=[\s/>]))')
_SMALL_GRID = 702 * 99_999
_NOT_SMALL_CELL = re.compile(rb'<c(?=[\s/>])(?! r="[A-Za-z]{1,2}[0-9]{1,5}"(?: (?!r=)[A-Za-z]+="[^"<>]*")*/?>)')


def _xlsx_grid(path: Path, chunks, limit: int) -> int:
    """How many cells (at most) the sheet in this XML part becomes as a grid from A1; 0 without cells."""
    if _SMALL_GRID * GRID_CELL_BYTES <= limit:
        for piece in _tags(path, chunks()):
            if _PREFIXED.search(piece) or _NOT_SMALL_CELL.search(piece):
                break
        else:
            return _SMALL_GRID
    letters: set[bytes] = set()
    digits: set[bytes] = set()
    for piece in _tags(path, chunks()):
        if _PREFIXED.search(piece) is None:
            found = _PLAIN_CELL.findall(piece)
            columns = set(map(_FIRST, found))
            if b"" not in columns:
                letters |= columns
                digits.update(map(_SECOND, found))
                continue
        return _xlsx_grid_general(path, chunks)
    if not letters:
        return 0
    return max(map(_column_number, letters)) * max(map(int, digits))


def _xlsx_grid_general(path: Path, chunks) -> int:
    """`_xlsx_grid` for any cell and row tags: prefixed, attributes in any order or quoting, cells without r."""
    refs, rows, rowless = set(), set(), 0
    for piece in _tags(path, chunks()):
        starts = len(_CELL_START.findall(piece))
        if not starts and b"row" not in piece:
            continue
        found = _CELL_WITH_REF.findall(piece)
        empty = len(_EMPTY_CELL_WITH_REF.findall(piece))
        without = len(_CELL_WITHOUT_REF.findall(piece))
        if starts != len(found) + empty + without or len(_ROW_START.findall(piece)) != len(_ROW_PLAIN.findall(piece)):
            raise Unreadable(path, "truncated")  # a cell or row tag no spreadsheet program writes
        refs.update(map(_SECOND, found))
        rows.update(map(_THIRD, found))
        rowless += without
    if rowless:
        return _xlsx_grid_exact(path, chunks)
    if not refs:
        return 0
    return max(map(_column_number, refs)) * max(map(int, rows))


def _xlsx_grid_exact(path: Path, chunks) -> int:
    """The grid of a sheet whose cells lack r attributes, walking its tags as calamine does."""
    row, col, height, width, started = 0, 0, 0, 0, False
    for piece in _tags(path, chunks()):
        for closing, name, attrs, empty in _SHEET_TAG.findall(piece):
            if empty:
                continue  # <row/> and <c/> hold nothing and move nothing
            ref = _R_ATTR.search(attrs)
            if name == b"row":
                if closing:
                    row, col = row + 1, 0
                elif ref and ref.group(2):
                    row = int(ref.group(2)) - 1
            elif not closing:
                if ref:
                    if not (ref.group(1) and ref.group(2)):
                        raise Unreadable(path, "truncated")
                    at_row, col = int(ref.group(2)) - 1, _column_number(ref.group(1)) - 1
                else:
                    at_row = row
                height, width = max(height, at_row + 1), max(width, col + 1)
                col += 1
                started = True
    return height * width if started else 0


# An .ods sheet: rows and cells repeat by number-rows-repeated / number-columns-repeated; LibreOffice pads
# every sheet with a million empty repeated rows, so only cells that hold something count.
_ODS_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"
    rb"((?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*)>"
)
_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"']\s*([0-9]+)")
_COLUMNS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"']\s*([0-9]+)")
_HAS_VALUE = re.compile(
    rb"value-type\s*=|(?:^|\s)(?:[\w.-]+:)?(?:value|date-value|time-value|boolean-value|string-value)\s*="
)


def _ods_grid(path: Path, chunks) -> int:
    """The largest grid any sheet of an .ods content.xml becomes (cells × rows, repeats expanded)."""
    largest = height = width = row = col = depth = 0
    row_repeat, row_filled = 1, False
    for piece in _tags(path, chunks()):
        for closing, name, attrs in _ODS_TAG.findall(piece):
            empty = attrs.rstrip().endswith(b"/")
            if name == b"table":  # a table inside a table counts toward the outer one
                if not closing and not empty:
                    depth += 1
                    if depth == 1:
                        height = width = row = 0
                elif closing:
                    depth = max(0, depth - 1)
                    if depth == 0:
                        largest = max(largest, height * width)
            elif name == b"table-row":
                if not closing:
                    repeat = _ROWS_REPEATED.search(attrs)
                    row_repeat, row_filled, col = int(repeat.group(1)) if repeat else 1, False, 0
                    if empty:
                        row += row_repeat
                else:
                    if row_filled:
                        height = max(height, row + row_repeat)
                    row += row_repeat
            elif not closing:
                repeat = _COLUMNS_REPEATED.search(attrs)
                count = int(repeat.group(1)) if repeat else 1
                if not empty or _HAS_VALUE.search(attrs):
                    width, row_filled = max(width, col + count), True
                col += count
    return max(largest, height * width)


# -- legacy .xls (BIFF inside an OLE compound file) ---------------------------------------------------------

# BIFF5/8 cell records (row, column first): formula, blank, number, label, boolean/error, RK, shared string,
# rich string; MULRK and MULBLANK (row, first column, …, last column); DIMENSIONS, whose claimed size calamine
# reserves room for before reading a cell.
_BIFF_CELLS = {0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6}
_BIFF_MULTI = {0x00BD, 0x00BE}
_BIFF_DIMENSIONS = 0x0200
_BIFF_FILEPASS = 0x002F
_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE


def _check_xls(path: Path, data: bytes, limit: int) -> None:
    """Refuse an .xls whose cells would make a grid past `limit`, or that is password-protected."""
    stream = _ole_stream(path, data, ("Workbook", "Book"))
    if stream is None:
        return  # not a workbook at all: calamine says so
    width = height = 0
    at, end = 0, len(stream) - 4
    while at <= end:
        kind, size = struct.unpack_from("<HH", stream, at)
        body = at + 4
        if kind in _BIFF_CELLS and size >= 4:
            row, col = struct.unpack_from("<HH", stream, body)
            height, width = max(height, row + 1), max(width, col + 1)
        elif kind in _BIFF_MULTI and size >= 6 and body + size <= len(stream):
            row, = struct.unpack_from("<H", stream, body)
            last, = struct.unpack_from("<H", stream, body + size - 2)
            height, width = max(height, row + 1), max(width, last + 1)
        elif kind == _BIFF_DIMENSIONS and size >= 14:
            first_row, end_row, first_col, end_col = struct.unpack_from("<IIHH", stream, body)
            claimed = max(0, end_row - first_row) * max(0, end_col - first_col)
            if claimed * GRID_CELL_BYTES > limit:
                raise Unreadable(path, "too_large", human_size(limit))
        elif kind == _BIFF_FILEPASS:
            raise Unreadable(path, "encrypted")
        at = body + size
    if height * width * GRID_CELL_BYTES > limit:
        raise Unreadable(path, "too_large", human_size(limit))


def _ole_stream(path: Path, data: bytes, names: tuple[str, ...]) -> bytes | None:
    """The first stream named in `names` from an OLE compound file (the container of .xls), or None."""
    try:
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        fat_count, directory_start = struct.unpack_from("<II", data, 0x2C)
        cutoff, mini_fat_start, mini_fat_count, difat_start, difat_count = struct.unpack_from("<IIIII", data, 0x38)
        if not (7 <= shift <= 16 and mini_shift < shift):
            raise ValueError
        size = 1 << shift
        sectors = max(0, (len(data) - 512) // size)

        def sector(n: int) -> bytes:
            if n >= sectors:
                raise ValueError
            return data[512 + n * size:512 + (n + 1) * size]

        difat = list(struct.unpack_from("<109I", data, 0x4C))
        next_difat = difat_start
        for _ in range(min(difat_count, sectors)):
            if next_difat in (_FREE, _END_OF_CHAIN):
                break
            entries = struct.unpack(f"<{size // 4}I", sector(next_difat))
            difat += entries[:-1]
            next_difat = entries[-1]
        fat: list[int] = []
        for n in difat[:fat_count]:
            if n not in (_FREE, _END_OF_CHAIN):
                fat += struct.unpack(f"<{size // 4}I", sector(n))

        def chain_of(start: int, table: list[int]) -> Iterator[int]:
            seen = 0
            while start not in (_FREE, _END_OF_CHAIN) and seen <= len(table):
                yield start
                if start >= len(table):
                    raise ValueError
                start, seen = table[start], seen + 1

        directory = b"".join(sector(n) for n in chain_of(directory_start, fat))
        entries = {}
        for at in range(0, len(directory) - 127, 128):
            entry = directory[at:at + 128]
            length, kind = struct.unpack_from("<HB", entry, 0x40)
            start, stream_size = struct.unpack_from("<II", entry, 0x74)
            name = entry[:max(0, min(length, 64) - 2)].decode("utf-16-le", errors="replace")
            entries.setdefault(name if kind != 5 else "\x00root", (start, stream_size))
        wanted = next((entries[n] for n in names if n in entries), None)
        if wanted is None:
            return None
        start, stream_size = wanted
        if stream_size >= cutoff:
            return b"".join(sector(n) for n in chain_of(start, fat))[:stream_size]
        root_start, _ = entries["\x00root"]
        mini_stream = b"".join(sector(n) for n in chain_of(root_start, fat))
        mini_fat: list[int] = []
        for n in chain_of(mini_fat_start, fat):
            mini_fat += struct.unpack(f"<{size // 4}I", sector(n))
        mini = 1 << mini_shift
        return b"".join(mini_stream[n * mini:(n + 1) * mini] for n in chain_of(start, mini_fat))[:stream_size]
    except (struct.error, ValueError, KeyError):
        raise Unreadable(path, "truncated") from None


# -- calamine, and what every reader returns ----------------------------------------------------------------


def _open_calamine(path: Path, data: bytes, limit: int) -> list[RawSheet]:
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise Unreadable(path, "encrypted") from None
    except Exception as exc:  # calamine raises several types for damaged files
        raise Unreadable(path, _damage_reason(exc), human_size(limit)) from None
    sheets: list[RawSheet] = []
    try:
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = _merged(sheet.merged_cell_ranges or [], rows)
            sheets.append(
                RawSheet(meta.name, rows, merged, visible=meta.visible == calamine.SheetVisibleEnum.Visible)
            )
    except calamine.PasswordError:
        raise Unreadable(path, "encrypted") from None
    except Exception as exc:
        raise Unreadable(path, _damage_reason(exc), human_size(limit)) from None
    finally:
        book.close()
    if not sheets:
        raise Unreadable(path, "no_worksheet")
    if not any(any(v not in ("", None) for v in row) for s in sheets for row in s.rows):
        raise Unreadable(path, "empty_workbook")
    return sheets


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


# Control characters (C0 but tab, line feed and carriage return; DEL; C1) are removed from text: they are
# never part of a name, an ID or a date, and in a terminal they are commands.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _clean(sheet: RawSheet) -> RawSheet:
    """The sheet with control characters removed from every text cell (a quick look first: usually none)."""
    text = "".join([v for v in chain.from_iterable(sheet.rows) if v.__class__ is str])
    if _CONTROL.search(text) is None and _CONTROL.search(sheet.name) is None:
        return sheet
    rows = [[_CONTROL.sub("", v) if v.__class__ is str else v for v in row] for row in sheet.rows]
    return RawSheet(_CONTROL.sub("", sheet.name), rows, sheet.merged, sheet.visible)


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
