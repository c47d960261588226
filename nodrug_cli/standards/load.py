"""Finding and loading standards: a built-in by name, or a YAML file a user copied and edited.

A bad standard is a `StandardError` whose message names the file, the item and the field.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from nodrug_cli.standards.model import Standard

BUILTIN_PACKAGE = "nodrug_cli.standards"
DEFAULT_STANDARD = "boumei-2023"


class StandardError(Exception):
    """A standard that cannot be found or used (exit code 2)."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en
        super().__init__(zh)

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


@cache
def builtin_names() -> list[str]:
    """Names of the standards that ship with nodrug."""
    return sorted(p.name[:-5] for p in resources.files(BUILTIN_PACKAGE).iterdir() if p.name.endswith(".yaml"))


def builtin_text(name: str) -> str:
    """The YAML text of a built-in standard."""
    if name not in builtin_names():
        raise StandardError(f"没有名为“{name}”的内置标准（可用：{'、'.join(builtin_names())}）",
                            f"no built-in standard named “{name}” (available: {', '.join(builtin_names())})")
    return resources.files(BUILTIN_PACKAGE).joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def load_standard(name_or_path: str | Path | None = None) -> Standard:
    """A built-in standard by name, or a standard file by path (default: the 博美镇 scheme)."""
    ref = str(name_or_path or DEFAULT_STANDARD)
    if ref in builtin_names():
        return _builtin(ref)
    path = Path(ref)
    if not path.is_file():
        raise StandardError(f"找不到标准“{ref}”：既不是内置标准（{'、'.join(builtin_names())}），也不是文件",
                            f"standard “{ref}” is neither a built-in ({', '.join(builtin_names())}) nor a file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise StandardError(f"无法读取标准文件 {path}：{exc}", f"cannot read the standard file {path}: {exc}") from None
    standard = parse_standard(text, str(path))
    if standard.name in builtin_names() and standard != _builtin(standard.name):
        # history is kept by the standard's name: an edited copy under a built-in's name would mix its results
        # (and its sanction ladder) with the built-in one's
        raise StandardError(
            f"标准文件 {path} 沿用了内置标准的名称“{standard.name}”，但内容与内置标准不同：请把 name 改成新名称"
            f"（历史记录按名称保存，改名后与内置标准的记录分开）",
            f"{path} keeps the built-in name “{standard.name}” but differs from the built-in standard: give it a new "
            f"name (history is kept by name, so an edited copy must not share the built-in one's)")
    return standard


def builtin_checklist_items() -> list[str]:
    """Every 自查项目 some built-in standard reads, each once, standard by standard (the blank template lists them)."""
    return list(dict.fromkeys(item for name in builtin_names() for item in _builtin(name).checklist_items()))


@cache
def _builtin(name: str) -> Standard:
    """A built-in standard, parsed once per process (a batch scores hundreds of ledgers against it)."""
    return parse_standard(builtin_text(name), f"内置标准 {name}")


def parse_standard(text: str, origin: str) -> Standard:
    """Validate YAML text as a standard; errors name `origin`, the item and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark else ""
        where_en = f" at line {mark.line + 1}" if mark else ""
        raise StandardError(f"标准文件 {origin} {where}不是有效的 YAML：{getattr(exc, 'problem', exc)}",
                            f"{origin}: not valid YAML{where_en}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise StandardError(f"标准文件 {origin} 的内容应是一组“字段: 值”", f"{origin}: expected a mapping of fields")
    try:
        return Standard.model_validate(data)
    except ValidationError as exc:
        raise StandardError(*_explain(exc, data, origin)) from None


def _explain(exc: ValidationError, data: dict, origin: str) -> tuple[str, str]:
    zh, en = [], []
    for error in exc.errors()[:5]:
        loc = list(error["loc"])
        where_zh, where_en = [], []
        if loc[:1] == ["items"] and len(loc) > 1 and isinstance(loc[1], int):
            item_id = _id_at(data.get("items"), loc[1])
            where_zh.append(f"第 {loc[1] + 1} 个考核项目（id: {item_id}）")
            where_en.append(f"item {loc[1] + 1} (id: {item_id})")
            loc = loc[2:]
        elif loc[:2] == ["drug_free", "criteria"] and len(loc) > 2 and isinstance(loc[2], int):
            crit_id = _id_at((data.get("drug_free") or {}).get("criteria"), loc[2])
            where_zh.append(f"无毒标准第 {loc[2] + 1} 条（id: {crit_id}）")
            where_en.append(f"criterion {loc[2] + 1} (id: {crit_id})")
            loc = loc[3:]
        field = ".".join(str(p) for p in loc)
        if field:
            where_zh.append(f"字段 {field}")
            where_en.append(f"field {field}")
        message = str(error["msg"]).removeprefix("Value error, ")
        zh.append(f"{'，'.join(where_zh) or '整体'}：{_zh(error['type'], message, error.get('ctx') or {})}")
        en.append(f"{', '.join(where_en) or 'top level'}: {message}")
    return (f"标准文件 {origin} 有误：" + "；".join(zh), f"the standard {origin} is invalid: " + "; ".join(en))


def _id_at(entries, index: int) -> str:
    """The `id` of the index-th entry of a list in the raw YAML, or ? when there is none."""
    if isinstance(entries, list) and index < len(entries) and isinstance(entries[index], dict):
        return str(entries[index].get("id", "?"))
    return "?"


_ZH = {
    "missing": "缺少此字段", "extra_forbidden": "不认识的字段（是否拼错？）", "literal_error": "取值不在允许范围内",
    "float_parsing": "应为数字", "float_type": "应为数字", "int_type": "应为整数", "int_parsing": "应为整数",
    "greater_than_equal": "不能小于 {ge}", "greater_than": "必须大于 {gt}", "less_than_equal": "不能大于 {le}",
    "less_than": "必须小于 {lt}", "too_short": "不能为空", "string_type": "应为文字", "list_type": "应为列表",
    "dict_type": "应为“字段: 值”",
}


def _zh(kind: str, message: str, ctx: dict) -> str:
    """pydantic's error in Chinese, with its bound (`ge`, `gt` …); a wrong choice also shows the allowed values."""
    text = _ZH.get(kind)
    if text is None:
        return message
    try:
        text = text.format(**ctx)
    except (KeyError, IndexError):
        pass
    return f"{text}（{message}）" if kind == "literal_error" else text
