"""Chinese words for the sheet declaration, shared by the blank template's 填表说明 and the README.

Kept in one place so the workbook a clerk fills in and the docs a developer reads say the same thing.
"""

from __future__ import annotations

from nodrug_cli.ledger.schema import ColumnSpec

KIND_LABELS = {
    "text": "文本",
    "name": "姓名文本",
    "id": "18位身份证号（文本格式）",
    "date": "日期",
    "int": "整数",
    "bool": "是/否",
    "enum": "单选",
    "multi_enum": "可多选",
}

# The canonical spellings a 是/否 column offers in its dropdown (the reader accepts more: √/×, 有/无, Y/N).
BOOL_VALUES = ("是", "否")


def kind_label(spec: ColumnSpec) -> str:
    """A column's type in Chinese words, with an integer's lower bound (整数（≥ 0）)."""
    label = KIND_LABELS[spec.kind]
    if spec.kind == "int" and spec.minimum is not None:
        label += f"（≥ {spec.minimum}）"
    return label


def allowed_values(spec: ColumnSpec) -> tuple[str, ...]:
    """The values a column's dropdown offers: its enumeration, or 是/否; empty for free columns."""
    if spec.kind == "bool":
        return BOOL_VALUES
    return spec.values


def allowed_text(spec: ColumnSpec) -> str:
    """Allowed values joined by 、, then the synonyms the reader also understands (强戒→强制隔离戒毒)."""
    text = "、".join(allowed_values(spec))
    if spec.synonyms:
        text += "；也可写：" + "、".join(f"{k}→{v}" for k, v in spec.synonyms.items())
    return text


def yes_no(flag: bool) -> str:
    """是 or 否, for the 必填 columns of the docs and the 填表说明 sheet."""
    return "是" if flag else "否"


def sheet_requirement(required: bool) -> str:
    """必需 or 可选, for a whole sheet."""
    return "必需" if required else "可选"
