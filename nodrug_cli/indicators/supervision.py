"""Indicators about persons: registry counts, control, orders, tests, talks, relapse, abstinence, jobs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from nodrug_cli.ledger import columns as C
from nodrug_cli.said import Said
from nodrug_cli.ledger import sheets as S
from nodrug_cli.indicators.gap import Gap
from nodrug_cli.indicators.model import Indicator, count, missing, ratio
from nodrug_cli.indicators.people import THREE_YEARS_CLEAN, PersonSets, column, dates
from nodrug_cli.indicators.windows import add_years, due_windows, mark_met, person_keys

REPORT_DAYS = 15  # 《戒毒条例》: report and sign within 15 days of the order


NOT_REPORTED = Said("gap.not_reported")


def people_gap(frame: pd.DataFrame, reason: Said | pd.Series) -> Gap:
    """The persons behind a shortfall: id, name and why (one reason for all, or a Series of reasons by row)."""
    reasons = reason.reindex(frame.index).tolist() if isinstance(reason, pd.Series) else [reason] * len(frame)
    return Gap({"id": column(frame, C.ID_NUMBER).tolist(), "name": column(frame, C.NAME).tolist(), "reason": reasons})


def in_period(records: pd.DataFrame, date_column: str, year: int, as_of: dt.date) -> pd.DataFrame:
    """Records dated in [1 Jan of the period, T]."""
    dates = records[date_column]
    return records[(dates >= pd.Timestamp(year, 1, 1)) & (dates <= pd.Timestamp(as_of))]


def one_year_earlier(as_of: dt.date) -> dt.date:
    """T − 1 year (29 Feb → 28 Feb): the end of last year's span for the year-on-year figures (DOMAIN.md §3)."""
    return add_years(pd.Series([pd.Timestamp(as_of)]), -1).iloc[0].date()


def _count_between(days: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    return (days >= start) & (days <= end)


def registry_indicators(sets: PersonSets, all_rows: pd.DataFrame, info: dict, year: int, as_of: dt.date) -> list[Indicator]:
    """Counts and rates read off the registry alone."""
    reg = sets.registry
    status = column(reg, C.STATUS)
    start, t = pd.Timestamp(year, 1, 1), pd.Timestamp(as_of)
    registered_on = dates(reg, C.FIRST_REGISTERED)
    new = reg[_count_between(registered_on, start, t)]
    new = new[~person_keys(new).duplicated()]  # a person registered twice is one new user (a duplicate row is an error)
    prior_on = dates(all_rows, C.FIRST_REGISTERED)
    then = all_rows[_count_between(prior_on, pd.Timestamp(year - 1, 1, 1), pd.Timestamp(one_year_earlier(as_of)))]
    last_year = int((~person_keys(then).duplicated()).sum())  # counted alike, so a duplicate never flatters the change
    extra = {"last_year": last_year, "change": (len(new) - last_year) / last_year if last_year else None}
    baseline = info.get("基准年新增人数")
    if baseline:
        extra.update(baseline=int(baseline), change_vs_baseline=(len(new) - int(baseline)) / int(baseline))
    active = sets.active
    out = [
        count("registered", len(reg)),
        count("current_users", int(sets.current.sum()), people_gap(sets.people(sets.current), Said("gap.current"))),
        count("active_users", int(active.sum()), people_gap(sets.people(active), Said("gap.active"))),
        count("new_users", len(new), people_gap(new, registered_on.reindex(new.index).map(lambda d: Said("gap.registered_on", day=f"{d:%Y-%m-%d}"))),
              **extra),
    ]
    residents = info.get("常住人口")
    if residents:
        n = int(active.sum())
        out.append(Indicator("user_ratio_permille", n / int(residents) * 1000, n, int(residents)))
    else:
        out.append(missing("user_ratio_permille", S.COMMUNITY))

    control = column(reg, C.CONTROL, "在控")
    society = sets.in_society
    lost = society & (~(control.eq("在控") | control.isna()) | status.eq("下落不明"))
    lost_gap = people_gap(sets.people(lost), Said("gap.out_of_control"))
    out.append(ratio("control_rate", int((society & ~lost).sum()), int(society.sum()), lost_gap))
    out.append(count("out_of_control", int(lost.sum()), lost_gap))
    out += order_indicators(sets, year, as_of)

    out.append(ratio("abstinence3_rate", int(sets.abstinent3.sum()), int(sets.current.sum()),
                     people_gap(sets.people(active), Said("gap.not_three_years"))))
    due = sets.due
    employed = due & column(reg, C.EMPLOYMENT).eq("就业")
    out.append(ratio("employment_rate", int(employed.sum()), int(due.sum()), people_gap(sets.people(due & ~employed), Said("gap.unemployed"))))
    grouped = due & column(reg, C.HELP_GROUP).eq(True)
    out.append(ratio("help_group_rate", int(grouped.sum()), int(due.sum()),
                     people_gap(sets.people(due & ~grouped), Said("gap.no_help_group"))))
    return out


def order_indicators(sets: PersonSets, year: int, as_of: dt.date) -> list[Indicator]:
    """社区戒毒（康复）执行率 and 报到及时率, with the 15-day reporting period of 《戒毒条例》.

    An order still inside its reporting period (T − 措施开始日期 ≤ 15 days) is not yet a failure; one whose start
    cannot be read and that has not signed counts against (an unreadable date excuses nobody).
    """
    reg, t = sets.registry, pd.Timestamp(as_of)
    ordered = sets.under_order
    order_start = dates(reg, C.ORDER_START)
    signed_on = dates(reg, C.AGREEMENT_SIGNED)
    signed = ordered & (signed_on <= t).fillna(False)  # a signing dated after T has not happened yet
    period_over = ((t - order_start).dt.days > REPORT_DAYS) | order_start.isna()
    owed = ordered & (signed | period_over)
    unsigned = sets.people(owed & ~signed)
    out = [ratio("order_execution_rate", int(signed.sum()), int(owed.sum()), people_gap(unsigned, NOT_REPORTED))]
    this_year = ordered & (order_start >= pd.Timestamp(year, 1, 1)) & (order_start <= t) & ((t - order_start).dt.days > REPORT_DAYS)
    delay = (signed_on - order_start).dt.days
    timely = this_year & signed & (delay <= REPORT_DAYS).fillna(False)
    late = sets.people(this_year & ~timely)
    reasons = delay.reindex(late.index).map(lambda d: NOT_REPORTED if pd.isna(d) else Said("gap.reported_late", days=int(d)))
    reasons = reasons.where(signed.reindex(late.index), NOT_REPORTED)
    out.append(ratio("timely_report_rate", int(timely.sum()), int(this_year.sum()), people_gap(late, reasons)))
    return out


def owing(sets: PersonSets, schedule: list[int], year: int, as_of: dt.date) -> tuple[pd.DataFrame, pd.Series]:
    """The DUE persons' windows due in the period, and a mask of the DUE persons with at least one of them
    (a person whose first window has not ended yet owes nothing). Tests and talks on the same schedule share
    them."""
    def make() -> tuple[pd.DataFrame, pd.Series]:
        due = sets.people(sets.due)
        wins = due_windows(due, schedule, dt.date(year, 1, 1), as_of)
        keys = pd.unique(wins["person"].to_numpy())
        owes = pd.Series(False, index=sets.registry.index)
        owes[due.index] = person_keys(due).isin(keys).to_numpy()
        return wins, owes

    return sets.once(("owing", tuple(int(k) for k in schedule), year, as_of), make)


def on_schedule(key: str, due: pd.DataFrame, wins: pd.DataFrame, records: pd.DataFrame, date_column: str,
                count_label: tuple[str, str]) -> Indicator:
    """The windows rule: met windows / due windows, with each missed window in the gap."""
    met = mark_met(wins, records.rename(columns={C.ID_NUMBER: "person"}), date_column)
    keys = person_keys(due)
    names = pd.Series(column(due, C.NAME).to_numpy(), index=keys.to_numpy())
    names = names[~names.index.duplicated(keep="last")]
    missed = wins[~met]
    people = missed["person"]
    starts = np.datetime_as_string(missed["start"].to_numpy(dtype="datetime64[D]"), unit="D").tolist()
    ends = np.datetime_as_string((missed["end"].to_numpy(dtype="datetime64[D]") - np.timedelta64(1, "D")), unit="D").tolist()
    gap = Gap({"id": people.where(~people.isin(set(keys[column(due, C.ID_NUMBER).isna()])), None).tolist(),
               "name": names.reindex(people.to_numpy()).tolist(), "start": starts, "end": ends,
               "reason": [Said("gap.no_record")] * len(missed)})
    due_label, missed_label = count_label
    return ratio(key, int(met.sum()), len(wins), gap, **{due_label: len(wins), missed_label: int((~met).sum())})


def relapsed_persons(sets: PersonSets, tests: pd.DataFrame, year: int, as_of: dt.date) -> tuple[pd.Series, pd.Series]:
    """CURRENT persons with a 阳性 test in [1 Jan, T] dated after their 首次登记日期, whatever their status now,
    and each one's first such test date (the test that first registered someone is not a relapse)."""
    reg = sets.registry
    positive = in_period(tests, C.TEST_DATE, year, as_of)
    positive = positive[positive[C.TEST_RESULT].eq("阳性")]
    ids = column(reg, C.ID_NUMBER)
    registered = pd.Series(dates(reg, C.FIRST_REGISTERED).to_numpy(), index=ids.to_numpy())
    registered = registered[~registered.index.duplicated()]
    registered_then = pd.Series(registered.reindex(positive[C.ID_NUMBER].to_numpy()).to_numpy(), index=positive.index)
    relapse_tests = positive[(positive[C.TEST_DATE] > registered_then) | registered_then.isna()]
    first = relapse_tests.groupby(C.ID_NUMBER)[C.TEST_DATE].min()
    return sets.current & ids.isin(set(first.index)), first


def test_indicators(sets: PersonSets, last_sets: PersonSets, tests: pd.DataFrame | None, schedule: list[int], year: int,
                    as_of: dt.date) -> list[Indicator]:
    """总体/在家尿检率, 按期检测率, 复吸人数/复吸率 (not computable without 尿检记录)."""
    keys = ("urinalysis_rate", "home_urinalysis_rate", "on_schedule_test_rate", "relapses", "relapse_rate")
    if tests is None:
        return [missing(k, S.TESTS) for k in keys]
    reg = sets.registry
    tests = tests[tests[C.TEST_DATE] <= pd.Timestamp(as_of)]
    wins, owes = owing(sets, schedule, year, as_of)
    period = in_period(tests, C.TEST_DATE, year, as_of)
    ids = column(reg, C.ID_NUMBER)
    tested = owes & ids.isin(set(period[C.ID_NUMBER]))
    living = column(reg, C.LIVING, "在家")
    home = owes & (living.eq("在家") | living.isna())
    relapsed, first_positive = relapsed_persons(sets, tests, year, as_of)
    last_relapsed, _ = relapsed_persons(last_sets, tests, year - 1, one_year_earlier(as_of))
    now, before = int(relapsed.sum()), int(last_relapsed.sum())
    at_risk = sets.due | relapsed
    return [
        ratio("urinalysis_rate", int(tested.sum()), int(owes.sum()), people_gap(sets.people(owes & ~tested), Said("gap.no_test"))),
        ratio("home_urinalysis_rate", int((home & tested).sum()), int(home.sum()),
              people_gap(sets.people(home & ~tested), Said("gap.no_test_at_home"))),
        on_schedule("on_schedule_test_rate", sets.people(sets.due), wins, tests, C.TEST_DATE, ("应检人次", "漏检人次")),
        count("relapses", now, people_gap(sets.people(relapsed), positive_on(ids[relapsed], first_positive)),
              **year_on_year(now, before, falling=True)),
        ratio("relapse_rate", now, int(at_risk.sum()), people_gap(sets.people(relapsed), Said("gap.positive"))),
    ]


def positive_on(ids: pd.Series, first_positive: pd.Series) -> pd.Series:
    """Each relapsed person's reason: the date of their first 阳性 test of the period."""
    days = ids.map(first_positive.dt.strftime("%Y-%m-%d"))
    return days.map(lambda day: Said("gap.positive_on", day=day))


def year_on_year(now: int, before: int, falling: bool) -> dict:
    """Last year's count and whether the seeds' trend holds: 复吸人员绝对数逐年下降 (fell, or 0 both years) or
    年度脱毒人数逐年增加 (rose; not applicable — None — when both years are 0)."""
    if falling:
        return {"last_year": before, "fell": int(now < before or now == before == 0)}
    return {"last_year": before, "rose": None if now == before == 0 else int(now > before)}


def completed_three_years(sets: PersonSets, year: int, as_of: dt.date) -> pd.Series:
    """ABSTINENT3 persons whose three years were completed in [1 Jan, T]: 最近吸毒日期 + 3 years, else the
    状态起始日期 of a 戒断三年未复吸 status."""
    reg = sets.registry
    done = add_years(dates(reg, C.LAST_USE), 3)
    since = dates(reg, C.STATUS_SINCE).where(column(reg, C.STATUS).eq(THREE_YEARS_CLEAN))
    done = done.fillna(since)
    return sets.abstinent3 & _count_between(done, pd.Timestamp(year, 1, 1), pd.Timestamp(as_of)).fillna(False)


def abstinence_indicators(sets: PersonSets, last_sets: PersonSets, year: int, as_of: dt.date) -> list[Indicator]:
    """年度脱毒人数, with last year's count (seeds 000 and 002: 年度脱毒人数逐年增加)."""
    newly = completed_three_years(sets, year, as_of)
    before = int(completed_three_years(last_sets, year - 1, one_year_earlier(as_of)).sum())
    now = int(newly.sum())
    return [count("newly_abstinent", now, people_gap(sets.people(newly), Said("gap.abstinent_three_years")),
                  **year_on_year(now, before, falling=False))]


def talk_indicators(sets: PersonSets, talks: pd.DataFrame | None, schedule: list[int], year: int,
                    as_of: dt.date) -> list[Indicator]:
    """帮教率 and 谈话按期率 (not computable without 谈话记录)."""
    if talks is None:
        return [missing(k, S.TALKS) for k in ("help_rate", "on_schedule_talk_rate")]
    reg = sets.registry
    talks = talks[talks[C.TALK_DATE] <= pd.Timestamp(as_of)]
    wins, owes = owing(sets, schedule, year, as_of)
    period = in_period(talks, C.TALK_DATE, year, as_of)
    talked = column(reg, C.ID_NUMBER).isin(set(period[C.ID_NUMBER]))
    grouped = column(reg, C.HELP_GROUP).eq(True)
    helped = owes & talked & grouped
    reasons = pd.Series(None, index=reg.index, dtype=object)
    reasons = reasons.mask(~grouped, Said("gap.no_help_group")).mask(~talked, Said("gap.no_talk")).mask(
        ~grouped & ~talked, Said("gap.no_help_group_no_talk"))
    return [
        ratio("help_rate", int(helped.sum()), int(owes.sum()), people_gap(sets.people(owes & ~helped), reasons)),
        on_schedule("on_schedule_talk_rate", sets.people(sets.due), wins, talks, C.TALK_DATE, ("应谈人次", "漏谈人次")),
    ]
