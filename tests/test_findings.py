"""Every finding of the foundation issue, each shown on a real workbook written in the test."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import minimal_ledger, person_id, write_xlsx

from nodrug_cli.ledger.read import read_ledger

TODAY = dt.date(2026, 11, 25)
A = person_id(1, True)
B = person_id(2, False, dt.date(1985, 1, 2))


def found(tmp_path, sheets, as_of=dt.date(2025, 12, 31), **kw):
    path = write_xlsx(tmp_path / "ledger.xlsx", sheets, **kw)
    ledger = read_ledger(path, TODAY, as_of=as_of)
    return sorted((f.code, f.cell) for f in ledger.findings), ledger


def person(name="王小明", ident=A, sex="男", born=dt.date(1990, 5, 17), status="社区戒毒",
           registered=dt.date(2024, 1, 3), start=dt.date(2024, 1, 5), signed=dt.date(2024, 1, 10), group="是"):
    return [name, ident, sex, born, status, registered, start, signed, group]


def test_clean_ledger_has_no_findings(tmp_path):
    assert found(tmp_path, minimal_ledger())[0] == []


def test_missing_required_sheet(tmp_path):
    sheets = minimal_ledger()
    del sheets["吸毒人员"]
    codes, ledger = found(tmp_path, sheets)
    assert ("sheet_missing", None) in codes
    assert "吸毒人员" not in ledger.tables


def test_missing_required_column_names_the_header_row(tmp_path):
    sheets = minimal_ledger()
    sheets["尿检记录"] = [["身份证号", "姓名", "检测日期"], [A, "王小明", dt.date(2025, 3, 1)]]
    codes, ledger = found(tmp_path, sheets)
    assert codes == [("column_missing", None)]
    f = ledger.findings[0]
    assert (f.sheet, f.row, f.header) == ("尿检记录", 1, "检测结果")


def test_unparseable_date_is_an_error_not_a_guess(tmp_path):
    sheets = minimal_ledger(tests=[[A, "王小明", "3/1/2025", "阴性"], [A, "王小明", "2025-02-30", "阴性"]])
    codes, ledger = found(tmp_path, sheets)
    assert codes == [("date_invalid", "尿检记录!C2"), ("date_invalid", "尿检记录!C3")]
    assert ledger.findings[0].severity == "error"
    assert ledger.skipped_rows == 2


def test_date_after_as_of_is_a_warning(tmp_path):
    sheets = minimal_ledger(tests=[[A, "王小明", dt.date(2026, 1, 2), "阴性"]])
    codes, ledger = found(tmp_path, sheets)
    assert codes == [("date_future", "尿检记录!C2")]
    assert ledger.findings[0].severity == "warning"
    assert "2025-12-31" in ledger.findings[0].message()


@pytest.mark.parametrize("ident, code", [
    (A[:17], "id_length"),
    (A[:8] + "A" + A[9:], "id_chars"),
    (A[:17] + ("0" if A[17] != "0" else "1"), "id_checksum"),
])
def test_invalid_ids(tmp_path, ident, code):
    codes, ledger = found(tmp_path, minimal_ledger(persons=[person(ident=ident)], tests=[], talks=[]))
    assert codes == [(code, "吸毒人员!B2")]
    assert ledger.findings[0].severity == "error"


def test_checksum_message_names_the_right_check_character(tmp_path):
    wrong = A[:17] + ("0" if A[17] != "0" else "1")
    _, ledger = found(tmp_path, minimal_ledger(persons=[person(ident=wrong)], tests=[], talks=[]))
    assert f"末位应为 {A[17]}" in ledger.findings[0].message()


def test_id_stored_as_number_is_its_own_error(tmp_path):
    numeric = int(A[:17] + "1")  # what Excel keeps of a typed ID: a number
    codes, ledger = found(tmp_path, minimal_ledger(persons=[person(ident=numeric)], tests=[], talks=[]))
    assert codes[0] == ("id_numeric", "吸毒人员!B2")
    assert all(c[1] != "吸毒人员!B2" or c[0] == "id_numeric" for c in codes)  # not also reported as a checksum error
    assert "文本" in ledger.findings[0].hint()


def test_duplicate_id_names_the_first_row(tmp_path):
    codes, ledger = found(tmp_path, minimal_ledger(persons=[person(), person(name="王晓明")], tests=[], talks=[]))
    assert codes == [("id_duplicate", "吸毒人员!B3")]
    assert "第 2 行" in ledger.findings[0].message()


def test_sex_and_birth_disagreeing_with_the_id(tmp_path):
    sheets = minimal_ledger(persons=[person(sex="女", born=dt.date(1990, 5, 18))], tests=[], talks=[])
    codes, ledger = found(tmp_path, sheets)
    assert codes == [("birth_mismatch", "吸毒人员!D2"), ("sex_mismatch", "吸毒人员!C2")]
    assert {f.severity for f in ledger.findings} == {"warning"}
    assert any("1990-05-17" in f.message() for f in ledger.findings)


def test_unknown_status_lists_the_allowed_values(tmp_path):
    codes, ledger = found(tmp_path, minimal_ledger(persons=[person(status="戒毒中")], tests=[], talks=[]))
    assert codes == [("enum_invalid", "吸毒人员!E2")]
    assert "社区康复" in ledger.findings[0].hint() and "下落不明" in ledger.findings[0].hint()


def test_status_synonyms_are_accepted(tmp_path):
    rows = [person(status="强戒", start=None, signed=None), person(ident=B, sex="女", born=dt.date(1985, 1, 2), status="社戒")]
    codes, ledger = found(tmp_path, minimal_ledger(persons=rows, tests=[], talks=[]))
    assert codes == []
    assert list(ledger.frames["吸毒人员"]["人员状态"]) == ["强制隔离戒毒", "社区戒毒"]


def test_required_cell_empty(tmp_path):
    codes, _ = found(tmp_path, minimal_ledger(persons=[person(registered=None)], tests=[], talks=[]))
    assert codes == [("required_empty", "吸毒人员!F2")]


def test_measure_start_required_for_supervised_persons(tmp_path):
    codes, _ = found(tmp_path, minimal_ledger(persons=[person(status="社区康复", start=None)], tests=[], talks=[]))
    assert codes == [("measure_date_missing", "吸毒人员!G2")]


def test_aware_count_above_surveyed_and_negative_counts(tmp_path):
    extra = {
        "知晓率调查": [["调查日期", "人群类别", "调查人数", "知晓人数"], [dt.date(2025, 5, 1), "社区居民", 50, 51],
                   [dt.date(2025, 5, 1), "中小学生", 50, 49]],
        "宣传活动": [["活动日期", "活动名称", "参与人数", "发放资料（份）"], [dt.date(2025, 5, 2), "禁毒讲座", -3, 20]],
    }
    codes, ledger = found(tmp_path, minimal_ledger(extra=extra))
    assert codes == [("aware_exceeds_surveyed", "知晓率调查!D2"), ("count_negative", "宣传活动!C2")]
    aware = next(f for f in ledger.findings if f.code == "aware_exceeds_surveyed")
    assert "51" in aware.message() and "50" in aware.message()


def test_orphan_test_and_talk_records(tmp_path):
    stranger = person_id(55)
    sheets = minimal_ledger(tests=[[stranger, "陌生人", dt.date(2025, 3, 1), "阴性"]],
                            talks=[[stranger, "陌生人", dt.date(2025, 3, 1), "刘专干"]])
    codes, ledger = found(tmp_path, sheets)
    assert codes == [("orphan_record", "尿检记录!A2"), ("orphan_record", "谈话记录!A2")]
    assert {f.severity for f in ledger.findings} == {"warning"}


def test_test_before_registration(tmp_path):
    codes, ledger = found(tmp_path, minimal_ledger(tests=[[A, "王小明", dt.date(2023, 12, 30), "阴性"]]))
    assert codes == [("record_before_registration", "尿检记录!C2")]
    assert "2024-01-03" in ledger.findings[0].message()


def test_duplicate_test_rows(tmp_path):
    tests = [[A, "王小明", dt.date(2025, 3, 1), "阴性"], [A, "王小明", dt.date(2025, 3, 1), "-"],
             [A, "王小明", dt.date(2025, 4, 1), "阴性"]]
    codes, ledger = found(tmp_path, minimal_ledger(tests=tests))
    assert codes == [("test_duplicate", "尿检记录!C3")]
    assert "第 2 行" in ledger.findings[0].message()


def test_sentence_and_missing_person_without_dates_are_warned(tmp_path):
    rows = [person(status="服刑", start=None, signed=None), person(ident=B, sex="女", born=dt.date(1985, 1, 2), status="下落不明",
                                                               start=None, signed=None)]
    codes, _ = found(tmp_path, minimal_ledger(persons=rows, tests=[], talks=[]))
    # the sheet has neither 刑期 nor 状态起始日期: the findings point at the status cells
    assert codes == [("missing_since_unknown", "吸毒人员!E3"), ("sentence_missing", "吸毒人员!E2")]


def test_rows_with_errors_are_left_out_of_clean_frames(tmp_path):
    rows = [person(), person(ident=B[:17], sex="女", born=dt.date(1985, 1, 2))]
    _, ledger = found(tmp_path, minimal_ledger(persons=rows))
    assert len(ledger.frame("吸毒人员", clean=False)) == 2
    assert list(ledger.frame("吸毒人员")["姓名"]) == ["王小明"]
    assert ledger.skipped_rows == 0  # 吸毒人员 rows with errors are not left out: they stay in the person sets


def test_a_persons_registration_after_as_of_is_warned(tmp_path):
    codes, _ = found(tmp_path, minimal_ledger(persons=[person(registered=dt.date(2026, 2, 1), start=dt.date(2026, 2, 1),
                                                              signed=dt.date(2026, 2, 3))], tests=[], talks=[]))
    assert codes == [("date_future", "吸毒人员!F2"), ("date_future", "吸毒人员!G2"), ("date_future", "吸毒人员!H2")]


def test_header_row_of_finding_uses_the_workbook_header(tmp_path):
    sheets = minimal_ledger()
    sheets["尿检台账"] = [["公民身份号码", "尿检日期", "尿检结果"], [A, "2025年13月1日", "阴性"]]
    del sheets["尿检记录"]
    codes, ledger = found(tmp_path, sheets)
    assert codes == [("date_invalid", "尿检台账!B2")]
    assert ledger.findings[0].header == "尿检日期"
