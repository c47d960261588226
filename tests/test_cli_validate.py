"""`nodrug validate` and `nodrug template` as a user runs them: output, masking, exit codes."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from builders import minimal_ledger, person_id, write_xlsx
from typer.testing import CliRunner

from nodrug_cli.cli.app import app
from nodrug_cli.cli.common import Env
from nodrug_cli.cli.validate import run
from nodrug_cli.jobs.validate import ValidateSettings, check_files
from nodrug_cli.ledger.check import to_json

runner = CliRunner()
A = person_id(1, True)
BAD = A[:17] + ("0" if A[17] != "0" else "1")


def ledger_with_errors(tmp_path):
    persons = [["王小明", BAD, "男", dt.date(1990, 5, 17), "社区戒毒", dt.date(2024, 1, 3), dt.date(2024, 1, 5), None, "是"]]
    tests = [[A, "王小明", dt.date(2026, 3, 1), "阴性"]]
    return write_xlsx(tmp_path / "松柏村.xlsx", minimal_ledger(persons=persons, tests=tests, talks=[]))


def test_clean_ledger_exits_0_with_summary(tmp_path):
    path = write_xlsx(tmp_path / "clean.xlsx", minimal_ledger())
    result = runner.invoke(app, ["validate", str(path), "--as-of", "2025-12-31"])
    assert result.exit_code == 0
    assert "0 个错误，0 个警告，共检查 4 张表 4 行" in result.output
    assert "未找到可选工作表" in result.output and "宣传活动" in result.output


def test_errors_exit_1_and_piped_text_masks_ids(tmp_path):
    path = ledger_with_errors(tmp_path)
    result = runner.invoke(app, ["validate", str(path), "--as-of", "2025-12-31"])
    assert result.exit_code == 1
    assert "错误 吸毒人员!B2 身份证号" in result.output
    assert BAD not in result.output and BAD[:6] + "********" + BAD[-4:] in result.output
    assert "1 个错误，2 个警告" in result.output
    lines = result.output.splitlines()
    assert lines.index("吸毒人员（1 行）") < lines.index("尿检记录（1 行）")  # grouped by sheet, in workbook order


def test_warnings_pass_unless_strict(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", minimal_ledger(tests=[[A, "王小明", dt.date(2026, 3, 1), "阴性"]]))
    assert runner.invoke(app, ["validate", str(path), "--as-of", "2025-12-31"]).exit_code == 0
    assert runner.invoke(app, ["validate", str(path), "--as-of", "2025-12-31", "--strict"]).exit_code == 1


def test_json_is_one_object_equal_to_the_library_call(tmp_path):
    path = ledger_with_errors(tmp_path)
    result = runner.invoke(app, ["validate", str(path), "--as-of", "2025-12-31", "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    library = to_json(check_files([path], dt.date.today(), as_of=dt.date(2025, 12, 31)))
    assert data == library
    assert data["summary"] == {"errors": 1, "warnings": 2}
    first = data["files"][0]["findings"][0]
    assert set(first) == {"code", "severity", "sheet", "row", "column", "header", "cell", "value", "message", "hint"}
    assert (first["code"], first["cell"], first["value"]) == ("id_checksum", "吸毒人员!B2", BAD[:6] + "********" + BAD[-4:])
    assert data["files"][0]["sheets"]["吸毒人员"] == {"kind": "吸毒人员", "rows": 1, "header_row": 1}


def test_english_messages(tmp_path):
    result = runner.invoke(app, ["validate", str(ledger_with_errors(tmp_path)), "--as-of", "2025-12-31", "--lang", "en"])
    assert "1 errors, 2 warnings; checked 4 sheets" in result.output
    assert "check character is wrong" in result.output


def test_terminal_output_is_a_rich_table_with_whole_values(tmp_path):
    out = io.StringIO()
    env = Env(stdout=out, stderr=io.StringIO(), is_terminal=True, today=dt.date(2026, 11, 25))
    with pytest.raises(Exception) as stop:
        run(ValidateSettings((ledger_with_errors(tmp_path),), today=env.today, as_of=dt.date(2025, 12, 31)), env)
    assert stop.value.exit_code == 1
    text = out.getvalue()
    assert BAD in text and "修改建议" in text and "1 个错误" in text


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04truncated", b"plain\x00binary"])
def test_unreadable_file_exits_2_with_one_line_naming_it(tmp_path, content):
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(content)
    result = subprocess.run([sys.executable, "-m", "nodrug_cli", "validate", str(path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr and "无法读取" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_one_unreadable_file_among_good_ones_still_reports_the_rest(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", minimal_ledger())
    missing = tmp_path / "missing.xlsx"
    result = runner.invoke(app, ["validate", str(good), str(missing), "--format", "json"])
    assert result.exit_code == 2
    files = json.loads(result.output)["files"]
    assert [f["readable"] for f in files] == [True, False]
    assert files[1]["error"] == "文件不存在"


def test_bad_as_of_option_exits_2(tmp_path):
    path = write_xlsx(tmp_path / "clean.xlsx", minimal_ledger())
    result = runner.invoke(app, ["validate", str(path), "--as-of", "去年"])
    assert result.exit_code == 2
    assert "--as-of" in result.output and "不是日期" in result.output


def test_help_and_version_do_not_import_pandas():
    code = "import sys; from nodrug_cli.cli.app import app; " \
           "sys.argv=['nodrug','--help']\ntry:\n    app()\nexcept SystemExit:\n    pass\nprint('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().endswith("False")
    version = subprocess.run([sys.executable, "-m", "nodrug_cli", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("nodrug ")


def test_template_refuses_an_existing_file_without_force(tmp_path):
    target = tmp_path / "台账.xlsx"
    assert runner.invoke(app, ["template", "-o", str(target)]).exit_code == 0
    before = target.read_bytes()
    again = runner.invoke(app, ["template", "-o", str(target)])
    assert again.exit_code == 2 and "--force" in again.output
    assert target.read_bytes() == before
    assert runner.invoke(app, ["template", "-o", str(target), "--force"]).exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["台账.xlsx"]  # no temporary file left behind


def test_usage_errors_are_told_in_chinese_with_exit_2():
    cases = [(["score"], "缺少参数 LEDGER"), (["validate", "--frmat", "json", "x.xlsx"], "没有这个选项：--frmat"),
             (["validate", "--format", "xml", "x.xlsx"], "--format 的值不对"), (["nosuch"], "没有这个命令：nosuch")]
    for args, words in cases:
        result = subprocess.run([sys.executable, "-m", "nodrug_cli", *args], capture_output=True, text=True)
        assert result.returncode == 2, args
        assert words in result.stderr and "--help" in result.stderr and "Traceback" not in result.stderr
