"""`nodrug remind` from cron, end to end, with real robots on 127.0.0.1 and a real SQLite history:
a robot that rate-limits, a robot that does not answer, DingTalk 加签, one broken ledger among good
ones, and the calendar of an overdue item."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from builders import minimal_ledger, person_id, write_xlsx
from icalendar import Calendar
from typer.testing import CliRunner

from nodrug_cli.cli.app import app
from nodrug_cli.remind.channels import RESENT_NOTE, md_plain
from nodrug_cli.remind.collect import collect
from nodrug_cli.standards.load import load_standard

runner = CliRunner()
D = dt.date
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def community(tmp_path, name: str, count: int, first: int = 1, *, rename_test_date: bool = False):
    """`count` 社区戒毒 persons, order 2025-01-10 (two-month windows), tested and talked to in the first
    window only: on 2025-05-12 each has a test and a talk overdue."""
    ids = [person_id(n) for n in range(first, first + count)]
    names = [SURNAMES[n % 20] + "晓" + "明华军"[n % 3] for n in range(first, first + count)]
    persons = [[nm, pid, "男", D(1990, 5, 17), "社区戒毒", D(2025, 1, 5), D(2025, 1, 10), D(2025, 1, 15), "是"]
               for nm, pid in zip(names, ids)]
    sheets = minimal_ledger(persons=persons, tests=[[pid, nm, D(2025, 1, 20), "阴性"] for nm, pid in zip(names, ids)],
                            talks=[[pid, nm, D(2025, 1, 20), "刘"] for nm, pid in zip(names, ids)])
    sheets["社区概况"][0] = ["社区名称", name]
    if rename_test_date:
        sheets["尿检记录"][0] = ["身份证号", "姓名", "尿检时间", "检测结果"]
    return write_xlsx(tmp_path / f"{name}.xlsx", sheets)


def remind(*args, env=None):
    return runner.invoke(app, ["remind", *map(str, args)], env=env)


def posted_lines(robot) -> list[str]:
    texts = [b["markdown"].get("content") or b["markdown"].get("text") for b in robot.accepted]
    return [line for t in texts for line in t.splitlines() if line.startswith("- ")]


def expected_lines(path, as_of: str) -> list[str]:
    data = json.loads(remind(path, "--as-of", as_of, "--format", "json").output)
    return [f"- {md_plain(r['message'])}" for r in data["reminders"]]


def test_a_robot_that_rate_limits_gets_every_reminder_exactly_once_across_two_runs_the_same_day(tmp_path, robot_factory):
    folder = tmp_path / "台账"
    folder.mkdir()
    community(folder, "百灵社区", 40)
    community(folder, "石桥村", 30, first=41)
    robot = robot_factory("ok", per_minute=3)  # the robot takes 3 posts a minute, then answers 45009
    send = ["--as-of", "2025-05-12", "--webhook", robot.url, "--db", tmp_path / "h.sqlite"]
    first = remind(folder, *send)
    assert first.exit_code == 3, first.output
    assert "限流" in first.output and "45009" in first.output and "下次运行时补发" in first.output
    assert "已发送" in first.output and "SECRET-KEY" not in first.output
    accepted_first = len(robot.accepted)
    assert accepted_first == 3 and len(robot.requests) == 4  # the refused post was not retried

    robot.next_minute()  # cron runs again later the same day
    second = remind(folder, *send)
    assert second.exit_code == 0, second.output
    assert len(robot.accepted) > accepted_first

    lines = posted_lines(robot)
    expected = expected_lines(folder, "2025-05-12")
    assert len(expected) == 140
    assert Counter(lines) == Counter(expected) and max(Counter(lines).values()) == 1  # each arrived exactly once

    third = remind(folder, *send)  # a third run the same day: nothing new, nothing posted
    assert third.exit_code == 0 and len(robot.requests) == len(robot.accepted) + 1


def test_a_post_without_answer_is_not_sent_again_in_the_run_and_goes_once_more_next_run_with_a_note(tmp_path,
                                                                                                     robot_factory):
    path = community(tmp_path, "百灵社区", 2)
    robot = robot_factory("hang", "ok")
    send = ["--as-of", "2025-05-12", "--webhook", robot.url, "--db", tmp_path / "h.sqlite", "--timeout", "0.5"]
    first = remind(path, *send)
    assert first.exit_code == 3 and len(robot.requests) == 1
    assert "发送结果不确定" in first.output and "可能重复" in first.output
    second = remind(path, *send)
    assert second.exit_code == 0 and len(robot.requests) == 2
    lines = posted_lines(robot)
    assert len(lines) == 4 and all(line.endswith(RESENT_NOTE) for line in lines)
    assert remind(path, *send).exit_code == 0 and len(robot.requests) == 2  # and never again


def test_dingtalk_signed_robot_with_the_secret_option_or_its_environment_variable(tmp_path, robot_factory):
    path = community(tmp_path, "百灵社区", 1)
    robot = robot_factory("ok", secret="SECabc123")
    common = ["--as-of", "2025-05-12", "--webhook", robot.url, "--webhook-kind", "dingtalk", "--resend"]
    unsigned = remind(path, *common, "--db", tmp_path / "a.sqlite")
    assert unsigned.exit_code == 3 and "310000" in unsigned.output
    signed = remind(path, *common, "--db", tmp_path / "b.sqlite", "--webhook-secret", "SECabc123")
    assert signed.exit_code == 0, signed.output
    from_env = remind(path, *common, "--db", tmp_path / "c.sqlite", env={"NODRUG_WEBHOOK_SECRET": "SECabc123"})
    assert from_env.exit_code == 0, from_env.output
    assert len(robot.accepted) == 2 and "SECabc123" not in signed.output
    wrong_kind = remind(path, "--as-of", "2025-05-12", "--webhook", robot.url, "--webhook-secret", "SECabc123")
    assert wrong_kind.exit_code == 2 and "钉钉" in wrong_kind.output
    no_hook = remind(path, "--as-of", "2025-05-12", "--webhook-secret", "SECabc123")
    assert no_hook.exit_code == 2 and "--webhook" in no_hook.output


def test_one_broken_ledger_does_not_stop_the_others_and_the_exit_code_says_so(tmp_path, robot_factory):
    folder = tmp_path / "台账"
    folder.mkdir()
    community(folder, "百灵社区", 1)
    community(folder, "坏村", 1, first=2, rename_test_date=True)  # 尿检记录's 检测日期 renamed
    (folder / "乱码村.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    robot = robot_factory("ok")
    result = remind(folder, "--as-of", "2025-05-12", "--webhook", robot.url, "--db", tmp_path / "h.sqlite")
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output and "乱码村.xlsx" in result.output and "坏村.xlsx" in result.output
    assert any("百灵社区" in line for line in posted_lines(robot))  # the good ledger's reminders were sent
    data = json.loads(remind(folder, "--as-of", "2025-05-12", "--format", "json").stdout)
    assert {e["path"].rsplit("/", 1)[-1] for e in data["errors"]} >= {"乱码村.xlsx", "坏村.xlsx"}
    assert {r["community"] for r in data["reminders"]} >= {"百灵社区"}


def test_a_crash_in_the_rules_for_one_ledger_is_a_message_for_that_ledger(tmp_path):
    from nodrug_cli.remind.rules import reminders_for

    good, bad = community(tmp_path, "百灵社区", 1), community(tmp_path, "石桥村", 1, first=2)

    def rules(ledger, rubric, day, within):
        if ledger.path == bad:
            raise ZeroDivisionError(f"rules failed here on {person_id(2)}")
        return reminders_for(ledger, rubric, day, within)

    got = collect([bad, good], load_standard(None), D(2025, 5, 12), 7, D(2025, 5, 12), rules=rules)
    assert int(got.code) == 2
    assert [e["path"] for e in got.errors] == [str(bad)] and "ZeroDivisionError" in got.errors[0]["error"]
    assert person_id(2) not in got.errors[0]["error"] and person_id(2)[:6] + "********" in got.errors[0]["error"]
    assert {r.community for r in got.reminders} == {"百灵社区"} and len(got.reminders) == 2


def test_an_overdue_item_is_an_event_today_that_still_says_since_when(tmp_path):
    path = community(tmp_path, "百灵社区", 1)
    target = tmp_path / "提醒.ics"
    assert remind(path, "--as-of", "2025-05-12", "--format", "ics", "-o", target).exit_code == 0
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert len(events) == 2
    for event in events:
        assert event.decoded("DTSTART") == D(2025, 5, 12)  # today, not the missed 2025-05-09
        assert "（自 2025-05-10）" in str(event["SUMMARY"])
        assert "逾期自 2025-05-10（应于 2025-05-09 前完成）" in str(event["DESCRIPTION"])
