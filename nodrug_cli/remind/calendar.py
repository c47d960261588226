"""Reminders as an iCalendar (.ics) file: one all-day event per reminder on its due date.

A calendar file leaves the machine (it is imported into phones and shared calendars), so persons are
always masked (DOMAIN.md §9). Each event's UID is `<reminder key>@nodrug`: the same item gives the
same UID on every run, so importing a newer file updates the event instead of adding a second one.
SEQUENCE is 1 once the item is overdue (0 while only due soon), so a calendar that compares
sequences takes the overdue version over the earlier one.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from icalendar import Calendar, Event

from nodrug_cli.remind.model import KIND_WORDS, Reminder, sort_key

PRODID = "-//nodrug-cli//remind//ZH"


def uid(reminder: Reminder) -> str:
    return f"{reminder.key}@nodrug"


def summary(reminder: Reminder) -> str:
    """The short form of the masked message: `尿检逾期：百灵社区 王*明`."""
    who = reminder.person(full_pii=False)
    name = f" {who['name']}" if who and who.get("name") else ""
    return f"{KIND_WORDS[reminder.kind]}：{reminder.community}{name}"


def to_ics(reminders: Iterable[Reminder], as_of: dt.date, stamp: dt.datetime | None = None) -> bytes:
    """The calendar as bytes (UTF-8, CRLF lines). `stamp` is DTSTAMP (default: now, UTC)."""
    stamp = (stamp or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "禁毒提醒")
    for r in sorted(reminders, key=sort_key):
        event = Event()
        event.add("uid", uid(r))
        event.add("dtstamp", stamp)
        event.add("dtstart", r.due_date)
        event.add("dtend", r.due_date + dt.timedelta(days=1))
        event.add("summary", summary(r))
        event.add("description", f"{r.message(full_pii=False)}\n依据：{r.rule}\n（截至 {as_of.isoformat()}）")
        event.add("categories", ["禁毒"])
        event.add("sequence", 1 if r.overdue else 0)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
