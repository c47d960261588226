"""No nagging: which reminders a channel has already carried (the `sent_reminders` table, migration 003).

A reminder is sent again on a channel only when it was never delivered there, or was delivered in
another state (due soon → overdue), or when the user asks with `--resend`. Call `mark_sent` the
moment the channel accepted a post (each post is its own transaction, so a run stopped half way keeps
what went out). A post that got no answer is marked `uncertain` (`mark_uncertain`): its state differs
from every real state, so the next run sends it once more, and `uncertain_keys` tells the channel to
add a note that it may be a repeat.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Iterable

from nodrug_cli.history.store import History, HistoryError
from nodrug_cli.remind.model import Reminder

UNCERTAIN = "uncertain"
_BATCH = 500  # keys per query, well under SQLite's limit on bound parameters


def _states(history: History, items: list[Reminder], channel: str) -> dict[str, str]:
    """reminder key → the state last recorded on `channel`, for these reminders."""
    keys = sorted({r.key for r in items})
    delivered: dict[str, str] = {}
    try:
        for start in range(0, len(keys), _BATCH):
            batch = keys[start:start + _BATCH]
            marks = ",".join("?" * len(batch))
            delivered.update(history.db.execute(
                f"SELECT reminder_key, state FROM sent_reminders WHERE channel = ? AND reminder_key IN ({marks})",
                [channel, *batch]))
    except sqlite3.Error as exc:
        raise HistoryError("history.cannot_read", path=history.path, detail=str(exc)) from None
    return delivered


def unsent(history: History, reminders: Iterable[Reminder], channel: str, resend: bool = False) -> list[Reminder]:
    """The reminders not yet delivered on `channel` in their current state (all of them with `resend`)."""
    items = list(reminders)
    if resend or not items:
        return items
    delivered = _states(history, items, channel)
    return [r for r in items if delivered.get(r.key) != r.state]


def uncertain_keys(history: History, reminders: Iterable[Reminder], channel: str) -> frozenset[str]:
    """The keys of those reminders whose last post on `channel` got no answer (timeout)."""
    items = list(reminders)
    return frozenset(key for key, state in _states(history, items, channel).items() if state == UNCERTAIN)


def mark_uncertain(history: History, reminders: Iterable[Reminder], channel: str,
                   sent_at: dt.datetime | None = None) -> None:
    """Record that a post of these reminders on `channel` got no answer: it may or may not have arrived."""
    mark_sent(history, reminders, channel, sent_at, state=UNCERTAIN)


def mark_sent(history: History, reminders: Iterable[Reminder], channel: str,
              sent_at: dt.datetime | None = None, state: str | None = None) -> None:
    """Record that `channel` delivered these reminders in their current state (one transaction)."""
    when = (sent_at or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    rows = [(r.key, channel, state or r.state, when) for r in reminders]
    if not rows:
        return
    try:
        with history.transaction() as db:
            db.executemany("""
                INSERT INTO sent_reminders (reminder_key, channel, state, sent_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (reminder_key, channel) DO UPDATE SET state = excluded.state, sent_at = excluded.sent_at
            """, rows)
    except sqlite3.Error as exc:
        raise HistoryError("history.cannot_write", path=history.path, detail=str(exc)) from None
