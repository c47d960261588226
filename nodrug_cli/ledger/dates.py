"""One cell's date, read as DOMAIN.md §2 says: real dates, Excel serial numbers, yyyymmdd numbers, and the text
forms 2025-03-05, 2025/3/5, 2025.3.5, 2025年3月5日 and 20250305 (a time after them is ignored). Anything else
is not a date, and nothing is guessed. Plain Python (no pandas), so a command's --as-of is read without it;
`normalize.parse_date` applies it to whole columns.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from nodrug_cli.ledger.cleantext import without_control

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Dates a ledger can sensibly hold; outside them a value is a finding (and pandas' range ends in 2262).
FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_SERIAL = (dt.date(LAST_YEAR, 12, 31) - EXCEL_EPOCH).days

DATE_TEXT = re.compile(
    r"^(?P<y>\d{4})(?:\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})"
    r"|\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日?"
    r"|(?P<m3>\d{2})(?P<d3>\d{2}))(?:(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)

BLANK = None  # what `cell_date` gives for an empty cell


class NotADate(ValueError):
    """A cell that holds something, but not a date."""


def cell_date(value: object) -> dt.date | None:
    """The date in a cell, None for an empty cell (None, NaN, only spaces); NotADate for anything else."""
    kind = value.__class__
    if value is None:
        return BLANK
    if kind is str:
        return text_date(value)
    if kind is dt.datetime or kind is dt.date or kind.__name__ == "Timestamp":
        if FIRST_YEAR <= value.year <= LAST_YEAR:
            return dt.date(value.year, value.month, value.day)
        raise NotADate(value)
    if kind is float or kind is int:
        if kind is float and math.isnan(value):
            return BLANK
        return _number_date(value)
    raise NotADate(value)  # a time of day, a duration, 是/否 as TRUE/FALSE


def text_date(text: str) -> dt.date | None:
    """A date written as text (full-width digits and spaces allowed); None when only spaces."""
    stripped = without_control(text).strip()
    if not stripped:
        return BLANK
    if not stripped.isascii():
        stripped = unicodedata.normalize("NFKC", stripped).strip()
    match = DATE_TEXT.match(stripped)
    if match is None:
        raise NotADate(text)
    year = int(match["y"])
    month, day = match["m"] or match["m2"] or match["m3"], match["d"] or match["d2"] or match["d3"]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise NotADate(text)
    try:
        return dt.date(year, int(month), int(day))
    except ValueError:
        raise NotADate(text) from None


def _number_date(number: float) -> dt.date:
    """An Excel serial number (days since 1899-12-30, a fraction is a time of day) or a yyyymmdd number."""
    if not math.isfinite(number):
        raise NotADate(number)
    if 1 <= number <= MAX_SERIAL:
        return EXCEL_EPOCH + dt.timedelta(days=math.floor(number))
    if FIRST_YEAR * 10_000 <= number < (LAST_YEAR + 1) * 10_000 and number == round(number):
        digits = int(number)
        try:
            return dt.date(digits // 10_000, digits // 100 % 100, digits % 100)
        except ValueError:
            raise NotADate(number) from None
    raise NotADate(number)
