"""Broken and hostile ledger files, generated in code, each with what nodrug must say about it.

Every case writes its file (or folder) into a given folder and names the outcome: the `Unreadable` reason,
or — for a file that must be read — whether it has errors and which finding codes it must produce. The
exit code of every command follows from that (README: validate/score/remind exit 2 on an unreadable file
and 1 on errors; batch makes an unreadable file a row and exits 1). Nothing here is a committed binary.

    from corpus import CASES, build_all
    paths = build_all(tmp_path)          # {case key: path}
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from builders import minimal_ledger, person_id, write_xlsx

from nodrug_cli.ledger.unreadable import UNREADABLE_MESSAGES, human_size
from nodrug_cli.ledger.workbook import DEFAULT_MAX_INFLATED

SECRET = "XXE-SECRET-5b1f0c"  # written to a file the XXE payloads point at; must never reach any output
COMMANDS = ("validate", "score", "batch", "remind")
MiB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    """One corpus file and what every command must do with it."""

    key: str
    filename: str
    build: Callable[[Path], Path]
    reason: str | None = None  # Unreadable reason; None: the file is read
    errors: bool = False  # read, and has errors (exit 1)
    findings: tuple[str, ...] = ()  # finding codes the read must include, as (code) or "code@cell"
    about: str = ""
    exits: dict[str, int] = field(default_factory=dict)  # per-command exit codes that differ from the rule
    big: bool = False  # measured for the report: time and peak memory matter here

    def exit_code(self, command: str) -> int:
        """The documented exit code of `command` on this file alone."""
        if command in self.exits:
            return self.exits[command]
        if self.reason is not None:
            return 1 if command == "batch" else 2
        return 1 if self.errors else 0

    def message(self, lang: str = "zh") -> str | None:
        """The one-line message a command prints for this file (without the path), if it is unreadable."""
        if self.reason is None:
            return None
        zh, en = UNREADABLE_MESSAGES[self.reason]
        detail = Path(self.filename).suffix if self.reason == "text_named_workbook" else human_size(DEFAULT_MAX_INFLATED)
        return (en if lang == "en" else zh).format(detail=detail)


# -- helpers ------------------------------------------------------------------------------------------------


def ledger_xlsx(path: Path, **kwargs) -> Path:
    """A small clean ledger (tests/builders.py) as .xlsx."""
    return write_xlsx(path, minimal_ledger(**kwargs))


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def sheet_part(parts: dict[str, bytes], tab: str) -> str:
    """The zip member holding the sheet with tab name `tab` (openpyxl numbers them in order)."""
    names = re.findall(rb'<sheet name="([^"]+)"', parts["xl/workbook.xml"])
    return f"xl/worksheets/sheet{[n.decode() for n in names].index(tab) + 1}.xml"


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def repeated_deflate(head: bytes, unit: bytes, times: int, tail: bytes, crc_of: int | None = None):
    """A raw deflate stream of head + unit × times + tail built in O(len(unit)) time: each unit is one
    byte-aligned, history-free run of blocks (Z_FULL_FLUSH), spliced `times` times. Returns (stream, crc,
    size); with `crc_of`, the CRC is of the first `crc_of` bytes only (for a header that lies)."""
    def part(data: bytes) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        return packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)

    final = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    stream = part(head) + part(unit) * times + final.compress(tail) + final.flush()
    size = len(head) + len(unit) * times + len(tail)
    if crc_of is not None:
        return stream, zlib.crc32((head + unit * (crc_of // len(unit) + 1))[:crc_of]), size
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(unit, crc)
    return stream, zlib.crc32(tail, crc), size


def write_zip(path: Path, entries: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip written by hand from (name, raw deflate stream, crc, declared size), so sizes can lie."""
    body, directory = bytearray(), bytearray()
    for name, stream, crc, size in entries:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, 8, 0, 0x21, crc, len(stream), size,
                            len(encoded), 0) + encoded
        body += stream
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, 8, 0, 0x21, crc,
                                 len(stream), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


def zip_entries(parts: dict[str, bytes]) -> list[tuple[str, bytes, int, int]]:
    return [(name, deflate(data), zlib.crc32(data), len(data)) for name, data in parts.items()]


SHEET_HEAD = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xa7\x93\xe5\x90\x8d</t></is></c></row>')
ROWS_UNIT = (b"<row><c><v>1</v></c></row>" * 40330)[:MiB]  # a MiB of cells without r (the shape matters not)
SHEET_TAIL = b"</sheetData></worksheet>"


# -- the cases ----------------------------------------------------------------------------------------------


def not_a_zip(folder: Path) -> Path:
    path = folder / "照片.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "空文件.xlsx"
    path.write_bytes(b"")
    return path


def truncated(folder: Path) -> Path:
    good = ledger_xlsx(folder / ".whole.xlsx")
    path = folder / "拷贝中断.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    good.unlink()
    return path


def zip_not_workbook(folder: Path) -> Path:
    path = folder / "照片打包.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("活动照片/IMG_0001.jpg", b"\xff\xd8\xff\xe0" + os.urandom(2048))
        archive.writestr("说明.txt", "六月宣传活动照片")
    return path


def binary_workbook(folder: Path) -> Path:
    """An .xlsb saved under an .xlsx name: its workbook part is xl/workbook.bin."""
    path = folder / "二进制工作簿.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml",
                         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00" * 10)
        archive.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00" * 10)
    return path


def empty_workbook(folder: Path) -> Path:
    import openpyxl

    path = folder / "空工作簿.xlsx"
    openpyxl.Workbook().save(path)
    return path


def chart_only(folder: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    default = book.active
    book.create_chartsheet("统计图")
    book.remove(default)
    path = folder / "只有图表.xlsx"
    book.save(path)
    return path


def encrypted(folder: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = ledger_xlsx(folder / ".plain.xlsx")
    path = folder / "有密码.xlsx"
    with open(plain, "rb") as source, open(path, "wb") as target:
        OOXMLFile(source).encrypt("123456", target)
    plain.unlink()
    return path


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10))
          + "]>")


def _with_shared_strings(parts: dict[str, bytes], doctype: str, entity: str) -> dict[str, bytes]:
    """The ledger with its 吸毒人员 names moved into xl/sharedStrings.xml, the first one being `entity`."""
    parts = dict(parts)
    sheet = sheet_part(parts, "吸毒人员")
    xml = parts[sheet].decode()
    xml = xml.replace('<c r="A2" t="inlineStr"><is><t>王小明</t></is></c>', '<c r="A2" t="s"><v>0</v></c>')
    parts[sheet] = xml.encode()
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>' + doctype
        + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        + f"<si><t>{entity}</t></si></sst>").encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rIdSST"/></Relationships>')
    return parts


def _with_sheet_payload(parts: dict[str, bytes], doctype: str, entity: str) -> dict[str, bytes]:
    parts = dict(parts)
    sheet = sheet_part(parts, "吸毒人员")
    xml = parts[sheet].decode().replace("<worksheet", doctype + "<worksheet", 1)
    parts[sheet] = xml.replace("<t>王小明</t>", f"<t>{entity}</t>", 1).encode()
    return parts


def laughs_in_shared_strings(folder: Path) -> Path:
    base = members(ledger_xlsx(folder / ".base.xlsx"))
    (folder / ".base.xlsx").unlink()
    return rezip(folder / "实体膨胀_共享字符串.xlsx", _with_shared_strings(base, LAUGHS, "&lol9;"))


def laughs_in_sheet(folder: Path) -> Path:
    base = members(ledger_xlsx(folder / ".base.xlsx"))
    (folder / ".base.xlsx").unlink()
    return rezip(folder / "实体膨胀_工作表.xlsx", _with_sheet_payload(base, LAUGHS, "&lol9;"))


def secret_file(folder: Path) -> Path:
    """The local file the XXE payloads point at, beside (not inside) the corpus folder."""
    path = folder.parent / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def _xxe(folder: Path) -> str:
    return f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret_file(folder).resolve().as_uri()}">]>'


def xxe_in_shared_strings(folder: Path) -> Path:
    base = members(ledger_xlsx(folder / ".base.xlsx"))
    (folder / ".base.xlsx").unlink()
    return rezip(folder / "外部实体_共享字符串.xlsx", _with_shared_strings(base, _xxe(folder), "&xxe;"))


def xxe_in_sheet(folder: Path) -> Path:
    base = members(ledger_xlsx(folder / ".base.xlsx"))
    (folder / ".base.xlsx").unlink()
    return rezip(folder / "外部实体_工作表.xlsx", _with_sheet_payload(base, _xxe(folder), "&xxe;"))


def zip_bomb(folder: Path, per_sheet_mib: int = 2304) -> Path:
    """Two sheets that really inflate to 2.25 GiB each (4.5 GiB, past the 4 GiB default) from ~12 MB."""
    parts = members(ledger_xlsx(folder / ".base.xlsx"))
    (folder / ".base.xlsx").unlink()
    entries = zip_entries(parts)
    bombs = {sheet_part(parts, "吸毒人员"), sheet_part(parts, "尿检记录")}
    entries = [(name, *repeated_deflate(SHEET_HEAD, ROWS_UNIT, per_sheet_mib, SHEET_TAIL)) if name in bombs
               else (name, stream, crc, size) for name, stream, crc, size in entries]
    return write_zip(folder / "解压炸弹.xlsx", entries)


def small_zip_bomb(folder: Path, mib: int = 16) -> Path:
    """The same shape at a size a test can afford: read it with max_inflated below `mib` MiB."""
    parts = members(ledger_xlsx(folder / ".base.xlsx"))
    (folder / ".base.xlsx").unlink()
    bomb = sheet_part(parts, "吸毒人员")
    entries = [(name, *repeated_deflate(SHEET_HEAD, ROWS_UNIT, mib, SHEET_TAIL)) if name == bomb
               else (name, stream, crc, size) for name, stream, crc, size in zip_entries(parts)]
    return write_zip(folder / "小解压炸弹.xlsx", entries)


def lying_zip(folder: Path) -> Path:
    """A sheet whose header says 1,800 bytes (with the CRC of those bytes) but which inflates to 2.25 GiB."""
    parts = members(ledger_xlsx(folder / ".base.xlsx"))
    (folder / ".base.xlsx").unlink()
    bomb = sheet_part(parts, "吸毒人员")
    entries = []
    for name, stream, crc, size in zip_entries(parts):
        if name == bomb:
            stream, crc, _ = repeated_deflate(SHEET_HEAD, ROWS_UNIT, 2304, SHEET_TAIL, crc_of=1800)
            size = 1800
        entries.append((name, stream, crc, size))
    return write_zip(folder / "谎报大小.xlsx", entries)


def far_cell(folder: Path) -> Path:
    """A clean ledger plus one cell at XFD1048576: 7 KB that calamine would lay out as a 512 GiB grid."""
    parts = members(ledger_xlsx(folder / ".base.xlsx"))
    (folder / ".base.xlsx").unlink()
    sheet = sheet_part(parts, "吸毒人员")
    parts[sheet] = parts[sheet].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    return rezip(folder / "远端单元格.xlsx", parts)


def dimension_claim(folder: Path) -> Path:
    """Every sheet's <dimension ref> claims A1:XFD1048576 while it holds a few cells."""
    parts = members(ledger_xlsx(folder / ".base.xlsx"))
    (folder / ".base.xlsx").unlink()
    for name in list(parts):
        if name.startswith("xl/worksheets/"):
            parts[name] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', parts[name])
    return rezip(folder / "维度声明.xlsx", parts)


def formula_without_value(folder: Path) -> Path:
    """王小明's 身份证号 (a required column) is a formula with no cached value: it reads as empty."""
    parts = members(ledger_xlsx(folder / ".base.xlsx"))
    (folder / ".base.xlsx").unlink()
    sheet = sheet_part(parts, "吸毒人员")
    parts[sheet] = re.sub(rb'<c r="B2" t="inlineStr"><is><t>[0-9X]+</t></is></c>', b'<c r="B2"><f>1+1</f></c>',
                          parts[sheet])
    return rezip(folder / "公式无缓存值.xlsx", parts)


def _person_rows() -> list[list]:
    return minimal_ledger()["吸毒人员"]


def _csv_text(rows: list[list], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in row] for row in rows])
    return out.getvalue()


def csv_named_xlsx(folder: Path) -> Path:
    path = folder / "系统导出.xlsx"
    path.write_text(_csv_text(_person_rows()), encoding="utf-8-sig")
    return path


def html_named_xls(folder: Path) -> Path:
    path = folder / "网页导出.xls"
    cells = "".join(f"<tr>{''.join(f'<td>{v}</td>' for v in row)}</tr>" for row in _person_rows())
    path.write_text(f'<html><head><meta charset="utf-8"></head><body><table border="1">{cells}</table></body></html>',
                    encoding="utf-8")
    return path


def gb18030_csv(folder: Path) -> Path:
    rows = _person_rows()
    rows[1][0] = "王䶮明"  # a character GBK lacks and GB18030 has
    path = folder / "吸毒人员_GB18030.csv"
    path.write_bytes(_csv_text(rows).encode("gb18030"))
    return path


def utf16_csv(folder: Path) -> Path:
    """What Excel's "Unicode text" export writes: UTF-16 with a BOM, tab-separated."""
    path = folder / "吸毒人员_UTF16.csv"
    path.write_bytes(_csv_text(_person_rows(), delimiter="\t").encode("utf-16"))
    return path


LONG = 100_000


def long_cells(folder: Path) -> Path:
    """100,000-character cells: a talk's 谈话人 (free text) and a test's 检测日期 (a date error)."""
    a = person_id(1)
    talks = [[a, "王小明", dt.date(2025, 3, 2), "刘" * LONG]]
    tests = [[a, "王小明", dt.date(2025, 3, 1), "阴性"], [a, "王小明", "2" * LONG, "阴性"]]
    return ledger_xlsx(folder / "超长单元格.xlsx", tests=tests, talks=talks)


CONTROL_CHARS = ("\x1b", "\x07", "\x00", "\x08", "\x9b")


def control_chars(folder: Path) -> Path:
    """Names with a terminal escape written as Excel writes it (_x001B_) and a raw BEL; a 性别 cell that
    would retitle the terminal and clear the screen when its finding is printed."""
    parts = members(ledger_xlsx(folder / ".base.xlsx"))
    (folder / ".base.xlsx").unlink()
    sheet = sheet_part(parts, "吸毒人员")
    parts[sheet] = (parts[sheet].replace("<t>王小明</t>".encode(), "<t>王_x001B_[31m小明_x001B_]0;x_x0007_</t>".encode())
                    .replace("<t>李红</t>".encode(), "<t>李\x07红_x0008_</t>".encode())
                    .replace("<t>男</t>".encode(), "<t>男_x001B_]0;pwned_x0007__x001B_[2J</t>".encode(), 1))
    return rezip(folder / "控制字符.xlsx", parts)


def control_chars_csv(folder: Path) -> Path:
    rows = _person_rows()
    rows[1][0] = "王\x1b[2J小明\x07"
    path = folder / "控制字符.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    return path


def wide_csv(folder: Path) -> Path:
    """2,000 ordinary rows and one line of two million commas: squared up, four billion cells."""
    path = folder / "超宽.csv"
    path.write_text(_csv_text(_person_rows()) * 667 + "," * 2_000_000 + "\r\n", encoding="utf-8")
    return path


def dash_name(folder: Path) -> Path:
    return ledger_xlsx(folder / "-百灵 社区.xlsx")


def directory(folder: Path) -> Path:
    path = folder / "文件夹.xlsx"
    path.mkdir()
    return path


def no_permission(folder: Path) -> Path:
    path = ledger_xlsx(folder / "无权限.xlsx")
    path.chmod(0)
    return path


def merged_bomb(folder: Path) -> Path:
    """A clean ledger plus a sheet holding 200,000 merged ranges over one 1000 × 20 block (Excel never overlaps
    merges): filling them naively is 4 × 10⁹ cell copies."""
    parts = members(ledger_xlsx(folder / ".base.xlsx", extra={"统计": [["合计"]]}))
    (folder / ".base.xlsx").unlink()
    sheet = sheet_part(parts, "统计")
    merges = b"".join(b'<mergeCell ref="A1:T%d"/>' % (1000 - i % 500) for i in range(200_000))
    parts[sheet] = parts[sheet].replace(
        b"</sheetData>", b'<row r="1000"><c r="T1000"><v>1</v></c></row></sheetData>'
        + b'<mergeCells count="200000">' + merges + b"</mergeCells>")
    return rezip(folder / "合并单元格.xlsx", parts)


def _xls(path: Path) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("吸毒人员")
    for c, head in enumerate(["姓名", "身份证号"]):
        sheet.write(0, c, head)
    sheet.write(1, 0, "王小明")
    sheet.write(1, 1, person_id(1))
    sheet.write(3, 200, 12345.5)  # a number far right: xlwt writes it as an RK record at row 3, column 200
    book.save(str(path))
    data = path.read_bytes()
    path.unlink()
    return data


def xls_far_cell(folder: Path) -> Path:
    """An .xls whose RK cell sits at row 65535, column 65535: calamine would ask for 128 GiB."""
    data = bytearray(_xls(folder / ".far.xls"))
    at = data.find(struct.pack("<HHHH", 0x027E, 10, 3, 200))
    data[at + 4:at + 8] = struct.pack("<HH", 65535, 65535)
    path = folder / "远端单元格.xls"
    path.write_bytes(bytes(data))
    return path


def xls_dimension_claim(folder: Path) -> Path:
    """An .xls whose DIMENSIONS record claims 65536 × 65535 cells: calamine reserves room for them first."""
    data = bytearray(_xls(folder / ".dim.xls"))
    at = data.find(struct.pack("<HH", 0x0200, 14))
    data[at + 4:at + 16] = struct.pack("<IIHH", 0, 65536, 0, 65535)
    path = folder / "维度声明.xls"
    path.write_bytes(bytes(data))
    return path


def ods_repeat_bomb(folder: Path) -> Path:
    """An .ods with one numeric cell repeated 16,384 columns wide and 1,048,576 rows deep."""
    from builders import write_ods

    base = write_ods(folder / ".base.ods", minimal_ledger())
    parts = members(base)
    base.unlink()
    parts["content.xml"] = parts["content.xml"].replace(
        b"<table:table-row>", b'<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
        b'table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p>'
        b"</table:table-cell></table:table-row><table:table-row>", 1)
    path = folder / "重复单元格.ods"
    with zipfile.ZipFile(path, "w") as archive:  # mimetype first and stored, as ODF requires
        archive.writestr("mimetype", parts.pop("mimetype"), zipfile.ZIP_STORED)
        for name, data in parts.items():
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    return path


CASES: tuple[Case, ...] = (
    Case("not_a_zip", "照片.xlsx", not_a_zip, "not_workbook", about="a PNG with an .xlsx name"),
    Case("empty_file", "空文件.xlsx", empty_file, "empty_file", about="0 bytes"),
    Case("truncated", "拷贝中断.xlsx", truncated, "truncated", about="the first half of a real ledger"),
    Case("zip_not_workbook", "照片打包.xlsx", zip_not_workbook, "zip_not_workbook", about="a zip of photos"),
    Case("binary_workbook", "二进制工作簿.xlsx", binary_workbook, "xlsb", about="an .xlsb (xl/workbook.bin)"),
    Case("empty_workbook", "空工作簿.xlsx", empty_workbook, "empty_workbook", about="openpyxl's blank workbook"),
    Case("chart_only", "只有图表.xlsx", chart_only, "no_worksheet", about="one chartsheet, no worksheet"),
    Case("encrypted", "有密码.xlsx", encrypted, "encrypted", about="msoffcrypto-encrypted"),
    Case("laughs_shared_strings", "实体膨胀_共享字符串.xlsx", laughs_in_shared_strings, "unsafe_xml",
         about="billion laughs in xl/sharedStrings.xml"),
    Case("laughs_sheet", "实体膨胀_工作表.xlsx", laughs_in_sheet, "unsafe_xml", about="billion laughs in a sheet"),
    Case("xxe_shared_strings", "外部实体_共享字符串.xlsx", xxe_in_shared_strings, "unsafe_xml",
         about="an external entity naming a local file, in sharedStrings"),
    Case("xxe_sheet", "外部实体_工作表.xlsx", xxe_in_sheet, "unsafe_xml", about="the same in a sheet"),
    Case("zip_bomb", "解压炸弹.xlsx", zip_bomb, "too_large", big=True,
         about="two sheets that really inflate to 2.25 GiB each; refused by declared sizes before inflating"),
    Case("lying_zip", "谎报大小.xlsx", lying_zip, "truncated", big=True,
         about="a sheet declaring 1,800 bytes that inflates to 2.25 GiB; stopped after 1,800"),
    Case("far_cell", "远端单元格.xlsx", far_cell, "too_large", big=True,
         about="one cell at XFD1048576 (calamine: 512 GiB request, process abort)"),
    Case("dimension_claim", "维度声明.xlsx", dimension_claim, None, big=True,
         about="<dimension ref='A1:XFD1048576'> over a few cells: read as the few cells"),
    Case("formula_without_value", "公式无缓存值.xlsx", formula_without_value, None, errors=True,
         findings=("required_empty@吸毒人员!B2",), about="<c><f>1+1</f></c> with no <v> in a required column"),
    Case("csv_named_xlsx", "系统导出.xlsx", csv_named_xlsx, "text_named_workbook",
         about="a CSV with an .xlsx name: not an Excel workbook (rename it to .csv)"),
    Case("html_named_xls", "网页导出.xls", html_named_xls, "html", about="an HTML table with an .xls name"),
    Case("gb18030_csv", "吸毒人员_GB18030.csv", gb18030_csv, None, errors=True, findings=("sheet_missing",),
         about="GB18030 CSV (a name with 䶮, outside GBK)"),
    Case("utf16_csv", "吸毒人员_UTF16.csv", utf16_csv, None, errors=True, findings=("sheet_missing",),
         about="UTF-16 tab-separated, as Excel's Unicode text export"),
    Case("long_cells", "超长单元格.xlsx", long_cells, None, errors=True, findings=("date_invalid@尿检记录!C3",),
         big=True, about="100,000-character cells in a text and a date column"),
    Case("control_chars", "控制字符.xlsx", control_chars, None, errors=True, findings=("enum_invalid@吸毒人员!C2",),
         about="ESC and BEL in names and in a 性别 cell with a finding, as _x001B_ escapes and raw: removed"),
    Case("control_chars_csv", "控制字符.csv", control_chars_csv, None, errors=True, findings=("sheet_missing",),
         about="raw ESC and BEL in a CSV"),
    Case("wide_csv", "超宽.csv", wide_csv, "too_large", about="2,000 rows and a line of 2,000,000 commas"),
    Case("dash_name", "-百灵 社区.xlsx", dash_name, None, about="spaces, Chinese and a leading dash in the name"),
    Case("directory", "文件夹.xlsx", directory, "is_directory", exits={"batch": 2, "remind": 2},
         about="a folder named like a ledger (batch and remind walk it and find nothing)"),
    Case("no_permission", "无权限.xlsx", no_permission, "no_permission", about="chmod 000 (not as root)"),
    Case("merged_bomb", "合并单元格.xlsx", merged_bomb, None, big=True,
         about="200,000 overlapping merged ranges over a 1000 × 20 block"),
    Case("xls_far_cell", "远端单元格.xls", xls_far_cell, "too_large", about="an .xls cell at row/column 65535"),
    Case("xls_dimension_claim", "维度声明.xls", xls_dimension_claim, "too_large",
         about="an .xls DIMENSIONS record claiming 65536 × 65535"),
    Case("ods_repeat_bomb", "重复单元格.ods", ods_repeat_bomb, "too_large",
         about="an .ods cell repeated 16,384 × 1,048,576 times"),
)

BY_KEY = {case.key: case for case in CASES}


def build_all(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, Path]:
    """Write every case into `folder` (created); returns {key: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    return {case.key: case.build(folder) for case in CASES if case.key not in skip}
