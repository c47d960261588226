"""`nodrug history`, `nodrug sample` and `nodrug standards list` as text, in Chinese or English.

The stored records are data (names, grades, the standard's actions); the fixed words come from the message table.
"""

from __future__ import annotations

from nodrug_cli.batch.outcome import KEY_INDICATORS
from nodrug_cli.render.words import Words


def _w(lang: str, section: str = "history") -> Words:
    return Words(lang, section=section)


def _action(action: str, w: Words) -> str:
    return w.table("actions").get(action, action) if w.en else action


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

    w = _w(lang)
    groups: dict[tuple, list] = {}
    for r in records:
        groups.setdefault((r.town, r.community, r.standard), []).append(r)
    out = []
    for (town, name, standard), recs in groups.items():
        recs.sort(key=lambda r: (r.year, r.review))  # a year's interim check before its review
        # an interim check (not the year's review) is stored apart and never moves the sanctions: marked 期中
        years = [str(r.year) if r.review else w("interim", year=r.year, day=r.as_of[5:]) for r in recs]
        rows = [[w("score"), *[f"{r.total:g}" if r.total is not None else "—" for r in recs],
                 _change([r.total for r in recs], False, w)],
                [w("grade"), *[r.grade or "—" for r in recs], ""],
                [w("drug_free"), *[w.yes_no(bool(r.drug_free)) for r in recs], ""]]
        ladder = _ladder_row(recs, standard, [c for c in checks if (c.town, c.community, c.standard) ==
                                              (town, name, standard)], w)
        if ladder:
            rows.append([w("sanction"), *ladder, ""])
        for key in KEY_INDICATORS:
            values = [r.indicators.get(key, {}).get("value") for r in recs]
            rate = key.split(".")[0].endswith("rate") or key == "event_months_met"
            rows.append([label(key, lang), *[_show(v, rate) for v in values], _change(values, rate, w)])
        out.append(w("group", town=town or w("no_town"), community=name, standard=standard) + "\n")
        out.append(tabulate(rows, headers=["", *years, w("change")], tablefmt="simple", disable_numparse=True) + "\n\n")
    return "".join(out)


def _ladder_row(recs: list, standard: str, checks: list, w: Words) -> list[str] | None:
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
            out.append(w("comma").join(w("spot", _action(s.action, w)) if s.event == "spot_check" else _action(s.action, w)
                                       for s in mine) or "—")
        else:
            step = provisional([x for x in recs if x.review], r, ladder, checks)
            out.append(w("provisional", _action(step.action, w)) if step else "—")
    return out


def _show(value, rate: bool) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if rate else f"{value:g}"


def _change(values: list, rate: bool, w: Words) -> str:
    """The last year against the year before: +3, −12.5 个百分点."""
    if len(values) < 2 or values[-1] is None or values[-2] is None:
        return ""
    diff = values[-1] - values[-2]
    return w("points", diff * 100) if rate else f"{diff:+g}"


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
    w = _w(lang, "sample")
    lines = [w("drawn", year=year, holders=holders, rate=rate, n=len(drawn), seed=seed)]
    lines += [f"  {town or w('no_town')} {community}" for town, community in drawn]
    return "\n".join(lines) + "\n"


def draws_text(draws, lang: str = "zh") -> str:
    """Past draws with each unit's re-inspection result."""
    from tabulate import tabulate

    w = _w(lang, "sample")
    if not draws:
        return w("none") + "\n"
    results = w.table("result")
    rows = [[d.year, d.standard, d.seed, f"{d.rate:.0%}", d.town or w("no_town"), d.community, d.drawn_at[:10],
             results.get(d.result, d.result), d.checked_on or ""] for d in draws]
    return tabulate(rows, headers=list(w.table("header")), tablefmt="simple", disable_numparse=True) + "\n"


def results_text(results: list[dict], standard: str, lang: str = "zh") -> str:
    """What each recorded re-inspection does under the standard's ladder."""
    w = _w(lang, "sample")
    lines = []
    for r in results:
        extra = w("clause_sep") + r["accountability"] if r["accountability"] else ""
        lines.append(w("checked", town=r["town"] or w("no_town"), community=r["community"], when=r["checked_on"],
                       result=w("passed") if r["passed"] else w("failed"), standard=standard,
                       action=_action(r["action"], w), extra=extra))
    return "".join(line + "\n" for line in lines)


def standards_text(standards, lang: str = "zh") -> str:
    """The built-in standards: name, title and source (a standard's title and source are data)."""
    w = _w(lang, "standards")
    return "".join(f"{s.name}\t{s.title}\n\t{w('source', s.source)}\n" for s in standards)
