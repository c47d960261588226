"""What every delivery channel shares: the errors it raises, bounded retries, pacing, stable channel names.

A channel's answer to one attempt falls in one of four cases, and each has its own rule, so that a
reminder is neither lost nor repeated:
- delivered: the caller records it as sent at once (not at the end of the run);
- not delivered, worth another try (connection refused, HTTP 5xx): retried `retries` times with
  exponential `backoff`, then `DeliveryError`;
- rate-limited (a robot's "too many messages" errcode, HTTP 429): `RateLimited` at once — another try
  within the minute only prolongs the block; the rest of the reminders go on the next run;
- uncertain (a timeout or a dropped connection after the request was sent — the robot may have it):
  `Uncertain` at once, never re-sent blindly; the caller records those reminders as uncertain and the
  next run sends them once more with a note (README: "after a timeout").
"""

from __future__ import annotations

import hashlib
import socket
import time
from collections import deque
from typing import Callable, Iterable, TypeVar

from nodrug_cli.remind.model import Reminder
from nodrug_cli.render.messages import MESSAGES
from nodrug_cli.render.words import Words, WordedError
from nodrug_cli.said import Said

T = TypeVar("T")

RETRY, FINAL, RATE_LIMIT, UNCERTAIN = "retry", "final", "rate_limit", "uncertain"


class DeliveryError(WordedError):
    """A channel could not deliver (exit code 3): one line naming the channel and the cause, in either language
    (`message(lang)`; `str()` is the Chinese).

    `DeliveryError(channel, cause)` reads "企业微信群机器人（qyapi.weixin.qq.com）：HTTP 500，已重试 2 次";
    `DeliveryError(message)` takes a ready line. Channel and cause are sentences as data (`Said`) or plain text. `delivered`
    counts the posts that did go out before the failure (a split webhook message may fail half way); `uncertain`
    holds the reminders of a post whose fate is unknown (see `Uncertain`).
    """

    def __init__(self, channel, cause=None, *, delivered: int = 0):
        self.channel, self.cause, self.delivered = channel, cause, delivered
        self.uncertain: list[Reminder] = []
        if cause:
            super().__init__("deliver.error", channel=channel, cause=cause)
        else:
            super().__init__("deliver.line", line=channel)


class ChannelConfigError(DeliveryError, ValueError):
    """A channel that cannot even be tried (a bad webhook address or kind) — really a usage error (exit 2).

    A `DeliveryError` too, so a caller that only catches that still reports it in one line and goes on.
    """


class RateLimited(DeliveryError):
    """The robot said "too many messages": this channel stops for the run; the rest go next run."""


class Uncertain(DeliveryError):
    """The request went out but no answer came (timeout, dropped connection): the robot may have it."""


class Failure(Exception):
    """One failed attempt: its cause (a `Said`) and what may follow (RETRY, FINAL, RATE_LIMIT, UNCERTAIN)."""

    def __init__(self, cause, outcome: str):
        super().__init__(cause)
        self.cause, self.outcome = cause, outcome


class Pacer:
    """At most `limit` attempts in any `window` seconds: waits only when the next one would be one too many.

    The robots count every POST, retries included, so `wait()` goes before each attempt. A run of
    fewer than `limit` posts never sleeps. `clock` and `sleep` are the outside world, passed in.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        if limit < 1 or window < 0:
            raise ValueError("pace: limit ≥ 1 and window ≥ 0")
        self.limit, self.window, self.clock, self.sleep = limit, window, clock, sleep
        self.starts: deque[float] = deque()

    def wait(self) -> None:
        now = self.clock()
        while len(self.starts) >= self.limit:
            elapsed = now - self.starts[0]
            if elapsed >= self.window:
                self.starts.popleft()
                continue
            self.sleep(self.window - elapsed)
            now = self.clock()
        self.starts.append(now)


def attempts(label, attempt: Callable[[], T], retries: int, backoff: float, delivered: int = 0,
             pacer: Pacer | None = None) -> T:
    """Run `attempt` up to 1 + `retries` times while its failure says another try may help."""
    tries = 0
    while True:
        if pacer is not None:
            pacer.wait()
        try:
            return attempt()
        except Failure as failure:
            if failure.outcome == RATE_LIMIT:
                raise RateLimited(label, failure.cause, delivered=delivered) from None
            if failure.outcome == UNCERTAIN:
                raise Uncertain(label, failure.cause, delivered=delivered) from None
            if failure.outcome != RETRY:
                raise DeliveryError(label, failure.cause, delivered=delivered) from None
            if tries >= retries:
                cause = Said("deliver.retried", cause=failure.cause, n=retries) if retries else failure.cause
                raise DeliveryError(label, cause, delivered=delivered) from None
            time.sleep(backoff * (2 ** tries))
            tries += 1


def is_timeout(exc: object) -> bool:
    """Whether a channel's error (or its reason) is a timeout: no answer came in time."""
    return isinstance(exc, (TimeoutError, socket.timeout)) or "timed out" in str(exc)


def channel_name(kind: str, target: str) -> str:
    """A stable name for the sent-reminders table that keeps no secret: `wecom:3f2a…` for a robot URL.

    The same webhook (or the same set of mail recipients) always gives the same name, so what was
    delivered there is remembered; the URL's key itself is not stored in the history database.
    """
    digest = hashlib.sha256(target.strip().encode("utf-8")).hexdigest()[:16]
    return f"{kind}:{digest}"


def counts(reminders: Iterable[Reminder]) -> tuple[int, int]:
    """(overdue, due soon)."""
    items = list(reminders)
    overdue = sum(1 for r in items if r.overdue)
    return overdue, len(items) - overdue


def summary_line(reminders: Iterable[Reminder], as_of, lang: str = "zh") -> str:
    """`禁毒提醒 2025-06-03：逾期 3 项，将到期 2 项` — the mail subject and the robots' title."""
    overdue, due = counts(reminders)
    return Words(lang)("deliver.summary", day=as_of.isoformat(), overdue=overdue, due=due)


def resent_note(lang: str = "zh") -> str:
    """What a reminder sent again after a timeout carries: it may be there twice."""
    return Words(lang)("deliver.resent")


RESENT_NOTE = MESSAGES["deliver.resent"][0]
