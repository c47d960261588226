"""Words for the sheet declaration, shared by the blank template's 填表说明 and the README.

Kept in one place so the workbook a clerk fills in and the docs a developer reads say the same thing. The words
come from the message table (`template.*`); the README is Chinese, the template follows `--lang`. The values
themselves (是/否, an enumeration, its synonyms) are what the clerk types, so they stay Chinese in either language.
"""

from __future__ import annotations

from nodrug_cli.ledger.columnspec import ColumnSpec
from nodrug_cli.render.words import Words

# The canonical spellings a 是/否 column offers in its dropdown (the reader accepts more: √/×, 有/无, Y/N).
BOOL_VALUES = ("是", "否")


def kind_label(spec: ColumnSpec, lang: str = "zh") -> str:
    """A column's type in words, with an integer's lower bound (整数（≥ 0）)."""
    w = Words(lang)
    label = w.table("template.kind")[spec.kind]
    if spec.kind == "int" and spec.minimum is not None:
        label += w("template.at_least", spec.minimum)
    return label


def allowed_values(spec: ColumnSpec) -> tuple[str, ...]:
    """The values a column's dropdown offers: its enumeration, or 是/否; empty for free columns."""
    if spec.kind == "bool":
        return BOOL_VALUES
    return spec.values


def value_list(values, lang: str = "zh") -> str:
    """Values the clerk types, listed: 是、否 in Chinese; “是”, “否” in English (quoted: they stay Chinese)."""
    w = Words(lang)
    return w("list_sep").join(w("template.value", v) for v in values)


def allowed_text(spec: ColumnSpec, lang: str = "zh") -> str:
    """Allowed values listed, then the synonyms the reader also understands (强戒→强制隔离戒毒)."""
    w = Words(lang)
    text = value_list(allowed_values(spec), lang)
    if spec.synonyms:
        text += w("template.synonyms") + w("list_sep").join(
            w("template.synonym", k, v) for k, v in spec.synonyms.items())
    return text


def yes_no(flag: bool, lang: str = "zh") -> str:
    """是 or 否 (yes or no), for the 必填 columns of the docs and the 填表说明 sheet."""
    return Words(lang).yes_no(flag)


def sheet_requirement(required: bool, lang: str = "zh") -> str:
    """必需 or 可选 (required or optional), for a whole sheet."""
    return Words(lang)("template.sheet_required" if required else "template.sheet_optional")
