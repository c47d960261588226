"""Turning raw cell values into typed columns (DOMAIN.md §2), whole columns at a time.

Every parser takes an object Series of raw cell values (as the workbook reader returns them:
str, int, float, bool, datetime/date, or None) indexed by Excel row number, and returns the typed
Series plus a boolean mask of cells that were not blank but could not be understood. The caller
turns that mask into findings; nothing here guesses.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd

from nodrug_cli.ledger.vector import per_unique

_SPACE = re.compile(r"\s+")
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Dates a ledger can sensibly hold; outside them a value is a finding (and pandas' range ends in 2262).
FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_SERIAL = (pd.Timestamp(f"{LAST_YEAR}-12-31") - EXCEL_EPOCH).days


def key(text: object) -> str:
    """Normalise a header or enumeration value for matching: NFKC, no whitespace, （） ≡ ()."""
    text = unicodedata.normalize("NFKC", str(text))
    return _SPACE.sub("", text).replace("（", "(").replace("）", ")")


def loose_key(text: object) -> str:
    """`key` with punctuation also removed (自查项目 matching: 移风易俗、村规民约 ≡ 移风易俗村规民约)."""
    return "".join(ch for ch in key(text) if not unicodedata.category(ch).startswith(("P", "S")))


def blank(raw: pd.Series) -> pd.Series:
    """True where a cell holds nothing (None, NaN, or only whitespace)."""
    is_str = raw.map(type).eq(str)
    empty_text = pd.Series(False, index=raw.index)
    if is_str.any():
        empty_text[is_str] = raw[is_str].str.strip().eq("")
    return raw.isna() | empty_text


def _as_text(raw: pd.Series) -> pd.Series:
    """Every non-blank cell as a stripped string (numbers without a trailing `.0`)."""
    out = pd.Series(pd.NA, index=raw.index, dtype=object)
    types = raw.map(type)
    strings = types.eq(str)
    out[strings] = raw[strings]
    floats = types.eq(float)
    if floats.any():
        values = raw[floats].astype(float)
        integral = np.isfinite(values) & (values == np.round(values))
        out[floats & integral.reindex(raw.index, fill_value=False)] = values[integral].map(lambda v: str(int(v)))
        out[floats & ~integral.reindex(raw.index, fill_value=False)] = values[~integral].map(repr)
    others = ~strings & ~floats & raw.notna()
    if others.any():
        out[others] = raw[others].map(str)
    text = out.astype("string").str.replace(_CONTROL, "", regex=True).str.strip()
    return text.mask(text.eq(""))


@per_unique
def parse_text(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Free text: stripped, control characters removed; never a finding."""
    return _as_text(raw).astype(object).where(lambda s: s.notna(), None), pd.Series(False, index=raw.index)


_DATE_TEXT = re.compile(
    r"^(?P<y>\d{4})(?:\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})"
    r"|\s*年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日?"
    r"|(?P<m3>\d{2})(?P<d3>\d{2}))(?:(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


@per_unique
def parse_date(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates: real dates, Excel serials, yyyymmdd numbers, and the text forms of DOMAIN.md §2."""
    result = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    is_blank = blank(raw)
    types = raw.map(type)
    is_datelike = types.isin([dt.date, dt.datetime, pd.Timestamp])
    is_datelike &= raw.map(lambda v: FIRST_YEAR <= getattr(v, "year", 0) <= LAST_YEAR)
    if is_datelike.any():
        result[is_datelike] = pd.to_datetime(raw[is_datelike].astype(object)).dt.normalize()
    is_number = types.isin([int, float]) & ~is_blank
    if is_number.any():
        numbers = raw[is_number].astype(float)
        serial = (numbers >= 1) & (numbers <= MAX_SERIAL)
        if serial.any():
            result[serial[serial].index] = EXCEL_EPOCH + pd.to_timedelta(np.floor(numbers[serial]), unit="D")
        yyyymmdd = (numbers >= FIRST_YEAR * 1e4) & (numbers < (LAST_YEAR + 1) * 1e4) & (numbers == np.round(numbers))
        if yyyymmdd.any():
            result[yyyymmdd[yyyymmdd].index] = pd.to_datetime(
                numbers[yyyymmdd].astype(np.int64).astype(str), format="%Y%m%d", errors="coerce"
            )
    is_text = types.eq(str) & ~is_blank
    if is_text.any():
        text = raw[is_text].astype("string").str.normalize("NFKC").str.strip()
        parts = text.str.extract(_DATE_TEXT)
        year = parts["y"]
        month = parts["m"].fillna(parts["m2"]).fillna(parts["m3"])
        day = parts["d"].fillna(parts["d2"]).fillna(parts["d3"])
        ok = year.notna() & year.astype(float).between(FIRST_YEAR, LAST_YEAR)
        if ok.any():
            result[ok[ok].index] = pd.to_datetime(
                pd.DataFrame({"year": year[ok], "month": month[ok], "day": day[ok]}).astype(int), errors="coerce"
            )
    bad = ~is_blank & result.isna()
    return result, bad


_BOOL = {
    "是": True, "否": False, "√": True, "×": False, "✓": True, "✗": False, "x": False,
    "有": True, "无": False, "y": True, "n": False, "yes": True, "no": False,
    "true": True, "false": False, "1": True, "0": False, "已": True, "未": False,
}


@per_unique
def parse_bool(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """是/否 columns (√/×, 有/无, Y/N accepted)."""
    text = _as_text(raw)
    keys = text.str.normalize("NFKC").str.lower()
    values = keys.map(_BOOL, na_action="ignore")
    bad = text.notna() & values.isna()
    return values.astype("boolean"), bad


@per_unique
def parse_int(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers; text digits (full-width too) accepted, fractions and words are not."""
    text = _as_text(raw).str.normalize("NFKC").str.replace(",", "", regex=False)
    shaped = text.str.fullmatch(r"[+-]?\d+").fillna(False).astype(bool)
    values = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    if shaped.any():
        values[shaped] = text[shaped].astype("Int64")
    bad = text.notna() & ~shaped
    return values, bad


@per_unique
def parse_enum(raw: pd.Series, lookup: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """One value of an enumeration: matched by `key` against the canonical values and synonyms.

    Unrecognised values stay in the column as written so the schema check can name them; the
    returned mask is empty because recognition is the schema's job (it says which values are allowed).
    """
    text = _as_text(raw)
    keys = text.map(key, na_action="ignore")
    canonical = keys.map(lookup, na_action="ignore")
    return canonical.fillna(text).astype(object).where(lambda s: s.notna(), None), pd.Series(False, index=raw.index)


_SEPARATORS = r"[、,，;；/／]+"


@per_unique
def parse_multi_enum(raw: pd.Series, lookup: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Several values of an enumeration separated by 、,，;/ — kept joined by 、 in canonical form."""
    text = _as_text(raw)

    def canon(cell: str) -> str:
        parts = [p for p in re.split(_SEPARATORS, cell) if p.strip()]
        return "、".join(lookup.get(key(p), p.strip()) for p in parts)

    return text.map(canon, na_action="ignore").astype(object).where(lambda s: s.notna(), None), pd.Series(
        False, index=raw.index
    )


@per_unique
def parse_id(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """ID numbers as text (NFKC, no spaces, x → X). Also returns the mask of IDs stored as numbers."""
    types = raw.map(type)
    numeric = types.isin([int, float]) & raw.notna()
    text = _as_text(raw).str.normalize("NFKC").str.replace(r"\s+", "", regex=True).str.upper()
    return text.astype(object).where(lambda s: s.notna(), None), pd.Series(False, index=raw.index), numeric
