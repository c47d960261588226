"""The reminder rules of DOMAIN.md §8, from one ledger, a standard and the as-of date T.

The windows are the score's (indicators/windows.py: anchored at 措施开始日期, else 首次登记日期, running
across year ends), so a worker who meets every reminder on time loses no point. The current window is
the one with start ≤ T < end (on its last day it is still current, 0 days left); the last fully elapsed
window is the one before it. Only records dated ≤ T count.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from nodrug_cli.ledger import columns as C
from nodrug_cli.ledger import sheets as S
from nodrug_cli.indicators.people import ABSTINENCE_YEARS, NOT_YET_THREE, SUPERVISED, column, ledger_people
from nodrug_cli.indicators.supervision import REPORT_DAYS
from nodrug_cli.indicators.windows import add_years, anchors, mark_met, person_keys, shift, windows
from nodrug_cli.ledger.read import Ledger
from nodrug_cli.remind.model import Reminder, ReminderKind, sort_key
from nodrug_cli.said import Said
from nodrug_cli.render import words
from nodrug_cli.standards.model import Standard

ORDER_YEARS = 3


def _day(ts) -> dt.date:
    return pd.Timestamp(ts).date()


def _reminder(kind: ReminderKind, community: str, person, name, due: dt.date, overdue: int | None, left: int | None,
              rule: tuple, what: tuple) -> Reminder:
    """A reminder whose rule and what are held as data (`Said`), with their Chinese words beside them."""
    return Reminder(kind, community, person, name, due, overdue, left, words.phrase(rule), words.phrase(what),
                    rule_data=rule, what_data=what)


def window_reminders(ledger: Ledger, people: pd.DataFrame, records: pd.DataFrame | None, date_column: str,
                     schedule: list[int], as_of: dt.date, within: int, subject: str, rule: tuple) -> list[Reminder]:
    """Overdue and due-soon reminders for tests or talks of the DUE persons in `people`."""
    if people.empty:
        return []
    t = pd.Timestamp(as_of)
    ids = person_keys(people)
    # only the current window and the one before it matter: both end after T − the longest step (a week's margin
    # for month-end clamping, which can make a window a few days longer than its months)
    since = pd.Timestamp(shift(as_of, -max(schedule))) - pd.Timedelta(days=7)
    wins = windows(anchors(people, dt.date(as_of.year, 1, 1)), schedule, t, include_current=True, since=since)
    if wins.empty:
        return []
    done = records[records[date_column] <= t] if records is not None else pd.DataFrame(columns=[C.ID_NUMBER, date_column])
    wins["met"] = mark_met(wins, done.rename(columns={C.ID_NUMBER: "person"}), date_column)
    names = dict(zip(ids, column(people, C.NAME)))
    community = str(ledger.info.get("社区名称") or ledger.path.stem)
    out = []
    for person, group in wins.groupby("person", sort=False):
        current = group.iloc[-1]
        if current["end"] <= t:  # no current window (cannot happen with include_current, kept for safety)
            continue
        previous = group.iloc[-2] if len(group) > 1 else None
        if previous is not None and not previous["met"] and not current["met"]:
            last_day = _day(previous["end"]) - dt.timedelta(days=1)
            out.append(_reminder(ReminderKind(f"{subject}_overdue"), community, person, names.get(person), last_day,
                                 (as_of - last_day).days, None, rule,
                                 Said("remind.what_window", start=_day(previous["start"]), end=last_day,
                                            subject=subject)))
            continue
        last_day = _day(current["end"]) - dt.timedelta(days=1)
        left = (last_day - as_of).days
        if not current["met"] and left <= within:
            out.append(_reminder(ReminderKind(f"{subject}_due"), community, person, names.get(person), last_day, None,
                                 left, rule, Said("remind.what_window", start=_day(current["start"]), end=last_day,
                                                        subject=subject)))
    return out


def order_reminders(ledger: Ledger, registry: pd.DataFrame, as_of: dt.date, within: int) -> list[Reminder]:
    """Orders not reported within 15 days, and orders whose three years end within `within` days."""
    community = str(ledger.info.get("社区名称") or ledger.path.stem)
    status = column(registry, C.STATUS)
    start = pd.to_datetime(column(registry, C.ORDER_START))
    signed = pd.to_datetime(column(registry, C.AGREEMENT_SIGNED))
    supervised = status.isin(SUPERVISED) & start.notna()
    out = []
    t = pd.Timestamp(as_of)
    late = supervised & (signed.isna() | (signed > t)) & ((t - start).dt.days > REPORT_DAYS)
    for _, row in registry[late].iterrows():
        due = _day(row[C.ORDER_START]) + dt.timedelta(days=REPORT_DAYS)
        out.append(_reminder(ReminderKind.ORDER_UNREPORTED, community, row.get(C.ID_NUMBER), row.get(C.NAME), due,
                             (as_of - due).days, None, Said("remind.rule_report_order"),
                             Said("remind.what_unreported", start=_day(row[C.ORDER_START]), status=row[C.STATUS])))
    ends = add_years(start, ORDER_YEARS)
    ending = supervised & ((ends - t).dt.days >= 0) & ((ends - t).dt.days <= within)
    for i, row in registry[ending].iterrows():
        end = _day(ends[i])
        out.append(_reminder(ReminderKind.ORDER_ENDING, community, row.get(C.ID_NUMBER), row.get(C.NAME), end, None,
                             (end - as_of).days, Said("remind.rule_order_term"),
                             Said("remind.what_ending", start=_day(row[C.ORDER_START]), status=row[C.STATUS],
                                        end=end)))
    return out


def abstinence_reminders(ledger: Ledger, sets, as_of: dt.date, within: int) -> list[Reminder]:
    """戒断未满三年 persons (not under a running order) and 在控 whose 最近吸毒日期 + 3 years fell within the last
    `within` days, with no 阳性 test since: suggest updating the status to 戒断三年未复吸 (DOMAIN.md §8).

    A person under a running order, or 失控, gets no such suggestion: ABSTINENT3 already rules both out.
    """
    registry = sets.registry
    community = str(ledger.info.get("社区名称") or ledger.path.stem)
    status = column(registry, C.STATUS)
    reached = add_years(pd.to_datetime(column(registry, C.LAST_USE)), ABSTINENCE_YEARS)
    since = (pd.Timestamp(as_of) - reached).dt.days
    candidates = status.eq(NOT_YET_THREE) & (since >= 0) & (since <= within) & sets.abstinent3
    return [_reminder(ReminderKind.ABSTINENCE_REACHED, community, row.get(C.ID_NUMBER), row.get(C.NAME),
                      _day(reached[i]), int(since[i]), None, Said("remind.rule_abstinence"),
                      Said("remind.what_abstinence"))
            for i, row in registry[candidates].iterrows()]


def event_reminders(ledger: Ledger, standard: Standard, as_of: dt.date, within: int) -> list[Reminder]:
    """Too few events this month with little of it left; the June 6·26 campaign; the standard's reports."""
    community = str(ledger.info.get("社区名称") or ledger.path.stem)
    out = []
    events = ledger.frame(S.EVENTS)
    month_end = (pd.Timestamp(as_of) + pd.offsets.MonthEnd(0)).date()
    left = (month_end - as_of).days
    if events is not None and standard.events_per_month and left <= within:
        dates = events[C.EVENT_DATE]
        this_month = int(((dates.dt.year == as_of.year) & (dates.dt.month == as_of.month) & (dates <= pd.Timestamp(as_of))).sum())
        if this_month < standard.events_per_month:
            out.append(_reminder(ReminderKind.EVENTS_SHORT, community, None, None, month_end, None, left,
                                 Said("remind.rule_events", n=standard.events_per_month, standard=standard.name),
                                 Said("remind.what_events", done=this_month,
                                            short=standard.events_per_month - this_month)))
    start, end = dt.date(as_of.year, 5, 25), dt.date(as_of.year, 6, 25)
    if events is not None and start <= as_of <= end:
        dates = events[C.EVENT_DATE]
        june = ((dates.dt.year == as_of.year) & (dates.dt.month == 6) & (dates <= pd.Timestamp(as_of))).any()
        if not june:
            day = dt.date(as_of.year, 6, 26)
            out.append(_reminder(ReminderKind.JUNE_CAMPAIGN, community, None, None, day, None, (day - as_of).days,
                                 Said("remind.rule_june"), Said("remind.what_june")))
    out += report_reminders(ledger, standard, as_of, within)
    return out


def next_due(day: int, months: list[int], as_of: dt.date) -> dt.date:
    """The first due date (the `day` of one of `months`) on or after T, looking into next year if need be."""
    for year in (as_of.year, as_of.year + 1):
        for month in months:
            due = dt.date(year, month, day)
            if due >= as_of:
                return due
    raise ValueError("no due date")  # unreachable: months is never empty


def report_reminders(ledger: Ledger, standard: Standard, as_of: dt.date, within: int) -> list[Reminder]:
    """The reports the standard's towns must file (its `reports`), within DAYS days before each is due.

    The report is the town's, not the community's: the reminder is addressed to the town (所属镇（街道）), so
    the communities of one town share one reminder (same key).
    """
    community = str(ledger.info.get("社区名称") or ledger.path.stem)
    town = str(ledger.info.get("所属镇（街道）") or community)
    out = []
    for duty in standard.reports:
        due = next_due(duty.day, duty.months, as_of)
        if (due - as_of).days <= within:
            what = (Said("remind.what_quarter", year=due.year, quarter=(due.month - 1) // 3 + 1, title=duty.title)
                    if duty.months == [3, 6, 9, 12] else
                    Said("remind.what_month", year=due.year, month=due.month, title=duty.title))
            out.append(_reminder(ReminderKind.REPORT_DUE, town, None, None, due, None, (due - as_of).days,
                                 Said("remind.rule_report", by=duty.by, year=due.year, month=due.month,
                                            day=duty.day, to=duty.to, standard=standard.name), what))
    return out


def reminders_for(ledger: Ledger, standard: Standard, as_of: dt.date, within: int) -> list[Reminder]:
    """Every reminder for one ledger at T = `as_of`, overdue first."""
    _, sets = ledger_people(ledger, as_of)
    registry, tests = sets.registry, ledger.frame(S.TESTS)
    due = sets.people(sets.due)
    out: list[Reminder] = []
    # a ledger that keeps no 尿检记录 / 谈话记录 sheet says nothing about who was tested or talked to
    if tests is not None:
        out += window_reminders(ledger, due, tests, C.TEST_DATE, list(standard.schedules.tests), as_of, within, "test",
                                Said("remind.rule_tests", schedule=tuple(standard.schedules.tests),
                                           standard=standard.name))
    talks = ledger.frame(S.TALKS)
    if talks is not None:
        out += window_reminders(ledger, due, talks, C.TALK_DATE, list(standard.schedules.talks), as_of, within, "talk",
                                Said("remind.rule_talks", schedule=tuple(standard.schedules.talks),
                                           standard=standard.name))
    out += order_reminders(ledger, registry, as_of, within)
    out += abstinence_reminders(ledger, sets, as_of, within)
    out += event_reminders(ledger, standard, as_of, within)
    return sorted(out, key=sort_key)
