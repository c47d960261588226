"""Help and usage errors in Chinese all through: no word of click's, typer's or pydantic's English, no internal
type names (`<list[str]>`, `[[COMMUNITY]]`, `<float range>`), for every command, run as a user runs nodrug."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from nodrug_cli.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = re.compile(
    r"\b(Usage|Options|Arguments|Commands|Show this message|required|default|Error|Try|Invalid value|No such|"
    r"Missing|Got unexpected|requires|does not take|Input should|is not one of|Did you mean|Possible options|"
    r"Value error|range|not a valid|integer|Aborted)\b", re.I)
TYPE_NAMES = re.compile(r"<[^>]*>|\[\[|list\[|\bstr\b|\bint\b|\bfloat\b|\bbool\b")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nodrug_cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "100"})


def command_paths(group=None, prefix=()) -> list[tuple[str, ...]]:
    group = group or typer.main.get_command(app)
    paths = [prefix]
    for name, command in getattr(group, "commands", {}).items():
        paths += command_paths(command, (*prefix, name)) if hasattr(command, "commands") else [(*prefix, name)]
    return paths


def english_in(text: str) -> list[str]:
    return [m.group(0) for m in ENGLISH.finditer(text)] + [m.group(0) for m in TYPE_NAMES.finditer(text)]


def test_every_command_is_found():
    assert {" ".join(p) for p in command_paths()} >= {"", "validate", "template", "score", "batch", "history", "sample",
                                                       "remind", "standards", "standards list", "standards show"}


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "nodrug")
def test_help_is_chinese(path):
    result = run(*path, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("用法："), result.stdout
    assert "选项" in result.stdout and "显示本帮助并退出" in result.stdout
    assert english_in(result.stdout) == [], result.stdout


USAGE_ERRORS = [
    (("scor",), "没有这个命令：scor（是不是 score？）"),
    (("standards", "shw"), "没有这个命令：shw（是不是 show？）"),
    (("score",), "缺少参数 LEDGER"),
    (("template",), "缺少选项 -o"),
    (("score", "x.xlsx", "--formt", "json"), "没有这个选项：--formt（是不是"),
    (("--bogus",), "没有这个选项：--bogus"),
    (("score", "x.xlsx", "--format", "xml"), "--format 的值不对：“xml”不是可选的值（可选：text、json、md）"),
    (("batch", ".", "--jobs", "0"), "--jobs 的值不对：应不小于 1"),
    (("batch", ".", "--jobs", "abc"), "--jobs 的值不对：应为整数"),
    (("sample", "--rate", "2"), "--rate 的值不对：应不大于 1"),
    (("remind", ".", "--within", "-1"), "--within 的值不对：应不小于 0"),
    (("score", "x.xlsx", "--year", "1900"), "--year 的值不对：1900 不在 2000–2100 之间"),
    (("batch", ".", "--year", "20025"), "--year 的值不对：20025 不在 2000–2100 之间"),
    (("sample", "--year", "1999"), "--year 的值不对：1999 不在 2000–2100 之间"),
    (("score", "a.xlsx", "b.xlsx"), "多余的参数：b.xlsx"),
    (("score", "x.xlsx", "--as-of"), "选项 --as-of 后面缺少取值"),
    (("score", "x.xlsx", "--check=1"), "选项 --check 不带取值"),
]


@pytest.mark.parametrize("args, words", USAGE_ERRORS, ids=lambda x: " ".join(x) if isinstance(x, tuple) else None)
def test_usage_errors_are_chinese(args, words):
    result = run(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert words in result.stderr and "--help 查看用法" in result.stderr, result.stderr
    assert english_in(result.stderr) == [], result.stderr
    assert result.stdout == ""


def test_no_arguments_shows_the_chinese_help():
    result = run()
    assert result.returncode == 0 and result.stdout.startswith("用法：") and english_in(result.stdout) == []
