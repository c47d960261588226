"""No nagging: which reminders a channel has already carried (the `sent_reminders` table, migration 003).

A reminder is sent again on a channel only when it was never delivered there, or was delivered in
another state (due soon → overdue), or when the user asks with `--resend`. Call `mark_sent` only
after the channel delivered.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Iterable

from nodrug_cli.history.store import History, HistoryError
from nodrug_cli.remind.model import Reminder

_BATCH = 500  # keys per query, well under SQLite's limit on bound parameters


def unsent(history: History, reminders: Iterable[Reminder], channel: str, resend: bool = False) -> list[Reminder]:
    """The reminders not yet delivered on `channel` in their current state (all of them with `resend`)."""
    items = list(reminders)
    if resend or not items:
        return items
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
        raise HistoryError(f"无法读取历史数据库 {history.path}：{exc}") from None
    return [r for r in items if delivered.get(r.key) != r.state]


def mark_sent(history: History, reminders: Iterable[Reminder], channel: str,
              sent_at: dt.datetime | None = None) -> None:
    """Record that `channel` delivered these reminders in their current state (one transaction)."""
    when = (sent_at or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    rows = [(r.key, channel, r.state, when) for r in reminders]
    if not rows:
        return
    try:
        with history.transaction() as db:
            db.executemany("""
                INSERT INTO sent_reminders (reminder_key, channel, state, sent_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (reminder_key, channel) DO UPDATE SET state = excluded.state, sent_at = excluded.sent_at
            """, rows)
    except sqlite3.Error as exc:
        raise HistoryError(f"无法写入历史数据库 {history.path}：{exc}") from None
