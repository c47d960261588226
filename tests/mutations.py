"""Every way a clerk can break one column: from a ledger workbook, each single-column deletion and each header
rename of every sheet, written as real .xlsx files (alone, or several sheets' changes in one workbook).

A table sheet's header row is the first row (of the first 30) with two or more text cells. A key/value sheet
(社区概况 and its alias 基本情况: column A the entry, column B its value) has entries for headers, so there each
entry row is deleted and each entry renamed, and columns A and B are each deleted too. Every mutation also gets
its own 社区名称 (unless it is the entry taken away), so a folder of mutations holds no two files of one
community, which `batch` would rightly refuse.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.utils import get_column_letter

from builders import person_id

KEYVALUE_TABS = ("社区概况", "基本情况")
NAME_KEYS = ("社区名称", "村（社区）名称")
RENAMED = "旧"  # prefixed to a header: no alias of any column starts with it


@dataclass(frozen=True)
class Change:
    """One column (or key/value entry) taken away from one sheet."""

    sheet: str  # the tab changed
    kind: str  # "delete" (a column, or a key/value entry row) or "rename" (a header, or an entry's name)
    header: str  # the header (or entry) as the source writes it
    header_row: int | None  # Excel row of the header in a table sheet


@dataclass(frozen=True)
class Mutation:
    """One broken copy of a source workbook: one change, or (a round) one change in each of several sheets."""

    path: Path
    source: str  # the source workbook's stem
    changes: tuple[Change, ...]

    @property
    def kind(self) -> str:
        return self.changes[0].kind

    @property
    def only(self) -> Change | None:
        """The change, when there is just one."""
        return self.changes[0] if len(self.changes) == 1 else None


def snapshot(path: Path) -> dict[str, list[list]]:
    """A workbook's cell values, sheet by sheet (merged cells keep their value in the top-left cell)."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{sheets}</Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/styles.xml": (  # style 1: a date, as Excel writes a typed date
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '</styleSheet>'
    ),
}
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_SHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_EPOCH = dt.datetime(1899, 12, 30)


def _cell(ref: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (dt.date, dt.datetime)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return f'<c r="{ref}" s="1"><v>{(moment - _EPOCH).total_seconds() / 86400:g}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def write(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Save sheet rows as a minimal .xlsx, as fast as a zip of a few small XML parts can be (openpyxl takes ~20×
    longer, and a test writes hundreds): text as inline strings, numbers as numbers, dates as dated serials."""
    names = list(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
                            for i in range(1, len(names) + 1))
        book.writestr("[Content_Types].xml", _PARTS["[Content_Types].xml"].format(sheets=overrides))
        book.writestr("_rels/.rels", _PARTS["_rels/.rels"])
        book.writestr("xl/styles.xml", _PARTS["xl/styles.xml"])
        book.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_MAIN}" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, n in enumerate(names, start=1))
            + "</sheets></workbook>"))
        book.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_SHEET_REL}" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(names) + 1))
            + f'<Relationship Id="rId{len(names) + 1}" '
              'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
              'Target="styles.xml"/></Relationships>'))
        for i, name in enumerate(names, start=1):
            rows = "".join(
                f'<row r="{r}">' + "".join(_cell(f"{get_column_letter(c)}{r}", v) for c, v in enumerate(row, 1))
                + "</row>"
                for r, row in enumerate(sheets[name], start=1)
            )
            book.writestr(f"xl/worksheets/sheet{i}.xml",
                          f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}">'
                          f"<sheetData>{rows}</sheetData></worksheet>")
    return path


def header_row(rows: list[list]) -> int | None:
    """0-based index of a table sheet's header row."""
    for r, row in enumerate(rows[:30]):
        if sum(1 for v in row if isinstance(v, str) and v.strip()) >= 2:
            return r
    return None


def _clean(header: object) -> str:
    return str(header).strip()


def _named(sheets: dict[str, list[list]], name: str) -> dict[str, list[list]]:
    """`sheets` with the key/value sheet's 社区名称 set to `name`."""
    out = dict(sheets)
    for tab in KEYVALUE_TABS:
        if tab in out:
            rows = [list(r) for r in out[tab]]
            for row in rows:
                if row and isinstance(row[0], str) and row[0].strip().rstrip("*") in NAME_KEYS and len(row) > 1:
                    row[1] = name
            out[tab] = rows
    return out


def _table_changes(tab: str, rows: list[list]) -> list[tuple[Change, list[list]]]:
    at = header_row(rows)
    if at is None:
        return []
    out = []
    for c, header in enumerate(rows[at]):
        if header is None or not str(header).strip():
            continue
        deleted = [row[:c] + row[c + 1:] for row in rows]
        renamed = [list(row) for row in rows]
        renamed[at][c] = RENAMED + _clean(header)
        out += [(Change(tab, "delete", _clean(header), at + 1), deleted),
                (Change(tab, "rename", _clean(header), at + 1), renamed)]
    return out


def _keyvalue_changes(tab: str, rows: list[list]) -> list[tuple[Change, list[list]]]:
    out = []
    for r, row in enumerate(rows):
        if not row or row[0] is None or not str(row[0]).strip():
            continue
        renamed = [list(x) for x in rows]
        renamed[r][0] = RENAMED + _clean(row[0])
        out += [(Change(tab, "delete", _clean(row[0]), None), rows[:r] + rows[r + 1:]),
                (Change(tab, "rename", _clean(row[0]), None), renamed)]
    for c, letter in enumerate("AB"):
        out.append((Change(tab, "delete", f"列{letter}", None), [row[:c] + row[c + 1:] for row in rows]))
    return out


def changes(sheets: dict[str, list[list]]) -> list[tuple[Change, list[list]]]:
    """Every single-column deletion and header rename of every sheet, with the sheet's rows after it."""
    out = []
    for tab, rows in sheets.items():
        rows = [list(r) for r in rows]
        out += _keyvalue_changes(tab, rows) if tab in KEYVALUE_TABS else _table_changes(tab, rows)
    return out


def mutate(source: Path, folder: Path, sheets: dict[str, list[list]] | None = None,
           alone: Callable[[Change], bool] = lambda change: True,
           group: Callable[[Change], object] = lambda change: None) -> list[Mutation]:
    """Write the mutations of `source` (or of `sheets`, its values already in hand) into `folder`.

    A change for which `alone` holds gets a workbook of its own. The others are written in rounds, by kind and
    `group`: the n-th round takes the n-th change of each sheet at once, so every change is still made while a
    workbook costs one read for up to nine of them.
    """
    sheets = snapshot(source) if sheets is None else sheets
    folder.mkdir(parents=True, exist_ok=True)
    made = changes(sheets)
    batches = [[(change, rows)] for change, rows in made if alone(change)]
    queues: dict[tuple, dict[str, list]] = {}
    for change, rows in made:
        if not alone(change):
            queues.setdefault((change.kind, group(change)), {}).setdefault(change.sheet, []).append((change, rows))
    for by_sheet in queues.values():
        for n in range(max(map(len, by_sheet.values()))):
            batches.append([queue[n] for queue in by_sheet.values() if n < len(queue)])
    out = []
    for at, batch in enumerate(batches, start=1):
        name = f"{source.stem}-{at:03d}"
        changed = {**sheets, **{change.sheet: rows for change, rows in batch}}
        path = write(folder / f"{name}.xlsx", _named(changed, name))
        out.append(Mutation(path, source.stem, tuple(change for change, _ in batch)))
    return out


# ── the template, filled with a few rows ─────────────────────────────────────────────────────────

def _fill(rows: list[list], values: list[dict[str, object]]) -> list[list]:
    """Rows under a template header (`*` marks ignored), canonical column → value; rows already there are kept."""
    header = [_clean(h).rstrip("*") if h is not None else None for h in rows[0]]
    body = [list(r) for r in rows[1:] if any(v is not None for v in r)]
    filled = [[v.get(h) for h in header] for v in values]
    return [list(rows[0]), *filled, *body]


def filled_template(template: Path) -> dict[str, list[list]]:
    """The shipped template's values with a small, plausible ledger typed in: three persons (one under a running
    order, one 戒断未满三年, one 强戒), their tests and talks, events, a survey, a venue, 自查项目 answered, and a
    现有吸毒人员 list."""
    sheets = snapshot(template)
    a, b, c = person_id(1), person_id(2, False, dt.date(1985, 1, 2)), person_id(3)
    info = {"社区名称": "模板村", "所属镇（街道）": "青禾镇", "所属县（区）": "云岭县", "评估年度": 2025,
            "常住人口": 3000, "流动人口": 200, "是否已授牌": "否"}
    sheets["社区概况"] = [
        [row[0], info.get(_clean(row[0]).rstrip("*"), row[1] if len(row) > 1 else None), *row[2:]] if r else list(row)
        for r, row in enumerate(sheets["社区概况"])
    ]
    d = dt.date
    sheets["吸毒人员"] = _fill(sheets["吸毒人员"], [
        {"姓名": "王小明", "身份证号": a, "性别": "男", "人员状态": "社区戒毒", "首次登记日期": d(2024, 1, 3),
         "措施开始日期": d(2024, 1, 5), "协议签订日期": d(2024, 1, 10), "帮教小组": "是", "管控状态": "在控"},
        {"姓名": "李红", "身份证号": b, "性别": "女", "人员状态": "戒断未满三年", "首次登记日期": d(2022, 6, 1),
         "最近吸毒日期": d(2023, 2, 1), "帮教小组": "是"},
        {"姓名": "赵强", "身份证号": c, "性别": "男", "人员状态": "强制隔离戒毒", "首次登记日期": d(2023, 6, 1),
         "状态起始日期": d(2024, 6, 1)},
    ])
    sheets["尿检记录"] = _fill(sheets["尿检记录"], [
        {"身份证号": a, "姓名": "王小明", "检测日期": d(2025, m, 3), "检测结果": "阴性"} for m in (1, 3, 5)
    ] + [{"身份证号": b, "姓名": "李红", "检测日期": d(2025, 2, 8), "检测结果": "阴性"}])
    sheets["谈话记录"] = _fill(sheets["谈话记录"], [
        {"身份证号": a, "姓名": "王小明", "谈话日期": d(2025, m, 4), "谈话人": "刘专干"} for m in (2, 4)
    ])
    sheets["宣传活动"] = _fill(sheets["宣传活动"], [
        {"活动日期": d(2025, m, 10), "活动名称": "禁毒宣传进社区", "活动形式": "进社区", "对象群体": "社区居民",
         "参与人数": 50} for m in (1, 2, 6)
    ])
    sheets["知晓率调查"] = _fill(sheets["知晓率调查"], [
        {"调查日期": d(2025, 5, 1), "人群类别": "社区居民", "调查人数": 100, "知晓人数": 96},
    ])
    sheets["重点场所"] = _fill(sheets["重点场所"], [{"场所名称": "模板KTV", "场所类型": "KTV", "责任状": "是"}])
    checklist = sheets["自查项目"]
    column = [_clean(h).rstrip("*") for h in checklist[0]].index("是否落实")
    sheets["自查项目"] = [checklist[0]] + [
        [*row[:column], "是" if i % 3 else "否", *row[column + 1:]] for i, row in enumerate(checklist[1:])
    ]
    sheets["现有吸毒人员"] = _fill(sheets["现有吸毒人员"], [{"姓名": "王小明", "身份证号": a}])
    return sheets
