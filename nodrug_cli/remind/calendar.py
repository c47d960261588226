"""Reminders as an iCalendar (.ics) file: one all-day event per reminder.

A reminder due soon is an event on its due date. An overdue one is an event on the as-of date T
(today), so it shows among the upcoming events instead of sinking into the past; its summary and
description still say since when it is overdue (the day after the missed due date).

A calendar file leaves the machine (it is imported into phones and shared calendars), so persons are
always masked (DOMAIN.md §9). Each event's UID is `<reminder key>@nodrug`: the same item gives the
same UID on every run, so importing a newer file updates the event instead of adding a second one.
SEQUENCE is 0 while the item is only due soon and its days overdue once overdue: it grows with every
day the event moves to the new "today", so a calendar that compares sequences takes the newest.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from icalendar import Calendar, Event

from nodrug_cli.remind.model import Reminder, sort_key
from nodrug_cli.remind.render import kind, message, rule
from nodrug_cli.render.words import Words

PRODID = "-//nodrug-cli//remind//ZH"


def uid(reminder: Reminder) -> str:
    return f"{reminder.key}@nodrug"


def overdue_since(reminder: Reminder) -> dt.date:
    """The first day the item is overdue: the day after its due date (for abstinence reached, the day itself)."""
    return reminder.due_date + dt.timedelta(days=0 if reminder.kind == "abstinence_reached" else 1)


def summary(reminder: Reminder, lang: str = "zh") -> str:
    """The short form of the masked message: `尿检逾期（自 2025-05-10）：百灵社区 王*明`."""
    w = Words(lang, section="remind")
    who = reminder.person(full_pii=False)
    name = f" {who['name']}" if who and who.get("name") else ""
    since = w("since", overdue_since(reminder).isoformat()) if reminder.overdue else ""
    return w("summary", kind=kind(reminder, lang), since=since, community=reminder.community, name=name)


def event_day(reminder: Reminder, as_of: dt.date) -> dt.date:
    """The event's day: the due date, or the as-of date once overdue (so it is among upcoming events)."""
    return as_of if reminder.overdue else reminder.due_date


def to_ics(reminders: Iterable[Reminder], as_of: dt.date, stamp: dt.datetime | None = None, lang: str = "zh") -> bytes:
    """The calendar as bytes (UTF-8, CRLF lines). `stamp` is DTSTAMP (default: now, UTC)."""
    w = Words(lang, section="remind")
    stamp = (stamp or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", w("calendar"))
    for r in sorted(reminders, key=sort_key):
        event = Event()
        event.add("uid", uid(r))
        event.add("dtstamp", stamp)
        day = event_day(r, as_of)
        since = w("overdue_since", since=overdue_since(r).isoformat(), due=r.due_date.isoformat()) if r.overdue else ""
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", summary(r, lang))
        event.add("description", w("description", message=message(r, False, lang), since=since, rule=rule(r, lang),
                                   as_of=as_of.isoformat()))
        event.add("categories", [w("category")])
        event.add("sequence", max(1, r.days_overdue) if r.overdue else 0)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
