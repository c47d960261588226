"""Writing real workbooks for tests: a dict of sheet name → rows, saved with openpyxl (or xlwt/odfpy/csv)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl

from nodrug_cli.fake import FakePeople
from nodrug_cli.ledger.idcard import make_id


def write_xlsx(path: Path, sheets: dict[str, list[list]], merged: dict[str, list[str]] | None = None,
               text_as_text: bool = False) -> Path:
    """Save `sheets` (rows of Python values) as an .xlsx; `merged` names ranges to merge per sheet.

    With `text_as_text`, every string is stored as text, as a clerk's Excel keeps what was typed: openpyxl
    would otherwise make `=1+1` a formula (with no cached value, so it would read as empty).
    """
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for ref in (merged or {}).get(name, []):
            sheet.merge_cells(ref)
        if text_as_text:
            for cells in sheet.iter_rows():
                for cell in cells:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
    book.save(path)
    return path


def write_xls(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Save `sheets` as a legacy .xls (what WPS and old Excel write)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Save `sheets` as OpenDocument (.ods) through pandas' odf writer."""
    import pandas as pd

    with pd.ExcelWriter(path, engine="odf") as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=name, header=False, index=False)
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    """Save one sheet as CSV in the given encoding (utf-8-sig, gb18030, utf-16…)."""
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows([["" if v is None else v for v in row] for row in rows])
    return path


PERSON_HEADER = ["姓名", "身份证号", "性别", "出生日期", "人员状态", "首次登记日期", "措施开始日期", "协议签订日期", "帮教小组"]


def person_id(n: int, male: bool = True, born: dt.date = dt.date(1990, 5, 17)) -> str:
    """A valid fictional ID, distinct for each n."""
    return make_id("990101", born, n, male)


def minimal_ledger(persons: list[list] | None = None, tests: list[list] | None = None,
                   talks: list[list] | None = None, extra: dict[str, list[list]] | None = None) -> dict[str, list[list]]:
    """A small clean ledger as sheet rows; pass rows to replace or extend the defaults."""
    a, b = person_id(1, True), person_id(2, False, dt.date(1985, 1, 2))
    sheets = {
        "社区概况": [["社区名称", "测试社区"], ["所属镇（街道）", "青禾镇"], ["评估年度", 2025], ["常住人口", 3000]],
        "吸毒人员": [PERSON_HEADER] + (persons if persons is not None else [
            ["王小明", a, "男", dt.date(1990, 5, 17), "社区戒毒", dt.date(2024, 1, 3), dt.date(2024, 1, 5), dt.date(2024, 1, 10), "是"],
            ["李红", b, "女", dt.date(1985, 1, 2), "强制隔离戒毒", dt.date(2023, 6, 1), None, None, "否"],
        ]),
        "尿检记录": [["身份证号", "姓名", "检测日期", "检测结果"]] + (tests if tests is not None else [
            [a, "王小明", dt.date(2025, 3, 1), "阴性"],
        ]),
        "谈话记录": [["身份证号", "姓名", "谈话日期", "谈话人"]] + (talks if talks is not None else [
            [a, "王小明", dt.date(2025, 3, 2), "刘专干"],
        ]),
    }
    sheets.update(extra or {})
    return sheets


__all__ = ["FakePeople", "write_xlsx", "write_xls", "write_ods", "write_csv", "minimal_ledger", "person_id", "PERSON_HEADER"]
