"""`nodrug remind` end to end: formats, exit codes, delivery to real servers on 127.0.0.1, no nagging."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

from builders import minimal_ledger, person_id, write_xlsx
from icalendar import Calendar
from typer.testing import CliRunner

from nodrug_cli.cli.app import app

runner = CliRunner()
D = dt.date
A = person_id(1)
NAME = "王晓明"
ID_RE = re.compile(r"\d{17}[\dX]")


def ledger(tmp_path):
    """One 社区戒毒 person, order 2025-01-10 (boumei-2023: two-month windows 01-10, 03-10, 05-10, …),
    tested and talked to in the first window only."""
    persons = [[NAME, A, "男", D(1990, 5, 17), "社区戒毒", D(2025, 1, 5), D(2025, 1, 10), D(2025, 1, 15), "是"]]
    sheets = minimal_ledger(persons=persons, tests=[[A, NAME, D(2025, 1, 20), "阴性"]],
                            talks=[[A, NAME, D(2025, 1, 20), "刘"]])
    sheets["社区概况"][0] = ["社区名称", "@百灵社区"]  # a formula-looking name must stay text in CSV
    return write_xlsx(tmp_path / "百灵社区.xlsx", sheets)


def remind(*args, env=None):
    return runner.invoke(app, ["remind", *map(str, args)], env=env)


def test_json_shape_and_due_soon(tmp_path):
    result = remind(ledger(tmp_path), "--as-of", "2025-05-03", "--format", "json", "--db", tmp_path / "h.sqlite")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"as_of", "within", "reminders", "errors"} and data["within"] == 7
    kinds = [(r["kind"], r["due_date"], r["days_left"]) for r in data["reminders"]]
    assert ("test_due", "2025-05-09", 6) in kinds and ("talk_due", "2025-05-09", 6) in kinds
    first = data["reminders"][0]
    assert set(first) == {"kind", "community", "person", "due_date", "days_overdue", "days_left", "rule", "message"}
    assert first["person"] == {"name": "王*明", "id": A[:6] + "********" + A[-4:]}
    assert A not in result.output and NAME not in result.output
    full = json.loads(remind(ledger(tmp_path), "--as-of", "2025-05-03", "--format", "json", "--full-pii").output)
    assert full["reminders"][0]["person"] == {"name": NAME, "id": A}


def test_plain_text_csv_md_and_ics(tmp_path):
    path = ledger(tmp_path)
    text = remind(path, "--as-of", "2025-05-12").output
    assert text.splitlines()[0] == "2025-05-12 禁毒工作提醒：逾期 2 项，即将到期 0 项"
    assert "已逾期 3 天" in text and A not in text
    rows = list(csv.reader(io.StringIO(remind(path, "--as-of", "2025-05-12", "--format", "csv").output)))
    assert rows[0][0] == "kind" and rows[1][2] == "'@百灵社区"
    assert remind(path, "--as-of", "2025-05-12", "--format", "md").output.startswith("## 2025-05-12")
    target = tmp_path / "提醒.ics"
    assert remind(path, "--as-of", "2025-05-12", "--format", "ics", "-o", target).exit_code == 0
    events = [e for e in Calendar.from_ical(target.read_bytes()).walk("VEVENT")]
    assert len(events) == 2 and not ID_RE.search(target.read_text(encoding="utf-8"))
    assert remind(path, "--as-of", "2025-05-12", "--format", "ics", "-o", target).exit_code == 2  # exists, no --force


def test_two_daily_runs_send_once_and_a_third_after_it_turns_overdue_sends_again(tmp_path, robot_factory):
    robot = robot_factory("ok")
    path, db = ledger(tmp_path), tmp_path / "h.sqlite"
    send = ["--webhook", robot.url, "--db", db]
    assert remind(path, "--as-of", "2025-05-03", *send).exit_code == 0  # due soon: test and talk
    assert len(robot.requests) == 1
    assert remind(path, "--as-of", "2025-05-04", *send).exit_code == 0  # the next day: unchanged, nothing sent
    assert len(robot.requests) == 1
    assert remind(path, "--as-of", "2025-05-10", *send).exit_code == 0  # the window ended: now overdue
    assert len(robot.requests) == 2
    content = robot.bodies()[1]["markdown"]["content"]
    assert "逾期" in content and A not in content and NAME not in content
    assert remind(path, "--as-of", "2025-05-10", *send, "--resend").exit_code == 0
    assert len(robot.requests) == 3
    assert "SECRET-KEY" not in db.read_bytes().decode("latin-1")  # the robot's key is not kept


def test_mail_through_a_real_smtp_server(tmp_path, smtp_server):
    env = {"NODRUG_SMTP_HOST": "127.0.0.1", "NODRUG_SMTP_PORT": str(smtp_server.port),
           "NODRUG_SMTP_SENDER": "jdb@example.org", "NODRUG_SMTP_TLS": "none"}
    result = remind(ledger(tmp_path), "--as-of", "2025-05-12", "--mail-to", "zg@example.org", "--db",
                    tmp_path / "h.sqlite", env=env)
    assert result.exit_code == 0, result.output
    [envelope] = smtp_server.envelopes
    from email import message_from_bytes, policy

    body = message_from_bytes(envelope.content, policy=policy.default).get_body().get_content()
    assert envelope.rcpt_tos == ["zg@example.org"]
    assert A not in body and NAME not in body and A[:6] + "********" + A[-4:] in body


def test_a_failed_channel_exits_3_and_the_others_still_run(tmp_path, robot_factory, smtp_server):
    broken = robot_factory("500")
    env = {"NODRUG_SMTP_HOST": "127.0.0.1", "NODRUG_SMTP_PORT": str(smtp_server.port),
           "NODRUG_SMTP_SENDER": "jdb@example.org", "NODRUG_SMTP_TLS": "none"}
    result = remind(ledger(tmp_path), "--as-of", "2025-05-12", "--webhook", broken.url, "--mail-to", "zg@example.org",
                    "--db", tmp_path / "h.sqlite", env=env)
    assert result.exit_code == 3
    assert "发送失败" in result.output and "SECRET-KEY" not in result.output
    assert len(broken.requests) == 3  # one try and two retries
    assert len(smtp_server.envelopes) == 1


def test_missing_mail_settings_and_unreadable_ledgers_exit_2(tmp_path):
    env = {"NODRUG_SMTP_HOST": "", "NODRUG_SMTP_SENDER": ""}
    result = remind(ledger(tmp_path), "--as-of", "2025-05-12", "--mail-to", "zg@example.org", env=env)
    assert result.exit_code == 2 and "邮件设置有误" in result.output
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"junk\x00")
    result = remind(bad, "--as-of", "2025-05-12")
    assert result.exit_code == 2 and "坏.xlsx" in result.output
