"""Turning raw cell values into typed columns (DOMAIN.md §2), whole columns at a time.

Every parser takes an object Series of raw cell values (as the workbook reader returns them:
str, int, float, bool, datetime/date, or None) indexed by Excel row number, and returns the typed
Series plus a boolean mask of cells that were not blank but could not be understood. The caller
turns that mask into findings; nothing here guesses.

Each parser reads one cell at a time in plain Python and runs once per distinct value (`per_unique`):
a column holds a few hundred dates, a handful of statuses, one ID per person, so this is cheaper than
chains of pandas string methods over every row.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

import numpy as np
import pandas as pd

from nodrug_cli.ledger.cleantext import without_control
from nodrug_cli.ledger.dates import NotADate, cell_date
from nodrug_cli.ledger.vector import per_unique

_SPACE = re.compile(r"\s+")


def key(text: object) -> str:
    """Normalise a header or enumeration value for matching: NFKC, no whitespace, （） ≡ ()."""
    text = unicodedata.normalize("NFKC", str(text))
    return _SPACE.sub("", text).replace("（", "(").replace("）", ")")


def loose_key(text: object) -> str:
    """`key` with punctuation also removed (自查项目 matching: 移风易俗、村规民约 ≡ 移风易俗村规民约)."""
    return "".join(ch for ch in key(text) if not unicodedata.category(ch).startswith(("P", "S")))


def is_missing(value: object) -> bool:
    """None, NaN, NaT or pd.NA: what pandas calls missing, for a cell of any type."""
    kind = value.__class__
    if value is None:
        return True
    if kind is str or kind is int or kind is bool:
        return False
    if kind is float:
        return value != value
    return bool(pd.isna(value)) if pd.api.types.is_scalar(value) else False


def cell_text(value: object) -> str | None:
    """A non-blank cell as a stripped string (numbers without a trailing `.0`); None when blank."""
    kind = value.__class__
    if kind is str:
        text = value
    elif is_missing(value):
        return None
    elif kind is float:
        text = str(int(value)) if math.isfinite(value) and value == round(value) else repr(value)
    else:
        text = str(value)
    return without_control(text).strip() or None


def _nothing_bad(raw: pd.Series) -> pd.Series:
    return pd.Series(False, index=raw.index)


def _mask(bad: list[bool], raw: pd.Series) -> pd.Series:
    return pd.Series(bad, index=raw.index, dtype=bool)


@per_unique
def parse_text(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Free text: stripped, control characters removed; never a finding."""
    return pd.Series([cell_text(v) for v in raw.tolist()], index=raw.index, dtype=object), _nothing_bad(raw)


_DATE_CELLS = {str, int, float, dt.date, dt.datetime, type(None)}  # what `cell_date` takes as it is
_UNIX_DAY0 = 719_163  # date(1970, 1, 1).toordinal()
_NAT = np.datetime64("NaT").view(np.int64)


@per_unique
def parse_date(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates: real dates, Excel serials, yyyymmdd numbers, and the text forms of DOMAIN.md §2 (`dates`)."""
    days, bad = [], []
    for value in raw.tolist():
        day, wrong = None, False
        if value.__class__ in _DATE_CELLS or not is_missing(value):
            try:
                day = cell_date(value)
            except NotADate:
                wrong = True
        days.append(day.toordinal() - _UNIX_DAY0 if day is not None else _NAT)
        bad.append(wrong)
    values = np.array(days, dtype=np.int64).view("datetime64[D]").astype("datetime64[ns]")
    return pd.Series(values, index=raw.index), _mask(bad, raw)


_BOOL = {
    "是": True, "否": False, "√": True, "×": False, "✓": True, "✗": False, "x": False,
    "有": True, "无": False, "y": True, "n": False, "yes": True, "no": False,
    "true": True, "false": False, "1": True, "0": False, "已": True, "未": False,
}


@per_unique
def parse_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """是/否 columns (√/×, 有/无, Y/N accepted)."""
    values, bad = [], []
    for value in raw.tolist():
        text = cell_text(value)
        answer = _BOOL.get(unicodedata.normalize("NFKC", text).lower()) if text is not None else None
        values.append(answer)
        bad.append(text is not None and answer is None)
    return pd.Series(values, index=raw.index, dtype="boolean"), _mask(bad, raw)


_WHOLE = re.compile(r"[+-]?\d+")
_INT64 = 2**63


@per_unique
def parse_int(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers; text digits (full-width too) accepted; fractions, words and numbers past 2^63 are not."""
    values, bad = [], []
    for value in raw.tolist():
        text = cell_text(value)
        number = None
        if text is not None:
            text = unicodedata.normalize("NFKC", text).replace(",", "")
            if _WHOLE.fullmatch(text) and -_INT64 < (whole := int(text)) < _INT64:
                number = whole
        values.append(number)
        bad.append(text is not None and number is None)
    return pd.Series(values, index=raw.index, dtype="Int64"), _mask(bad, raw)


@per_unique
def parse_enum(raw: pd.Series, lookup: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """One value of an enumeration: matched by `key` against the canonical values and synonyms.

    Unrecognised values stay in the column as written so the schema check can name them; the
    returned mask is empty because recognition is the schema's job (it says which values are allowed).
    """
    values = [lookup.get(key(text), text) if (text := cell_text(v)) is not None else None for v in raw.tolist()]
    return pd.Series(values, index=raw.index, dtype=object), _nothing_bad(raw)


_SEPARATORS = r"[、,，;；/／]+"


@per_unique
def parse_multi_enum(raw: pd.Series, lookup: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Several values of an enumeration separated by 、,，;/ — kept joined by 、 in canonical form."""

    def canon(cell: str) -> str:
        parts = [p for p in re.split(_SEPARATORS, cell) if p.strip()]
        return "、".join(lookup.get(key(p), p.strip()) for p in parts)

    values = [canon(text) if (text := cell_text(v)) is not None else None for v in raw.tolist()]
    return pd.Series(values, index=raw.index, dtype=object), _nothing_bad(raw)


def id_text(value: object) -> str | None:
    """An ID cell as text: NFKC, no spaces, x → X; None when blank."""
    text = cell_text(value)
    if text is not None:
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text)
        text = "".join(text.split()).upper() or None
    return text


# ID text by cell text: the same IDs fill 吸毒人员, 尿检记录 and 谈话记录 (bounded, for a batch worker).
_ID_TEXTS: dict[str, str | None] = {}
_ID_TEXTS_LIMIT = 500_000


@per_unique
def parse_id(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """ID numbers as text (`id_text`). Also returns the mask of IDs stored as numbers."""
    if len(_ID_TEXTS) > _ID_TEXTS_LIMIT:
        _ID_TEXTS.clear()
    known, values, numeric = _ID_TEXTS, [], []
    for value in raw.tolist():
        kind = value.__class__
        if kind is str:
            text = known.get(value, False)
            if text is False:
                text = known[value] = id_text(value)
            numeric.append(False)
        else:
            text = id_text(value)
            numeric.append((kind is int or kind is float) and value == value)
        values.append(text)
    return pd.Series(values, index=raw.index, dtype=object), _nothing_bad(raw), _mask(numeric, raw)
