"""Citizen ID numbers (GB 11643-1999): checksum, sex and birth date, on single values and whole columns."""

from __future__ import annotations

import datetime as dt
import re

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


# What an ID says (see `_facts`), by ID text: a ledger asks about the same IDs many times (the schema, the
# cross checks, sex and birth, every record sheet), and a town's ledgers about the same persons. Bounded: a
# batch worker reading hundreds of ledgers starts afresh past the limit.
_FACTS: dict[str, tuple[bool, bool, str | None, int]] = {}
_FACTS_LIMIT = 500_000
_SHAPE = re.compile(ID_PATTERN)
_NAT = np.datetime64("NaT").view(np.int64)
_NOT_AN_ID = (False, False, None, _NAT)


def _learn(values: list[str]) -> None:
    """Work out the facts of IDs not seen before, a column at a time. The birth date is kept as microseconds
    (NaT where no such day exists, or outside what a datetime64[ns] column holds: 1677–2262)."""
    if len(_FACTS) + len(values) > _FACTS_LIMIT:
        _FACTS.clear()
    _FACTS.update(dict.fromkeys(values, _NOT_AN_ID))
    shaped = [v for v in values if len(v) == 18 and _SHAPE.fullmatch(v)]
    if not shaped:
        return
    digits = np.frombuffer("".join(v[:17] for v in shaped).encode("ascii"), dtype=np.uint8)
    digits = (digits - ord("0")).astype(np.int64).reshape(-1, 17)
    expected = np.array(list(CHECK_CHARS))[(digits @ WEIGHTS) % 11]
    checks = (expected == np.array([v[17] for v in shaped])).tolist()
    sexes = np.where(digits[:, 16] % 2 == 1, "男", "女").tolist()
    born = _birth_micros(digits[:, 6:10] @ [1000, 100, 10, 1], digits[:, 10:12] @ [10, 1], digits[:, 12:14] @ [10, 1])
    _FACTS.update(zip(shaped, zip([True] * len(shaped), checks, sexes, born)))


def _birth_micros(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> list[int]:
    """Dates as microseconds since 1970, NaT where there is no such day or the year is outside 1678–2261."""
    ok = (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1678) & (year <= 2261)
    months = (np.clip(year, 1678, 2261) - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (np.clip(month, 1, 12) - 1)
    days = months.astype("datetime64[D]") + (np.maximum(day, 1) - 1)
    ok &= days.astype("datetime64[M]") == months  # 30 Feb runs into March
    return np.where(ok, days.astype("datetime64[us]").view(np.int64), _NAT).tolist()


def _facts(ids: pd.Series, field: int) -> list:
    """One fact of every value of `ids`: 0 well formed, 1 checksum holds, 2 sex, 3 birth (non-text: no ID)."""
    values = ids.tolist()
    new = [v for v in set(values).difference(_FACTS) if v.__class__ is str]
    if new:
        _learn(new)
    get, none = _FACTS.get, _NOT_AN_ID
    return [get(v, none)[field] for v in values]  # a value that is not text is not in _FACTS


def problem(value: object) -> str | None:
    """What is wrong with one ID, as a finding code: id_length, id_chars or id_checksum; None when valid."""
    if not isinstance(value, str) or len(value) != 18:
        return "id_length"
    if not _SHAPE.fullmatch(value):
        return "id_chars"
    return None if check_char(value[:17]) == value[17] else "id_checksum"


@per_unique
def checksum_ok(ids: pd.Series) -> pd.Series:
    """Whole-column checksum test: True for an 18-character ID (17 digits, then a digit or X) whose check
    character is right; False for anything else, nulls included."""
    return pd.Series(_facts(ids, 1), index=ids.index, dtype=bool)


@per_unique
def sex_of(ids: pd.Series) -> pd.Series:
    """男/女 from digit 17 (odd = 男); null where the ID is not well formed."""
    return pd.Series(_facts(ids, 2), index=ids.index, dtype="str")


@per_unique
def birth_of(ids: pd.Series) -> pd.Series:
    """Birth date from digits 7–14 (NaT where the ID is not well formed or the date does not exist)."""
    return pd.Series(np.array(_facts(ids, 3), dtype=np.int64).view("datetime64[us]"), index=ids.index)


def make_id(region: str, birth: dt.date, sequence: int, male: bool) -> str:
    """Build a valid ID from a 6-digit region code, a birth date and a 2-digit sequence (for fictional data)."""
    sex_digit = (sequence * 2 + (1 if male else 0)) % 10
    body = f"{region}{birth:%Y%m%d}{sequence % 100:02d}{sex_digit}"
    return body + check_char(body)
