"""The assessment workbook: real samples scored, written, and read back as a clerk's Excel would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from nodrug_cli.ledger.findings import Finding
from nodrug_cli.ledger.read import read_ledger, show
from nodrug_cli.privacy import mask_id, mask_name
from nodrug_cli.render.assessment_xlsx import write_assessment
from nodrug_cli.standards import engine, load
from nodrug_cli.standards.model import Item

SAMPLES = Path(__file__).resolve().parent.parent / "sample_ledgers"
TODAY = dt.date(2026, 11, 25)
AS_OF = dt.date(2025, 12, 31)
SHEETS = ["考评表", "指标", "缺口明细", "台账问题", "图表"]


def _assess(name: str, standard=None) -> engine.Assessment:
    ledger = read_ledger(SAMPLES / f"{name}.xlsx", TODAY, as_of=AS_OF)
    return engine.assess(ledger, standard or load.load_standard("boumei-2023"))


@pytest.fixture(scope="module")
def shiqiao() -> engine.Assessment:
    return _assess("石桥村")


@pytest.fixture(scope="module")
def songbai() -> engine.Assessment:
    return _assess("松柏村")


def _write(assessment, tmp_path: Path, name: str = "考评表.xlsx", **kwargs) -> openpyxl.Workbook:
    out = tmp_path / name
    write_assessment(assessment, out, **kwargs)
    return openpyxl.load_workbook(out)


def _points(value):
    return None if value is None else (int(value) if float(value).is_integer() else round(value, 2))


def _rows_by_label(ws) -> dict[str, int]:
    """Column A's text → its row (the summary rows: 合计, 等级, 一票否决 …)."""
    return {c.value: c.row for c in ws["A"] if isinstance(c.value, str)}


def _header_row(ws) -> int:
    return next(c.row for c in ws["A"] if c.value == "序号" and ws.cell(c.row, 2).value == "考核项目")


def _all_text(book: openpyxl.Workbook) -> list[str]:
    return [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _registry_people(name: str) -> tuple[set[str], set[str]]:
    """Every ID and name in the sample's 吸毒人员 sheet, read straight from the file."""
    ws = openpyxl.load_workbook(SAMPLES / f"{name}.xlsx", read_only=True)["吸毒人员"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if "姓名" in r and "身份证号" in r)
    id_col, name_col = rows[header].index("身份证号"), rows[header].index("姓名")
    ids = {str(show(r[id_col])).strip() for r in rows[header + 1:] if r[id_col] is not None}
    names = {str(r[name_col]).strip() for r in rows[header + 1:] if r[name_col]}
    return {i for i in ids if len(i) >= 15}, names


def test_sheets_items_total_and_grade(shiqiao, tmp_path):
    book = _write(shiqiao, tmp_path)
    assert book.sheetnames == SHEETS  # nothing of the input ledger is embedded
    ws = book["考评表"]
    assert ws["A1"].value == "石桥村 2025 年度“无毒村（社区）”创建考评表"
    head = _header_row(ws)
    assert [ws.cell(head, c).value for c in range(1, 11)] == [
        "序号", "考核项目", "考核内容", "分值", "计算依据", "实际值", "标准", "得分", "是否达标", "扣分说明"]
    rows = list(range(head + 1, head + 1 + len(shiqiao.items)))
    assert [ws.cell(r, 1).value for r in rows] == [i.item.id for i in shiqiao.items]
    assert ws.cell(rows[-1] + 1, 1).value == "合计"
    for r, result in zip(rows, shiqiao.items):
        expected = "不适用" if result.points is None else _points(result.points)
        assert ws.cell(r, 8).value == expected, result.item.id
        assert ws.cell(r, 5).value == result.basis
        assert ws.cell(r, 9).value == {None: "不适用", True: "是", False: "否"}[result.passed]
    by_id = {ws.cell(r, 1).value: r for r in rows}
    assert ws.cell(by_id["C3"], 5).value == "按期检测率 63/70（应检 70 人次，漏检 7 人次）"
    assert ws.cell(by_id["C3"], 8).value == 3
    assert ws.cell(by_id["B3"], 8).value == "不适用"
    labels = _rows_by_label(ws)
    assert ws.cell(labels["合计"], 8).value == pytest.approx(shiqiao.total)
    assert ws.cell(labels["合计"], 4).value == 100
    assert ws.cell(labels["等级"], 4).value == shiqiao.grade == "不合格"
    assert ws.cell(labels["一票否决"], 4).value == "无"
    assert "未达到“无毒村（社区）”标准" in ws.cell(labels["无毒结论"], 4).value
    assert ws.cell(labels["跳过的错误行"], 4).value.startswith("0 行")
    text = _all_text(book)
    assert any(t.startswith("考核人：") for t in text) and any(t.startswith("被考核单位负责人：") for t in text)


def test_criteria_with_evidence(shiqiao, tmp_path):
    ws = _write(shiqiao, tmp_path)["考评表"]
    start = next(c.row for c in ws["B"] if c.value == "无毒村（社区）标准")
    for offset, crit in enumerate(shiqiao.criteria, start=1):
        assert ws.cell(start + offset, 1).value == crit.id
        assert ws.cell(start + offset, 9).value == ("是" if crit.passed else "否")
        assert (ws.cell(start + offset, 4).value or "") == "\n".join(crit.evidence)
    assert "失控人数 1" in ws.cell(start + 1, 4).value


def test_print_setup(shiqiao, tmp_path):
    book = _write(shiqiao, tmp_path)
    ws = book["考评表"]
    head = _header_row(ws)
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_title_rows == f"${head}:${head}"
    assert ws.print_area.endswith(f"$A$1:$J${ws.max_row}")
    assert ws.cell(head + 1, 3).alignment.wrap_text and ws.cell(head, 1).font.b
    assert ws.cell(head + 1, 3).border.left.style == "thin"
    for name in SHEETS[1:4]:
        assert str(book[name].page_setup.paperSize) == ws.PAPERSIZE_A4
        assert book[name].print_title_rows == "$1:$1"


def test_indicator_sheet(shiqiao, tmp_path):
    ws = _write(shiqiao, tmp_path)["指标"]
    assert [c.value for c in ws[1]] == ["指标", "键", "值", "分子", "分母", "状态", "说明"]
    rows = {ws.cell(r, 2).value: [ws.cell(r, c).value for c in range(1, 8)] for r in range(2, ws.max_row + 1)}
    assert list(rows) == list(shiqiao.indicators.values)
    assert rows["on_schedule_test_rate"] == ["按期检测率", "on_schedule_test_rate", "90.0%", 63, 70, "正常",
                                             "应检人次 70；漏检人次 7"]
    words = {"ok": "正常", "na": "不适用", "not_computable": "无法计算"}
    for key, ind in shiqiao.indicators.values.items():
        assert rows[key][2] == ind.display() and rows[key][5] == words[ind.status], key
    assert rows["awareness_rate.娱乐场所从业人员"][5] == "不适用"


def test_gap_sheet_lists_what_lost_points(shiqiao, tmp_path):
    ws = _write(shiqiao, tmp_path)["缺口明细"]
    assert [c.value for c in ws[1]] == ["考核项目", "指标", "身份证号", "姓名", "对象", "开始", "结束", "原因"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    tests = [r for r in rows if r[0].split("、")[0] == "C3"]
    assert len(tests) == len(shiqiao.indicators["on_schedule_test_rate"].gap) == 7  # C3 lost 7 points
    first = tests[0]
    assert first[2] == mask_id("99230319780110348X") and first[3] == mask_name("谢明刚")
    assert (first[5], first[6]) == (dt.datetime(2025, 6, 5), dt.datetime(2025, 8, 4))
    assert "无毒标准2" in first[0]  # the same windows fail criterion 2
    months = [r for r in rows if r[0].startswith("B5")]
    assert [r[4] for r in months] == ["2025-02", "2025-06", "2025-08", "2025-11"]
    assert months[0][7] == "本月宣传活动 2 次，要求 4 次"
    assert any(r[0] == "B1" and "207/244" in r[7] for r in rows)  # no one behind it: the numbers instead
    for result in shiqiao.items:
        mine = [r for r in rows if result.item.id in r[0].split("、")]
        if result.passed is False:
            assert len(mine) == max(1, len(result.gap)), result.item.id
        else:
            assert not mine, result.item.id  # full points or not applicable: nothing lost
    venues = [r for r in rows if r[1] == "场所责任状签订率"]
    assert not venues  # no item or criterion reads it in this standard


def test_findings_sheet(songbai, tmp_path):
    ws = _write(songbai, tmp_path)["台账问题"]
    assert [c.value for c in ws[1]] == ["级别", "单元格", "列", "值", "问题", "修改建议"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(rows) == len(songbai.findings)
    checksum = next(r for r in rows if r[1] == "吸毒人员!B8")
    assert checksum[0] == "错误" and checksum[2] == "身份证号"
    assert checksum[3] == mask_id("992305199811046751")
    assert checksum[4] == "身份证号校验位不正确（末位应为 9）"
    summary = _rows_by_label(_write(songbai, tmp_path, "again.xlsx")["考评表"])
    assert summary["跳过的错误行"]


def test_no_findings_says_so(shiqiao, tmp_path):
    ws = _write(dataclasses.replace(shiqiao, findings=[]), tmp_path)["台账问题"]
    assert ws["A2"].value == "台账未发现问题"


def test_chart_of_rate_thresholds(shiqiao, tmp_path):
    out = tmp_path / "考评表.xlsx"
    write_assessment(shiqiao, out)
    ws = openpyxl.load_workbook(out)["图表"]
    assert len(ws._charts) == 1
    table = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_col=3) if r[0].value]
    assert table[0] == ["B1 知晓率（群众）", pytest.approx(207 / 244), pytest.approx(0.95)]
    assert [r[0].split()[0] for r in table] == ["B1", "B2", "B4", "C1", "C2", "C5"]  # B3 is not applicable
    with zipfile.ZipFile(out) as z:
        chart = next(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert b"<c:barChart>" in z.read(chart) or b"barChart" in z.read(chart)


@pytest.mark.parametrize("sample", ["石桥村", "松柏村"])
def test_ids_and_names_masked_unless_full_pii(sample, tmp_path):
    assessment = _assess(sample)
    ids, names = _registry_people(sample)
    assert ids and names
    text = _all_text(_write(assessment, tmp_path))
    leaked = [v for v in ids | names for t in text if v in t]
    assert not leaked
    assert any(mask_id(i) in text for i in ids)
    full = _all_text(_write(assessment, tmp_path, "full.xlsx", full_pii=True))
    assert any(i in full for i in ids) and any(n in full for n in names)


def test_formula_looking_text_is_stored_as_text(shiqiao, tmp_path):
    evil = dataclasses.replace(
        shiqiao,
        community="=HYPERLINK(\"http://x\",\"点我\")",
        findings=[Finding("enum_invalid", sheet="吸毒人员", row=3, column="F", header="人员状态", value="=1+2",
                          allowed=("社区戒毒",)),
                  Finding("enum_invalid", sheet="吸毒人员", row=4, column="F", header="人员状态", value="@SUM(A1)",
                          allowed=("社区戒毒",)),
                  Finding("enum_invalid", sheet="吸毒人员", row=5, column="F", header="人员状态", value="-2+3",
                          allowed=("社区戒毒",))],
    )
    out = tmp_path / "evil.xlsx"
    write_assessment(evil, out, full_pii=True)
    book = openpyxl.load_workbook(out)
    issues = book["台账问题"]
    values = {issues.cell(r, 4).value: issues.cell(r, 4) for r in range(2, 5)}
    assert set(values) == {"=1+2", "@SUM(A1)", "-2+3"}
    assert all(cell.data_type == "s" for cell in values.values())
    title = book["考评表"]["A1"]
    assert title.value.startswith("=HYPERLINK") and title.data_type == "s"
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)


def test_veto_and_bonus(tmp_path):
    std = load.load_standard("boumei-2023")
    items = [*std.items,
             Item(id="E1", category="一票否决", title="帮教对象无复吸", rule="veto", indicator="relapses", max=0, points=0),
             Item(id="F1", category="加分项", title="宣传活动每次加 0.1 分", rule="per_unit", indicator="events", per=0.1,
                  points=3, bonus=True)]
    assessment = _assess("石桥村", std.model_copy(update={"items": items, "bonus_cap": 3}))
    assert assessment.vetoed and assessment.bonus == 3
    ws = _write(assessment, tmp_path)["考评表"]
    by_id = {c.value: c.row for c in ws["A"]}
    assert ws.cell(by_id["F1"], 4).value == "3（加分）"
    assert ws.cell(by_id["E1"], 4).value == "否决项" and ws.cell(by_id["E1"], 8).value == "—"
    assert ws.cell(by_id["E1"], 9).value == "否"
    labels = _rows_by_label(ws)
    assert ws.cell(labels["一票否决"], 4).value.startswith("是：E1 帮教对象无复吸")
    assert "加分 3" in ws.cell(labels["合计"], 5).value
    assert ws.cell(labels["合计"], 8).value == pytest.approx(assessment.total)
    assert ws.cell(labels["等级"], 4).value == "不合格"
    assert "一票否决" in ws.cell(labels["考评结论"], 4).value


def test_english_and_only_the_output_written(shiqiao, tmp_path):
    out = tmp_path / "en.xlsx"
    write_assessment(shiqiao, out, lang="en")
    assert list(tmp_path.iterdir()) == [out]  # the temporary file was renamed into place
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Assessment", "Indicators", "Gaps", "Ledger issues", "Chart"]
    assert book["Indicators"]["A1"].value == "Indicator"


def test_another_reader_reads_every_sheet(songbai, tmp_path):
    # calamine (Rust, the reader nodrug uses for ledgers) parses what openpyxl wrote: every sheet, the same cells
    from python_calamine import CalamineWorkbook

    out = tmp_path / "考评表.xlsx"
    write_assessment(songbai, out)
    other = CalamineWorkbook.from_path(str(out))
    book = openpyxl.load_workbook(out)
    assert other.sheet_names == book.sheetnames
    for name in book.sheetnames:
        rows = other.get_sheet_by_name(name).to_python()
        ws = book[name]
        first = [c.value for c in ws[1]] if ws.max_row else []
        assert rows and [v if v != "" else None for v in rows[0][:len(first)]] == first, name
