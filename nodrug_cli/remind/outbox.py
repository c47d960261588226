"""Sending what has not been sent on each channel, recording each post the moment it is accepted.

A channel is a name for the history (`delivery.channel_name`), words for messages, and a `send(todo,
on_sent, noted)` that calls `on_sent(reminders)` for each accepted post. A failing channel stops for
this run and does not stop the others; what it did deliver stays recorded, the rest go next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from nodrug_cli.history.sent import mark_sent, mark_uncertain, uncertain_keys, unsent
from nodrug_cli.history.store import History
from nodrug_cli.remind.delivery import ChannelConfigError, DeliveryError, RateLimited, Uncertain
from nodrug_cli.remind.model import Reminder


@dataclass
class Channel:
    name: str  # as recorded in the history, e.g. wecom:3f2a…
    words: str  # as shown, e.g. wecom
    send: Callable[[list[Reminder], Callable[[list[Reminder]], None], frozenset[str]], None]


@dataclass
class Outcome:
    channel: Channel
    todo: int = 0  # reminders this run had to send on the channel
    sent: int = 0  # accepted and recorded
    uncertain: int = 0  # in a post that got no answer
    error: DeliveryError | None = None

    @property
    def pending(self) -> int:
        """Reminders left for the next run (not sent, not uncertain)."""
        return self.todo - self.sent - self.uncertain

    def message(self) -> str:
        """What the cron admin reads on stderr, in Chinese: what went out, what did not, what happens next."""
        if self.error is None:
            return f"已发送 {self.sent} 条提醒（{self.channel.words}）"
        parts = [f"已发送 {self.sent} 条并已记录"] if self.sent else []
        if isinstance(self.error, RateLimited):
            head = f"发送暂停：{self.error}"
            parts.append("本次不再向此机器人发送")
        elif isinstance(self.error, Uncertain):
            head = f"发送结果不确定：{self.error}"
            parts.append(f"没有应答的这条消息中的 {self.uncertain} 条提醒本次不重发，下次运行时再发一次并注明“可能重复”")
        else:
            head = f"发送失败：{self.error}"
        if self.pending:
            parts.append(f"其余 {self.pending} 条下次运行时补发")
        return f"{head}。" + "；".join(parts) + ("。" if parts else "")


@dataclass
class Delivery:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.error is None for o in self.outcomes)


def deliver(history: History, reminders: list[Reminder], channels: list[Channel], resend: bool = False) -> Delivery:
    """Send on each channel what it has not carried yet; `ChannelConfigError` (a usage error) propagates."""
    result = Delivery()
    for channel in channels:
        todo = unsent(history, reminders, channel.name, resend)
        if not todo:
            continue
        outcome = Outcome(channel, todo=len(todo))
        result.outcomes.append(outcome)

        def on_sent(group: list[Reminder], outcome: Outcome = outcome, channel: Channel = channel) -> None:
            mark_sent(history, group, channel.name)
            outcome.sent += len(group)

        try:
            channel.send(todo, on_sent, uncertain_keys(history, todo, channel.name))
        except ChannelConfigError:
            raise
        except Uncertain as exc:
            mark_uncertain(history, exc.uncertain, channel.name)
            outcome.uncertain, outcome.error = len(exc.uncertain), exc
        except DeliveryError as exc:
            outcome.error = exc
    return result
