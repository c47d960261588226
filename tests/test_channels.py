"""The reminder channels against real servers on 127.0.0.1: a threaded HTTP server standing in for the
WeCom / DingTalk robots and a JSON endpoint, an aiosmtpd SMTP server, plus .ics and the sent history."""

from __future__ import annotations

import datetime as dt
import os
import time
from email import message_from_bytes
from email import policy
from pathlib import Path

import pytest
from builders import person_id
from servers import free_port  # the robot_factory and smtp_server fixtures come from conftest
from icalendar import Calendar

from nodrug_cli.history.sent import mark_sent, unsent
from nodrug_cli.history.store import History
from nodrug_cli.privacy import mask_id, mask_name
from nodrug_cli.remind.calendar import to_ics
from nodrug_cli.remind.channels import (
    DINGTALK_LIMIT_BYTES, WECOM_LIMIT_BYTES, ChannelConfigError, DeliveryError, channel_name, markdown_chunks,
    md_plain, post_webhook, send_mail)
from nodrug_cli.remind.mailconfig import MailConfig, MailConfigError, load_mail_config
from nodrug_cli.remind.model import Reminder, sort_key

AS_OF = dt.date(2025, 6, 3)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "小建国志文明华军"


def name_of(n: int) -> str:
    """A distinct three-character name for each n < 20 × 8 × 8."""
    return SURNAMES[n % 20] + GIVEN[(n // 20) % 8] + GIVEN[(n // 160) % 8]


def reminder(n: int, overdue: bool = True, community: str = "百灵社区") -> Reminder:
    due = dt.date(2025, 5, 31) if overdue else dt.date(2025, 6, 30)
    return Reminder(
        kind="test_overdue" if overdue else "test_due", community=community, person_id=person_id(n),
        person_name=name_of(n), due_date=due, days_overdue=(AS_OF - due).days if overdue else None,
        days_left=None if overdue else (due - AS_OF).days, rule="尿检每 2 个月一次（boumei-2023）",
        what=f"{due.replace(day=1) - dt.timedelta(days=30):%Y-%m}-01 至 {due.isoformat()} 的尿检")


def sample(count: int = 5, overdue: int = 3) -> list[Reminder]:
    return [reminder(n, overdue=n < overdue) for n in range(count)]


def assert_no_pii(text: str, reminders: list[Reminder]) -> None:
    """No full ID and no full name of any reminder in `text` (markdown escapes undone first)."""
    plain = text.replace("＊", "*")
    for r in reminders:
        assert len(r.person_id) == 18
        assert r.person_id not in plain, r.person_id
        assert r.person_name not in plain, r.person_name


def test_the_pii_check_itself_catches_a_full_id_or_name():
    items = sample()
    with pytest.raises(AssertionError):
        assert_no_pii(items[0].message(full_pii=True), items)
    with pytest.raises(AssertionError):
        assert_no_pii(f"x {items[1].person_name} y", items)


# --- markdown ----------------------------------------------------------------------------------------

def test_markdown_heading_counts_overdue_first_and_masked():
    items = sample(5, overdue=3)
    chunks = markdown_chunks(list(reversed(items)), AS_OF)
    assert len(chunks) == 1
    text = chunks[0]
    assert text.startswith("### 禁毒提醒 2025-06-03 百灵社区\n逾期 **3** 项，将到期 **2** 项\n")
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert lines == ["- " + md_plain(r.message(False)) for r in sorted(items, key=sort_key)]
    assert all("逾期" in line for line in lines[:3]) and all("还剩" in line for line in lines[3:])
    assert md_plain(mask_name(items[0].person_name)) in text and md_plain(mask_id(items[0].person_id)) in text
    assert_no_pii(text, items)
    assert markdown_chunks([], AS_OF) == []


@pytest.mark.parametrize("limit", [WECOM_LIMIT_BYTES, DINGTALK_LIMIT_BYTES, 700])
def test_markdown_split_under_limit_and_never_inside_a_line(limit):
    items = [reminder(n, overdue=n % 3 == 0) for n in range(150)]
    chunks = markdown_chunks(items, AS_OF, limit_bytes=limit)
    assert len(chunks) > 1
    expected = ["- " + md_plain(r.message(False)) for r in sorted(items, key=sort_key)]
    got = []
    for i, chunk in enumerate(chunks, 1):
        assert len(chunk.encode("utf-8")) <= limit
        assert chunk.startswith(f"### 禁毒提醒 2025-06-03 百灵社区（{i}/{len(chunks)}）\n逾期 **50** 项，将到期 **100** 项")
        got += [line for line in chunk.splitlines() if line.startswith("- ")]
    assert got == expected  # every line whole, once, in order (overdue first)


def test_a_line_longer_than_the_limit_is_cut_not_split():
    long = Reminder(**{**reminder(1).__dict__, "what": "很长的说明" * 200})
    chunks = markdown_chunks([long, reminder(2)], AS_OF, limit_bytes=500)
    assert all(len(c.encode("utf-8")) <= 500 for c in chunks)
    lines = [line for c in chunks for line in c.splitlines() if line.startswith("- ")]
    assert len(lines) == 2 and lines[0].endswith("…")
    assert_no_pii("\n".join(chunks), [long])


# --- webhooks ----------------------------------------------------------------------------------------

def test_wecom_shape_and_content(robot_factory):
    robot = robot_factory("ok")
    items = sample()
    assert post_webhook(robot.url, "wecom", items, AS_OF) == 1
    [body] = robot.bodies()
    assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
    assert set(body["markdown"]) == {"content"}
    assert body["markdown"] == {"content": markdown_chunks(items, AS_OF, limit_bytes=WECOM_LIMIT_BYTES)[0]}
    assert robot.requests[0]["headers"]["Content-Type"].startswith("application/json")
    assert_no_pii(robot.raw(), items)
    assert_no_pii(body["markdown"]["content"], items)


def test_dingtalk_shape_and_content(robot_factory):
    robot = robot_factory("ok")
    items = sample()
    assert post_webhook(robot.url, "dingtalk", items, AS_OF) == 1
    [body] = robot.bodies()
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}
    assert body["markdown"]["title"] == "禁毒提醒 2025-06-03：逾期 3 项，将到期 2 项"
    assert "【尿检逾期】百灵社区" in body["markdown"]["text"]
    assert_no_pii(robot.raw(), items)


def test_json_post_shape(robot_factory):
    robot = robot_factory("plain")  # a plain endpoint: any 2xx will do, no errcode needed
    items = sample()
    assert post_webhook(robot.url, "json", items, AS_OF) == 1
    [body] = robot.bodies()
    assert body == {"as_of": "2025-06-03", "reminders": [r.to_json(False) for r in sorted(items, key=sort_key)]}
    assert body["reminders"][0]["person"] == {"name": mask_name(items[0].person_name), "id": mask_id(items[0].person_id)}
    assert_no_pii(robot.raw(), items)


@pytest.mark.parametrize("kind,limit", [("wecom", WECOM_LIMIT_BYTES), ("dingtalk", DINGTALK_LIMIT_BYTES)])
def test_many_reminders_are_split_into_several_posts(robot_factory, kind, limit):
    robot = robot_factory("ok")
    items = [reminder(n, overdue=n % 2 == 0) for n in range(200)]
    sent = post_webhook(robot.url, kind, items, AS_OF)
    assert sent == len(robot.requests) > 1
    texts = [b["markdown"]["content" if kind == "wecom" else "text"] for b in robot.bodies()]
    assert all(len(t.encode("utf-8")) <= limit for t in texts)
    lines = [line for t in texts for line in t.splitlines() if line.startswith("- ")]
    assert lines == ["- " + md_plain(r.message(False)) for r in sorted(items, key=sort_key)]
    assert_no_pii(robot.raw(), items)


def test_500_is_retried_a_bounded_number_of_times(robot_factory):
    robot = robot_factory("500")
    with pytest.raises(DeliveryError) as caught:
        post_webhook(robot.url, "wecom", sample(), AS_OF, retries=2, backoff=0.01)
    assert len(robot.requests) == 3  # one try + two retries, then give up
    message = str(caught.value)
    assert "企业微信群机器人" in message and "HTTP 500" in message and "已重试 2 次" in message
    assert "SECRET-KEY-123" not in message  # the robot's key is never printed


def test_500_then_ok_recovers(robot_factory):
    robot = robot_factory("500", "ok")
    assert post_webhook(robot.url, "dingtalk", sample(), AS_OF, retries=2, backoff=0.01) == 1
    assert len(robot.requests) == 2


def test_404_is_not_retried(robot_factory):
    robot = robot_factory("404")
    with pytest.raises(DeliveryError, match="HTTP 404"):
        post_webhook(robot.url, "json", sample(), AS_OF, retries=3, backoff=0.01)
    assert len(robot.requests) == 1


def test_nonzero_errcode_is_a_failure(robot_factory):
    robot = robot_factory("errcode")
    with pytest.raises(DeliveryError, match="errcode=93000") as caught:
        post_webhook(robot.url, "wecom", sample(), AS_OF, retries=2, backoff=0.01)
    assert len(robot.requests) == 1 and "钉钉" not in str(caught.value)
    robot = robot_factory("plain")
    with pytest.raises(DeliveryError, match="errcode"):
        post_webhook(robot.url, "dingtalk", sample(), AS_OF, retries=0)


def test_timeout_fails_quickly(robot_factory):
    robot = robot_factory("hang")
    start = time.monotonic()
    with pytest.raises(DeliveryError, match="超时") as caught:
        post_webhook(robot.url, "wecom", sample(), AS_OF, timeout=0.3, retries=1, backoff=0.01)
    assert time.monotonic() - start < 3
    assert len(robot.requests) == 1 and "已重试" not in str(caught.value)  # the robot may have it: not re-sent


def test_server_down_is_a_connection_failure():
    url = f"http://127.0.0.1:{free_port()}/hook"
    with pytest.raises(DeliveryError, match="连接失败") as caught:
        post_webhook(url, "json", sample(), AS_OF, timeout=1, retries=1, backoff=0.01)
    assert caught.value.delivered == 0


def test_failure_half_way_through_a_split_message(robot_factory):
    robot = robot_factory("ok", "404")
    with pytest.raises(DeliveryError) as caught:
        post_webhook(robot.url, "wecom", [reminder(n) for n in range(200)], AS_OF, retries=0)
    assert caught.value.delivered == 1 and len(robot.requests) == 2


def test_bad_webhook_address_or_kind_is_a_usage_error():
    with pytest.raises(ChannelConfigError):
        post_webhook("file:///etc/passwd", "json", sample(), AS_OF)
    with pytest.raises(ChannelConfigError):
        post_webhook("http://127.0.0.1/", "slack", sample(), AS_OF)
    assert issubclass(ChannelConfigError, DeliveryError) and issubclass(ChannelConfigError, ValueError)


def test_nothing_to_send_posts_nothing(robot_factory):
    robot = robot_factory("ok")
    assert post_webhook(robot.url, "wecom", [], AS_OF) == 0
    assert robot.requests == []


def test_delivery_error_single_message_form():
    assert str(DeliveryError("邮件配置有误")) == "邮件配置有误"
    assert str(DeliveryError("钉钉群机器人（x）", "HTTP 500")) == "钉钉群机器人（x）：HTTP 500"


def test_channel_name_is_stable_and_keeps_no_secret():
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET"
    assert channel_name("wecom", url) == channel_name("wecom", url)
    assert "SECRET" not in channel_name("wecom", url) and channel_name("wecom", url).startswith("wecom:")
    assert channel_name("wecom", url) != channel_name("wecom", url + "2")


# --- mail --------------------------------------------------------------------------------------------

def parsed(envelope):
    return message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)


def test_mail_arrives_with_subject_body_sender_and_recipients(smtp_server):
    config = MailConfig(host="127.0.0.1", port=smtp_server.port, sender="禁毒办 <jdb@example.org>", tls="none")
    items = sample(5, overdue=3)
    send_mail(config, ["a@example.org", "社工 <b@example.org>"], items, AS_OF)
    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "jdb@example.org"
    assert envelope.rcpt_tos == ["a@example.org", "b@example.org"]
    message = parsed(envelope)
    assert message["Subject"] == "禁毒提醒 2025-06-03：逾期 3 项，将到期 2 项"
    assert "jdb@example.org" in message["From"] and "b@example.org" in message["To"]
    assert message["Date"] and message["Message-ID"]
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    body = message.get_content()
    for r in items:
        assert r.message(False) in body
    assert body.index(items[2].message(False)) < body.index(items[3].message(False))  # overdue first
    assert "依据：尿检每 2 个月一次（boumei-2023）" in body
    assert_no_pii(body, items)
    assert_no_pii((envelope.original_content or envelope.content).decode("utf-8", "replace"), items)


def test_mail_login_and_refused_login(smtp_server):
    items = sample()
    good = MailConfig(host="127.0.0.1", port=smtp_server.port, sender="jdb@example.org", user="jdb",
                      tls="none", password="right-password")
    send_mail(good, ["a@example.org"], items, AS_OF)
    assert [login[:2] for login in smtp_server.logins] == [(b"jdb", b"right-password")]
    assert len(smtp_server.envelopes) == 1
    bad = MailConfig(host="127.0.0.1", port=smtp_server.port, sender="jdb@example.org", user="jdb",
                     tls="none", password="wrong")
    with pytest.raises(DeliveryError, match="登录失败"):
        send_mail(bad, ["a@example.org"], items, AS_OF, retries=2, backoff=0.01)
    wrong = {session for _, password, session in smtp_server.logins if password == b"wrong"}
    assert len(wrong) == 1  # a refused login is not retried (one connection; smtplib tries PLAIN, then LOGIN)
    assert len(smtp_server.envelopes) == 1


def test_starttls_never_falls_back_to_clear_text(smtp_server):
    config = MailConfig(host="127.0.0.1", port=smtp_server.port, sender="jdb@example.org", tls="starttls")
    with pytest.raises(DeliveryError, match="STARTTLS"):
        send_mail(config, ["a@example.org"], sample(), AS_OF, retries=0)
    assert smtp_server.envelopes == []


def test_mail_server_down_is_retried_then_fails():
    config = MailConfig(host="127.0.0.1", port=free_port(), sender="jdb@example.org", tls="none")
    start = time.monotonic()
    with pytest.raises(DeliveryError, match="连接失败") as caught:
        send_mail(config, ["a@example.org"], sample(), AS_OF, timeout=1, retries=2, backoff=0.01)
    assert "邮件（127.0.0.1:" in str(caught.value) and "已重试 2 次" in str(caught.value)
    assert time.monotonic() - start < 5


def test_nothing_to_mail_sends_nothing(smtp_server):
    config = MailConfig(host="127.0.0.1", port=smtp_server.port, sender="jdb@example.org", tls="none")
    send_mail(config, ["a@example.org"], [], AS_OF)
    assert smtp_server.envelopes == []


# --- mail configuration ------------------------------------------------------------------------------

def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_config_from_toml_file_with_password_file(tmp_path):
    write(tmp_path / "pw", "s3cret\n", 0o600)
    config_file = write(tmp_path / "mail.toml", '[smtp]\nhost = "smtp.example.org"\nsender = "jdb@example.org"\n'
                        'user = "jdb"\ntls = "ssl"\npassword_file = "pw"\n', 0o644)
    config = load_mail_config(config_file, environ={})
    assert config == MailConfig(host="smtp.example.org", port=465, sender="jdb@example.org", user="jdb",
                                tls="ssl", password="s3cret")
    assert "s3cret" not in repr(config)


def test_environment_overrides_file_and_gives_password(tmp_path):
    config_file = write(tmp_path / "mail.toml", 'host = "file.example.org"\nsender = "jdb@example.org"\n')
    env = {"NODRUG_SMTP_HOST": "env.example.org", "NODRUG_SMTP_PORT": "2525", "NODRUG_SMTP_TLS": "none",
           "NODRUG_SMTP_USER": "u", "NODRUG_SMTP_PASSWORD": "from-env"}
    config = load_mail_config(config_file, environ=env)
    assert (config.host, config.port, config.tls, config.user, config.password) == (
        "env.example.org", 2525, "none", "u", "from-env")


def test_environment_alone_and_defaults():
    config = load_mail_config(None, environ={"NODRUG_SMTP_HOST": "h", "NODRUG_SMTP_SENDER": "a@b.cn"})
    assert (config.port, config.tls, config.user, config.password) == (587, "starttls", None, None)
    config = load_mail_config(None, environ={"NODRUG_SMTP_HOST": "h", "NODRUG_SMTP_SENDER": "a@b.cn",
                                             "NODRUG_SMTP_PASSWORD": "p"})
    assert config.user == "a@b.cn"  # the sender's address logs in when no user is given


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_password_file_readable_by_others_is_refused(tmp_path, mode):
    write(tmp_path / "pw", "s3cret\n", mode)
    config_file = write(tmp_path / "mail.toml", 'host = "h"\nsender = "a@b.cn"\npassword_file = "pw"\n')
    with pytest.raises(MailConfigError, match="chmod 600") as caught:
        load_mail_config(config_file, environ={})
    assert f"{mode:04o}" in str(caught.value) and "s3cret" not in str(caught.value)


def test_password_file_owner_only_read_only_is_accepted(tmp_path):
    write(tmp_path / "pw", "s3cret", 0o400)
    config = load_mail_config(None, environ={"NODRUG_SMTP_HOST": "h", "NODRUG_SMTP_SENDER": "a@b.cn",
                                             "NODRUG_SMTP_PASSWORD_FILE": str(tmp_path / "pw")})
    assert config.password == "s3cret"


@pytest.mark.parametrize("text", ['[smtp]\nhost = "h"\nsender = "a@b.cn"\npassword = "s3cret"\n',
                                  'host = "h"\nsender = "a@b.cn"\npassword = "s3cret"\n'])
def test_password_in_config_file_is_refused(tmp_path, text):
    config_file = write(tmp_path / "mail.toml", text)
    with pytest.raises(MailConfigError, match="NODRUG_SMTP_PASSWORD") as caught:
        load_mail_config(config_file, environ={"NODRUG_SMTP_PASSWORD": "x"})
    assert "不能写密码" in str(caught.value) and "s3cret" not in str(caught.value)


def test_missing_host_sender_and_bad_values(tmp_path):
    with pytest.raises(MailConfigError, match="没有设置邮件服务器.*NODRUG_SMTP_HOST"):
        load_mail_config(None, environ={})
    with pytest.raises(MailConfigError, match="没有设置发件人.*NODRUG_SMTP_SENDER"):
        load_mail_config(None, environ={"NODRUG_SMTP_HOST": "h"})
    base = {"NODRUG_SMTP_HOST": "h", "NODRUG_SMTP_SENDER": "a@b.cn"}
    with pytest.raises(MailConfigError, match="tls"):
        load_mail_config(None, environ={**base, "NODRUG_SMTP_TLS": "yes"})
    with pytest.raises(MailConfigError, match="端口"):
        load_mail_config(None, environ={**base, "NODRUG_SMTP_PORT": "99999"})
    with pytest.raises(MailConfigError, match="没有密码"):
        load_mail_config(None, environ={**base, "NODRUG_SMTP_USER": "u"})
    with pytest.raises(MailConfigError, match="找不到邮件配置文件"):
        load_mail_config(tmp_path / "missing.toml", environ={})
    with pytest.raises(MailConfigError, match="TOML"):
        load_mail_config(write(tmp_path / "bad.toml", "host = \n"), environ={})
    with pytest.raises(MailConfigError, match="不认识的设置"):
        load_mail_config(write(tmp_path / "typo.toml", '[smtp]\nhots = "h"\n'), environ={})


# --- calendar ----------------------------------------------------------------------------------------

def test_ics_one_event_per_reminder_stable_uids_and_masked():
    items = sample(6, overdue=2)
    first = to_ics(items, AS_OF)
    second = to_ics(list(reversed(items)), AS_OF, stamp=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc))
    calendar = Calendar.from_ical(first)
    events = calendar.walk("VEVENT")
    assert len(events) == len(items)
    uids = sorted(str(e["UID"]) for e in events)
    assert uids == sorted(f"{r.key}@nodrug" for r in items)
    assert uids == sorted(str(e["UID"]) for e in Calendar.from_ical(second).walk("VEVENT"))
    by_uid = {str(e["UID"]): e for e in events}
    for r in items:
        event = by_uid[f"{r.key}@nodrug"]
        day = AS_OF if r.overdue else r.due_date  # an overdue item is an event today, among the upcoming ones
        assert event.decoded("DTSTART") == day and event.decoded("DTEND") == day + dt.timedelta(days=1)
        assert str(event["SUMMARY"]).startswith("尿检逾期（自 2025-06-01）：百灵社区 " if r.overdue else "尿检将到期：百灵社区 ")
        assert mask_name(r.person_name) in str(event["SUMMARY"])
        assert r.rule in str(event["DESCRIPTION"]) and mask_id(r.person_id) in str(event["DESCRIPTION"])
        assert "DTSTAMP" in event
        for value in event.values():
            assert_no_pii(str(value), items)
    assert_no_pii(first.decode("utf-8").replace("\r\n ", ""), items)  # unfolded, so a split ID would show


def test_ics_uid_survives_state_change():
    due = reminder(1, overdue=False)
    late = Reminder(**{**due.__dict__, "kind": "test_overdue", "days_overdue": 1, "days_left": None})
    [a] = Calendar.from_ical(to_ics([due], AS_OF)).walk("VEVENT")
    [b] = Calendar.from_ical(to_ics([late], AS_OF)).walk("VEVENT")
    assert a["UID"] == b["UID"] and int(b["SEQUENCE"]) > int(a["SEQUENCE"])


# --- no nagging --------------------------------------------------------------------------------------

def test_unsent_and_mark_sent(tmp_path):
    path = tmp_path / "h.sqlite"
    items = sample(4, overdue=1)
    with History(path) as history:
        assert unsent(history, items, "wecom:a") == items
        mark_sent(history, items, "wecom:a")
        assert unsent(history, items, "wecom:a") == []
        assert unsent(history, items, "mail:b") == items  # each channel remembers for itself
        assert unsent(history, items, "wecom:a", resend=True) == items
    with History(path) as history:  # remembered across runs
        assert unsent(history, items, "wecom:a") == []
        due = items[3]
        late = Reminder(**{**due.__dict__, "kind": "test_overdue", "days_overdue": 1, "days_left": None})
        assert late.key == due.key and late.state != due.state
        changed = items[:3] + [late]
        assert unsent(history, changed, "wecom:a") == [late]
        mark_sent(history, [late], "wecom:a")
        assert unsent(history, changed, "wecom:a") == []
        rows = history.db.execute("SELECT reminder_key, channel, state FROM sent_reminders ORDER BY id").fetchall()
        assert len(rows) == 4 and (late.key, "wecom:a", "overdue") in rows  # updated in place, not duplicated


def test_end_to_end_no_nagging_on_a_webhook(tmp_path, robot_factory):
    robot = robot_factory("ok")
    items = sample()
    channel = channel_name("wecom", robot.url)
    with History(tmp_path / "h.sqlite") as history:
        for _ in range(2):
            todo = unsent(history, items, channel)
            if todo:
                post_webhook(robot.url, "wecom", todo, AS_OF)
                mark_sent(history, todo, channel)
    assert len(robot.requests) == 1
