"""The reminders of many ledgers, one ledger at a time: whatever goes wrong with one stays with that one.

A ledger that cannot be read, or whose reading or rules fail in any way, becomes one message for
that ledger (and no reminders from it); the other ledgers' reminders are still computed and sent.
The exit code then says so: 2 for a ledger that gave no reminders (unreadable, or a failure while
reading it or applying the rules), else 1 for a ledger with errors (its rows with errors left out).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from nodrug_cli.exitcodes import ExitCode
from nodrug_cli.privacy import mask_id
from nodrug_cli.remind.model import Reminder, sort_key

_MAX_CAUSE = 160  # an exception's text can be long (or quote a cell): keep the message one short line
_ID = re.compile(r"\d{17}[\dXx]")  # an exception may quote a cell: cron mails what is printed, so mask IDs


@dataclass
class Collected:
    reminders: list[Reminder] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"path", "error"}, one per ledger with a problem
    code: ExitCode = ExitCode.OK


def collect(files: list[Path], rubric, day: dt.date, within: int, today: dt.date, max_inflated: int | None = None,
            rules: Callable | None = None, lang: str = "zh") -> Collected:
    """Reminders from each ledger in `files` for the as-of date `day`; `rules(ledger, rubric, day, within)`
    defaults to `remind.rules.reminders_for`. Each ledger's problem is worded in `lang`."""
    from nodrug_cli.ledger.findings import ERROR
    from nodrug_cli.ledger.read import read_ledger
    from nodrug_cli.ledger.workbook import Unreadable
    from nodrug_cli.render.words import Words, sheet_lacks

    w = Words(lang, section="remind")

    if rules is None:
        from nodrug_cli.remind.rules import reminders_for as rules
    out = Collected()
    found: list[Reminder] = []
    for path in files:
        try:
            ledger = read_ledger(path, today, as_of=day, year=day.year, max_inflated=max_inflated)
            count = sum(1 for f in ledger.findings if f.severity == ERROR)
            found_here = list(rules(ledger, rubric, day, within))
        except Unreadable as exc:
            out.errors.append({"path": str(path), "error": exc.message(w.lang)})
            out.code = max(out.code, ExitCode.UNUSABLE)
            continue
        except Exception as exc:  # noqa: BLE001 — one ledger's failure must not stop the others
            cause = _ID.sub(lambda m: mask_id(m.group()), f"{type(exc).__name__}: {exc}")[:_MAX_CAUSE]
            out.errors.append({"path": str(path), "error": w("failed", cause)})
            out.code = max(out.code, ExitCode.UNUSABLE)
            continue
        if count:
            # a sheet that lacks a required column gives no reminders at all: say so, or "nothing overdue" misleads
            unusable = [w("sheet_unusable", sheet_lacks(ledger, sheet, w.lang)) for sheet in ledger.unusable]
            out.errors.append({"path": str(path), "error": w("clause_sep").join([w("ledger_errors", count), *unusable])})
            out.code = max(out.code, ExitCode.FINDINGS)
        found += found_here
    out.reminders = sorted({r.key: r for r in found}.values(), key=sort_key)  # a town's report is due once
    return out
