"""The README's reference sections, generated from the declarations so the docs cannot drift.

`python -m nodrug_cli.docs` rewrites each part of README.md between `<!-- NAME:start -->` and
`<!-- NAME:end -->` (columns, findings, unreadable); a test compares the README with them.
"""

from __future__ import annotations

from pathlib import Path

from tabulate import tabulate

from nodrug_cli.ledger import sheets as S
from nodrug_cli.ledger.findings import CODES, VARIANTS
from nodrug_cli.ledger.schema import column_specs, sheet_description, sheet_meta, sheet_schemas
from nodrug_cli.ledger.unreadable import UNREADABLE_MESSAGES
from nodrug_cli.render.labels import allowed_text, kind_label, sheet_requirement, yes_no

START_MARK = "<!-- columns:start -->"
END_MARK = "<!-- columns:end -->"
TABLE_HEADER = ("列名", "必填", "类型", "可选值 / 同义词", "别名", "说明", "hint (template --lang en)")
README = Path(__file__).resolve().parent.parent / "README.md"


def _cell(text: str) -> str:
    # A bare | would end the cell in a GitHub table.
    return text.replace("|", "\\|")


def column_table_markdown() -> str:
    """Every declared sheet and column as Markdown: a `####` heading per sheet, then a pipe table; each description
    and hint also as `nodrug template --lang en` writes it."""
    parts = []
    for sheet, schema in sheet_schemas().items():
        meta = sheet_meta(sheet)
        parts.append(f"#### {sheet}（{sheet_requirement(meta['required'])}）")
        about = []
        if meta["aliases"]:
            about.append("工作表别名：" + "、".join(meta["aliases"]) + "。")
        if schema.description:
            about.append(schema.description.rstrip("。") + f"。*{sheet_description(sheet, 'en')}.*")
        if about:
            parts.append("".join(about))
        rows = [
            [_cell(x) for x in (spec.name, yes_no(spec.required), kind_label(spec), allowed_text(spec),
                                "、".join(spec.aliases), spec.hint, spec.hint_in("en"))]
            for spec in column_specs(sheet).values()
        ]
        parts.append(tabulate(rows, headers=TABLE_HEADER, tablefmt="github", disable_numparse=True))
    return "\n\n".join(parts) + "\n"


_PLACEHOLDERS = {"value": "〈值〉", "header": "〈列名〉", "allowed": "〈可选值〉", "detail": "〈…〉", "other": "〈截止日〉",
                 "sheet": "〈工作表〉", "row": "〈行号〉"}


_VARIANT_WORDS = {"keyvalue": S.COMMUNITY, "exempt": "不计入的人员状态"}  # when a variant is worded so


def findings_markdown() -> str:
    """Every finding code with its severity, message and fix, in Chinese and English."""
    texts = [(f"`{code}`", severity, zh, zh_hint, en) for code, (severity, zh, zh_hint, en, _) in CODES.items()]
    texts += [(f"`{code}`（{_VARIANT_WORDS[variant]}）", CODES[code][0], zh, zh_hint, en)
              for (code, variant), (zh, zh_hint, en, _) in VARIANTS.items()]
    rows = [
        [code, "错误 error" if severity == "error" else "警告 warning",
         _cell(zh.format(**_PLACEHOLDERS)), _cell(zh_hint.format(**_PLACEHOLDERS)), _cell(en.format(**_PLACEHOLDERS))]
        for code, severity, zh, zh_hint, en in texts
    ]
    return tabulate(rows, headers=("代码 code", "级别", "问题", "修改方法", "message"), tablefmt="github",
                    disable_numparse=True) + "\n"


def unreadable_markdown() -> str:
    """Every reason a file cannot be read, as the one-line message the user sees."""
    details = {"text_named_workbook": ("〈扩展名〉", "<extension>")}  # the {detail} of every other reason is the limit
    rows = [[f"`{reason}`", _cell(zh.format(detail=details.get(reason, ("〈上限〉",))[0])),
             _cell(en.format(detail=details.get(reason, (None, "<limit>"))[1]))]
            for reason, (zh, en) in UNREADABLE_MESSAGES.items()]
    return tabulate(rows, headers=("reason", "提示（无法读取 文件名：…）", "message (--lang en)"), tablefmt="github",
                    disable_numparse=True) + "\n"


def indicators_markdown() -> str:
    """Every indicator key with its Chinese name, kind and definition."""
    from nodrug_cli.indicators.model import CATALOG

    kinds = {"rate": "比率", "count": "人数/次数", "permille": "‰", "flag": "是/否", "checklist": "是/否/未自查"}
    rows = [[f"`{key}`" + (".〈人群〉" if key in ("awareness_rate", "group_coverage") else ".〈项目〉" if key == "checklist" else ""),
             zh, kinds[kind], _cell(definition)] for key, (zh, _en, kind, definition) in CATALOG.items()]
    return tabulate(rows, headers=("key", "指标", "类型", "定义"), tablefmt="github", disable_numparse=True) + "\n"


SECTIONS = {"columns": column_table_markdown, "findings": findings_markdown, "unreadable": unreadable_markdown,
            "indicators": indicators_markdown}


def _replace(text: str, name: str, body: str) -> str:
    start_mark, end_mark = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    lines = text.splitlines(keepends=True)
    stripped = [line.strip() for line in lines]
    if start_mark not in stripped or end_mark not in stripped:
        raise ValueError(f"the README lacks the lines {start_mark} and {end_mark}")
    start, end = stripped.index(start_mark), stripped.index(end_mark)
    if end < start:
        raise ValueError(f"{end_mark} comes before {start_mark}")
    return "".join(lines[: start + 1]) + "\n" + body + "\n" + "".join(lines[end:])


def render_readme(text: str) -> str:
    """`text` with every generated section whose markers it holds brought up to date (columns must be there)."""
    text = _replace(text, "columns", column_table_markdown())
    for name, make in SECTIONS.items():
        if name != "columns" and f"<!-- {name}:start -->" in text:
            text = _replace(text, name, make())
    return text


def update_readme(path: Path | str = README) -> bool:
    """Rewrite the generated sections of the README at `path`. Returns True when the file changed.

    Raises ValueError when the column markers are missing or out of order.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    new = render_readme(text)
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


if __name__ == "__main__":
    update_readme(README)
