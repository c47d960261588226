"""Paths and options a user mistypes, and what nodrug shows where a value is missing.

- a text file under a workbook's name is "not an Excel workbook" (exit 2), never read as CSV;
- `-o` refuses a name whose extension does not match what is written (exit 2), for every command that writes;
- a read-only `--db` must exist and is never created; `history` of an unknown community exits 1;
- `--year` outside 2000–2100 is refused (exit 2; the wording is tested in test_zh.py);
- "—", never "None", in the assessment workbook; progress on stderr whenever stderr is a terminal.
"""

from __future__ import annotations

import datetime as dt
import os
import pty
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from builders import minimal_ledger, write_xlsx
from test_batch import QINGHE, passing
from typer.testing import CliRunner

from nodrug_cli.cli.app import app
from nodrug_cli.history.store import History

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
CSV_TEXT = "姓名,身份证号,人员状态\n王小明,990101199005170011,社区戒毒\n"


@pytest.fixture(autouse=True)
def _no_user_database(tmp_path, monkeypatch):
    monkeypatch.setenv("NODRUG_DB", str(tmp_path / "env-default.sqlite"))


def invoke(*args):
    return runner.invoke(app, [*map(str, args)])


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm", ".xls", ".ods"])
@pytest.mark.parametrize("command", ["validate", "score"])
def test_text_named_like_a_workbook_is_not_a_workbook(tmp_path, command, suffix):
    path = tmp_path / f"导出{suffix}"
    path.write_text(CSV_TEXT, encoding="utf-8")
    result = invoke(command, path, "--as-of", "2025-12-31")
    assert result.exit_code == 2, result.output
    assert f"无法读取 {path}：不是 Excel 工作簿" in result.stderr
    assert "扩展名改为 .csv" in result.stderr
    renamed = tmp_path / "导出.csv"
    path.rename(renamed)
    assert invoke("validate", renamed, "--as-of", "2025-12-31").exit_code == 1  # read as CSV: 社区概况 is missing


def test_text_named_like_a_workbook_is_a_row_in_batch(tmp_path):
    root = tmp_path / "台账"
    root.mkdir()
    passing(root / "甲村.xlsx", "甲村", QINGHE)
    (root / "导出.xlsx").write_text(CSV_TEXT, encoding="utf-8")
    result = invoke("batch", root, "--jobs", 1, "--as-of", "2025-12-31", "--format", "json", "--no-history")
    assert result.exit_code == 1
    assert "不是 Excel 工作簿" in result.stdout


@pytest.fixture
def ledger(tmp_path) -> Path:
    return passing(tmp_path / "甲村.xlsx", "甲村", QINGHE)


@pytest.mark.parametrize("args, name", [
    (("score", "{ledger}"), "考评表.xls"), (("score", "{ledger}"), "考评表.csv"), (("score", "{ledger}"), "考评表"),
    (("batch", "{ledger}", "--no-history"), "汇总.xls"), (("template",), "模板.csv"), (("template",), "模板.xlsm"),
    (("sample",), "抽查名单.txt"), (("remind", "{ledger}", "--format", "ics"), "提醒.txt"),
    (("remind", "{ledger}", "--format", "csv"), "提醒.xlsx"), (("remind", "{ledger}"), "提醒.ics"),
])
def test_output_with_the_wrong_extension_is_refused(tmp_path, ledger, args, name):
    out = tmp_path / name
    result = invoke(*[a.format(ledger=ledger) for a in args], "-o", out)
    assert result.exit_code == 2, result.output
    assert f"输出文件 {out} 的扩展名不对" in result.stderr
    assert not out.exists() and list(tmp_path.glob(".nodrug-*")) == []


@pytest.mark.parametrize("args, name", [
    (("score", "{ledger}", "--as-of", "2025-12-31"), "考评表.XLSX"), (("template",), "模板.xlsx"),
    (("remind", "{ledger}", "--format", "ics", "--as-of", "2025-12-31"), "提醒.ics"),
    (("remind", "{ledger}", "--as-of", "2025-12-31"), "提醒.txt"),
])
def test_output_with_the_right_extension_is_written(tmp_path, ledger, args, name):
    out = tmp_path / name
    result = invoke(*[a.format(ledger=ledger) for a in args], "-o", out)
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_read_only_db_must_exist(tmp_path, ledger):
    missing = tmp_path / "别处" / "h.sqlite"
    for args in (("history", "--db", missing), ("score", ledger, "--db", missing, "--as-of", "2025-12-31")):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert f"历史数据库 {missing} 不存在" in result.stderr
        assert not missing.parent.exists()
    default = Path(os.environ["NODRUG_DB"])
    assert invoke("history").exit_code == 2 and not default.exists()  # NODRUG_DB is read the same way
    made = tmp_path / "new.sqlite"
    recorded = invoke("score", ledger, "--db", made, "--record", "--as-of", "2025-12-31")
    assert recorded.exit_code == 0 and made.exists()  # --record writes: the database is made


def test_history_of_an_unknown_community_exits_1(tmp_path, ledger):
    db = tmp_path / "h.sqlite"
    assert invoke("score", ledger, "--db", db, "--record", "--as-of", "2025-12-31").exit_code == 0
    known = invoke("history", "甲村", "--db", db)
    assert known.exit_code == 0 and "甲村" in known.stdout
    unknown = invoke("history", "不存在村", "--db", db)
    assert unknown.exit_code == 1
    assert "没有“不存在村”的考评记录" in unknown.stderr
    everyone = invoke("history", "--db", db)
    assert everyone.exit_code == 0
    with History(db) as history:
        assert [r.community for r in history.assessments()] == ["甲村"]


@pytest.mark.parametrize("args", [("score", "{ledger}"), ("batch", "{ledger}", "--no-history"), ("sample",)])
@pytest.mark.parametrize("year", ["1900", "2101"])
def test_year_out_of_range_is_refused(tmp_path, ledger, args, year):
    result = invoke(*[a.format(ledger=ledger) for a in args], "--year", year)
    assert result.exit_code == 2


def test_no_none_in_the_assessment_workbook(tmp_path):
    """A community with no new users last year: the change against last year has no percentage."""
    sheets = minimal_ledger()
    sheets["吸毒人员"][1][5] = dt.date(2023, 1, 3)  # nobody registered in 2024 (nor in 2025)
    path = write_xlsx(tmp_path / "甲村.xlsx", sheets)
    out = tmp_path / "考评表.xlsx"
    result = invoke("score", path, "--as-of", "2025-12-31", "-o", out)
    assert result.exit_code in (0, 1), result.output
    texts = [(ws.title, c.coordinate, c.value) for ws in openpyxl.load_workbook(out) for row in ws.iter_rows()
             for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if "None" in t[2]], [t for t in texts if "None" in t[2]]
    change = [v for title, _, v in texts if title == "指标" and "同比变化" in v]
    assert change and all("同比变化 —" in v for v in change), change


def test_sample_ledgers_show_no_none(tmp_path):
    for ledger in sorted((ROOT / "sample_ledgers").glob("*.xlsx")):
        out = tmp_path / f"{ledger.stem}-考评表.xlsx"
        result = invoke("score", ledger, "--as-of", "2025-12-31", "-o", out, "--format", "md")
        assert "None" not in result.stdout
        for ws in openpyxl.load_workbook(out):
            for row in ws.iter_rows():
                assert not any(isinstance(c.value, str) and "None" in c.value for c in row), (ledger.name, ws.title)


def test_progress_shows_on_stderr_when_stdout_is_a_file(tmp_path):
    root = tmp_path / "台账"
    root.mkdir()
    for name in ("甲村", "乙村"):
        passing(root / f"{name}.xlsx", name, QINGHE)
    main, child = pty.openpty()
    report = tmp_path / "汇总.txt"
    with open(report, "w") as stdout:
        proc = subprocess.Popen([sys.executable, "-m", "nodrug_cli", "batch", str(root), "--jobs", "1", "--no-history",
                                 "--as-of", str(dt.date(2025, 12, 31))], stdout=stdout, stderr=child,
                                env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    os.close(child)
    seen = b""
    while True:
        try:
            piece = os.read(main, 65536)
        except OSError:  # the terminal closed: the process is gone
            break
        if not piece:
            break
        seen += piece
    os.close(main)
    assert proc.wait() == 0
    assert "考评中" in seen.decode("utf-8", errors="replace")
    assert "甲村" in report.read_text(encoding="utf-8") and "考评中" not in report.read_text(encoding="utf-8")


def test_every_refused_output_is_worded_in_both_languages(tmp_path, ledger):
    # The refusals' words live in the one message table (render/messages.py, `output.*`), read through Words.
    (tmp_path / "old.xlsx").write_bytes(b"kept")
    (tmp_path / "folder.xlsx").mkdir()
    cases = [  # (arguments, Chinese, English)
        (("template", "-o", tmp_path / "old.xlsx"), f"输出文件 {tmp_path / 'old.xlsx'} 已存在：加 --force 覆盖，或换一个文件名",
         f"the output {tmp_path / 'old.xlsx'} already exists: add --force to overwrite, or choose another name"),
        (("template", "-o", tmp_path / "t.csv"),
         f"输出文件 {tmp_path / 't.csv'} 的扩展名不对：这里写出的是 .xlsx 文件，请用以 .xlsx 结尾的文件名",
         f"the output {tmp_path / 't.csv'} has the wrong extension: what is written here is a .xlsx file; name it with "
         ".xlsx"),
        (("template", "-o", tmp_path / "folder.xlsx"), f"输出路径 {tmp_path / 'folder.xlsx'} 是一个文件夹：请给出文件名",
         f"the output {tmp_path / 'folder.xlsx'} is a folder: give a file name"),
        (("template", "-o", tmp_path / "none" / "t.xlsx"), f"无法写入 {tmp_path / 'none' / 't.xlsx'}：文件夹不存在",
         f"cannot write {tmp_path / 'none' / 't.xlsx'}: the folder does not exist"),
        (("score", ledger, "-o", ledger, "--force"), f"输出文件 {ledger} 就是输入台账 {ledger}，拒绝覆盖：请换一个输出文件名",
         f"the output {ledger} is the input ledger {ledger}: refused; choose another name"),
    ]
    for args, zh, en in cases:
        for lang, words in (("zh", zh), ("en", en)):
            result = invoke(*args, "--lang", lang)
            assert result.exit_code == 2 and result.stderr.strip() == words, (args, lang, result.output)
    assert (tmp_path / "old.xlsx").read_bytes() == b"kept"


def test_why_the_system_would_not_write_is_worded_in_both_languages():
    import errno

    from nodrug_cli.outputs import os_reason

    assert os_reason(PermissionError(errno.EACCES, "x")) == ("没有写入该文件夹的权限", "no permission to write in that folder")
    assert os_reason(OSError(errno.EROFS, "x")) == ("该磁盘是只读的", "the disk is read-only")
    assert os_reason(OSError(errno.ENOSPC, "x")) == ("磁盘空间不足", "the disk is full")
    assert os_reason(FileNotFoundError(errno.ENOENT, "x")) == ("文件夹不存在", "the folder does not exist")
    assert os_reason(NotADirectoryError(errno.ENOTDIR, "x")) == ("上级路径不是文件夹", "a parent of the path is not a folder")
    assert os_reason(IsADirectoryError(errno.EISDIR, "x")) == ("这是一个文件夹", "it is a folder")
    assert os_reason(OSError(errno.EIO, "I/O 故障")) == ("系统错误：I/O 故障", "system error: I/O 故障")
