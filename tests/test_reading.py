"""Reading ledgers as clerks keep them: title rows, merged headers, aliases, notes, other formats."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from builders import minimal_ledger, person_id, write_csv, write_ods, write_xls, write_xlsx

from nodrug_cli.ledger.read import read_ledger
from nodrug_cli.ledger.workbook import Unreadable

TODAY = dt.date(2026, 11, 25)
A = person_id(1, True)


def codes(ledger):
    return sorted((f.code, f.cell) for f in ledger.findings)


def test_title_row_merged_title_blank_row_and_notes_below(tmp_path):
    sheets = minimal_ledger()
    sheets["尿检台账"] = [
        ["百灵社区尿检登记表（2025年）", None, None, None, None],
        [None] * 5,
        ["序号", "公民身份号码", "尿检日期", "尿检结果", "备注"],
        [1, A, "2025/3/5", "（-）", None],
        [2, A, "2025.4.5", "-", None],
        [3, A, "2025年5月5日", "阴性", None],
        [None] * 5,
        ["合计", None, None, None, None],
        ["注：本表由社区禁毒专干填写，每月5日前报镇禁毒办。", None, None, None, None],
        ["制表人：刘专干", None, None, "审核：", None],
    ]
    sheets["谈话记录"].append(["填表人：刘专干", None, "审核人：王主任", "填表日期：2025年12月31日"])
    del sheets["尿检记录"]
    path = write_xlsx(tmp_path / "l.xlsx", sheets, merged={"尿检台账": ["A1:E1"]})
    ledger = read_ledger(path, TODAY, as_of=dt.date(2025, 12, 31))
    assert codes(ledger) == []
    table = ledger.tables["尿检记录"]
    assert (table.name, table.header_row) == ("尿检台账", 3)
    frame = ledger.frames["尿检记录"]
    assert list(frame.index) == [4, 5, 6]
    assert [d.strftime("%Y-%m-%d") for d in frame["检测日期"]] == ["2025-03-05", "2025-04-05", "2025-05-05"]
    assert list(frame["检测结果"]) == ["阴性"] * 3
    assert table.columns["检测日期"].letter == "C"


def test_merged_two_row_header(tmp_path):
    sheets = minimal_ledger()
    sheets["谈话记录"] = [
        ["帮教对象", None, "谈话情况", None],
        ["身份证号", "姓名", "谈话日期", "谈话人"],
        [A, "王小明", dt.date(2025, 3, 2), "刘专干"],
    ]
    # 身份证号 written only in the merged cell A1:A2 (vertical merge), as clerks do
    sheets["谈话记录"][1][0] = None
    sheets["谈话记录"][0][0] = "身份证号"
    path = write_xlsx(tmp_path / "l.xlsx", sheets, merged={"谈话记录": ["A1:A2", "C1:D1"]})
    ledger = read_ledger(path, TODAY, as_of=dt.date(2025, 12, 31))
    assert codes(ledger) == []
    assert ledger.tables["谈话记录"].header_row == 2
    assert list(ledger.frames["谈话记录"]["身份证号"]) == [A]


def test_full_width_digits_spaces_and_star_marks_in_headers(tmp_path):
    sheets = minimal_ledger(tests=[[A, "王小明", "２０２５－０３－０１", "阴性"]])
    sheets["尿检记录"][0] = ["身份证号*", " 姓 名 ", "检测日期（必填）", "检测结果＊"]
    sheets["知晓率调查"] = [["调查日期", "人群类别", "调查人数", "知晓人数"], [dt.date(2025, 5, 1), "社区居民", "１００", "９８"]]
    ledger = read_ledger(write_xlsx(tmp_path / "l.xlsx", sheets), TODAY, as_of=dt.date(2025, 12, 31))
    assert codes(ledger) == []
    assert ledger.frames["知晓率调查"]["知晓人数"].tolist() == [98]


def test_unknown_sheet_name_is_recognised_by_its_columns(tmp_path):
    sheets = minimal_ledger()
    sheets["Sheet3"] = sheets.pop("尿检记录")
    ledger = read_ledger(write_xlsx(tmp_path / "l.xlsx", sheets), TODAY, as_of=dt.date(2025, 12, 31))
    assert ledger.tables["尿检记录"].name == "Sheet3"


def test_community_info_as_a_one_row_table(tmp_path):
    sheets = minimal_ledger()
    sheets["社区概况"] = [["社区名称", "所属镇（街道）", "常住人口", "评估年度"], ["百灵社区", "青禾镇", 3200, 2025]]
    ledger = read_ledger(write_xlsx(tmp_path / "l.xlsx", sheets), TODAY)
    assert ledger.info["社区名称"] == "百灵社区" and ledger.info["常住人口"] == 3200
    assert (ledger.year, ledger.as_of) == (2025, dt.date(2025, 12, 31))


def test_community_info_errors_point_at_the_value_cell(tmp_path):
    sheets = minimal_ledger()
    sheets["社区概况"] = [["百灵社区基本情况"], ["村（社区）名称", "百灵社区"], ["常住人口", "三千"]]
    ledger = read_ledger(write_xlsx(tmp_path / "l.xlsx", sheets), TODAY)
    assert codes(ledger) == [("int_invalid", "社区概况!B3")]


def test_period_follows_the_ledger_year_and_today(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", minimal_ledger())
    assert read_ledger(path, TODAY).as_of == dt.date(2025, 12, 31)
    assert read_ledger(path, dt.date(2025, 6, 1)).as_of == dt.date(2025, 6, 1)
    assert read_ledger(path, TODAY, year=2026).as_of == TODAY


def test_xlsm_is_read_like_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", minimal_ledger())
    macro = path.rename(tmp_path / "l.xlsm")
    assert codes(read_ledger(macro, TODAY)) == []


@pytest.mark.parametrize("writer, suffix", [(write_xls, ".xls"), (write_ods, ".ods")])
def test_legacy_and_open_formats(tmp_path, writer, suffix):
    path = writer(tmp_path / f"l{suffix}", minimal_ledger())
    ledger = read_ledger(path, TODAY)
    assert codes(ledger) == []
    assert list(ledger.frames["吸毒人员"]["身份证号"]) == [A, person_id(2, False, dt.date(1985, 1, 2))]
    assert ledger.frames["尿检记录"]["检测日期"].iloc[0] == dt.datetime(2025, 3, 1)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_single_sheet_csv_in_every_encoding_excel_writes(tmp_path, encoding):
    rows = [["公民身份号码", "检测日期", "检测结果"], [A, "2025/3/1", "阴性"], [A, "2025-04-01", "阳性"]]
    ledger = read_ledger(write_csv(tmp_path / "尿检记录.csv", rows, encoding), TODAY)
    assert list(ledger.frames["尿检记录"]["检测结果"]) == ["阴性", "阳性"]
    assert [(f.code, f.cell) for f in ledger.findings] == [("sheet_missing", None), ("sheet_missing", None)]


def test_reading_never_changes_the_file(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", minimal_ledger())
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    stat = path.stat()
    read_ledger(path, TODAY)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.xlsx"]


@pytest.mark.parametrize("content, reason", [
    (b"", "empty_file"),
    (b"this is plain text\x00\x01\x02 with binary", "not_workbook"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "html"),
])
def test_unreadable_files(tmp_path, content, reason):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(Unreadable) as caught:
        read_ledger(path, TODAY)
    assert caught.value.reason == reason


def test_truncated_zip_and_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    good = write_xlsx(tmp_path / "good.xlsx", minimal_ledger())
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(Unreadable) as caught:
        read_ledger(cut, TODAY)
    assert caught.value.reason == "truncated"
    archive = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("photo.txt", "not a workbook")
    with pytest.raises(Unreadable) as caught:
        read_ledger(archive, TODAY)
    assert caught.value.reason == "zip_not_workbook"


def test_password_protected_workbook(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(tmp_path / "plain.xlsx", minimal_ledger())
    locked = tmp_path / "locked.xlsx"
    with open(plain, "rb") as source, open(locked, "wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    with pytest.raises(Unreadable) as caught:
        read_ledger(locked, TODAY)
    assert caught.value.reason == "encrypted"
    assert "密码" in caught.value.message()


def test_empty_workbook_and_folder_and_missing_path(tmp_path):
    import openpyxl

    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    for path, reason in [(empty, "empty_workbook"), (tmp_path, "is_directory"), (tmp_path / "nope.xlsx", "not_found")]:
        with pytest.raises(Unreadable) as caught:
            read_ledger(path, TODAY)
        assert caught.value.reason == reason


def test_inflation_limit_refuses_before_reading(tmp_path):
    path = write_xlsx(tmp_path / "l.xlsx", minimal_ledger())
    with pytest.raises(Unreadable) as caught:
        read_ledger(path, TODAY, max_inflated=1000)
    assert caught.value.reason == "too_large"


# --- reading in threads -------------------------------------------------------------------------------


def _sheets_with(monkeypatch, threads, path):
    from nodrug_cli.ledger import cells, workbook

    monkeypatch.setattr(cells, "PARSE_THREADS", threads)
    return [(s.name, s.rows, s.merged, s.visible) for s in workbook.open_workbook(path)]


def test_sheets_parsed_at_once_are_the_sheets_parsed_one_by_one(tmp_path, monkeypatch):
    ledger = minimal_ledger(extra={f"附表{n}": [["序号", "说明"], [n, "x" * n]] for n in range(1, 6)})
    path = write_xlsx(tmp_path / "l.xlsx", ledger)
    one_by_one = _sheets_with(monkeypatch, 1, path)
    assert [name for name, *_ in one_by_one][-5:] == [f"附表{n}" for n in range(1, 6)]
    for threads in (2, 3, 16):
        assert _sheets_with(monkeypatch, threads, path) == one_by_one


def test_a_damaged_sheet_is_the_same_finding_whichever_thread_reads_it(tmp_path, monkeypatch):
    import zipfile

    good = write_xlsx(tmp_path / "good.xlsx", minimal_ledger())
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":  # the third sheet: a tag cut off mid-way
                data = data.replace(b"</sheetData>", b"<row r=\"99\"><c r=\"A99\" t=\"s\"><v>1</v></sheetData>")
            target.writestr(info, data)
    reasons = set()
    for threads in (1, 2, 3):
        monkeypatch.setattr("nodrug_cli.ledger.cells.PARSE_THREADS", threads)
        with pytest.raises(Unreadable) as caught:
            read_ledger(bad, TODAY)
        reasons.add(caught.value.reason)
    assert reasons == {"truncated"}


def test_opening_in_the_background_gives_what_reading_gives(tmp_path):
    from nodrug_cli.ledger.workbook import Opening, open_workbook

    path = write_xlsx(tmp_path / "l.xlsx", minimal_ledger())
    opening = Opening(path)
    assert [(s.name, s.rows) for s in opening.sheets()] == [(s.name, s.rows) for s in open_workbook(path)]
    ledger = read_ledger(path, TODAY, opening=Opening(path))
    assert codes(ledger) == codes(read_ledger(path, TODAY))
    missing = Opening(tmp_path / "无此文件.xlsx")  # the failure is raised where the sheets are asked for
    with pytest.raises(Unreadable) as caught:
        missing.sheets()
    assert caught.value.reason == "not_found"
