"""How a declared column and sheet are built and read back: the kinds of column and sheet, `column` and
`sheet_schema` (pandera objects carrying nodrug's metadata), and `ColumnSpec`, what the reader needs of a column.

The declaration itself — which sheets and columns a ledger has — is `schema.py`; this is its machinery, apart
from it as pandera keeps `api/` apart from `backends/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pandera.pandas as pa

from nodrug_cli.ledger import idcard
from nodrug_cli.ledger.normalize import key


class ColumnKind(StrEnum):
    """What a column holds, which decides how its cells are read and checked."""

    TEXT = "text"
    NAME = "name"  # a person's name: masked in output
    ID = "id"  # 居民身份证号码: checked, masked in output
    DATE = "date"
    INT = "int"
    BOOL = "bool"  # 是/否
    ENUM = "enum"  # one of `values` (or a synonym)
    MULTI_ENUM = "multi_enum"  # several of `values`, joined by 、


class Layout(StrEnum):
    """How a sheet is laid out."""

    TABLE = "table"  # a header row, then one record a row
    KEYVALUE = "keyvalue"  # 社区概况: an item in column A, its value in column B
    COMPANION = "companion"  # a table kept beside another and checked against it (现有吸毒人员表)


K = ColumnKind


@dataclass(frozen=True)
class ColumnSpec:
    """What the reader needs of one column, read off its pandera metadata."""

    name: str
    kind: ColumnKind
    required: bool
    aliases: tuple[str, ...]
    values: tuple[str, ...]
    synonyms: dict
    hint: str
    hint_en: str
    minimum: int | None
    default: object

    def hint_in(self, lang: str = "zh") -> str:
        """The fill-in hint in `lang` (names, values and synonyms in it stay Chinese: the clerk types them)."""
        return self.hint_en if lang == "en" else self.hint

    def lookup(self) -> dict[str, str]:
        """Normalised key → canonical value, for enumerations."""
        table = {key(v): v for v in self.values}
        table.update({key(k): v for k, v in self.synonyms.items()})
        return table


ID_INVALID = "id_invalid"


def column(
    name: str,
    kind: ColumnKind,
    *,
    required: bool = False,
    aliases: tuple[str, ...] = (),
    values: tuple[str, ...] = (),
    synonyms: dict | None = None,
    hint: str = "",
    hint_en: str = "",
    minimum: int | None = None,
    default: object = None,
    checks: list[pa.Check] | None = None,
    blank_ok: bool = False,
) -> pa.Column:
    """One declared column. `required`: the column must be there, and (unless `blank_ok`) every cell filled."""
    checks = list(checks or [])
    kind = ColumnKind(kind)
    if kind == K.ENUM:
        allowed = set(values)
        checks.append(pa.Check(lambda s, a=allowed: s.isna() | s.isin(a), name="enum_invalid", error="enum_invalid"))
    if kind == K.MULTI_ENUM:
        allowed = set(values)
        checks.append(
            pa.Check(
                lambda s, a=allowed: s.map(lambda v: v is None or all(p in a for p in str(v).split("、")), na_action=None),
                name="enum_invalid",
                error="enum_invalid",
            )
        )
    if kind == K.INT and minimum is not None:
        code = "count_negative" if minimum == 0 else "count_not_positive"
        checks.append(pa.Check(lambda s, m=minimum: s.isna() | (s >= m), name=code, error=code))
    if kind == K.ID:
        # One check over the column (an ID is valid or not); the reader names what is wrong with each failing
        # cell from its value (`idcard.problem`: id_length, id_chars or id_checksum).
        checks.append(pa.Check(lambda s: s.isna() | idcard.checksum_ok(s), name=ID_INVALID, error=ID_INVALID))
    dtype = {K.DATE: "datetime64[ns]", K.INT: "Int64", K.BOOL: "boolean"}.get(kind)
    return pa.Column(
        dtype,
        checks=checks,
        nullable=not required or blank_ok,
        required=False,  # a missing column is the reader's finding, not pandera's
        coerce=dtype is not None,
        title=name,
        description=hint,
        metadata={
            "kind": kind,
            "required": required,
            "aliases": aliases,
            "values": values,
            "synonyms": synonyms or {},
            "minimum": minimum,
            "default": default,
            "hint_en": hint_en,
        },
    )


def frame_check(code: str, target: str, rule) -> pa.Check:
    """A check over whole rows whose failures point at the column `target` (its name after `@`)."""
    return pa.Check(rule, name=f"{code}@{target}", error=f"{code}@{target}")


def sheet_schema(key_: str, columns: list[pa.Column], *, aliases=(), required=False, layout=Layout.TABLE, description="",
            description_en="", checks=None) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {c.title: c for c in columns},
        checks=checks or [],
        name=key_,
        title=key_,
        description=description,
        metadata={"aliases": tuple(aliases), "required": required, "layout": Layout(layout),
                  "description_en": description_en},
        strict=False,
    )
