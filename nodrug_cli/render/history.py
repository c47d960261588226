"""`nodrug history`, `nodrug sample` and `nodrug standards list` as text (and the JSON of history and sample)."""

from __future__ import annotations

from nodrug_cli.batch.outcome import KEY_INDICATORS

RESULT_WORDS = {"passed": "合格", "failed": "不合格", None: "未复查"}


def history_json(records: list) -> dict:
    """The one object `nodrug history --format json` prints."""
    return {"assessments": [
        {"community": r.community, "town": r.town or None, "year": r.year, "standard": r.standard, "as_of": r.as_of,
         "review": r.review, "total": r.total, "grade": r.grade, "passed": r.passed, "drug_free": r.drug_free}
        for r in records]}


def history_text(records, checks, lang: str = "zh") -> str:
    """Each community's assessments year by year (one table per community and standard), with the change in each
    key indicator and, under a built-in standard with a ladder, each year's sanction."""
    from tabulate import tabulate

    from nodrug_cli.indicators.model import label

    groups: dict[tuple, list] = {}
    for r in records:
        groups.setdefault((r.town, r.community, r.standard), []).append(r)
    out = []
    for (town, name, standard), recs in groups.items():
        recs.sort(key=lambda r: (r.year, r.review))  # a year's interim check before its review
        # an interim check (not the year's review) is stored apart and never moves the sanctions: marked 期中
        years = [str(r.year) if r.review else f"{r.year}（期中 {r.as_of[5:]}）" for r in recs]
        rows = [["得分", *[f"{r.total:g}" if r.total is not None else "—" for r in recs], _change([r.total for r in recs])],
                ["等级", *[r.grade or "—" for r in recs], ""],
                ["无毒", *["是" if r.drug_free else "否" for r in recs], ""]]
        ladder = _ladder_row(recs, standard, [c for c in checks if (c.town, c.community, c.standard) ==
                                              (town, name, standard)])
        if ladder:
            rows.append(["奖惩", *ladder, ""])
        for key in KEY_INDICATORS:
            values = [r.indicators.get(key, {}).get("value") for r in recs]
            rate = key.split(".")[0].endswith("rate") or key == "event_months_met"
            rows.append([label(key), *[_show(v, rate) for v in values], _change(values, rate)])
        out.append(f"{town or '（未填镇街）'} · {name} · 标准 {standard}\n")
        out.append(tabulate(rows, headers=["", *years, "较上年"], tablefmt="simple", disable_numparse=True) + "\n\n")
    return "".join(out)


def _ladder_row(recs: list, standard: str, checks: list) -> list[str] | None:
    """Each column's sanction under a built-in standard's ladder: a review's, or an interim check's marked 暂定;
    a spot check's result in the year after it is noted beside the year's review (`nodrug sample --list` has all)."""
    from nodrug_cli.history.sanctions import provisional, replay
    from nodrug_cli.standards.load import builtin_names, load_standard

    if standard not in builtin_names():
        return None  # a user's file is not found by its name
    ladder = load_standard(standard).sanctions
    if not ladder.rules:
        return None
    steps = replay(recs, ladder, checks)
    out = []
    for r in recs:
        if r.review:
            mine = [s for s in steps if s.year == r.year]
            out.append("，".join(("抽查 " if s.event == "spot_check" else "") + s.action for s in mine) or "—")
        else:
            step = provisional([x for x in recs if x.review], r, ladder, checks)
            out.append(f"{step.action}（暂定）" if step else "—")
    return out


def _show(value, rate: bool) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if rate else f"{value:g}"


def _change(values: list, rate: bool = False) -> str:
    """The last year against the year before: +3, −12.5 个百分点."""
    if len(values) < 2 or values[-1] is None or values[-2] is None:
        return ""
    diff = values[-1] - values[-2]
    return f"{diff * 100:+.1f} 个百分点" if rate else f"{diff:+g}"


def sample_json(result) -> dict:
    """The one object `nodrug sample --format json` prints (a draw, `--result` or `--list`)."""
    if result.mode == "list":
        return {"draws": [{"draw_id": d.draw_id, "year": d.year, "standard": d.standard, "rate": d.rate,
                           "seed": d.seed, "town": d.town or None, "community": d.community,
                           "drawn_at": d.drawn_at, "result": d.result, "checked_on": d.checked_on}
                          for d in result.draws]}
    if result.mode == "results":
        return {"results": result.results}
    return result.draw


def draw_text(year: int, holders: int, rate: float, seed: int, drawn: list[tuple[str, str]], lang: str = "zh") -> str:
    """A spot-check draw: how many held the title, how many were drawn, and who."""
    lines = [f"{year} 年度抽查：授牌单位 {holders} 个，按 {rate:.0%} 抽取 {len(drawn)} 个（种子 {seed}，"
             f"用 --seed {seed} 可重现）"]
    lines += [f"  {town or '（未填镇街）'} {community}" for town, community in drawn]
    return "\n".join(lines) + "\n"


def draws_text(draws, lang: str = "zh") -> str:
    """Past draws with each unit's re-inspection result."""
    from tabulate import tabulate

    if not draws:
        return "历史数据库中没有抽查记录。\n"
    rows = [[d.year, d.standard, d.seed, f"{d.rate:.0%}", d.town or "（未填镇街）", d.community, d.drawn_at[:10],
             RESULT_WORDS.get(d.result, d.result), d.checked_on or ""] for d in draws]
    return tabulate(rows, headers=["年度", "标准", "种子", "比例", "镇（街道）", "村（社区）", "抽取日期", "复查结果",
                                   "复查日期"], tablefmt="simple", disable_numparse=True) + "\n"


def results_text(results: list[dict], standard: str, lang: str = "zh") -> str:
    """What each recorded re-inspection does under the standard's ladder."""
    lines = []
    for r in results:
        extra = f"；{r['accountability']}" if r["accountability"] else ""
        lines.append(f"{r['town'] or '（未填镇街）'} {r['community']}：{r['checked_on']} 复查"
                     f"{'合格' if r['passed'] else '不合格'}，按标准 {standard} 的规则：{r['action']}{extra}")
    return "".join(line + "\n" for line in lines)


def standards_text(standards, lang: str = "zh") -> str:
    """The built-in standards: name, title and source."""
    source = "source: " if lang == "en" else "来源："
    return "".join(f"{s.name}\t{s.title}\n\t{source}{s.source}\n" for s in standards)
