"""Indicators about persons: registry counts, control, orders, tests, talks, relapse, abstinence, jobs."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from nodrug_cli.indicators.model import Indicator, count, missing, ratio
from nodrug_cli.indicators.people import SUPERVISED, PersonSets, column
from nodrug_cli.indicators.windows import add_years, mark_met, windows

REPORT_DAYS = 15  # 《戒毒条例》: report and sign within 15 days of the order


def people_gap(frame: pd.DataFrame, reason: str | pd.Series) -> list[dict]:
    """The persons behind a shortfall: id, name and why."""
    reasons = reason.reindex(frame.index).tolist() if isinstance(reason, pd.Series) else [reason] * len(frame)
    return [{"id": i, "name": n, "reason": r}
            for i, n, r in zip(column(frame, "身份证号").tolist(), column(frame, "姓名").tolist(), reasons)]


def in_period(records: pd.DataFrame, date_column: str, year: int, as_of: dt.date) -> pd.DataFrame:
    """Records dated in [1 Jan of the period, T]."""
    dates = records[date_column]
    return records[(dates >= pd.Timestamp(year, 1, 1)) & (dates <= pd.Timestamp(as_of))]


def registry_indicators(sets: PersonSets, all_rows: pd.DataFrame, info: dict, year: int, as_of: dt.date) -> list[Indicator]:
    """Counts and rates read off the registry alone."""
    reg = sets.registry
    status = column(reg, "人员状态")
    start, t = pd.Timestamp(year, 1, 1), pd.Timestamp(as_of)
    registered_on = pd.to_datetime(column(reg, "首次登记日期"))
    new = reg[(registered_on >= start) & (registered_on <= t)]
    prior_on = pd.to_datetime(column(all_rows, "首次登记日期"))
    last_year_end = add_years(pd.Series([t]), -1).iloc[0]
    last_year = int(((prior_on >= pd.Timestamp(year - 1, 1, 1)) & (prior_on <= last_year_end)).sum())
    extra = {"last_year": last_year, "change": (len(new) - last_year) / last_year if last_year else None}
    baseline = info.get("基准年新增人数")
    if baseline:
        extra.update(baseline=int(baseline), change_vs_baseline=(len(new) - int(baseline)) / int(baseline))
    out = [
        count("registered", len(reg)),
        count("current_users", int(sets.current.sum()), people_gap(sets.people(sets.current), "现有吸毒人员")),
        count("new_users", len(new), people_gap(new, registered_on.reindex(new.index).map(lambda d: f"{d:%Y-%m-%d} 首次登记")),
              **extra),
    ]
    residents = info.get("常住人口")
    if residents:
        n = int(sets.current.sum())
        out.append(Indicator("user_ratio_permille", n / int(residents) * 1000, n, int(residents)))
    else:
        out.append(missing("user_ratio_permille", "社区概况"))

    control = column(reg, "管控状态", "在控")
    society = sets.in_society
    lost = society & (control.eq("失控") | status.eq("下落不明"))
    out.append(ratio("control_rate", int((society & ~lost).sum()), int(society.sum()),
                     people_gap(sets.people(lost), "失控或下落不明")))
    out.append(count("out_of_control", int(lost.sum()), people_gap(sets.people(lost), "失控或下落不明")))

    ordered = status.isin(SUPERVISED)
    signed = pd.to_datetime(column(reg, "协议签订日期"))
    executed = ordered & (signed <= t).fillna(False)
    out.append(ratio("order_execution_rate", int(executed.sum()), int(ordered.sum()),
                     people_gap(sets.people(ordered & ~executed), "未报到签订协议")))
    order_start = pd.to_datetime(column(reg, "措施开始日期"))
    both = ordered & (signed <= t).fillna(False) & order_start.notna()  # a signing after T has not happened yet
    delay = (signed - order_start).dt.days
    timely = both & (delay <= REPORT_DAYS)
    late = sets.people(both & ~timely)
    out.append(ratio("timely_report_rate", int(timely.sum()), int(both.sum()),
                     people_gap(late, delay.reindex(late.index).map(lambda d: f"{int(d)} 天后才报到"))))

    denominator = ~sets.exempt
    out.append(ratio("abstinence3_rate", int(sets.abstinent3.sum()), int(denominator.sum()),
                     people_gap(sets.people(sets.current), "未满三年戒断")))
    due = sets.due
    employed = due & column(reg, "就业情况").eq("就业")
    out.append(ratio("employment_rate", int(employed.sum()), int(due.sum()), people_gap(sets.people(due & ~employed), "未就业")))
    grouped = due & column(reg, "帮教小组").eq(True)
    out.append(ratio("help_group_rate", int(grouped.sum()), int(due.sum()),
                     people_gap(sets.people(due & ~grouped), "未建立帮教小组")))
    return out


def _anchors(due: pd.DataFrame, year: int) -> tuple[pd.Series, pd.Series]:
    """Window anchors a = max(1 Jan, 措施开始日期, else 首次登记日期), and the order starts, by person."""
    order_start = pd.to_datetime(column(due, "措施开始日期"))
    begin = order_start.fillna(pd.to_datetime(column(due, "首次登记日期")))
    anchor = begin.where(begin > pd.Timestamp(year, 1, 1), pd.Timestamp(year, 1, 1))
    ids = column(due, "身份证号")
    return pd.Series(anchor.to_numpy(), index=ids), pd.Series(order_start.to_numpy(), index=ids)


def on_schedule(key: str, due: pd.DataFrame, records: pd.DataFrame, date_column: str, schedule: list[int],
                year: int, as_of: dt.date, count_label: tuple[str, str]) -> Indicator:
    """The windows rule: met windows / fully elapsed windows, with each missed window in the gap."""
    anchor, order_start = _anchors(due, year)
    wins = windows(anchor, order_start, schedule, pd.Timestamp(as_of) + pd.Timedelta(days=1))
    met = mark_met(wins, records.rename(columns={"身份证号": "person"}), date_column)
    names = dict(zip(column(due, "身份证号"), column(due, "姓名")))
    missed = wins[~met]
    starts = missed["start"].dt.strftime("%Y-%m-%d")
    ends = (missed["end"] - pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d")
    gap = [{"id": p, "name": names.get(p), "start": s, "end": e, "reason": "本期无记录"}
           for p, s, e in zip(missed["person"].tolist(), starts.tolist(), ends.tolist())]
    due_label, missed_label = count_label
    return ratio(key, int(met.sum()), len(wins), gap, **{due_label: len(wins), missed_label: int((~met).sum())})


def test_indicators(sets: PersonSets, tests: pd.DataFrame | None, schedule: list[int], year: int,
                    as_of: dt.date) -> list[Indicator]:
    """总体/在家尿检率, 按期检测率, 复吸人数/复吸率 (not computable without 尿检记录)."""
    keys = ("urinalysis_rate", "home_urinalysis_rate", "on_schedule_test_rate", "relapses", "relapse_rate")
    if tests is None:
        return [missing(k, "尿检记录") for k in keys]
    reg, due = sets.registry, sets.due
    period = in_period(tests, "检测日期", year, as_of)
    ids = column(reg, "身份证号")
    tested = due & ids.isin(set(period["身份证号"]))
    home = due & column(reg, "居住状态", "在家").eq("在家")
    positive = period[period["检测结果"].eq("阳性")]
    relapsed = due & ids.isin(set(positive["身份证号"]))
    first_positive = positive.groupby("身份证号")["检测日期"].min()
    return [
        ratio("urinalysis_rate", int(tested.sum()), int(due.sum()), people_gap(sets.people(due & ~tested), "本期无检测记录")),
        ratio("home_urinalysis_rate", int((home & tested).sum()), int(home.sum()),
              people_gap(sets.people(home & ~tested), "在家但本期无检测记录")),
        on_schedule("on_schedule_test_rate", sets.people(due), period, "检测日期", schedule, year, as_of, ("应检人次", "漏检人次")),
        count("relapses", int(relapsed.sum()), people_gap(
            sets.people(relapsed), ids[relapsed].map(first_positive.dt.strftime("%Y-%m-%d 检测阳性")))),
        ratio("relapse_rate", int(relapsed.sum()), int(due.sum()), people_gap(sets.people(relapsed), "本期检测阳性")),
    ]


def talk_indicators(sets: PersonSets, talks: pd.DataFrame | None, schedule: list[int], year: int,
                    as_of: dt.date) -> list[Indicator]:
    """帮教率 and 谈话按期率 (not computable without 谈话记录)."""
    if talks is None:
        return [missing(k, "谈话记录") for k in ("help_rate", "on_schedule_talk_rate")]
    reg, due = sets.registry, sets.due
    period = in_period(talks, "谈话日期", year, as_of)
    talked = column(reg, "身份证号").isin(set(period["身份证号"]))
    grouped = column(reg, "帮教小组").eq(True)
    helped = due & talked & grouped
    reasons = pd.Series("", index=reg.index)
    reasons = reasons.mask(~grouped, "未建立帮教小组").mask(~talked, "本期无谈话记录").mask(~grouped & ~talked, "未建立帮教小组且本期无谈话记录")
    return [
        ratio("help_rate", int(helped.sum()), int(due.sum()), people_gap(sets.people(due & ~helped), reasons)),
        on_schedule("on_schedule_talk_rate", sets.people(due), period, "谈话日期", schedule, year, as_of, ("应谈人次", "漏谈人次")),
    ]
