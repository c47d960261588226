"""Every indicator of DOMAIN.md §5 for one ledger, keyed as in the JSON output."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from nodrug_cli.indicators.gap import unusable_sheet
from nodrug_cli.indicators.model import NOT_COMPUTABLE, Indicator, count
from nodrug_cli.indicators.outreach import awareness_indicators, checklist_indicators, event_indicators, venue_indicators
from nodrug_cli.indicators.people import PersonSets, ledger_people, person_sets, registered_by
from nodrug_cli.indicators.supervision import (abstinence_indicators, one_year_earlier, registry_indicators,
                                               talk_indicators, test_indicators, year_on_year)
from nodrug_cli.ledger import sheets as S
from nodrug_cli.ledger.findings import ERROR
from nodrug_cli.ledger.read import Ledger
from nodrug_cli.said import Said

DEFAULT_TEST_SCHEDULE = [1, 2, 3]  # months per window in program years 1, 2, 3+ (common county practice)


@dataclass
class Params:
    """What a standard decides for the indicators: schedules, the monthly event minimum, checklist items."""

    test_schedule: list[int] = field(default_factory=lambda: list(DEFAULT_TEST_SCHEDULE))
    talk_schedule: list[int] = field(default_factory=lambda: list(DEFAULT_TEST_SCHEDULE))
    events_per_month: int = 4
    checklist_items: list[str] = field(default_factory=list)


@dataclass
class Indicators:
    """The computed indicators and the person sets behind them."""

    values: dict[str, Indicator]
    sets: PersonSets

    def __getitem__(self, key: str) -> Indicator:
        return self.values[key]


YEAR_ON_YEAR = ("new_users", "relapses", "newly_abstinent")  # the counts that carry last year's figure


def compute_indicators(ledger: Ledger, params: Params, last_year: Mapping[str, int] | None = None) -> Indicators:
    """All indicators for the ledger's period and as-of date.

    Rows of the record sheets with errors are left out; 吸毒人员 rows with errors stay in the person sets
    (DOMAIN.md §2, §4). `last_year` holds counts of year P − 1 from the history database (keys of
    YEAR_ON_YEAR): a ledger kept for one year only cannot show last year, so where the ledger's own count
    for last year is 0 and history's is not, history's is used (its `last_year_source` says so).
    """
    year, as_of = ledger.year, ledger.as_of
    all_rows, sets = ledger_people(ledger, as_of)
    tests = ledger.frame(S.TESTS)
    earlier = one_year_earlier(as_of)
    last_sets = person_sets(registered_by(all_rows, earlier), tests, earlier)
    values: list[Indicator] = registry_indicators(sets, all_rows, ledger.info, year, as_of)
    values += test_indicators(sets, last_sets, tests, params.test_schedule, year, as_of)
    values += abstinence_indicators(sets, last_sets, year, as_of)
    values += talk_indicators(sets, ledger.frame(S.TALKS), params.talk_schedule, year, as_of)
    values += event_indicators(ledger.frame(S.EVENTS), year, as_of, params.events_per_month)
    values += awareness_indicators(ledger.frame(S.SURVEYS), year, as_of)
    values += venue_indicators(ledger.frame(S.VENUES))
    values += checklist_indicators(ledger.frame(S.CHECKLIST), params.checklist_items)
    errors = [f for f in ledger.findings if f.canonical == S.REGISTRY and f.severity == ERROR]
    for ind in values:  # a sheet present but lacking a required column: say which column, not "missing sheet"
        sheet = ind.extra.get("missing_sheet", "")
        if ind.status == NOT_COMPUTABLE and sheet in ledger.unusable:
            ind.extra["missing_reason"] = unusable_sheet(ledger, sheet)
    values.append(count("registry_errors", len(errors), [{"cell": f.cell, "reason": Said("gap.finding", finding=f)} for f in errors]))
    by_key = {i.key: i for i in values}
    for key, count_then in (last_year or {}).items():
        if key in YEAR_ON_YEAR and key in by_key:
            use_history(by_key[key], count_then)
    return Indicators(by_key, sets)


def use_history(indicator: Indicator, count_then: int | None) -> None:
    """Take last year's count from history when the ledger shows none and history recorded some."""
    if not count_then or indicator.extra.get("last_year") or indicator.status != "ok":
        return
    now = int(indicator.value or 0)
    if indicator.key == "new_users":
        indicator.extra.update(last_year=int(count_then), change=(now - count_then) / count_then)
    else:
        indicator.extra.update(year_on_year(now, int(count_then), falling=indicator.key == "relapses"))
    indicator.extra["last_year_source"] = "history"
