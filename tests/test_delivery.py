"""Delivery that neither loses nor repeats, against a real HTTP robot on 127.0.0.1: pacing, rate limits,
timeouts, DingTalk 加签, and masked values shown as plain text in the robots' markdown."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import urllib.parse

import pytest
from builders import person_id

from nodrug_cli.history.sent import mark_sent, mark_uncertain, uncertain_keys, unsent
from nodrug_cli.history.store import History
from nodrug_cli.remind.channels import (
    PACES, RESENT_NOTE, ChannelConfigError, DeliveryError, Pacer, RateLimited, Uncertain, channel_name,
    dingtalk_signed, markdown_posts, md_plain, post_webhook)
from nodrug_cli.remind.model import Reminder
from nodrug_cli.remind.outbox import Channel, deliver

AS_OF = dt.date(2025, 6, 3)


def reminder(n: int, name: str = "王晓明") -> Reminder:
    due = dt.date(2025, 5, 31)
    return Reminder(kind="test_overdue", community="百灵社区", person_id=person_id(n), person_name=name,
                    due_date=due, days_overdue=(AS_OF - due).days, days_left=None,
                    rule="尿检每 2 个月一次（boumei-2023）", what=f"2025-04-01 至 2025-05-31 的尿检（{n}）")


def many(count: int) -> list[Reminder]:
    return [reminder(n) for n in range(count)]


class FakeTime:
    """The outside world's clock, passed in: `sleep` moves it on and records how long."""

    def __init__(self):
        self.now, self.sleeps = 1000.0, []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def lines_of(bodies: list[dict]) -> list[str]:
    texts = [b["markdown"].get("content") or b["markdown"].get("text") for b in bodies]
    return [line for t in texts for line in t.splitlines() if line.startswith("- ")]


# --- masked values as plain text ---------------------------------------------------------------------

@pytest.mark.parametrize("kind,field", [("wecom", "content"), ("dingtalk", "text")])
def test_masked_values_are_posted_so_the_robot_shows_asterisks(robot_factory, kind, field):
    robot = robot_factory("ok")
    r = reminder(7)
    post_webhook(robot.url, kind, [r], AS_OF)
    [body] = robot.bodies()
    pid = r.person_id
    assert body["markdown"][field] == (
        "### 禁毒提醒 2025-06-03 百灵社区\n逾期 **1** 项，将到期 **0** 项\n\n"
        f"- 【尿检逾期】百灵社区 王＊明（{pid[:6]}＊＊＊＊＊＊＊＊{pid[-4:]}） 2025-04-01 至 2025-05-31 的尿检（7），已逾期 3 天。")
    assert "\\" not in body["markdown"][field]  # no backslash escape: WeCom's markdown would show it


def test_every_markdown_active_character_from_a_ledger_is_made_inert():
    assert md_plain("a*b_c`d[e](f)<g>#h~i|j\\k") == "a＊b＿c｀d［e］(f)＜g＞＃h～i｜j＼k"
    r = Reminder(**{**reminder(1).__dict__, "community": "[新]*村*"})
    [(text, [back])] = markdown_posts([r], AS_OF)
    assert back is r and "［新］＊村＊" in text and "*村*" not in text


# --- pacing ------------------------------------------------------------------------------------------

def test_the_pacer_sleeps_only_once_the_window_is_full():
    t = FakeTime()
    pacer = Pacer(3, 60, clock=t.clock, sleep=t.sleep)
    for _ in range(3):
        pacer.wait()
        t.now += 1
    assert t.sleeps == []  # a small run never sleeps
    pacer.wait()  # the 4th: waits until the 1st is 60 s old
    assert t.sleeps == [57]


def test_default_pace_is_under_the_robots_documented_twenty_a_minute():
    for kind in ("wecom", "dingtalk"):
        posts, seconds = PACES[kind]
        assert posts <= 20 and seconds >= 60
    assert PACES["json"] is None


def test_posts_are_paced_and_no_window_holds_more_than_the_limit(robot_factory):
    robot = robot_factory("ok")
    t = FakeTime()
    starts: list[float] = []

    class Watch(Pacer):
        def wait(self):
            super().wait()
            starts.append(t.now)

    sent = post_webhook(robot.url, "wecom", many(200), AS_OF, pace=Watch(2, 60, clock=t.clock, sleep=t.sleep))
    assert sent == len(robot.requests) >= 5
    assert starts[0] == starts[1] == 1000.0 and t.sleeps  # the first two went at once, later ones waited
    assert all(b - a >= 60 for a, b in zip(starts, starts[2:]))  # any two posts apart: never 3 within 60 s


def test_a_robot_that_takes_twenty_a_minute_gets_all_twenty_seven_posts_in_one_paced_run(robot_factory):
    """The issue's case: 27 posts to a WeCom robot that refuses the 21st post of a minute. The clock is
    passed in; each fake minute that passes opens a new minute at the robot too."""
    robot = robot_factory("ok", per_minute=20)
    t = FakeTime()

    def sleep(seconds: float) -> None:
        minute = t.now // 60
        t.sleep(seconds)
        if t.now // 60 != minute:
            robot.next_minute()

    items = [Reminder(**{**reminder(n % 100).__dict__, "person_id": person_id(n % 100, born=dt.date(1980, 1, 1)
                                                                              + dt.timedelta(days=n // 100))})
             for n in range(760)]
    assert len({r.key for r in items}) == 760
    sent = post_webhook(robot.url, "wecom", items, AS_OF, pace=Pacer(*PACES["wecom"], clock=t.clock, sleep=sleep))
    assert sent == len(robot.requests) == len(robot.accepted) >= 27  # nothing refused
    assert len(t.sleeps) == (sent - 1) // 20  # one pause after each 20 posts, none before


# --- rate limits and timeouts ------------------------------------------------------------------------

def test_a_rate_limit_stops_at_once_and_each_accepted_post_was_reported(robot_factory):
    robot = robot_factory("ok", per_minute=2)
    accepted: list[list[Reminder]] = []
    with pytest.raises(RateLimited) as caught:
        post_webhook(robot.url, "wecom", many(200), AS_OF, retries=3, backoff=0.01, on_sent=accepted.append)
    assert len(robot.requests) == 3  # two accepted, one refused, and no retry of the refused one
    assert caught.value.delivered == 2 and "45009" in str(caught.value) and "限流" in str(caught.value)
    assert [len(g) for g in accepted] == [len(lines_of([b])) for b in robot.accepted]
    assert [f"- {md_plain(r.message())}" for g in accepted for r in g] == lines_of(robot.accepted)


@pytest.mark.parametrize("mode,kind", [("130101", "dingtalk"), ("429", "json")])
def test_other_rate_limit_answers(robot_factory, mode, kind):
    robot = robot_factory(mode)
    with pytest.raises(RateLimited):
        post_webhook(robot.url, kind, many(3), AS_OF, retries=3, backoff=0.01)
    assert len(robot.requests) == 1


def test_a_timeout_is_uncertain_and_never_re_sent_blindly(robot_factory):
    robot = robot_factory("hang", "ok")
    items = many(3)
    with pytest.raises(Uncertain) as caught:
        post_webhook(robot.url, "wecom", items, AS_OF, timeout=0.3, retries=3, backoff=0.01)
    assert len(robot.requests) == 1  # the robot may have it: no second copy
    assert caught.value.uncertain == sorted(items, key=lambda r: r.what)
    assert "可能已收到" in str(caught.value)


def test_a_noted_reminder_says_it_may_be_a_repeat(robot_factory):
    robot = robot_factory("ok")
    items = many(2)
    post_webhook(robot.url, "wecom", items, AS_OF, noted=frozenset({items[0].key}))
    lines = lines_of(robot.bodies())
    assert lines[0].endswith(RESENT_NOTE) and not lines[1].endswith(RESENT_NOTE)


# --- DingTalk 加签 -----------------------------------------------------------------------------------

def test_dingtalk_signature_is_the_documented_hmac():
    secret, ts = "SECtest+/=secret", 1700000000123
    url = dingtalk_signed("https://oapi.dingtalk.com/robot/send?access_token=T", secret, ts)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    assert query == {"access_token": ["T"], "timestamp": [str(ts)], "sign": [base64.b64encode(digest).decode()]}
    raw_sign = url.split("sign=")[1]
    assert not set(raw_sign) & set("+/=")  # urlencoded


def test_a_signed_dingtalk_robot_accepts_the_right_secret_only(robot_factory):
    robot = robot_factory("ok", secret="SEC-right")
    assert post_webhook(robot.url, "dingtalk", many(2), AS_OF, secret="SEC-right") == 1
    with pytest.raises(DeliveryError, match="310000"):
        post_webhook(robot.url, "dingtalk", many(2), AS_OF, secret="SEC-wrong", retries=2, backoff=0.01)
    with pytest.raises(DeliveryError, match="310000"):
        post_webhook(robot.url, "dingtalk", many(2), AS_OF, retries=0)  # unsigned
    assert len(robot.accepted) == 1 and len(robot.requests) == 3
    with pytest.raises(ChannelConfigError, match="钉钉"):
        post_webhook(robot.url, "wecom", many(2), AS_OF, secret="SEC-right")


# --- the outbox: recorded the moment a post is accepted ----------------------------------------------

def robot_channel(robot, **options) -> Channel:
    def send(todo, on_sent, noted):
        post_webhook(robot.url, "wecom", todo, AS_OF, on_sent=on_sent, noted=noted, backoff=0.01, **options)

    return Channel(channel_name("wecom", robot.url), "wecom", send)


def test_two_runs_against_a_rate_limited_robot_deliver_each_reminder_once(tmp_path, robot_factory):
    robot = robot_factory("ok", per_minute=3)
    items = many(90)
    with History(tmp_path / "h.sqlite") as history:
        first = deliver(history, items, [robot_channel(robot)])
        [outcome] = first.outcomes
        assert not first.ok and isinstance(outcome.error, RateLimited)
        assert outcome.sent == len(lines_of(robot.accepted)) and outcome.pending == len(items) - outcome.sent
        assert "下次运行时补发" in outcome.message() and "已发送" in outcome.message()
        robot.next_minute()
        assert deliver(history, items, [robot_channel(robot)]).ok  # a second run the same day
        assert len(robot.requests) == len(robot.accepted) + 1 >= 5  # (the one refused post of the first run)
        assert deliver(history, items, [robot_channel(robot)]).outcomes == []  # and then nothing more
    lines = lines_of(robot.accepted)
    assert sorted(lines) == sorted(f"- {md_plain(r.message())}" for r in items)  # each exactly once


def test_a_post_that_timed_out_is_sent_once_more_next_run_with_a_note(tmp_path, robot_factory):
    robot = robot_factory("hang", "ok")
    items = many(3)
    with History(tmp_path / "h.sqlite") as history:
        first = deliver(history, items, [robot_channel(robot, timeout=0.3)])
        [outcome] = first.outcomes
        assert isinstance(outcome.error, Uncertain) and outcome.uncertain == 3 and outcome.pending == 0
        assert "可能重复" in outcome.message()
        channel = channel_name("wecom", robot.url)
        assert uncertain_keys(history, items, channel) == {r.key for r in items}
        assert deliver(history, items, [robot_channel(robot, timeout=0.3)]).ok
        assert all(line.endswith(RESENT_NOTE) for line in lines_of(robot.accepted))
        assert uncertain_keys(history, items, channel) == frozenset()
        assert deliver(history, items, [robot_channel(robot)]).outcomes == []
    assert len(robot.requests) == 2


def test_mark_uncertain_then_sent(tmp_path):
    items = many(2)
    with History(tmp_path / "h.sqlite") as history:
        mark_uncertain(history, items[:1], "c")
        assert unsent(history, items, "c") == items  # the uncertain one goes again
        mark_sent(history, items, "c")
        assert unsent(history, items, "c") == [] and uncertain_keys(history, items, "c") == frozenset()


# --- mail: the same rule for a message without answer ------------------------------------------------

class SlowCollector:
    """An SMTP server that takes the message and answers only after `delay` seconds."""

    def __init__(self, delay: float):
        self.delay, self.envelopes = delay, []

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        self.envelopes.append(envelope)
        await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


def test_a_mail_without_answer_after_the_data_is_uncertain_and_not_sent_twice(tmp_path):
    from aiosmtpd.controller import Controller
    from servers import free_port

    from nodrug_cli.remind.channels import send_mail
    from nodrug_cli.remind.mailconfig import MailConfig

    handler = SlowCollector(delay=3)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        config = MailConfig(host="127.0.0.1", port=controller.port, sender="jdb@example.org", tls="none")
        items = many(2)
        with pytest.raises(Uncertain, match="可能已发出") as caught:
            send_mail(config, ["a@example.org"], items, AS_OF, timeout=0.5, retries=2, backoff=0.01)
        assert caught.value.uncertain == items
        assert len(handler.envelopes) == 1  # taken once, not retried
    finally:
        controller.stop()
