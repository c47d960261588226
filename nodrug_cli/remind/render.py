"""Reminders on screen and in files: plain lines for a cron mail, rich on a terminal, Markdown, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TextIO

from nodrug_cli.remind.model import KIND_WORDS, Reminder


def _headline(reminders: list[Reminder], day: dt.date) -> str:
    overdue = sum(1 for r in reminders if r.overdue)
    return f"{day.isoformat()} 禁毒工作提醒：逾期 {overdue} 项，即将到期 {len(reminders) - overdue} 项"


def to_plain(reminders: list[Reminder], day: dt.date, full_pii: bool = False, lang: str = "zh") -> str:
    """One line per reminder, overdue first: short enough for a cron mail."""
    if not reminders:
        return f"{day.isoformat()} 没有逾期或即将到期的事项。\n"
    return "\n".join([_headline(reminders, day), *[r.message(full_pii) for r in reminders]]) + "\n"


def to_markdown(reminders: list[Reminder], day: dt.date, full_pii: bool = False, lang: str = "zh") -> str:
    lines = [f"## {_headline(reminders, day)}", ""]
    lines += [f"- {r.message(full_pii)}（依据：{r.rule}）" for r in reminders] or ["没有逾期或即将到期的事项。"]
    return "\n".join(lines) + "\n"


def _safe(value):
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


CSV_HEADER = ["kind", "类别", "村（社区）", "姓名", "身份证号", "到期日", "逾期天数", "剩余天数", "依据", "提醒"]


def to_csv(reminders: list[Reminder], full_pii: bool = False, lang: str = "zh") -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in reminders:
        who = r.person(full_pii) or {"name": "", "id": ""}
        writer.writerow([_safe(v) for v in (r.kind, KIND_WORDS[r.kind], r.community, who["name"], who["id"],
                                            r.due_date.isoformat(), r.days_overdue if r.overdue else "",
                                            "" if r.days_left is None else r.days_left, r.rule, r.message(full_pii))])
    return out.getvalue()


def to_rich(reminders: list[Reminder], day: dt.date, full_pii: bool, out: TextIO, lang: str = "zh") -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False)
    if not reminders:
        console.print(f"[green]{day.isoformat()} 没有逾期或即将到期的事项。")
        return
    table = Table(title=_headline(reminders, day), title_justify="left", expand=True)
    for head in ("类别", "村（社区）", "人员", "事项", "到期日", "状态", "依据"):
        table.add_column(head, overflow="fold")
    for r in reminders:
        who = r.person(full_pii)
        state = f"[red]逾期 {r.days_overdue} 天" if r.overdue else f"[yellow]剩 {r.days_left} 天"
        table.add_row(KIND_WORDS[r.kind], r.community, f"{who['name']} {who['id']}" if who else "", r.what,
                      r.due_date.isoformat(), state, r.rule)
    console.print(table)
