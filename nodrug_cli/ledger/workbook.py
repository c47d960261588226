"""Opening a ledger file safely: sniff what it really is, refuse what cannot be read, return raw cells.

The file is read once into memory and never written, renamed or locked. The format is decided from
the bytes, not the extension (a `.xlsx` that is really a CSV or a web page happens). Workbooks are
read with calamine (Rust; does not expand XML entities); CSV with the standard library.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
# Refuse a workbook whose sheets would inflate past this many bytes of XML before reading it.
# A sheet at Excel's full 1,048,576-row limit with twenty columns is well under 2 GiB of XML.
DEFAULT_MAX_INFLATED = 4 * 1024**3

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")

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
    "truncated": (
        "文件已损坏或不完整（可能未完整复制或下载）：请重新拷贝原文件",
        "the file is damaged or incomplete (a partial copy or download?): copy it again",
    ),
    "encrypted": (
        "文件设有打开密码：请在 Excel/WPS 中打开，取消密码（文件→信息→保护工作簿）后另存再试",
        "the file is password-protected: open it in Excel/WPS, remove the password and save it again",
    ),
    "too_large": (
        "工作表解压后超过 {detail}，已拒绝读取（可能是恶意文件）；确为正常台账时可用 --max-size 调高上限",
        "the sheets would inflate past {detail}; refused (possibly a malicious file); raise --max-size if it is genuine",
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


def _human_size(n: int) -> str:
    return f"{n / 1024**3:.1f} GiB" if n >= 1024**3 else f"{n / 1024**2:.0f} MiB"


def read_bytes(path: Path) -> bytes:
    """The whole file, or Unreadable for a missing path, a folder or a permission problem."""
    try:
        if path.is_dir():
            raise Unreadable(path, "is_directory")
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise Unreadable(path, "not_found") from None
    except IsADirectoryError:
        raise Unreadable(path, "is_directory") from None
    except PermissionError:
        raise Unreadable(path, "no_permission") from None
    except OSError as exc:
        raise Unreadable(path, "truncated", str(exc)) from None


def open_workbook(path: Path | str, max_inflated: int = DEFAULT_MAX_INFLATED) -> list[RawSheet]:
    """Every worksheet of the file at `path` as raw cells, or Unreadable with the reason."""
    path = Path(path)
    data = read_bytes(path)
    if not data:
        raise Unreadable(path, "empty_file")
    if data.startswith(_ZIP_MAGIC):
        return _open_zip(path, data, max_inflated)
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_MARK in data:
            raise Unreadable(path, "encrypted")
        return _open_calamine(path, data)
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<table" in head:
        raise Unreadable(path, "html")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable(path, "not_workbook")
    return [_read_csv(path, data)]


def _open_zip(path: Path, data: bytes, max_inflated: int) -> list[RawSheet]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise Unreadable(path, "truncated") from None
    names = {info.filename for info in infos}
    is_ods = "mimetype" in names and "content.xml" in names
    is_ooxml = "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)
    if not (is_ods or is_ooxml):
        raise Unreadable(path, "zip_not_workbook")
    inflated = sum(i.file_size for i in infos if i.filename.startswith(("xl/worksheets/", "xl/sharedStrings")))
    inflated += sum(i.file_size for i in infos if i.filename == "content.xml")
    if inflated > max_inflated:
        raise Unreadable(path, "too_large", _human_size(max_inflated))
    return _open_calamine(path, data)


def _open_calamine(path: Path, data: bytes) -> list[RawSheet]:
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise Unreadable(path, "encrypted") from None
    except Exception as exc:  # calamine raises several types for damaged files
        raise Unreadable(path, _damage_reason(exc), str(exc)) from None
    sheets: list[RawSheet] = []
    try:
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
            sheets.append(
                RawSheet(meta.name, rows, merged, visible=meta.visible == calamine.SheetVisibleEnum.Visible)
            )
    except calamine.PasswordError:
        raise Unreadable(path, "encrypted") from None
    except Exception as exc:
        raise Unreadable(path, _damage_reason(exc), str(exc)) from None
    finally:
        book.close()
    if not sheets:
        raise Unreadable(path, "no_worksheet")
    if not any(any(v not in ("", None) for v in row) for s in sheets for row in s.rows):
        raise Unreadable(path, "empty_workbook")
    return sheets


def _damage_reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return "encrypted"
    return "truncated"


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable(path, "bad_text")


def _read_csv(path: Path, data: bytes) -> RawSheet:
    text = _decode(path, data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise Unreadable(path, "empty_workbook")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    return RawSheet(name=os.path.splitext(path.name)[0], rows=rows)
