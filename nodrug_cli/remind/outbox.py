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
from nodrug_cli.render.words import Words


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

    def message(self, lang: str = "zh") -> str:
        """What the cron admin reads on stderr, in `lang`: what went out, what did not, what happens next."""
        w = Words(lang, section="deliver")
        if self.error is None:
            return w("sent", sent=self.sent, channel=self.channel.words)
        parts = [w("sent_recorded", self.sent)] if self.sent else []
        error = self.error.message(lang)
        if isinstance(self.error, RateLimited):
            head = w("paused", error)
            parts.append(w("paused_rest"))
        elif isinstance(self.error, Uncertain):
            head = w("uncertain", error)
            parts.append(w("uncertain_rest", self.uncertain))
        else:
            head = w("failed", error)
        if self.pending:
            parts.append(w("pending", self.pending))
        rest = w("clause_sep").join(parts) + (w("end") if parts else "")
        return w("outcome", head=head, parts=rest[:1].upper() + rest[1:]).rstrip()  # a sentence starts upper case


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
