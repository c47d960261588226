"""Indicators about prevention work: events, campaigns, coverage, awareness surveys, venues, checklist."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from nodrug_cli.ledger import columns as C
from nodrug_cli.said import Said
from nodrug_cli.ledger import sheets as S
from nodrug_cli.indicators.model import NA, Indicator, count, missing, ratio
from nodrug_cli.indicators.people import column
from nodrug_cli.indicators.supervision import in_period
from nodrug_cli.ledger.normalize import loose_key
from nodrug_cli.ledger.schema import AUDIENCES, SURVEY_GROUPS

MASSES = ("城镇居民", "农村居民", "社区居民")  # 群众
COVERED_GROUPS = tuple(g for g in AUDIENCES if g != "其他")  # "其他" is not a group anyone must reach


def complete_months(year: int, as_of: dt.date) -> list[pd.Period]:
    """Months of the period whose last day is on or before T."""
    months = pd.period_range(f"{year}-01", f"{year}-12", freq="M")
    return [m for m in months if m.end_time.normalize() <= pd.Timestamp(as_of)]


def _has_group(groups: pd.Series, group: str) -> pd.Series:
    """Whether each event's 对象群体 (canonical, joined by 、) includes `group`; each distinct value looked at once."""
    codes, distinct = pd.factorize(groups, use_na_sentinel=True)
    reaches = np.array([group in str(v).split("、") for v in distinct] + [False], dtype=bool)
    return pd.Series(reaches[codes], index=groups.index)


def event_indicators(events: pd.DataFrame | None, year: int, as_of: dt.date, per_month: int) -> list[Indicator]:
    """宣传活动次数, 宣传达标月份, 6·26 and 开学季 campaigns, coverage per 对象群体."""
    keys = ["events", "event_months_met", "june_campaign", "school_term_campaign"] + [f"group_coverage.{g}" for g in COVERED_GROUPS]
    if events is None:
        return [missing(k, S.EVENTS) for k in keys]
    period = in_period(events, C.EVENT_DATE, year, as_of)
    totals = {name: int(pd.to_numeric(column(period, name), errors="coerce").fillna(0).sum())
              for name in ("参与人数", "发放资料（份）", "悬挂标语（条）")}
    out = [count("events", len(period), **totals)]
    per = period[C.EVENT_DATE].dt.to_period("M").value_counts()
    months = complete_months(year, as_of)
    short = [m for m in months if per.get(m, 0) < per_month]
    out.append(ratio("event_months_met", len(months) - len(short), len(months),
                     [{"month": str(m), "events": int(per.get(m, 0)), "required": per_month} for m in short],
                     required=per_month, missing_events=sum(per_month - int(per.get(m, 0)) for m in short)))
    t = pd.Timestamp(as_of)
    groups = column(period, "对象群体")
    june = period[C.EVENT_DATE].dt.month.eq(6)
    out.append(_flag("june_campaign", bool(june.any()), t < pd.Timestamp(year, 6, 1), Said("gap.no_june_event", year=year)))
    september = period[C.EVENT_DATE].dt.month.eq(9) & _has_group(groups, "中小学生")
    out.append(_flag("school_term_campaign", bool(september.any()), t < pd.Timestamp(year, 9, 1),
                     Said("gap.no_school_event", year=year)))
    for group in COVERED_GROUPS:
        reached = bool(_has_group(groups, group).any())
        out.append(_flag(f"group_coverage.{group}", reached, False, Said("gap.group_not_reached", group=group)))
    return out


def _flag(key: str, met: bool, not_yet: bool, shortfall: Said) -> Indicator:
    if not_yet:
        return Indicator(key, None, None, None, NA)
    return Indicator(key, int(met), int(met), 1, gap=[] if met else [{"reason": shortfall}])


def awareness_indicators(surveys: pd.DataFrame | None, year: int, as_of: dt.date) -> list[Indicator]:
    """知晓率 per 人群类别, 总体 and 群众: Σ知晓人数 / Σ调查人数 over surveys in the period."""
    keys = [*SURVEY_GROUPS, "总体", "群众"]
    if surveys is None:
        return [missing(f"awareness_rate.{k}", S.SURVEYS) for k in keys]
    period = in_period(surveys, C.SURVEY_DATE, year, as_of)
    sums = period.groupby("人群类别")[[C.AWARE, C.SURVEYED]].sum()
    out = []
    for key in keys:
        members = SURVEY_GROUPS if key == "总体" else MASSES if key == "群众" else (key,)
        part = sums.reindex([m for m in members if m in sums.index])
        out.append(ratio(f"awareness_rate.{key}", int(part[C.AWARE].sum()), int(part[C.SURVEYED].sum())))
    return out


def venue_indicators(venues: pd.DataFrame | None) -> list[Indicator]:
    """场所责任状签订率 and 场所防毒措施落实率."""
    if venues is None:
        return [missing(k, S.VENUES) for k in ("venue_pledge_rate", "venue_measure_rate")]
    out = []
    for key, name, reason in (("venue_pledge_rate", "责任状", Said("gap.no_pledge")),
                              ("venue_measure_rate", "防范措施落实", Said("gap.no_measures"))):
        done = column(venues, name).eq(True)
        gap = [{"venue": v, "reason": reason} for v in column(venues, C.VENUE_NAME)[~done]]
        out.append(ratio(key, int(done.sum()), len(venues), gap))
    return out


def checklist_indicators(checklist: pd.DataFrame | None, items: list[str]) -> list[Indicator]:
    """One indicator per checklist item the standard needs (是 → 1, 否 → 0, absent → not computable)."""
    wanted = {loose_key(item): item for item in items}
    rows = {} if checklist is None else {
        loose_key(name): (name, done) for name, done in zip(column(checklist, C.CHECK_ITEM), column(checklist, C.CHECK_DONE))
        if isinstance(name, str)
    }
    out = []
    for key, item in wanted.items():
        if key not in rows or pd.isna(rows[key][1]):
            listed = key in rows  # the row is there, 是否落实 left blank: not met, and said so
            reason = Said("gap.checklist_blank_no_evidence" if listed else "gap.checklist_absent_no_evidence")
            out.append(Indicator(f"checklist.{item}", None, None, None, "not_computable", [{"item": item, "reason": reason}],
                                 {"missing_sheet": S.CHECKLIST, **({"missing_reason": Said("gap.checklist_blank")} if listed else {})}))
        else:
            met = bool(rows[key][1])
            out.append(Indicator(f"checklist.{item}", int(met), int(met), 1, gap=[] if met else [{"item": item, "reason": Said("gap.checklist_no")}]))
    return out
