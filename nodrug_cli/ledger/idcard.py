"""Citizen ID numbers (GB 11643-1999): checksum, sex and birth date, on single values and whole columns."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from nodrug_cli.ledger.vector import per_unique

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = "10X98765432"
ID_PATTERN = r"^[0-9]{17}[0-9X]$"  # ASCII only: \d would admit other scripts' digits


def check_char(first17: str) -> str:
    """The check character for the first 17 digits of an ID."""
    total = sum(int(d) * int(w) for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def is_valid(value: str) -> bool:
    """True when `value` is 18 characters, digits with a final digit or X, and the checksum holds."""
    return (
        isinstance(value, str)
        and len(value) == 18
        and value[:17].isascii()
        and value[:17].isdigit()
        and (value[17].isdigit() or value[17] == "X")
        and check_char(value[:17]) == value[17]
    )


@per_unique
def well_formed(ids: pd.Series) -> pd.Series:
    """Whole-column test: 18 characters, 17 digits then a digit or X (nulls give False)."""
    return ids.str.fullmatch(ID_PATTERN).fillna(False).astype(bool)


@per_unique
def checksum_ok(ids: pd.Series) -> pd.Series:
    """Whole-column checksum test; only meaningful where `well_formed` holds (False elsewhere)."""
    shaped = well_formed(ids)
    result = pd.Series(False, index=ids.index)
    if not shaped.any():
        return result
    good = ids[shaped].to_numpy(dtype=str)
    digits = np.frombuffer("".join(s[:17] for s in good).encode("ascii"), dtype=np.uint8)
    digits = (digits - ord("0")).astype(np.int64).reshape(-1, 17)
    expected = np.array(list(CHECK_CHARS))[(digits @ WEIGHTS) % 11]
    actual = np.array([s[17] for s in good])
    result[shaped] = expected == actual
    return result


@per_unique
def sex_of(ids: pd.Series) -> pd.Series:
    """男/女 from digit 17 (odd = 男); null where the ID is not well formed."""
    shaped = well_formed(ids)
    digit = pd.to_numeric(ids.where(shaped).str[16], errors="coerce")
    return digit.map({0: "女", 1: "男", 2: "女", 3: "男", 4: "女", 5: "男", 6: "女", 7: "男", 8: "女", 9: "男"})


@per_unique
def birth_of(ids: pd.Series) -> pd.Series:
    """Birth date from digits 7–14 (NaT where the ID is not well formed or the date does not exist)."""
    shaped = well_formed(ids)
    return pd.to_datetime(ids.where(shaped).str[6:14], format="%Y%m%d", errors="coerce")


def make_id(region: str, birth: dt.date, sequence: int, male: bool) -> str:
    """Build a valid ID from a 6-digit region code, a birth date and a 2-digit sequence (for fictional data)."""
    sex_digit = (sequence * 2 + (1 if male else 0)) % 10
    body = f"{region}{birth:%Y%m%d}{sequence % 100:02d}{sex_digit}"
    return body + check_char(body)
