"""The town/district review workbook: a hand-built batch report written and read back as Excel would."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from nodrug_cli.batch import outcome as batch
from nodrug_cli.batch.outcome import KEY_INDICATORS, BatchReport, LedgerOutcome
from nodrug_cli.batch.rollup import rollup
from nodrug_cli.indicators.model import label
from nodrug_cli.ledger.read import show
from nodrug_cli.ledger.schema import ID_ALIASES
from nodrug_cli.render.summary_xlsx import write_summary
from nodrug_cli.said import Said
from nodrug_cli.standards.load import load_standard
from nodrug_cli.standards.model import Standard

SAMPLES = Path(__file__).resolve().parent.parent / "sample_ledgers"
SHEETS = ["汇总", "镇街汇总", "奖惩"]
FORMULA_NAME = '=HYPERLINK("x")'
ID_HEADERS = ("身份证号", *ID_ALIASES)
HEAD = 4  # 汇总's and 镇街汇总's header row
STANDARD = {"name": "boumei-2023", "title": "陆丰市博美镇“无毒村（社区）”创建考核（2023）",
            "source": "博委办〔2023〕15号"}


def _indicators(**overrides) -> dict:
    values = {"current_users": 3, "new_users": 0, "control_rate": 1.0, "urinalysis_rate": 0.95,
              "on_schedule_test_rate": 0.875, "help_rate": 1.0, "event_months_met": 11 / 12,
              "awareness_rate.总体": 0.92}
    values.update(overrides)
    return {k: {"value": v, "numerator": None, "denominator": None, "status": "na" if v is None else "ok"}
            for k, v in values.items()}


def _outcomes() -> list[LedgerOutcome]:
    common = dict(year=2025, as_of="2025-12-31", errors=0, warnings=1)
    return [
        LedgerOutcome(path="/data/坏文件.xlsx", status="unreadable", reason=Said("batch.reason.unreadable", reason="not_workbook", detail="")),
        LedgerOutcome(path="/data/东城/石桥村.xlsx", status="ok", community="石桥村", town="东城街道", total=92.5,
                      grade="优秀", grade_passed=True, passed=True, drug_free=True, vetoed=False,
                      indicators=_indicators(), **common),
        LedgerOutcome(path="/data/东城/x.xlsx", status="ok", community=FORMULA_NAME, town="东城街道", total=75,
                      grade="合格", grade_passed=True, passed=False, drug_free=False, vetoed=False,
                      failed_criteria=["2 帮教率100%", "7 每月开展四次以上宣传"],
                      indicators=_indicators(help_rate=0.8, on_schedule_test_rate=None), **common),
        LedgerOutcome(path="/data/西山/松柏村.xlsx", status="invalid", reason=Said("batch.reason.errors", count=3), community="松柏村",
                      town="西山镇", year=2025, as_of="2025-12-31", total=55, grade="不合格", grade_passed=False,
                      passed=False, drug_free=False, vetoed=False, failed_criteria=["3 底数清"], errors=3,
                      warnings=2, indicators=_indicators()),
        LedgerOutcome(path="/data/西山/清溪村.xlsx", status="ok", community="清溪村", town="西山镇", total=88,
                      grade="合格", grade_passed=True, passed=True, drug_free=True, vetoed=False,
                      indicators=_indicators(current_users=0), **common),
    ]


SANCTIONS = [
    {"community": "石桥村", "town": "东城街道", "year": 2025, "action": "授牌"},
    {"community": FORMULA_NAME, "town": "东城街道", "year": 2025, "action": "黄牌警告"},
    {"community": "松柏村", "town": "西山镇", "year": 2025, "action": "收回授牌"},
    {"community": "清溪村", "town": "西山镇", "year": 2025, "action": "保持"},
]


def _standard(targets: dict) -> Standard:
    """boumei-2023 with these roll-up targets."""
    return Standard.model_validate({**load_standard("boumei-2023").model_dump(), "targets": targets})


def _rolled(outcomes, targets: dict, year: int = 2025):
    from nodrug_cli.batch.rollup import rank_ledgers

    outcomes = batch.sorted_outcomes(outcomes)
    rank_ledgers(outcomes)
    return (outcomes, *rollup(outcomes, _standard(targets), year))


def _report(targets=None, standard=STANDARD, review=True) -> BatchReport:
    outcomes, towns, overall = _rolled(_outcomes(), targets if targets is not None else
                                       {"drug_free_rate": {2025: 0.5}, "pass_rate": {2025: 0.9}})
    return BatchReport(2025, standard, outcomes, towns, overall, SANCTIONS, review)


def _write(report: BatchReport, tmp_path: Path, name: str = "汇总.xlsx", **kwargs) -> openpyxl.Workbook:
    out = tmp_path / name
    write_summary(report, out, **kwargs)
    return openpyxl.load_workbook(out)


def _row(ws, row: int) -> list:
    return [c.value for c in ws[row]]


def _header(ws, row: int = HEAD) -> dict[str, int]:
    """Header text → column; long headers carry a line break where a reader would break them."""
    return {c.value.replace("\n", ""): c.column for c in ws[row] if c.value is not None}


def test_ledger_rows_in_the_report_order(tmp_path):
    report = _report()
    book = _write(report, tmp_path)
    assert book.sheetnames == SHEETS
    ws = book["汇总"]
    assert ws["A1"].value == "2025 年度“无毒村（社区）”创建考评汇总"
    assert STANDARD["title"] in ws["A2"].value and STANDARD["source"] in ws["A2"].value
    assert ws["A3"].value.split("\n") == ["共 5 个台账：正常 3 个，台账有错误 1 个，无法读取 1 个；无毒村（社区） 2 个",
                                         "排名：镇（街道）内按得分排名，同分同名次（如 1、2、2、4）；无毒：考评通过且无毒。"]
    head = _header(ws)
    assert list(head) == ["序号", "镇（街道）", "村（社区）", "文件", "状态", "得分", "排名", "等级", "无毒", "未达标准则",
                          "错误数", "警告数", *(label(k) for k in KEY_INDICATORS), "原因"]
    assert ws.max_row == HEAD + 5
    rows = [_row(ws, r) for r in range(HEAD + 1, ws.max_row + 1)]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert [r[head["文件"] - 1] for r in rows] == [o.path for o in report.outcomes]
    assert [r[head["村（社区）"] - 1] for r in rows] == ["石桥村", FORMULA_NAME, "清溪村", "松柏村", None]
    assert [r[head["状态"] - 1] for r in rows] == ["正常", "正常", "正常", "台账有错误", "无法读取"]
    assert [r[head["得分"] - 1] for r in rows] == [92.5, 75, 88, 55, None]
    # competition ranks within each town; the unreadable file has none
    assert [r[head["排名"] - 1] for r in rows] == [1, 2, 1, 2, None]
    assert [r[head["无毒"] - 1] for r in rows] == ["是", "否", "是", "否", None]
    assert rows[1][head["未达标准则"] - 1] == "2 帮教率100%\n7 每月开展四次以上宣传"
    assert [r[head["原因"] - 1] for r in rows] == [None, None, None, "台账有 3 个错误", "不是 Excel/WPS 工作簿（应为 .xlsx、.xls、.xlsm、.ods 或 .csv）"]
    assert [r[head["错误数"] - 1] for r in rows] == [0, 0, 0, 3, None]


def test_key_indicators_as_numbers_with_formats(tmp_path):
    ws = _write(_report(), tmp_path)["汇总"]
    head = _header(ws)
    first = HEAD + 1
    rate = ws.cell(first, head["按期检测率"])
    assert rate.value == 0.875 and rate.number_format == "0.0%"
    count = ws.cell(first, head["现有吸毒人员"])
    assert count.value == 3 and count.data_type == "n" and count.number_format == "0"
    assert ws.cell(first, head["知晓率（总体）"]).value == pytest.approx(0.92)
    assert ws.cell(first + 1, head["按期检测率"]).value == "—"  # not applicable, never 0 %
    # the ledger with errors is scored, so its indicators are shown; the unreadable file has none
    assert ws.cell(HEAD + 4, head["现有吸毒人员"]).value == 3
    assert all(ws.cell(HEAD + 5, head[label(k)]).value is None for k in KEY_INDICATORS)


def test_town_rows_and_targets(tmp_path):
    report = _report()
    ws = _write(report, tmp_path)["镇街汇总"]
    assert list(_header(ws)) == ["排名", "镇（街道）", "参评村（社区）数", "通过数", "社区合格率", "无毒村（社区）数", "无毒率",
                                 "目标（无毒率）", "是否达到目标", "镇街得分", "镇街等级", "挂牌重点整治"]
    rows = [_row(ws, r)[:12] for r in range(HEAD + 1, HEAD + 4)]
    towns = {t.town: t for t in report.towns}
    # 东城街道: 石桥村 passed and 无毒, the other failed its verdict; 西山镇: 清溪村 passed, 松柏村 (errors) did not
    assert [r[1:9] for r in rows] == [
        ["东城街道", 2, 1, 0.5, 1, 0.5, 0.5, "是"],  # 50 % meets a 50 % target (达到 … 以上: ≥)
        ["西山镇", 2, 1, 0.5, 1, 0.5, 0.5, "是"],
        ["合计", 4, 2, 0.5, 2, 0.5, 0.5, "是"],
    ]
    assert [r[9:11] for r in rows[:2]] == [[towns[t].total, towns[t].grade] for t in ("东城街道", "西山镇")]
    assert rows[2][9:] == [None, None, None] and rows[2][0] is None
    assert ws.cell(HEAD + 1, 5).number_format == "0.0%" and ws.cell(HEAD + 1, 8).number_format == "0.0%"
    assert ws.cell(HEAD + 3, 2).font.b
    assert not ws.cell(HEAD + 1, 2).font.b
    # the county below: 乡镇考核总合格率 against the pass-rate target; never the towns' 社区合格率
    county = {ws.cell(r, 1).value: _row(ws, r)[1:4] for r in range(HEAD + 4, ws.max_row + 1) if ws.cell(r, 1).value}
    passed = sum(1 for t in report.towns if t.grade_passed)
    assert county[f"乡镇考核总合格率（{passed}/2 个镇街等级合格及以上）"] == [passed / 2, "达到 90%", "否"]
    assert county["无毒村（社区）"] == [0.5, "达到 50%", "是"]


def test_no_target_is_a_dash_and_a_single_series(tmp_path):
    book = _write(_report(targets={}), tmp_path)
    ws = book["镇街汇总"]
    assert [ws.cell(r, 8).value for r in range(HEAD + 1, HEAD + 4)] == ["—"] * 3
    assert [ws.cell(r, 9).value for r in range(HEAD + 1, HEAD + 4)] == ["—"] * 3
    assert [len(c.series) for c in ws._charts] == [1, 1]  # 无毒率 and 社区合格率, neither with a target


def test_bar_charts_of_the_rates_with_targets(tmp_path):
    out = tmp_path / "汇总.xlsx"
    write_summary(_report(), out)
    with zipfile.ZipFile(out) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = z.read(charts[0]).decode()
    assert len(charts) == 2  # 无毒率 with its target, and 社区合格率 (compared with no target)
    assert "barChart" in xml and "'镇街汇总'!$G$5:$G$6" in xml and "'镇街汇总'!$H$5:$H$6" in xml
    assert "'镇街汇总'!$B$5:$B$6" in xml  # the towns, not the total
    ws = openpyxl.load_workbook(out)["镇街汇总"]
    assert [len(c.series) for c in ws._charts] == [2, 1]


def test_flagged_town_and_other_unit_types_as_no_data(tmp_path):
    """zhongkai-2015 in 2019: 无毒村 ≥ 95 %; a town below it is flagged 挂牌重点整治 (seed 003), and the targets for
    无毒镇, 机关单位/学校, 企业/场所 are listed as 无数据, not dropped."""
    outcomes = batch.sorted_outcomes([replace(o, year=2019) for o in _outcomes()])
    towns, overall = rollup(outcomes, load_standard("zhongkai-2015"), 2019)
    ws = _write(BatchReport(2019, STANDARD, outcomes, towns, overall, []), tmp_path)["镇街汇总"]
    assert [ws.cell(r, 12).value for r in (HEAD + 1, HEAD + 2)] == ["挂牌重点整治", "挂牌重点整治"]  # 50 % < 95 %
    county = {ws.cell(r, 1).value: _row(ws, r)[1:4] for r in range(HEAD + 4, ws.max_row + 1) if ws.cell(r, 1).value}
    assert county["无毒镇（街道、园区）"] == ["无数据", "达到 80%", "无数据"]
    assert county["无毒机关单位、学校"] == ["无数据", "达到 100%", "无数据"]
    assert county["无毒企业、场所"] == ["无数据", "达到 100%", "无数据"]
    assert [o["label"] for o in overall.other_targets] == ["无毒镇（街道、园区）", "无毒机关单位、学校", "无毒企业、场所"]
    # 2016: targets but no 挂牌 sentence for that year
    towns, _ = rollup(outcomes, load_standard("zhongkai-2015"), 2016)
    assert [t.flag for t in towns] == [None, None] and [t.drug_free_met for t in towns] == [False, False]


def test_sanctions_and_ladder_note(tmp_path):
    seed002 = load_standard("boumei-2023").sanctions.model_dump()
    ws = _write(_report(standard={**STANDARD, "sanctions": seed002}), tmp_path)["奖惩"]
    # the ladder in the seed's own words, from the standard's YAML
    assert "黄牌警告" in ws["A2"].value and "收回原授牌" in ws["A2"].value and "第二次" in ws["A2"].value
    assert _row(ws, 3) == ["镇（街道）", "村（社区）", "年度", "处理", "问责"]
    assert [_row(ws, r) for r in range(4, ws.max_row + 1)] == [
        [s["town"], s["community"], s["year"], s["action"], s.get("accountability")] for s in SANCTIONS]
    seed003 = load_standard("zhongkai-2015").sanctions.model_dump()
    ws = _write(_report(standard={**STANDARD, "sanctions": seed003}), tmp_path, "b.xlsx")["奖惩"]
    assert "复评" in ws["A2"].value and "抽查不合格" in ws["A2"].value and "黄牌" not in ws["A2"].value
    none = _write(_report(standard={**STANDARD, "sanctions": {"rules": []}}), tmp_path, "c.xlsx")["奖惩"]
    assert none["A2"].value == "本考核标准没有授牌、黄牌、摘牌等奖惩规则。"


def test_interim_sanctions_are_marked_provisional(tmp_path):
    report = _report(standard={**STANDARD, "sanctions": load_standard("boumei-2023").sanctions.model_dump()},
                     review=False)
    report.sanctions = [{**s, "provisional": True} for s in SANCTIONS]
    ws = _write(report, tmp_path)["奖惩"]
    assert "期中检查" in ws["A2"].value and "暂定" in ws["A2"].value
    assert [ws.cell(r, 4).value for r in range(4, ws.max_row + 1)] == [f"{s['action']}（暂定）" for s in SANCTIONS]


def test_ledger_text_is_never_a_formula(tmp_path):
    out = tmp_path / "汇总.xlsx"
    weird = _outcomes()
    weird[3].town, weird[3].failed_criteria = "+西山镇", ["-3 底数清"]
    weird[0].path = "=1+1.xlsx"
    outcomes, towns, overall = _rolled(weird, {})
    write_summary(BatchReport(2025, STANDARD, outcomes, towns, overall, SANCTIONS), out)
    book = openpyxl.load_workbook(out)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value: c.data_type for c in cells if isinstance(c.value, str)}
    for value in (FORMULA_NAME, "+西山镇", "-3 底数清", "=1+1.xlsx"):
        assert texts[value] == "s"
    with zipfile.ZipFile(out) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))


def test_print_setup_freeze_and_filter(tmp_path):
    book = _write(_report(), tmp_path)
    ws = book["汇总"]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$4:$4"
    assert ws.freeze_panes == "D5"
    last = openpyxl.utils.get_column_letter(len(_header(ws)))
    assert ws.auto_filter.ref == f"A4:{last}9"
    assert ws.column_dimensions["D"].width > ws.column_dimensions["A"].width
    for name in ("镇街汇总", "奖惩"):
        other = book[name]
        assert int(other.page_setup.paperSize) == 9 and other.page_setup.fitToWidth == 1
        assert other.print_title_rows and other.freeze_panes


def test_english(tmp_path):
    book = _write(_report(), tmp_path, lang="en")
    assert book.sheetnames == ["Summary", "Towns", "Sanctions"]
    ws = book["Summary"]
    head = _header(ws)
    assert "Status" in head and label("control_rate", "en") in head and "Reason" in head
    assert ws.cell(HEAD + 1, head["Status"]).value == "ok"
    assert ws.cell(HEAD + 5, head["Status"]).value == "unreadable"
    towns = book["Towns"]
    assert towns.cell(HEAD + 3, 2).value == "Total" and towns.cell(HEAD, 1).value == "Rank"
    assert book["Sanctions"].cell(5, 4).value == "yellow-card warning"


def _registry_people(path: Path) -> tuple[set[str], set[str]]:
    """Every ID and name in a sample's 吸毒人员 sheet, read straight from the file."""
    book = openpyxl.load_workbook(path, read_only=True)
    for ws in book.worksheets:  # the sheet's name varies between samples (吸毒人员, 吸毒人员登记表)
        rows = list(ws.iter_rows(values_only=True))
        header = next((i for i, r in enumerate(rows) if "姓名" in r and set(r) & set(ID_HEADERS)), None)
        if header is not None:
            break
    id_col = next(rows[header].index(h) for h in ID_HEADERS if h in rows[header])
    name_col = rows[header].index("姓名")
    ids = {str(show(r[id_col])).strip() for r in rows[header + 1:] if r[id_col] is not None}
    names = {str(r[name_col]).strip() for r in rows[header + 1:] if r[name_col]}
    return {i for i in ids if len(i) >= 15}, names


def test_no_personal_data_from_real_ledgers(tmp_path):
    paths = sorted(SAMPLES.glob("*.xlsx"))
    outcomes = batch.sorted_outcomes(batch.score_all(paths, "boumei-2023", dt.date(2026, 11, 25),
                                                     dt.date(2025, 12, 31), None, 1))
    towns, overall = rollup(outcomes, _standard({"drug_free_rate": {2025: 0.5}}), 2025)
    out = tmp_path / "汇总.xlsx"
    write_summary(BatchReport(2025, STANDARD, outcomes, towns, overall, []), out)
    book = openpyxl.load_workbook(out)
    texts = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    joined = "\n".join(texts)
    assert not re.search(r"\d{6}(\*{8}|\d{8})\d{3}[\dXx]", joined)  # no ID, not even a masked one
    assert "姓名" not in joined and "身份证" not in joined
    people = [_registry_people(path) for path in paths]
    ids = set().union(*(i for i, _ in people))
    names = set().union(*(n for _, n in people))
    assert len(ids) > 50 and len(names) > 50  # 清溪村 registers nobody; the others do
    assert not [i for i in ids if i in joined]
    assert not [n for n in names if n in texts or (len(n) >= 3 and n in joined)]
    summary = book["汇总"]
    assert summary.max_row == HEAD + len(paths)
    criteria = {summary.cell(r, 3).value: summary.cell(r, 10).value for r in range(HEAD + 1, summary.max_row + 1)}
    # each criterion by its number and first clause, one a line; the full words are on the 考评表
    assert criteria["石桥村"].split("\n") == ["1 无失管失控吸毒人员", "2 帮教率100%", "4 层层签订禁毒责任状",
                                              "5 常住人口中无新吸毒人员滋生", "7 每月开展四次以上毒品预防集中宣传教育活动",
                                              "9 按照禁毒网格化管理标准规划建设"]
    assert criteria["清溪村"] is None
    assert book["镇街汇总"].cell(HEAD + 1, 2).value == "青禾镇"


def test_nothing_readable_and_no_sanctions(tmp_path):
    outcomes = [LedgerOutcome(path="a.xlsx", status="unreadable", reason=Said("batch.reason.unreadable", reason="encrypted", detail=""))]
    towns, overall = rollup(outcomes, _standard({"drug_free_rate": {2025: 0.5}}), 2025)
    book = _write(BatchReport(2025, {}, outcomes, towns, overall, []), tmp_path)
    assert book["汇总"].cell(HEAD + 1, 5).value == "无法读取"
    ws = book["镇街汇总"]
    assert _row(ws, HEAD + 1)[:9] == [None, "合计", 0, 0, "—", 0, "—", 0.5, "—"]
    assert "没有可计入的台账" in [ws.cell(r, 1).value for r in range(HEAD + 2, ws.max_row + 1)] and not ws._charts
    assert book["奖惩"].cell(4, 1).value == "本次没有奖惩记录"


def test_replaces_an_existing_file_and_leaves_no_temporary(tmp_path):
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"old")
    write_summary(_report(), out)
    assert openpyxl.load_workbook(out).sheetnames == SHEETS
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]


def test_another_reader_reads_every_sheet(tmp_path):
    # calamine (Rust, the reader nodrug uses for ledgers) parses what openpyxl wrote: every sheet, the same header
    from python_calamine import CalamineWorkbook

    out = tmp_path / "summary.xlsx"
    write_summary(_report(), out)
    other = CalamineWorkbook.from_path(str(out))
    book = openpyxl.load_workbook(out)
    assert other.sheet_names == book.sheetnames == SHEETS
    for name in book.sheetnames:
        rows = other.get_sheet_by_name(name).to_python()
        first = [c.value for c in book[name][1]]
        assert rows and [v if v != "" else None for v in rows[0][:len(first)]] == first, name
