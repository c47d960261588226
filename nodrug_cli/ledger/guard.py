"""Cheap checks a file must pass before calamine sees it (see `workbook`): inflated sizes, CRCs, no DTD
or entity declarations, and every sheet's cell grid within the limit (.xlsx from its cell references,
.xls from its cell records, .ods from its repeat counts).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from operator import itemgetter
from pathlib import Path
from typing import Iterator

from nodrug_cli.ledger.unreadable import Unreadable, human_size

GRID_CELL_BYTES = 32  # what one cell of a sheet's grid costs in the reader (calamine's cell value is 32 bytes)
ZIP_MAGIC = b"PK\x03\x04"


_OUT_CHUNK = 16 * 1024 * 1024
_IN_CHUNK = 1024 * 1024


def inflate(path: Path, data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A zip member's bytes in chunks, never more than its declared size: a header that lies about the size,
    a wrong CRC or a cut-off stream is Unreadable("truncated") as soon as it shows."""
    offset = info.header_offset
    if data[offset:offset + 4] != ZIP_MAGIC or offset + 30 > len(data):
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


def xml_tags(path: Path, chunks: Iterator[bytes]) -> Iterator[bytes]:
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


def xlsx_grid(path: Path, chunks, limit: int) -> int:
    """How many cells (at most) the sheet in this XML part becomes as a grid from A1; 0 without cells."""
    if _SMALL_GRID * GRID_CELL_BYTES <= limit:
        for piece in xml_tags(path, chunks()):
            if _PREFIXED.search(piece) or _NOT_SMALL_CELL.search(piece):
                break
        else:
            return _SMALL_GRID
    letters: set[bytes] = set()
    digits: set[bytes] = set()
    for piece in xml_tags(path, chunks()):
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
    """`xlsx_grid` for any cell and row tags: prefixed, attributes in any order or quoting, cells without r."""
    refs, rows, rowless = set(), set(), 0
    for piece in xml_tags(path, chunks()):
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
    for piece in xml_tags(path, chunks()):
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


def ods_grid(path: Path, chunks) -> int:
    """The largest grid any sheet of an .ods content.xml becomes (cells × rows, repeats expanded)."""
    largest = height = width = row = col = depth = 0
    row_repeat, row_filled = 1, False
    for piece in xml_tags(path, chunks()):
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


def check_xls(path: Path, data: bytes, limit: int) -> None:
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
