"""What nodrug's workbooks share: the look (a CJK serif, thin black borders, a grey header, wrapped
text), the cell writer that keeps ledger text from becoming a formula, row heights and A4 print setup."""

from __future__ import annotations

import math
import unicodedata

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from nodrug_cli import __version__
from nodrug_cli.outputs import OUTPUT_MARK, atomic_path
from nodrug_cli.render.words import Words

FONT = "宋体"  # what printed Chinese government forms use; other machines substitute their CJK serif
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
LOST_FILL = PatternFill("solid", fgColor="FCE4D6")
BODY = Font(name=FONT, size=10)
BOLD = Font(name=FONT, size=10, bold=True)
TITLE = Font(name=FONT, size=16, bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_LINE_HEIGHT = 14.0  # points per line of 10-point CJK text


# --- cells -----------------------------------------------------------------------------------------

def put(ws: Worksheet, row: int, col: int, value: object, font: Font = BODY, align: Alignment = LEFT,
        border: bool = True, fill: PatternFill | None = None, number_format: str | None = None):
    """Write one cell; every string is stored as text, so `=…` copied from a ledger never becomes a formula."""
    cell = ws.cell(row, col)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters would make the file unreadable
    cell.value = value if value != "" else None
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl writes a string starting with "=" as a formula otherwise
    cell.font, cell.alignment = font, align
    if border:
        cell.border = BORDER
    if fill:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    return cell


def merge(ws: Worksheet, row: int, first: int, last: int, value: object, **style) -> None:
    """Write `value` across columns first..last of one row (bordered throughout when bordered)."""
    put(ws, row, first, value, **style)
    for col in range(first + 1, last + 1):
        if style.get("border", True):
            ws.cell(row, col).border = BORDER
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def text_width(text: str) -> int:
    """Width in Excel character units: a CJK character is about two Latin characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_height(ws: Worksheet, row: int, spans: list[tuple[object, float]], minimum: float = 18) -> None:
    """Set a row's height for its wrapped text: neither Excel nor LibreOffice grows merged cells by itself."""
    lines = 1
    for value, width in spans:
        if value is None or value == "":
            continue
        room = max(width - 1.5, 1)
        lines = max(lines, sum(max(1, math.ceil(text_width(part) / room)) for part in str(value).split("\n")))
    ws.row_dimensions[row].height = max(minimum, lines * _LINE_HEIGHT + 4)


def number(x: float | None) -> float | int | None:
    """5.0 → 5, 31.5789 → 31.58: points as a reviewer writes them."""
    if x is None:
        return None
    x = round(float(x), 2)
    return int(x) if x.is_integer() else x


def page_setup(ws: Worksheet, title_rows: str | None, last_col: int, last_row: int, w: Words,
               landscape: bool = False) -> None:
    """A4, fitted to one page wide, header rows repeated, a print area and page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.8
    ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3  # room for the page number below the table
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_area = f"A1:{get_column_letter(last_col)}{max(last_row, 1)}"
    ws.oddFooter.center.text = w("page")


def set_widths(ws: Worksheet, widths: tuple[float, ...]) -> None:
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width


def header_row(ws: Worksheet, row: int, labels: tuple[str, ...], widths: tuple[float, ...]) -> None:
    for c, label in enumerate(labels, start=1):
        put(ws, row, c, label, font=BOLD, align=CENTER, fill=HEAD_FILL)
    fit_height(ws, row, list(zip(labels, widths)), minimum=22)


def new_book() -> Workbook:
    """An empty workbook (no default sheet; the writer adds its own) marked as nodrug's output, which `batch`
    skips when it meets it in a folder of ledgers. The blank template is not made here: filled in, it is a ledger."""
    from openpyxl.packaging.custom import StringProperty

    book = Workbook()
    book.remove(book.active)
    book.custom_doc_props.append(StringProperty(name=OUTPUT_MARK, value=__version__))
    return book


def save_book(book: Workbook, path: Path) -> None:
    """Save `book` to `path` with its first sheet open, through a temporary file renamed into place."""
    book.active = 0
    with atomic_path(Path(path)) as temp:
        book.save(temp)


def percent_bars(title: str) -> BarChart:
    """A chart of horizontal bars on a 0–100 % axis, the first row of the table at the top (the names stay
    readable), the percentage axis at the bottom."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.majorUnit = 0.2
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"  # with the order reversed, this keeps the percentage axis at the bottom
    chart.x_axis.delete = False  # openpyxl 3.1 hides both axes unless told otherwise
    chart.y_axis.delete = False
    return chart
