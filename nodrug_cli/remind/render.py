"""Reminders on screen and in files: plain lines for a cron mail, rich on a terminal, Markdown, CSV — in Chinese
or English (the words from the message table; a reminder's rule and what are held as data)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TextIO

from nodrug_cli.remind.model import Reminder
from nodrug_cli.render.words import Words, phrase


def _w(lang: str) -> Words:
    return Words(lang, section="remind")


def rule(r: Reminder, lang: str = "zh") -> str:
    """The rule a reminder comes from, in `lang` (the Chinese as written when it holds no data)."""
    return phrase(r.rule_data, lang) if lang == "en" and r.rule_data else r.rule


def what(r: Reminder, lang: str = "zh") -> str:
    """What is due, without the person."""
    return phrase(r.what_data, lang) if lang == "en" and r.what_data else r.what


def kind(r: Reminder, lang: str = "zh") -> str:
    return _w(lang).table("kind")[r.kind]


def message(r: Reminder, full_pii: bool = False, lang: str = "zh") -> str:
    """One line: 【尿检逾期】百灵社区 王*明（441502********123X）2025-05-01 至 2025-06-30 的尿检，已逾期 3 天。"""
    w = _w(lang)
    who = r.person(full_pii)
    person = w("person", name=who["name"], id=who["id"]) if who else ""
    when = w("overdue_days", r.days_overdue) if r.overdue else (
        w("due_today") if r.days_left == 0 else w("days_left", left=r.days_left, due=r.due_date.isoformat()))
    return w("message", kind=kind(r, lang), community=r.community, person=person, what=what(r, lang), when=when)


def _headline(reminders: list[Reminder], day: dt.date, lang: str = "zh") -> str:
    overdue = sum(1 for r in reminders if r.overdue)
    return _w(lang)("headline", day=day.isoformat(), overdue=overdue, soon=len(reminders) - overdue)


def to_plain(reminders: list[Reminder], day: dt.date, full_pii: bool = False, lang: str = "zh") -> str:
    """One line per reminder, overdue first: short enough for a cron mail."""
    if not reminders:
        return _w(lang)("nothing", day.isoformat()) + "\n"
    return "\n".join([_headline(reminders, day, lang), *[message(r, full_pii, lang) for r in reminders]]) + "\n"


def to_markdown(reminders: list[Reminder], day: dt.date, full_pii: bool = False, lang: str = "zh") -> str:
    w = _w(lang)
    lines = [f"## {_headline(reminders, day, lang)}", ""]
    lines += [f"- {message(r, full_pii, lang)}{w('by_rule', rule(r, lang))}" for r in reminders] or [w("nothing_md")]
    return "\n".join(lines) + "\n"


def _safe(value):
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(reminders: list[Reminder], full_pii: bool = False, lang: str = "zh") -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_w(lang).table("csv_header"))
    for r in reminders:
        who = r.person(full_pii) or {"name": "", "id": ""}
        writer.writerow([_safe(v) for v in (r.kind, kind(r, lang), r.community, who["name"], who["id"],
                                            r.due_date.isoformat(), r.days_overdue if r.overdue else "",
                                            "" if r.days_left is None else r.days_left, rule(r, lang),
                                            message(r, full_pii, lang))])
    return out.getvalue()


def to_rich(reminders: list[Reminder], day: dt.date, full_pii: bool, out: TextIO, lang: str = "zh") -> None:
    from rich.console import Console
    from rich.table import Table

    w = _w(lang)
    console = Console(file=out, highlight=False)
    if not reminders:
        console.print(f"[green]{w('nothing', day.isoformat())}")
        return
    table = Table(title=_headline(reminders, day, lang), title_justify="left", expand=True)
    for head in w.table("table_header"):
        table.add_column(head, overflow="fold")
    for r in reminders:
        who = r.person(full_pii)
        state = f"[red]{w('state_overdue', r.days_overdue)}" if r.overdue else f"[yellow]{w('state_left', r.days_left)}"
        table.add_row(kind(r, lang), r.community, f"{who['name']} {who['id']}" if who else "", what(r, lang),
                      r.due_date.isoformat(), state, rule(r, lang))
    console.print(table)
