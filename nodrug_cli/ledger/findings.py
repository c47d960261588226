"""Findings: one frozen value type and one table of stable codes with Chinese and English text.

A finding is a value, never an exception or a print. Renderers turn it into words with `message`
and `hint`, and decide whether the cell value is shown whole or masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"

# code: (severity, message zh, hint zh, message en, hint en). Templates may use {value}, {header},
# {allowed}, {other}, {detail}.
CODES: dict[str, tuple[str, str, str, str, str]] = {
    "sheet_missing": (
        ERROR, "缺少必需的工作表“{header}”", "按模板添加该工作表（可用 nodrug template 生成空白台账）",
        "required sheet “{header}” is missing", "add the sheet as in the template (nodrug template)",
    ),
    "header_not_found": (
        ERROR, "工作表“{header}”中找不到表头行", "在前 30 行内放一行列名，如模板所示",
        "no header row found in sheet “{header}”", "put a row of column names in the first 30 rows",
    ),
    "column_missing": (
        ERROR, "工作表“{sheet}”的表头行（第 {row} 行）缺少必需的列“{header}”",
        "在表头行添加该列（可用别名：{detail}）；缺少此列，该表不能用于计算",
        "required column “{header}” is missing from the header row (row {row}) of sheet “{sheet}”",
        "add the column to the header row (aliases: {detail}); without it the sheet cannot be used",
    ),
    "column_duplicate": (
        WARNING, "列“{header}”出现了不止一次，只读取第一列（{detail}）", "删除或改名重复的列",
        "column “{header}” appears more than once; only the first ({detail}) is read", "remove or rename the duplicate",
    ),
    "required_empty": (
        ERROR, "必填项“{header}”为空", "填写该单元格",
        "required cell “{header}” is empty", "fill in the cell",
    ),
    "date_invalid": (
        ERROR, "“{value}”不是可识别的日期", "改为 2025-03-05、2025/3/5 或 2025年3月5日 的形式，或设为日期格式",
        "“{value}” is not a date", "write it as 2025-03-05, 2025/3/5 or “2025年3月5日”, or format the cell as a date",
    ),
    "date_future": (
        WARNING, "日期 {value} 晚于评估截止日 {other}", "核对日期；截止日之后的记录不计入本期指标",
        "date {value} is after the as-of date {other}", "check the date; records after the as-of date do not count",
    ),
    "int_invalid": (
        ERROR, "“{value}”不是整数", "只填阿拉伯数字，不带单位或小数",
        "“{value}” is not a whole number", "enter digits only, without units or decimals",
    ),
    "count_negative": (
        ERROR, "“{header}”为负数（{value}）", "改为 0 或正整数",
        "“{header}” is negative ({value})", "enter 0 or a positive number",
    ),
    "count_not_positive": (
        ERROR, "“{header}”必须大于 0（现为 {value}）", "填写正整数",
        "“{header}” must be greater than 0 (is {value})", "enter a positive number",
    ),
    "bool_invalid": (
        ERROR, "“{value}”不是“是/否”", "填写 是 或 否（√/×、有/无 也可）",
        "“{value}” is not yes/no", "enter “是” or “否” (“√”/“×”, “有”/“无” also accepted)",
    ),
    "enum_invalid": (
        ERROR, "“{value}”不是“{header}”的可选值", "可选值：{allowed}",
        "“{value}” is not an allowed value of “{header}”", "allowed values: {allowed}",
    ),
    "id_numeric": (
        ERROR, "身份证号以数字格式保存，Excel 只保留 15 位有效数字，后几位已丢失", "将该列设为文本格式后重新录入完整号码",
        "the ID is stored as a number and Excel kept only 15 significant digits",
        "format the column as text and re-enter the full number",
    ),
    "id_length": (
        ERROR, "身份证号应为 18 位，现为 {detail} 位", "核对并录入完整的 18 位号码",
        "the ID should have 18 characters, has {detail}", "check and enter the full 18-character number",
    ),
    "id_chars": (
        ERROR, "身份证号只能是数字，末位可为 X", "去掉其中的字母、空格或符号",
        "the ID may hold only digits, with X allowed last", "remove letters, spaces or symbols",
    ),
    "id_checksum": (
        ERROR, "身份证号校验位不正确（末位应为 {detail}）", "核对号码是否录错，可对照户籍信息",
        "the ID's check character is wrong (should be {detail})", "check the number against the household record",
    ),
    "id_duplicate": (
        ERROR, "身份证号与第 {detail} 行重复", "同一人只登记一行，删除或合并重复行",
        "the ID repeats row {detail}", "keep one row per person: delete or merge the duplicate",
    ),
    "sex_mismatch": (
        WARNING, "性别“{value}”与身份证号不符（按身份证号应为 {detail}）", "核对性别或身份证号",
        "sex “{value}” disagrees with the ID (the ID says “{detail}”)", "check the sex or the ID",
    ),
    "birth_mismatch": (
        WARNING, "出生日期 {value} 与身份证号不符（按身份证号应为 {detail}）", "核对出生日期或身份证号",
        "birth date {value} disagrees with the ID (the ID says {detail})", "check the birth date or the ID",
    ),
    "measure_date_missing": (
        ERROR, "社区戒毒/社区康复人员必须填写措施开始日期", "按决定书填写措施开始日期",
        "a 社区戒毒/社区康复 person needs the order's start date", "enter the start date from the order",
    ),
    "sentence_missing": (
        WARNING, "服刑人员未填刑期，无法判断是否可不计入（刑期满3年可不计入）", "填写刑期（月）",
        "sentence length missing for a 服刑 person: cannot tell whether they are exempt", "enter 刑期（月）",
    ),
    "missing_since_unknown": (
        WARNING, "下落不明人员未填状态起始日期，无法判断是否满 4 年可不计入", "填写下落不明的起始日期",
        "no start date for a 下落不明 person: cannot tell whether missing ≥ 4 years", "enter the status start date",
    ),
    "aware_exceeds_surveyed": (
        ERROR, "知晓人数 {value} 大于调查人数 {detail}", "核对两列数字",
        "aware count {value} exceeds surveyed count {detail}", "check both numbers",
    ),
    "orphan_record": (
        WARNING, "身份证号不在“吸毒人员”表中，该记录不计入任何人", "核对身份证号，或先在吸毒人员表登记此人",
        "the ID is not in the 吸毒人员 sheet; the record counts for nobody", "check the ID or register the person first",
    ),
    "record_before_registration": (
        WARNING, "记录日期 {value} 早于此人的首次登记日期 {detail}", "核对记录日期或首次登记日期",
        "record date {value} is before the person's registration date {detail}", "check either date",
    ),
    "test_duplicate": (
        WARNING, "与第 {detail} 行是同一人同一天同一方式的重复检测", "删除重复行",
        "duplicates row {detail} (same person, day and method)", "delete the duplicate row",
    ),
    "current_list_extra": (
        WARNING, "此人在现有吸毒人员表中，但按规则不属于现有吸毒人员（吸毒人员表中没有此人，或登记日期晚于评估截止日）",
        "核对吸毒人员表的人员状态，或从现有吸毒人员表中移出",
        "listed as a current user, but by the rules is not one (not in the registry, or registered after the as-of date)",
        "check the person's status in the registry, or remove them from the current-users list",
    ),
    "current_list_absent": (
        WARNING, "按规则此人属于现有吸毒人员，但现有吸毒人员表中没有", "把此人补入现有吸毒人员表，或核对人员状态",
        "by the rules a current user, but missing from the current-users list",
        "add the person to the current-users list, or check their status",
    ),
    "checklist_unmatched": (
        WARNING, "自查项目“{value}”与考核标准中的任何项目都对不上", "把项目名称改为标准中的名称之一：{allowed}",
        "checklist row “{value}” matches no item of the standard", "rename it to one of: {allowed}",
    ),
}

# The same code worded for another layout: (code, variant) → (message zh, hint zh, message en, hint en).
VARIANTS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("column_missing", "keyvalue"): (
        "工作表“{sheet}”缺少必需的项目“{header}”",
        "在 A 列新起一行写项目名“{header}”，同一行 B 列填写内容（可用别名：{detail}）",
        "required entry “{header}” is missing from sheet “{sheet}”",
        "add a row with “{header}” in column A and its value in column B (aliases: {detail})",
    ),
    ("current_list_extra", "exempt"): (  # {detail}: the registry's 人员状态 of the person
        "此人在现有吸毒人员表中，但按规则不属于现有吸毒人员（人员状态“{detail}”属于不计入的情形（死亡、出国（境）、户口迁出、"
        "服刑满三年、下落不明满四年））",
        "核对吸毒人员表的人员状态，或从现有吸毒人员表中移出",
        "listed as a current user, but by the rules is not one (status “{detail}” is not counted: died, abroad, "
        "household moved out, serving three years or more, whereabouts unknown four years or more)",
        "check the person's status in the registry, or remove them from the current-users list",
    ),
    ("header_not_found", "keyvalue"): (
        "工作表“{header}”中找不到任何项目", "按模板在 A 列写项目名（如 社区名称、常住人口），同一行 B 列填写内容",
        "no entries found in sheet “{header}”", "write each entry's name in column A (社区名称, 常住人口…) and its value in column B",
    ),
}

SEVERITY_ORDER = {ERROR: 0, WARNING: 1}


@dataclass(frozen=True)
class Finding:
    """One thing wrong in a ledger, located as the clerk sees it (`尿检记录!D17 检测日期`)."""

    code: str
    sheet: str | None = None  # the workbook's own tab name
    row: int | None = None  # Excel row number
    column: str | None = None  # column letter
    header: str | None = None  # header as written in the workbook (or the canonical name)
    value: object = None
    value_kind: str | None = None  # "id" or "name": masked when the output leaves the terminal
    detail: str = ""
    allowed: tuple[str, ...] = ()
    other: str = ""
    canonical: str | None = None  # canonical sheet key, for grouping
    field_name: str | None = field(default=None)  # canonical column name
    variant: str = ""  # another wording of the code (`VARIANTS`), e.g. "keyvalue" for 社区概况's key rows

    @property
    def severity(self) -> str:
        return CODES[self.code][0]

    @property
    def cell(self) -> str | None:
        if self.sheet is None or self.row is None or self.column is None:
            return None
        return f"{self.sheet}!{self.column}{self.row}"

    def _params(self, shown_value: object, lang: str = "zh") -> dict:
        return {
            "value": "" if shown_value is None else shown_value,
            "header": self.header or "",
            "allowed": (", " if lang == "en" else "、").join(self.allowed),
            "detail": self.detail,
            "other": self.other,
            "sheet": self.sheet or "",
            "row": "" if self.row is None else self.row,
        }

    def _texts(self) -> tuple[str, str, str, str]:
        """(message zh, hint zh, message en, hint en) of this finding's code and variant."""
        return VARIANTS.get((self.code, self.variant)) or CODES[self.code][1:]

    def message(self, lang: str = "zh", shown_value: object = ...) -> str:
        """The finding in words; `shown_value` replaces the cell value (a masked ID, say)."""
        zh, _, en, _ = self._texts()
        return (en if lang == "en" else zh).format(**self._params(self.value if shown_value is ... else shown_value, lang))

    def hint(self, lang: str = "zh") -> str:
        _, zh, _, en = self._texts()
        return (en if lang == "en" else zh).format(**self._params(None, lang))


def sort_key(f: Finding) -> tuple:
    """Errors first, then by sheet, row, column."""
    return (SEVERITY_ORDER[f.severity], f.sheet or "", f.row or 0, len(f.column or ""), f.column or "", f.code)
