"""Every indicator of DOMAIN.md §5 for one ledger, keyed as in the JSON output."""

from __future__ import annotations

from dataclasses import dataclass, field

from nodrug_cli.indicators.model import NOT_COMPUTABLE, Indicator, count
from nodrug_cli.indicators.outreach import awareness_indicators, checklist_indicators, event_indicators, venue_indicators
from nodrug_cli.indicators.people import PersonSets, ledger_people
from nodrug_cli.indicators.supervision import registry_indicators, talk_indicators, test_indicators
from nodrug_cli.ledger.findings import ERROR
from nodrug_cli.ledger.read import Ledger
from nodrug_cli.privacy import mask

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


def compute_indicators(ledger: Ledger, params: Params) -> Indicators:
    """All indicators for the ledger's period and as-of date; rows with errors are left out."""
    year, as_of = ledger.year, ledger.as_of
    all_rows, sets = ledger_people(ledger, as_of)
    tests = ledger.frame("尿检记录")
    values: list[Indicator] = registry_indicators(sets, all_rows, ledger.info, year, as_of)
    values += test_indicators(sets, tests, params.test_schedule, year, as_of)
    values += talk_indicators(sets, ledger.frame("谈话记录"), params.talk_schedule, year, as_of)
    values += event_indicators(ledger.frame("宣传活动"), year, as_of, params.events_per_month)
    values += awareness_indicators(ledger.frame("知晓率调查"), year, as_of)
    values += venue_indicators(ledger.frame("重点场所"))
    values += checklist_indicators(ledger.frame("自查项目"), params.checklist_items)
    errors = [f for f in ledger.findings if f.canonical == "吸毒人员" and f.severity == ERROR]
    for ind in values:  # a sheet present but lacking a required column: say which column, not "missing sheet"
        if ind.status == NOT_COMPUTABLE and (why := ledger.why_missing(ind.extra.get("missing_sheet", ""))):
            ind.extra["missing_reason"] = why
    values.append(count("registry_errors", len(errors), [
        {"cell": f.cell, "reason": f.message(shown_value=mask(f.value, f.value_kind))} for f in errors]))
    return Indicators({i.key: i for i in values}, sets)
