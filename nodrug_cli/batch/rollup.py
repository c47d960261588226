"""Batch roll-ups (DOMAIN.md §7): towns scored on their pooled indicators, the county against the year's targets.

Seed 000 reviews towns, not communities ("创建工作以乡镇一级为基本单位"): a town's indicators pool its
communities' — Σ numerators / Σ denominators for every rate, sums for counts, and for flags and checklist
items the communities meeting them / the communities, holding for the town only when every community
meets it — and the town is scored by the same standard (`score_items`), getting its own score and grade.
A town is graded, not titled: 无毒 is a community's title. Project's own choices, said here once:
- an indicator that any community of the town cannot compute (a sheet missing) is not computable for the
  town too, so it scores as the standard scores a missing sheet (an unknown never makes a town look better);
- ledgers that were not scored (unreadable, failed, duplicate) cannot be placed in a town: they are counted in
  the county's row only, never pooled;
- ranks are competition ranks (1, 2, 2, 4): communities by score within their town, towns by town score.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from nodrug_cli.batch.discovery import SCORED

COUNTED_KINDS = ("count",)
OTHER_UNIT_TYPES = "other"  # targets other than pass_rate / drug_free_rate: unit types the ledgers do not cover


@dataclass
class TownResult:
    """One town: its communities' verdicts counted, and its own score and grade on the pooled indicators."""

    town: str
    communities: int
    passed: int  # communities whose verdict passed
    community_pass_rate: float | None  # 社区合格率: shown, never compared with the county's target
    drug_free: int  # communities counted 无毒 (verdict passed)
    drug_free_rate: float | None
    drug_free_target: float | None
    drug_free_met: bool | None
    total: float | None
    grade: str | None
    grade_passed: bool | None  # graded 合格 or better (and not vetoed)
    vetoed: bool = False
    flag: str | None = None  # 挂牌重点整治 (seed 003) when below the 无毒村 target in the flagged years
    rank: int | None = None
    indicators: dict = field(default_factory=dict)


@dataclass
class CountyResult:
    """The whole batch: 乡镇考核总合格率 against seed 000's target, 无毒村 share, other unit types (no data)."""

    towns: int
    towns_passed: int
    town_pass_rate: float | None  # 乡镇考核总合格率 = towns graded 合格 or better / towns
    town_pass_target: float | None
    town_pass_compare: str
    town_pass_met: bool | None
    communities: int
    passed: int
    community_pass_rate: float | None
    drug_free: int
    drug_free_rate: float | None
    drug_free_target: float | None
    drug_free_met: bool | None
    unreadable: int
    other_targets: list[dict] = field(default_factory=list)  # {"key", "label", "target", "value": None}

    def to_json(self) -> dict:
        return asdict(self)


def competition_ranks(totals: list[float | None]) -> list[int | None]:
    """1 + how many score higher (ties share a rank, the next rank skips): 90, 80, 80, 70 → 1, 2, 2, 4."""
    known = [round(t, 2) for t in totals if t is not None]
    return [None if t is None else 1 + sum(1 for k in known if k > round(t, 2)) for t in totals]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def pool(key: str, entries: list[dict | None]):
    """One indicator pooled over a town's communities (an `Indicator`, as the engine scores it)."""
    from nodrug_cli.indicators.model import NA, NOT_COMPUTABLE, OK, Indicator, kind

    entries = [e or {"status": NOT_COMPUTABLE} for e in entries]
    broken = [e for e in entries if e.get("status") == NOT_COMPUTABLE]
    if broken or not entries:
        return Indicator(key, None, status=NOT_COMPUTABLE, extra=dict((broken or [{}])[0].get("extra") or {}))
    live = [e for e in entries if e.get("status") == OK]
    k = kind(key)
    if k in ("flag", "checklist"):
        meeting = sum(1 for e in live if e.get("value"))
        if not live:
            return Indicator(key, None, status=NA)
        return Indicator(key, int(meeting == len(live)), meeting, len(live))
    if k in ("rate", "permille"):
        num = sum(e.get("numerator") or 0 for e in live)
        den = sum(e.get("denominator") or 0 for e in live)
        if not den:
            return Indicator(key, None, num, den, NA, extra=_pooled_extra(entries, None))
        return Indicator(key, num / den * (1000 if k == "permille" else 1), num, den, extra=_pooled_extra(entries, None))
    if not live:
        return Indicator(key, None, status=NA)
    total = sum(int(e.get("value") or 0) for e in live)
    return Indicator(key, total, total, None, extra=_pooled_extra(live, total))


def _pooled_extra(entries: list[dict], value: int | None) -> dict:
    """Counts among the extras summed; a change against last year or the baseline worked out from the sums."""
    from nodrug_cli.indicators.model import EXTRAS, family

    out: dict = {}
    for e in entries:
        for name, x in (e.get("extra") or {}).items():
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                continue
            known = EXTRAS.get(family(e.get("key", "")), {}).get(name)
            if name == "required":
                out[name] = x  # the standard's monthly minimum, the same for every community
            elif known is None or known[1] == "count":
                out[name] = out.get(name, 0) + x
    for base, change in (("last_year", "change"), ("baseline", "change_vs_baseline")):
        if value is not None and out.get(base):
            out[change] = (value - out[base]) / out[base]
    return out


def score_town(name: str, group: list, standard, year: int) -> TownResult:
    """A town's counts of community verdicts, and its own score and grade on the pooled indicators."""
    from nodrug_cli.standards.engine import grade_of, score_items

    keys = list(dict.fromkeys(k for o in group for k in o.indicators))
    keys += [i.indicator_key for i in standard.items if i.indicator_key not in keys]
    pooled = {k: pool(k, [_keyed(o.indicators.get(k), k) for o in group]) for k in keys}
    _, total, bonus, vetoed, _ = score_items(pooled, standard)
    grand = round(total + bonus, 2)
    grade = grade_of(standard, grand, vetoed)
    ranks = [g.name for g in standard.ordered_grades()]
    n = len(group)
    passed = sum(1 for o in group if o.passed)
    free = sum(1 for o in group if o.drug_free and o.passed)  # §7: 无毒 only with a passed verdict
    free_rate = _share(free, n)
    target = standard.targets.get("drug_free_rate")
    met = target.met(free_rate, year) if target and free_rate is not None else None
    flag = target.flag_below if target and met is False and year in target.flag_years else None
    return TownResult(
        town=name, communities=n, passed=passed, community_pass_rate=_share(passed, n), drug_free=free,
        drug_free_rate=free_rate, drug_free_target=target.by_year.get(year) if target else None, drug_free_met=met,
        total=grand, grade=grade, grade_passed=not vetoed and ranks.index(grade) <= ranks.index(standard.pass_grade),
        vetoed=vetoed, flag=flag,
        indicators={k: {"value": v.value, "numerator": v.numerator, "denominator": v.denominator, "status": v.status}
                    for k, v in pooled.items()})


def _keyed(entry: dict | None, key: str) -> dict | None:
    return None if entry is None else {**entry, "key": key}


def rollup(outcomes: list, standard, year: int) -> tuple[list[TownResult], CountyResult]:
    """Per town (pooled, scored, ranked) and for the county, against the standard's targets for `year`."""
    scored = [o for o in outcomes if o.status in SCORED]
    by_town: dict[str, list] = {}
    for o in scored:
        by_town.setdefault(o.town or "（未填镇街）", []).append(o)
    towns = [score_town(name, group, standard, year) for name, group in sorted(by_town.items())]
    for town, rank in zip(towns, competition_ranks([t.total for t in towns])):
        town.rank = rank
    n, passed = len(scored), sum(1 for o in scored if o.passed)
    free = sum(1 for o in scored if o.drug_free and o.passed)
    towns_passed = sum(1 for t in towns if t.grade_passed)
    pass_target = standard.targets.get("pass_rate")
    free_target = standard.targets.get("drug_free_rate")
    town_rate, free_rate = _share(towns_passed, len(towns)), _share(free, n)
    others = [{"key": key, "label": t.label, "target": t.by_year.get(year), "value": None}
              for key, t in standard.targets.items()
              if key not in ("pass_rate", "drug_free_rate") and t.by_year.get(year) is not None]
    county = CountyResult(
        towns=len(towns), towns_passed=towns_passed, town_pass_rate=town_rate,
        town_pass_target=pass_target.by_year.get(year) if pass_target else None,
        town_pass_compare=pass_target.compare if pass_target else ">=",
        town_pass_met=pass_target.met(town_rate, year) if pass_target and town_rate is not None else None,
        communities=n, passed=passed, community_pass_rate=_share(passed, n), drug_free=free, drug_free_rate=free_rate,
        drug_free_target=free_target.by_year.get(year) if free_target else None,
        drug_free_met=free_target.met(free_rate, year) if free_target and free_rate is not None else None,
        unreadable=len(outcomes) - n, other_targets=others)  # unreadable: every row not scored (failed, duplicate…)
    return towns, county


def rank_ledgers(outcomes: list) -> None:
    """Each scored ledger's competition rank by score within its town (unreadable ledgers have none)."""
    by_town: dict[str, list] = {}
    for o in outcomes:
        if o.status in SCORED:
            by_town.setdefault(o.town or "", []).append(o)
    for group in by_town.values():
        for o, rank in zip(group, competition_ranks([o.total for o in group])):
            o.rank = rank
