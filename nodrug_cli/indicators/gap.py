"""The persons, windows, venues or items behind a shortfall, held as columns.

A large ledger's 按期检测率 and 谈话按期率 list tens of thousands of missed windows. Building a dict per window,
copying it to mask it and encoding it alone was most of what a large score spent on them; a `Gap` keeps the
columns, hands out a dict to whoever iterates it (the workbook, the text tables, the tests), masks a column once
per distinct value, and gives the JSON writer every record's text from whole columns at once (`json_lines`).
It reads as a list of dicts: `len`, indexing, slicing, iteration, and equality with a list of the same dicts.

Why each record is there is a `Said` (`nodrug_cli/said.py`): a `gap.` key of the message table and its values,
worded at the edge in the reader's language (`render.words.gap_reason`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from typing import overload

from nodrug_cli.said import Said


def unusable_sheet(ledger, sheet: str) -> Said:
    """Why an optional sheet that is there cannot be used: its tab name and the required columns it lacks."""
    return Said("gap.sheet_lacks", sheet=ledger.tables[sheet].name,
                columns=tuple(Said("gap.column", name=c) for c in ledger.unusable[sheet]))


class Gap(Sequence):
    """Records with the same keys, in order, stored one column per key."""

    __slots__ = ("_columns", "_length")

    def __init__(self, columns: dict[str, Sequence]):
        lengths = {len(values) for values in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"gap columns of different lengths: {sorted(lengths)}")
        self._columns = {key: list(values) for key, values in columns.items()}
        self._length = lengths.pop() if lengths else 0

    @classmethod
    def of(cls, records: Sequence[dict]) -> Gap:
        """A gap from records with the same keys in the same order."""
        if not records:
            return cls({})
        keys = list(records[0])
        if any(list(r) != keys for r in records):
            raise ValueError("gap records with different keys")
        return cls({key: [r[key] for r in records] for key in keys})

    @property
    def keys(self) -> list[str]:
        return list(self._columns)

    def column(self, key: str) -> list:
        return self._columns[key]

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, at: int) -> dict: ...
    @overload
    def __getitem__(self, at: slice) -> Gap: ...

    def __getitem__(self, at):
        if isinstance(at, slice):
            return Gap({key: values[at] for key, values in self._columns.items()})
        if not -self._length <= at < self._length:
            raise IndexError(at)
        return {key: values[at] for key, values in self._columns.items()}

    def __iter__(self) -> Iterator[dict]:
        keys = list(self._columns)
        for row in zip(*self._columns.values()):
            yield dict(zip(keys, row))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Gap | list | tuple):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # mutable-looking and compared by value, like a list

    def __repr__(self) -> str:
        return f"Gap({list(self)!r})"

    def mapped(self, functions: dict[str, Callable[[object], object]]) -> Gap:
        """A copy whose named columns pass through a function, called once per distinct value (masking)."""
        columns = dict(self._columns)
        for key, function in functions.items():
            if key in columns:
                columns[key] = _per_distinct(columns[key], function)
        return Gap(columns)

    def json_lines(self, encode: Callable[[object], str]) -> list[str]:
        """Each record as `encode` writes a dict on one line (`{"k": v, "k2": v2}`), built a column at a time:
        each distinct value is encoded once."""
        if not self._length:
            return []
        if not self._columns:
            return ["{}"] * self._length
        parts: list = []
        for at, (key, values) in enumerate(self._columns.items()):
            parts.append(repeat(("{" if at == 0 else ", ") + encode(key) + ": "))
            parts.append(_per_distinct(values, encode))
        parts.append(repeat("}"))
        return list(map("".join, zip(*parts)))


_DISTINCT = frozenset({str, Said})  # kinds of value whose equal values give one result (unlike 1, 1.0 and True)


def _per_distinct(values: list, function: Callable[[object], object]) -> list:
    """`function` of each value, called once per distinct value when the values are text or reasons (`Said`, or None);
    other values (where 1, 1.0 and True would be one key but not one result) are passed one by one."""
    import numpy as np
    import pandas as pd

    values = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    none = np.equal(values, None)
    text = values[~none] if none.any() else values
    kinds = set(map(type, text))
    if not kinds <= _DISTINCT:
        return [function(v) for v in values]
    if Said in kinds:  # a column of reasons shares a few instances (本期无记录 for every missed window): one call
        done: dict = {}  # per instance, by identity, which costs less than hashing each reason's fields
        return [done[key] if (key := id(v)) in done else done.setdefault(key, function(v)) for v in values]
    out = np.empty(len(values), dtype=object)
    if len(text):
        codes, distinct = pd.factorize(text)
        mapped = np.empty(len(distinct), dtype=object)
        mapped[:] = [function(v) for v in distinct]
        if none.any():
            out[~none] = mapped[codes]
        else:
            out[:] = mapped[codes]
    if none.any():
        out[none] = function(None)
    return out.tolist()
