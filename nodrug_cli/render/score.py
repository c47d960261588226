"""`nodrug score` output: JSON, rich on a terminal, tabulate tables when piped or as Markdown.

The verdict comes first (score, grade, 无毒 or not and why), then the items, then the indicators.
IDs and names in gaps are masked unless the user asked for full data (`--full-pii`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from nodrug_cli.indicators.gap import Gap
from nodrug_cli.ledger.findings import ERROR
from nodrug_cli.privacy import mask_id, mask_name
from nodrug_cli.render import words as say
from nodrug_cli.render.words import Words
from nodrug_cli.standards.engine import Assessment, ItemResult
from nodrug_cli.ledger.check import finding_dict

# Findings a score shows in full in text output: they concern the standard, which `nodrug validate` may not have
# been given; the rest are counted, with a pointer to `nodrug validate`.
STANDARD_CODES = ("checklist_unmatched",)

GAP_SHOWN = 5  # persons/windows listed per item in text output; the workbook and JSON list them all


MASKS = {"id": mask_id, "name": mask_name}


def gap_entry(entry: dict, full_pii: bool) -> dict:
    """A gap entry with its ID and name masked unless `full_pii`."""
    out = dict(entry)
    if not full_pii:
        for key in MASKS.keys() & out.keys():
            out[key] = MASKS[key](out[key])
    return out


def shown_gap(gap: Sequence[dict], full_pii: bool, lang: str = "zh") -> Sequence[dict]:
    """A whole gap as printed: IDs and names masked unless `full_pii`, reasons worded in `lang`; a gap held as
    columns (tens of thousands of missed windows in a large ledger) is mapped a column at a time, each distinct
    value once, and stays columns for the JSON writer."""
    if isinstance(gap, Gap):
        functions = {} if full_pii else dict(MASKS)
        functions["reason"] = lambda reason: say.gap_reason(reason, lang, masked=not full_pii)
        return gap.mapped(functions)
    return [shown_entry(g, full_pii, lang) for g in gap]


def shown_entry(entry: dict, full_pii: bool, lang: str = "zh") -> dict:
    """One gap entry as printed: masked as `gap_entry`, its reason worded in `lang`."""
    out = gap_entry(entry, full_pii)
    if "reason" in out:
        out["reason"] = say.gap_reason(out["reason"], lang, masked=not full_pii)
    return out


def _number(value):
    return value.item() if hasattr(value, "item") else value


def _extra(ind, lang: str) -> dict:
    """An indicator's plain extras for the JSON, the reason it cannot be computed in `lang` (the keys as they are)."""
    return say.worded(ind.plain_extra(), lang)


def assessment_json(a: Assessment, full_pii: bool = False, lang: str = "zh") -> dict:
    """The one object `nodrug score --format json` prints."""
    return {
        "community": a.community, "town": a.town, "year": a.year, "as_of": a.as_of.isoformat(),
        "standard": {"name": a.standard.name, "title": a.standard.title, "source": a.standard.source},
        "indicators": {
            key: {"label": ind.label(lang), "value": _number(ind.value), "numerator": ind.numerator,
                  "denominator": ind.denominator, "status": ind.status,
                  **({"extra": extra} if (extra := _extra(ind, lang)) else {})}
            for key, ind in a.indicators.values.items()
        },
        "items": [
            {"id": r.item.id, "category": r.item.category, "title": r.item.title, "indicator": r.item.indicator_key,
             "points_max": r.item.points, "points": r.points, "passed": r.passed, "basis": say.basis(r.source, lang),
             "gap": shown_gap(r.gap, full_pii, lang) if r.passed is False else []}
            for r in a.items
        ],
        "total": a.total, "bonus": a.bonus, "grade": a.grade, "vetoed": a.vetoed, "passed": a.passed,
        "drug_free": {
            "outright": a.drug_free_outright, "passed": a.drug_free_passed,
            "criteria": [{"id": c.id, "title": c.title, "passed": c.passed,
                          "evidence": Words(lang)("clause_sep").join(say.evidence_list(c.shortfalls, lang))}
                         for c in a.criteria],
        },
        "skipped_rows": a.skipped_rows,
        # Every finding, as `nodrug validate` gives them, with those against this standard (自查项目 names) included.
        "findings": [finding_dict(f, lang, masked=not full_pii) for f in a.findings],
    }


def verdict_lines(a: Assessment, lang: str = "zh") -> list[str]:
    """The verdict in a few lines: score and grade, 无毒 or not and why, what was left out."""
    w = Words(lang, section="score")
    std = a.standard
    lines = [w("title", community=a.community, town=a.town or "—", year=a.year, standard=std.title)]
    score = w("score", total=f"{a.total:g}") + (w("bonus", f"{a.bonus:g}") if a.bonus else "") + w("grade", a.grade)
    if a.vetoed:
        score += w("vetoed", w("list_sep").join(r.item.id for r in a.items if r.item.rule == "veto" and r.passed is False))
    lines.append(score)
    if a.drug_free_outright:
        lines.append(w("outright"))
    elif a.criteria:
        failed = [c for c in a.criteria if not c.passed]
        if not failed:
            lines.append(w("all_met", len(a.criteria)))
        else:
            lines.append(w("not_met", w("list_sep").join(w("criterion_no", c.id) for c in failed)))
            for c in failed:
                evidence = w("clause_sep").join(say.evidence_list(c.shortfalls, lang))
                lines.append(w("criterion", id=c.id, title=c.title, evidence=evidence))
    elif a.outright_shortfalls:
        lines.append(w("not_outright", w("clause_sep").join(say.evidence_list(a.outright_shortfalls, lang))))
    verdict = w("verdict", w("pass") if a.passed else w("fail"))
    if not a.registry_clean and not a.passed:
        verdict += w("registry")
    lines.append(verdict)
    errors = sum(1 for f in a.findings if f.severity == ERROR)
    if errors or a.skipped_rows:
        lines.append(w("ledger", errors=errors, skipped=a.skipped_rows))
    lines.append(w("as_of", a.as_of.isoformat()))
    return lines


def standard_lines(a: Assessment, lang: str = "zh", full_pii: bool = False) -> list[str]:
    """The findings against the standard (自查项目 rows that match none of its items), one line each."""
    from nodrug_cli.render.findings import finding_line

    return [finding_line(f, lang, masked=not full_pii) for f in a.findings if f.code in STANDARD_CODES]


def item_rows(a: Assessment, lang: str = "zh") -> list[list[str]]:
    """考核项目: one row per item, 序号 … 扣分说明."""
    w = Words(lang, section="score")
    passed = {True: w("yes"), False: w("no"), None: w("na")}
    return [[r.item.id, r.item.category, r.item.title,
             w("bonus_points", f"{r.item.points:g}") if r.item.bonus else f"{r.item.points:g}",
             say.basis(r.source, lang), say.shown(r.reading, lang), say.target(r.item, r.reading.kind, lang),
             w("na") if r.points is None else f"{r.points:g}", passed[r.passed], say.note(r, lang)] for r in a.items]


def indicator_rows(a: Assessment, lang: str = "zh") -> list[list[str]]:
    """指标: every indicator with its numbers and state."""
    statuses = Words(lang, section="score").table("status")
    return [[say.label(ind, lang), say.shown(ind, lang), "" if ind.numerator is None else str(ind.numerator),
             "" if ind.denominator is None else str(ind.denominator), statuses[ind.status]]
            for ind in a.indicators.values.values()]


def gap_lines(a: Assessment, full_pii: bool, lang: str = "zh") -> list[str]:
    """The persons and windows behind lost points, a few per item."""
    w = Words(lang, section="score")
    lines = []
    for r in a.items:
        if r.passed is not False or not r.gap:
            continue
        shown = [shown_entry(g, full_pii, lang) for g in r.gap[:GAP_SHOWN]]
        parts = []
        for g in shown:
            who = " ".join(str(g[k]) for k in ("name", "id", "venue", "item", "month") if g.get(k))
            when = w("span", g["start"], g["end"]) if g.get("start") else ""
            extra = w("gap_events", events=g["events"], required=g["required"]) if "events" in g else ""
            parts.append(f"{who}{when}{extra} {g.get('reason', '')}".strip())
        more = w("gap_more", len(r.gap)) if len(r.gap) > GAP_SHOWN else ""
        lines.append(w("gap_line", id=r.item.id, title=r.item.title, entries=w("clause_sep").join(parts) + more))
    return lines


def _section(out: TextIO, md: bool, heading: str, lines: list[str]) -> None:
    """A heading and its lines (a Markdown list with `md`), nothing when there are no lines."""
    if not lines:
        return
    print(("### " if md else "") + heading + "\n", file=out)
    for line in lines:
        print(f"- {line}" if md else f"  {line}", file=out)
    print(file=out)


def render_table(a: Assessment, out: TextIO, fmt: str, lang: str = "zh", full_pii: bool = False) -> None:
    """Plain text (tabulate "simple") when piped, or Markdown (GitHub pipes) for `--format md`."""
    from tabulate import tabulate

    md = fmt == "md"
    w = Words(lang, section="score")
    lines = verdict_lines(a, lang)
    if md:
        print(f"## {lines[0]}\n", file=out)
        for line in lines[1:]:
            print(f"- {line.strip()}", file=out)
        print(file=out)
    else:
        print("\n".join(lines) + "\n", file=out)
    table_fmt = "github" if md else "simple"
    _section(out, md, w("checklist"), standard_lines(a, lang, full_pii))
    print(("### " if md else "") + w("items") + "\n", file=out)
    print(tabulate(item_rows(a, lang), headers=w.table("item_header"), tablefmt=table_fmt, disable_numparse=True) + "\n",
          file=out)
    _section(out, md, w("gaps"), gap_lines(a, full_pii, lang))
    print(("### " if md else "") + w("indicators") + "\n", file=out)
    print(tabulate(indicator_rows(a, lang), headers=w.table("indicator_header"), tablefmt=table_fmt,
                   disable_numparse=True), file=out)


def render_rich(a: Assessment, out: TextIO, lang: str = "zh", full_pii: bool = False) -> None:
    """On a terminal: the verdict in a panel, then the items and indicators as rich tables."""
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table

    console = Console(file=out, highlight=False)
    w = Words(lang, section="score")
    lines = verdict_lines(a, lang)
    style = "green" if a.passed else "red"
    console.print(Panel("\n".join(lines[1:]), title=lines[0], border_style=style))
    for line in standard_lines(a, lang, full_pii):
        console.print(line, style="yellow", markup=False)
    items = Table(title=w("items"), title_justify="left", expand=True)
    for head in w.table("item_header"):
        items.add_column(head, overflow="fold")
    for row, r in zip(item_rows(a, lang), a.items):
        colour = {True: "green", False: "red", None: "dim"}[r.passed]
        items.add_row(*row[:-2], f"[{colour}]{row[-2]}", row[-1])
    console.print(items)
    for line in gap_lines(a, full_pii, lang):
        console.print(f"[yellow]• {line}")
    table = Table(title=w("indicators"), title_justify="left")
    for head in w.table("indicator_header"):
        table.add_column(head)
    for row in indicator_rows(a, lang):
        table.add_row(*row)
    console.print(table)
