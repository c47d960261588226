"""The ledger's sheets and columns, declared once (DOMAIN.md §1) as pandera schemas.

Everything else is generated from this declaration: the reader's header matching, the checks, the
blank template and its 填表说明 sheet, and the README's column table. Each column's pandera
`title` is its Chinese header, `description` the fill-in hint, and `metadata` carries the rest
(kind, aliases, enumeration and synonyms, required-ness, and `hint_en`, the hint in English for
`template --lang en`; a sheet's `description_en` likewise). Checks are named by finding code
(`nodrug_cli.ledger.findings.CODES`); a data-frame check named `code@列名` points at that column.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa

from nodrug_cli.ledger import columns as C
from nodrug_cli.ledger import idcard
from nodrug_cli.ledger import sheets as S
from nodrug_cli.ledger.columnspec import ColumnKind, ColumnSpec, Layout, column, frame_check, sheet_schema

K = ColumnKind

# ── enumerations ────────────────────────────────────────────────────────────────────────────────
STATUSES = (
    "社区戒毒", "社区康复", "戒断未满三年", "戒断三年未复吸", "强制隔离戒毒",
    "服刑", "出国（境）", "户口迁出", "死亡", "下落不明",
)
STATUS_SYNONYMS = {
    "强戒": "强制隔离戒毒", "强制戒毒": "强制隔离戒毒", "强制隔离": "强制隔离戒毒",
    "出国": "出国（境）", "出境": "出国（境）", "出国(境)": "出国（境）",
    "社戒": "社区戒毒", "社康": "社区康复",
    "戒断三年以上": "戒断三年未复吸", "戒断3年未复吸": "戒断三年未复吸", "戒断未满3年": "戒断未满三年",
    "在押": "服刑", "服刑中": "服刑", "失踪": "下落不明", "迁出": "户口迁出",
}
SEXES = ("男", "女")
TEST_METHODS = ("尿检", "毛发检测", "血液检测", "唾液检测")
TEST_METHOD_SYNONYMS = {"尿液检测": "尿检", "毛发": "毛发检测", "血液": "血液检测", "唾液": "唾液检测"}
TEST_RESULTS = ("阴性", "阳性")
TEST_RESULT_SYNONYMS = {
    "-": "阴性", "+": "阳性", "(-)": "阴性", "(+)": "阳性", "negative": "阴性", "positive": "阳性",
    "阴": "阴性", "阳": "阳性",
}
EVENT_FORMS = ("集中宣传", "讲座", "展览", "文艺演出", "进校园", "进企业", "进场所", "进家庭", "进社区", "线上", "其他")
AUDIENCES = ("社区居民", "中小学生", "外来务工人员", "娱乐场所从业人员", "社会闲散人员", "企业职工", "其他")
SURVEY_GROUPS = ("城镇居民", "农村居民", "社区居民", "外来务工人员", "娱乐场所从业人员", "中小学生")
VENUE_TYPES = ("KTV", "酒吧", "宾馆", "网吧", "洗浴", "其他")
VENUE_TYPE_SYNONYMS = {"歌厅": "KTV", "酒店": "宾馆", "旅馆": "宾馆", "洗浴中心": "洗浴", "足浴": "洗浴"}

SUPERVISED_STATUSES = ("社区戒毒", "社区康复")  # 措施开始日期 is required for these


# ── checks across a row's cells ─────────────────────────────────────────────────────────────────────

def _get(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df else pd.Series(pd.NA, index=df.index, dtype=object)


def _measure_date_present(df: pd.DataFrame) -> pd.Series:
    return ~_get(df, C.STATUS).isin(SUPERVISED_STATUSES) | _get(df, C.ORDER_START).notna()


def _valid_ids(df: pd.DataFrame) -> pd.Series:
    """The ID column where it is valid (an invalid ID has its own finding; comparing with it is noise)."""
    ids = _get(df, C.ID_NUMBER)
    return ids.where(idcard.checksum_ok(ids))


def _sex_agrees(df: pd.DataFrame) -> pd.Series:
    sex = _get(df, "性别")
    from_id = idcard.sex_of(_valid_ids(df))
    return sex.isna() | from_id.isna() | ~sex.isin(SEXES) | sex.eq(from_id)


def _birth_agrees(df: pd.DataFrame) -> pd.Series:
    born = pd.to_datetime(_get(df, "出生日期"), errors="coerce")
    from_id = idcard.birth_of(_valid_ids(df))
    return born.isna() | from_id.isna() | born.eq(from_id)


def _sentence_known(df: pd.DataFrame) -> pd.Series:
    return _get(df, C.STATUS).ne("服刑") | _get(df, "刑期（月）").notna()


def _missing_since_known(df: pd.DataFrame) -> pd.Series:
    return _get(df, C.STATUS).ne("下落不明") | _get(df, C.STATUS_SINCE).notna()


def _unique_ids(s: pd.Series) -> pd.Series:
    return s.isna() | ~s.duplicated(keep="first")


def _aware_within_surveyed(df: pd.DataFrame) -> pd.Series:
    aware, surveyed = _get(df, C.AWARE), _get(df, C.SURVEYED)
    return (aware.isna() | surveyed.isna() | (aware <= surveyed)).astype(bool)


ID_ALIASES = ("公民身份号码", "身份证号码", "证件号码", "身份证")
ID_HINT = "18位公民身份号码，单元格须设为文本格式，末位可为X"
ID_HINT_EN = "The 18-character citizen ID number; keep the cell formatted as text; the last character may be X"
DATE_HINT = "日期，如 2025-03-05"
DATE_HINT_EN = "A date, such as 2025-03-05"
CHOOSE_HINT = "从下拉列表中选择"
CHOOSE_HINT_EN = "Choose from the dropdown list"
COUNT_HINT = "非负整数"
COUNT_HINT_EN = "A whole number, 0 or more"
YES_NO_EN = "“是” (yes) or “否” (no)"


def _id_column(required: bool = True, unique: bool = False) -> pa.Column:
    checks = [pa.Check(_unique_ids, name="id_duplicate", error="id_duplicate")] if unique else []
    return column(C.ID_NUMBER, K.ID, required=required, aliases=ID_ALIASES, hint=ID_HINT, hint_en=ID_HINT_EN,
                   checks=checks)


def _name_column(required: bool = False) -> pa.Column:
    return column(C.NAME, K.NAME, required=required, hint="与身份证一致的姓名", hint_en="The name as on the ID card")


@cache
def sheet_schemas() -> dict[str, pa.DataFrameSchema]:
    """Every sheet of the ledger, in workbook order, keyed by its canonical name."""
    schemas = [
        sheet_schema(
            S.COMMUNITY,
            [
                column("社区名称", K.TEXT, required=True, aliases=("村（社区）名称", "单位名称", "村名称"),
                        hint="村（社区）的全称", hint_en="The full name of the village (community)"),
                column("所属镇（街道）", K.TEXT, aliases=("所属镇", "所属街道", "镇（街道）", "乡镇（街道）"),
                        hint="所属乡镇或街道", hint_en="The township or street office it belongs to"),
                column("所属县（区）", K.TEXT, aliases=("所属县", "所属区", "县（区）", "县（市、区）"), hint="所属县（市、区）",
                        hint_en="The county (city, district) it belongs to"),
                column("评估年度", K.INT, aliases=("考核年度", "年度", "创建年度"), minimum=1, hint="评估的年份，如 2025",
                        hint_en="The year assessed, such as 2025"),
                column("常住人口", K.INT, required=True, aliases=("常住人口数", "常住人口（人）"), minimum=1,
                        hint="常住人口数，正整数", hint_en="The resident population, a positive whole number"),
                column("流动人口", K.INT, aliases=("流动人口数", "流动人口（人）"), minimum=0, hint="流动人口数",
                        hint_en="The floating (migrant) population"),
                column("是否已授牌", K.BOOL, aliases=("已授牌", "是否授牌"), default=False,
                        hint="是否已获得“无毒村（社区）”牌匾：是/否，默认否",
                        hint_en="Whether the community already holds the drug-free village (community) plaque: "
                        + YES_NO_EN + "; “否” when left blank"),
                column("基准年新增人数", K.INT, aliases=("基准年新增吸毒人员数",), minimum=0,
                        hint="基准年度新增吸毒人员数（用于“新增下降20%”目标），可不填",
                        hint_en="New drug users registered in the base year (for the target of 20% fewer new users); "
                        "may be left blank"),
            ],
            required=True,
            layout=Layout.KEYVALUE,
            aliases=("基本情况", "社区基本情况", "村（社区）概况", "概况"),
            description="A列填项目，B列填内容",
            description_en="Items in column A, their values in column B",
        ),
        sheet_schema(
            S.REGISTRY,
            [
                _name_column(required=True),
                _id_column(unique=True),
                column("性别", K.ENUM, values=SEXES, hint="男/女，应与身份证号第17位一致",
                        hint_en="“男” (male) or “女” (female); must agree with the 17th digit of the ID number"),
                column("出生日期", K.DATE, hint="应与身份证号第7–14位一致；不填则由身份证号推算",
                        hint_en="Must agree with digits 7–14 of the ID number; when blank, read from the ID number"),
                column("所属村（社区）", K.TEXT, aliases=("所属社区", "村（社区）", "所属村"), hint="所属村（社区）",
                        hint_en="The village (community) the person belongs to"),
                column(C.STATUS, K.ENUM, required=True, aliases=("状态", "人员类别", "戒毒类别"), values=STATUSES,
                        synonyms=STATUS_SYNONYMS, hint=CHOOSE_HINT, hint_en=CHOOSE_HINT_EN),
                column(C.STATUS_SINCE, K.DATE, aliases=("状态变更日期",), hint="当前状态开始的日期；下落不明须填写",
                        hint_en="The date the current status began; required for “下落不明” (whereabouts unknown)"),
                column("刑期（月）", K.INT, aliases=("刑期",), minimum=0, hint="服刑人员的刑期，按月计的整数",
                        hint_en="The prison term of a person serving a sentence, in whole months"),
                column(C.LIVING, K.ENUM, aliases=("在家情况",), values=("在家", "外出"), default="在家",
                        synonyms={"外出务工": "外出", "在外": "外出"}, hint="在家/外出，默认在家",
                        hint_en="“在家” (at home) or “外出” (away); “在家” when left blank"),
                column(C.CONTROL, K.ENUM, aliases=("是否在控",), values=("在控", "失控"), default="在控",
                        synonyms={"是": "在控", "否": "失控", "脱失": "失控", "脱管": "失控"}, hint="在控/失控，默认在控",
                        hint_en="“在控” (under control) or “失控” (out of contact); “在控” when left blank"),
                column(C.FIRST_REGISTERED, K.DATE, required=True, aliases=("登记日期", "首次发现日期"), hint=DATE_HINT,
                        hint_en=DATE_HINT_EN),
                column(C.ORDER_START, K.DATE, aliases=("决定日期", "责令日期"),
                        hint="社区戒毒/社区康复决定书的开始日期；这两类人员必填",
                        hint_en="The start date on the “社区戒毒” or “社区康复” order; required for persons of these "
                        "two statuses"),
                column(C.AGREEMENT_SIGNED, K.DATE, aliases=("报到日期",), hint="本人报到并签订协议的日期",
                        hint_en="The date the person reported and signed the agreement"),
                column(C.LAST_USE, K.DATE, aliases=("最后一次吸毒日期", "最近查获日期"), hint="最近一次已知吸毒的日期",
                        hint_en="The date of the last known drug use"),
                column("出所日期", K.DATE, hint="强制隔离戒毒出所日期",
                        hint_en="The date of release from compulsory isolated rehabilitation"),
                column(C.HELP_GROUP, K.BOOL, aliases=("是否建立帮教小组",), hint="是/否（√/×、有/无也可）",
                        hint_en=YES_NO_EN + "; “√”/“×” and “有”/“无” are read too"),
                column("帮教责任人", K.TEXT, aliases=("责任人",), hint="帮教责任人姓名",
                        hint_en="The name of the person responsible for help and education"),
                column(C.EMPLOYMENT, K.ENUM, values=("就业", "未就业"),
                        synonyms={"已就业": "就业", "是": "就业", "否": "未就业", "无业": "未就业", "失业": "未就业"},
                        hint="就业/未就业", hint_en="“就业” (employed) or “未就业” (not employed)"),
            ],
            required=True,
            aliases=("吸毒人员登记表", "在册吸毒人员", "吸毒人员基本情况登记表", "累计登记在册吸毒人员表", "人员台账"),
            description="累计登记在册的吸毒人员，一人一行",
            description_en="Every drug user ever registered, one person a row",
            checks=[
                frame_check("measure_date_missing", C.ORDER_START, _measure_date_present),
                frame_check("sex_mismatch", "性别", _sex_agrees),
                frame_check("birth_mismatch", "出生日期", _birth_agrees),
                frame_check("sentence_missing", "刑期（月）", _sentence_known),
                frame_check("missing_since_unknown", C.STATUS_SINCE, _missing_since_known),
            ],
        ),
        sheet_schema(
            S.TESTS,
            [
                _id_column(),
                _name_column(),
                column(C.TEST_DATE, K.DATE, required=True, aliases=("尿检日期", "检测时间"), hint=DATE_HINT,
                        hint_en=DATE_HINT_EN),
                column("检测方式", K.ENUM, values=TEST_METHODS, synonyms=TEST_METHOD_SYNONYMS, default="尿检",
                        hint="尿检/毛发检测/血液检测/唾液检测，默认尿检",
                        hint_en="“尿检” (urine), “毛发检测” (hair), “血液检测” (blood) or “唾液检测” (saliva); “尿检” "
                        "when left blank"),
                column(C.TEST_RESULT, K.ENUM, required=True, aliases=("尿检结果",), values=TEST_RESULTS,
                        synonyms=TEST_RESULT_SYNONYMS, hint="阴性/阳性", hint_en="“阴性” (negative) or “阳性” (positive)"),
                column("检测单位", K.TEXT, hint="实施检测的单位", hint_en="The unit that carried out the test"),
            ],
            aliases=("尿检登记", "尿检台账", "检测记录"),
            description="每次检测一行",
            description_en="One test a row",
        ),
        sheet_schema(
            S.TALKS,
            [
                _id_column(),
                _name_column(),
                column(C.TALK_DATE, K.DATE, required=True, aliases=("帮教日期",), hint=DATE_HINT, hint_en=DATE_HINT_EN),
                column("谈话人", K.TEXT, hint="开展谈话的工作人员", hint_en="The worker who held the talk"),
                column("谈话内容", K.TEXT, hint="谈话要点", hint_en="The main points of the talk"),
            ],
            aliases=("帮教记录", "谈话台账", "帮教谈话记录"),
            description="每次帮教谈话一行",
            description_en="One help-and-education talk a row",
        ),
        sheet_schema(
            S.EVENTS,
            [
                column(C.EVENT_DATE, K.DATE, required=True, hint=DATE_HINT, hint_en=DATE_HINT_EN),
                column("活动名称", K.TEXT, required=True, hint="活动名称", hint_en="The event's name"),
                column("活动形式", K.ENUM, values=EVENT_FORMS, hint=CHOOSE_HINT, hint_en=CHOOSE_HINT_EN),
                column("对象群体", K.MULTI_ENUM, values=AUDIENCES,
                        hint="可填多个，用顿号分隔：" + "、".join(AUDIENCES),
                        hint_en="One or more, separated by “、”: " + ", ".join(f"“{a}”" for a in AUDIENCES)),
                column("地点", K.TEXT, hint="活动地点", hint_en="Where the event was held"),
                column("参与人数", K.INT, minimum=0, hint=COUNT_HINT, hint_en=COUNT_HINT_EN),
                column("发放资料（份）", K.INT, aliases=("发放资料",), minimum=0, hint=COUNT_HINT, hint_en=COUNT_HINT_EN),
                column("悬挂标语（条）", K.INT, aliases=("悬挂标语",), minimum=0, hint=COUNT_HINT, hint_en=COUNT_HINT_EN),
                column("负责人", K.TEXT, hint="活动负责人", hint_en="The person in charge of the event"),
            ],
            aliases=("宣传台账", "禁毒宣传", "宣传活动台账"),
            description="每次宣传活动一行",
            description_en="One awareness event a row",
        ),
        sheet_schema(
            S.SURVEYS,
            [
                column(C.SURVEY_DATE, K.DATE, required=True, hint=DATE_HINT, hint_en=DATE_HINT_EN),
                column("人群类别", K.ENUM, required=True, values=SURVEY_GROUPS, hint=CHOOSE_HINT, hint_en=CHOOSE_HINT_EN),
                column(C.SURVEYED, K.INT, required=True, minimum=1, hint="正整数", hint_en="A positive whole number"),
                column(C.AWARE, K.INT, required=True, minimum=0, hint="不超过调查人数的非负整数",
                        hint_en=f"A whole number, 0 or more, not above “{C.SURVEYED}”"),
            ],
            aliases=("问卷调查", "知晓率"),
            description="每次（每类人群）调查一行",
            description_en="One survey (of one group of people) a row",
            checks=[frame_check("aware_exceeds_surveyed", C.AWARE, _aware_within_surveyed)],
        ),
        sheet_schema(
            S.VENUES,
            [
                column(C.VENUE_NAME, K.TEXT, required=True, hint="场所名称", hint_en="The venue's name"),
                column("场所类型", K.ENUM, values=VENUE_TYPES, synonyms=VENUE_TYPE_SYNONYMS, hint=CHOOSE_HINT,
                        hint_en=CHOOSE_HINT_EN),
                column("责任状", K.BOOL, aliases=("是否签订责任状",), hint="是否签订禁毒防毒责任状：是/否",
                        hint_en="Whether a drug-control responsibility pledge was signed: " + YES_NO_EN),
                column("防范措施落实", K.BOOL, aliases=("防范措施是否落实",), hint="是/否", hint_en=YES_NO_EN),
                column("最近检查日期", K.DATE, hint=DATE_HINT, hint_en=DATE_HINT_EN),
            ],
            aliases=("重点场所台账", "娱乐场所"),
            description="辖区内每个重点场所一行",
            description_en="One key venue of the area a row",
        ),
        sheet_schema(
            S.CHECKLIST,
            [
                # A clerk may head the item column with the sheet's own name.
                column(C.CHECK_ITEM, K.TEXT, required=True, aliases=(S.CHECKLIST, "检查项目"), hint="与考核标准中的项目名称一致",
                        hint_en="The item's name as the standard writes it"),
                column("编号", K.TEXT, aliases=("序号",), hint="自己的编号，不参与匹配",
                        hint_en="Your own number; not used for matching"),
                # Blank: not yet answered (the template lists every item of the built-in standards), so not met.
                column(C.CHECK_DONE, K.BOOL, required=True, blank_ok=True, aliases=("落实情况",),
                        hint="是/否；留空表示尚未自查，按未落实计",
                        hint_en=YES_NO_EN + "; blank means not yet self-checked, counted as not done"),
                column("佐证材料", K.TEXT, hint="可查阅的佐证材料", hint_en="Supporting records that can be inspected"),
                column("备注", K.TEXT, hint=""),
            ],
            aliases=("自查表", "自查情况"),
            description="台账无法证明的考核项目（如责任状、宣传阵地），每项一行",
            description_en="Assessment items the ledger cannot show (such as pledges or awareness boards), one item "
            "a row",
        ),
        sheet_schema(
            S.CURRENT_LIST,
            [_name_column(), _id_column()],
            aliases=("现有吸毒人员表",),
            layout=Layout.COMPANION,
            description="现有吸毒人员名单（可选）；与“吸毒人员”表对照，只列身份证号即可",
            description_en=f"The list of current drug users (optional), compared with the “{S.REGISTRY}” sheet; the ID "
            "numbers alone are enough",
        ),
    ]
    return {s.name: s for s in schemas}


@cache
def column_specs(sheet: str) -> dict[str, ColumnSpec]:
    """The reader's view of one sheet's columns."""
    out = {}
    for name, col in sheet_schemas()[sheet].columns.items():
        m = col.metadata
        out[name] = ColumnSpec(
            name=name, kind=ColumnKind(m["kind"]), required=m["required"], aliases=tuple(m["aliases"]),
            values=tuple(m["values"]), synonyms=dict(m["synonyms"]), hint=col.description or "",
            hint_en=m["hint_en"], minimum=m["minimum"], default=m["default"],
        )
    return out


def sheet_meta(sheet: str) -> dict:
    """A sheet's own metadata: aliases, required, layout, description_en."""
    return sheet_schemas()[sheet].metadata


def sheet_description(sheet: str, lang: str = "zh") -> str:
    """What a sheet holds, in `lang` (the 填表说明 sheet's 说明)."""
    return (sheet_meta(sheet)["description_en"] if lang == "en" else sheet_schemas()[sheet].description) or ""
