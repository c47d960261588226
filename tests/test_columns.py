"""Issue 15, Build 1 and 7: a missing column never crashes and says which column; the clerk sees every finding
(自查项目 names in validate and score), the template lists the checklist, an empty 现有吸毒人员 means "not kept",
headers show without the template's `*`, 社区概况's counted keys are recognised, the template's formats are the
columns' own."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from builders import PERSON_HEADER, minimal_ledger, person_id, write_xlsx
from typer.testing import CliRunner

from nodrug_cli.cli.app import app
from nodrug_cli.indicators.reconcile import add_current_list_findings
from nodrug_cli.ledger.read import read_ledger
from nodrug_cli.ledger.schema import column_specs, sheet_schemas
from nodrug_cli.render.template_xlsx import LAST_ROW, write_template
from nodrug_cli.standards.engine import assess
from nodrug_cli.standards.load import builtin_checklist_items, load_standard

TODAY = dt.date(2026, 1, 15)
AS_OF = "2025-12-31"
A = person_id(1)
runner = CliRunner()
BOUMEI = load_standard("boumei-2023").checklist_items()


def ledger_file(tmp_path: Path, **replace) -> Path:
    sheets = minimal_ledger()
    sheets.update(replace)
    return write_xlsx(tmp_path / "台账.xlsx", sheets)


def invoke(*args: object):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


# ── Build 1: a missing column ──────────────────────────────────────────────────────────────────────

def test_a_renamed_test_date_is_column_missing_and_its_indicators_say_so(tmp_path):
    title = ["青禾镇测试社区尿检登记表（2025年）"]
    tests = [title, ["身份证号", "姓名", "尿检时间X", "检测结果"]] + [[A, "王小明", None, "阴性"]] * 3
    events = [["活动日期", "活动名称"], [dt.date(2025, 3, 1), "禁毒宣传"]]
    path = ledger_file(tmp_path, 尿检记录=[], 宣传活动=events)
    book = openpyxl.load_workbook(path)
    del book["尿检记录"]
    sheet = book.create_sheet("尿检台账")
    for row in tests:
        sheet.append(row)
    book.save(path)
    ledger = read_ledger(path, TODAY, as_of=dt.date(2025, 12, 31))
    missing = [f for f in ledger.findings if f.code == "column_missing"]
    assert [(f.sheet, f.row, f.header) for f in missing] == [("尿检台账", 2, "检测日期")]
    assert "尿检台账" in missing[0].message() and "第 2 行" in missing[0].message()
    assert not [f for f in ledger.findings if f.code == "test_duplicate"]  # undated rows are not duplicates
    assert ledger.frame("尿检记录") is None and ledger.frames["尿检记录"] is not None
    a = assess(ledger, load_standard("boumei-2023"))
    rate = a.indicators["on_schedule_test_rate"]
    assert rate.status == "not_computable" and rate.value is None
    basis = {r.item.indicator_key: r.basis for r in a.items}
    assert basis["on_schedule_test_rate"] == "“尿检台账”表缺少必需的列“检测日期”，无法计算"
    assert a.indicators["events"].status == "ok" and a.indicators["events"].value == 1  # other sheets still count
    result = invoke("score", path, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["indicators"]["on_schedule_test_rate"]["status"] == "not_computable"
    assert ("column_missing", "尿检台账") in {(f["code"], f["sheet"]) for f in data["findings"]}


def test_a_registry_without_its_required_columns_is_scored_and_reminded(tmp_path):
    for gone in ("人员状态", "身份证号", "首次登记日期", "姓名"):
        keep = [i for i, h in enumerate(PERSON_HEADER) if h != gone]
        rows = minimal_ledger()["吸毒人员"]
        path = ledger_file(tmp_path, 吸毒人员=[[row[i] for i in keep] for row in rows])
        for command in (("validate",), ("score",), ("remind", "--within", "30")):
            result = invoke(*command, path, "--as-of", AS_OF, "--format", "json")
            assert result.exit_code == 1, (gone, command, result.output)
            json.loads(result.stdout)
        ledger = read_ledger(path, TODAY)
        assert [f.header for f in ledger.findings if f.code == "column_missing"] == [gone]
        assert ledger.frame("吸毒人员") is not None


def test_a_current_list_without_ids_names_the_column(tmp_path):
    path = ledger_file(tmp_path, 现有吸毒人员=[["姓名"], ["王小明"]])
    ledger = read_ledger(path, TODAY)
    assert [(f.code, f.sheet, f.header) for f in ledger.findings] == [("column_missing", "现有吸毒人员", "身份证号")]


def test_a_missing_community_entry_says_where_entries_go(tmp_path):
    info = [["社区名称", "测试社区"], ["评估年度", 2025]]
    ledger = read_ledger(ledger_file(tmp_path, 社区概况=info), TODAY)
    [f] = [f for f in ledger.findings if f.code == "column_missing"]
    assert (f.sheet, f.header) == ("社区概况", "常住人口")
    assert "A 列" in f.hint() and "B 列" in f.hint() and "表头行" not in f.hint()
    assert f.message() == "工作表“社区概况”缺少必需的项目“常住人口”"
    assert "column A" in f.hint("en")


# ── Build 7 ────────────────────────────────────────────────────────────────────────────────────────

def _checklist(*extra: list) -> list[list]:
    return [["项目", "是否落实"]] + [[item, "是"] for item in BOUMEI] + [list(e) for e in extra]


def test_unmatched_checklist_rows_are_shown_by_validate_and_score(tmp_path):
    # 完成打击指标 is a typo; 禁毒工作场所 is an item of another built-in standard (baiyun-2022), a known name.
    path = ledger_file(tmp_path, 自查项目=_checklist(["完成打击指标", "是"], ["禁毒工作场所", "是"]))
    cell = f"自查项目!A{len(BOUMEI) + 2}"
    v = invoke("validate", path, "--as-of", AS_OF, "--format", "json")
    findings = json.loads(v.stdout)["files"][0]["findings"]
    assert [(f["code"], f["cell"], f["value"]) for f in findings] == [("checklist_unmatched", cell, "完成打击指标")]
    assert "完成上级下达的打击指标" in findings[0]["hint"]
    assert v.exit_code == 0 and invoke("validate", path, "--as-of", AS_OF, "--strict").exit_code == 1
    text = invoke("validate", path, "--as-of", AS_OF).stdout
    assert cell in text and "完成打击指标" in text
    # Under county-2021 the other names are expected: the hint lists its two items.
    county = json.loads(invoke("validate", path, "--as-of", AS_OF, "--format", "json", "--standard", "county-2021")
                        .stdout)["files"][0]["findings"]
    assert [f["cell"] for f in county] == [cell] and "层层签订禁毒责任状" in county[0]["hint"]
    assert invoke("validate", path, "--standard", "没有这个标准").exit_code == 2
    s = invoke("score", path, "--as-of", AS_OF, "--format", "json")
    assert [(f["code"], f["cell"]) for f in json.loads(s.stdout)["findings"]] == [("checklist_unmatched", cell)]
    for fmt in ("text", "md"):
        shown = invoke("score", path, "--as-of", AS_OF, "--format", fmt).stdout
        assert "自查项目" in shown and cell in shown and "完成打击指标" in shown, fmt


def test_the_template_lists_every_checklist_item_for_the_clerk(tmp_path):
    def listed(path: Path) -> tuple[list, list]:
        ws = openpyxl.load_workbook(path)["自查项目"]
        header = [c.value for c in ws[1]]
        items = [(r[header.index("项目*")], r[header.index("是否落实*")]) for r in ws.iter_rows(2, values_only=True)]
        [dropdown] = [dv for dv in ws.data_validations.dataValidation if "C2" in dv.sqref]
        assert dropdown.type == "list" and dropdown.formula1 == '"是,否"'
        assert f"C{LAST_ROW}" in dropdown.sqref
        return [i for i, _ in items], [answer for _, answer in items]

    everything = tmp_path / "全部.xlsx"
    assert invoke("template", "-o", everything).exit_code == 0
    items, answers = listed(everything)
    assert items == builtin_checklist_items() and set(BOUMEI) <= set(items) and len(items) > len(BOUMEI)
    assert answers == [None] * len(items)
    county = tmp_path / "county.xlsx"
    assert invoke("template", "-o", county, "--standard", "county-2021").exit_code == 0
    assert listed(county)[0] == load_standard("county-2021").checklist_items()
    assert invoke("template", "-o", tmp_path / "x.xlsx", "--standard", "没有这个标准").exit_code == 2
    # A blank 是否落实 is "not yet checked": no error, and the item is not met.
    ledger = read_ledger(everything, TODAY)
    assert [f.code for f in ledger.findings] == ["required_empty", "required_empty"]  # 社区名称, 常住人口 only
    a = assess(ledger, load_standard("boumei-2023"))
    assert all(r.passed is False for r in a.items if r.item.rule == "checklist")


def test_an_empty_current_list_means_it_is_not_kept(tmp_path):
    path = ledger_file(tmp_path, 现有吸毒人员=[["姓名*", "身份证号*"]])
    assert read_ledger(path, TODAY, as_of=dt.date(2025, 12, 31)).findings == []
    assert invoke("validate", path, "--as-of", AS_OF, "--strict").exit_code == 0
    kept = ledger_file(tmp_path, 现有吸毒人员=[["姓名", "身份证号"], ["某人", person_id(9)]])
    read = read_ledger(kept, TODAY, as_of=dt.date(2025, 12, 31))
    assert read.findings == []  # reading alone does not compare: the caller that shows findings does
    codes = {f.code for f in add_current_list_findings(read).findings}
    assert codes == {"current_list_extra", "current_list_absent"}  # a kept list is still compared
    shown = json.loads(invoke("validate", kept, "--as-of", AS_OF, "--format", "json").stdout)
    assert {f["code"] for f in shown["files"][0]["findings"]} == codes


def test_reading_does_not_import_the_layer_above():
    import subprocess
    import sys

    code = "import sys, nodrug_cli.ledger.read; print(sorted(m for m in sys.modules if m.startswith('nodrug_cli.indicators')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_headers_are_named_without_the_templates_mark(tmp_path):
    header = [h + "*" if h in ("姓名", "身份证号", "人员状态") else h for h in PERSON_HEADER]
    row = ["王小明", A, "男", dt.date(1990, 5, 17), None, dt.date(2024, 1, 3), None, None, "是"]
    path = ledger_file(tmp_path, 吸毒人员=[header, row])
    [f] = [f for f in read_ledger(path, TODAY).findings if f.code == "required_empty"]
    assert (f.cell, f.header, f.message()) == ("吸毒人员!E2", "人员状态", "必填项“人员状态”为空")
    shown = invoke("validate", path, "--as-of", AS_OF).stdout
    assert "人员状态＝" not in shown and "人员状态*" not in shown and "吸毒人员!E2 人员状态" in shown


def test_community_keys_written_with_a_count_or_a_unit_are_recognised(tmp_path):
    info = [["社区名称*", "测试社区"], ["评估年度", 2025], ["常住人口数（人）", 3000], ["流动人口数(人)", 120],
            ["基准年新增人数", 2]]
    ledger = read_ledger(ledger_file(tmp_path, 社区概况=info), TODAY)
    assert ledger.findings == []
    assert (ledger.info["常住人口"], ledger.info["流动人口"], ledger.info["基准年新增人数"]) == (3000, 120, 2)
    events = [["活动日期", "活动名称", "参与人数（人次）"], [dt.date(2025, 3, 1), "宣传", 40]]
    ledger = read_ledger(ledger_file(tmp_path, 社区概况=[["社区名称", "测"], ["常住人口（人）", 9]], 宣传活动=events),
                         TODAY)
    assert ledger.frame("宣传活动")["参与人数"].tolist() == [40] and ledger.info["常住人口"] == 9


def test_the_templates_formats_are_the_columns_own_down_to_the_last_row(tmp_path):
    path = tmp_path / "模板.xlsx"
    write_template(path)
    assert path.stat().st_size < 40_000  # no per-cell formats: small, and quick to open
    book = openpyxl.load_workbook(path)
    ws = book["吸毒人员"]
    header = [c.value for c in ws[1]]
    id_col = openpyxl.utils.get_column_letter(header.index("身份证号*") + 1)
    date_col = openpyxl.utils.get_column_letter(header.index("首次登记日期*") + 1)
    assert ws.column_dimensions[id_col].number_format == "@"
    assert ws.column_dimensions[date_col].number_format == "yyyy-mm-dd"
    assert ws.max_row == 1  # the format lives on the column, which Excel applies down to row 1,048,576
    rows = {sheet: book[sheet].max_row for sheet in sheet_schemas()}
    assert rows == {**dict.fromkeys(sheet_schemas(), 1), "社区概况": 1 + len(column_specs("社区概况")),
                    "自查项目": 1 + len(builtin_checklist_items())}


def test_every_column_name_code_refers_to_is_declared():
    # ledger/columns.py names the columns code reads; each must be a column of the sheet declaration
    from nodrug_cli.ledger import columns
    from nodrug_cli.ledger.schema import column_specs, sheet_schemas

    declared = {name for sheet in sheet_schemas() for name in column_specs(sheet)}
    named = {value for key, value in vars(columns).items() if key.isupper()}
    assert named and named <= declared, sorted(named - declared)


# ── sheet names, written once (ledger/sheets.py) ───────────────────────────────────────────────────

PACKAGE = Path(__file__).resolve().parent.parent / "nodrug_cli"
# Words that happen to be a sheet's name but mean something else: 现有吸毒人员 is also "current users", the
# set the rules give (an indicator's label, and the words of a person's gap reason).
WORDS_NOT_SHEETS = {("indicators/model.py", "现有吸毒人员"), ("render/messages.py", "现有吸毒人员")}


def _sheet_literals(path: Path, names: set[str]) -> list[tuple[int, str]]:
    """Every string constant in a module that is exactly a sheet's name (f-string parts included)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted((node.lineno, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names)


def test_every_sheet_is_named_once_and_each_name_is_a_declared_sheet():
    from nodrug_cli.ledger import sheets

    named = [value for key, value in vars(sheets).items() if key.isupper()]
    assert sorted(named) == sorted(sheet_schemas()) and len(set(named)) == len(named)


def test_no_sheet_name_is_written_as_a_literal_outside_sheets_py():
    names = set(sheet_schemas())
    declared = PACKAGE / "ledger" / "sheets.py"
    assert {value for _, value in _sheet_literals(declared, names)} == names  # the scan finds them where they are
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if path != declared:
            found += [f"{where}:{line} {value}" for line, value in _sheet_literals(path, names)
                      if (where, value) not in WORDS_NOT_SHEETS]
    assert found == [], "use nodrug_cli.ledger.sheets instead of: " + ", ".join(found)
