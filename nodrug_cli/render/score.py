"""`nodrug score` output: JSON, rich on a terminal, tabulate tables when piped or as Markdown.

The verdict comes first (score, grade, 无毒 or not and why), then the items, then the indicators.
IDs and names in gaps are masked unless the user asked for full data (`--full-pii`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from nodrug_cli.indicators.gap import Gap
from nodrug_cli.indicators.model import label
from nodrug_cli.ledger.findings import ERROR
from nodrug_cli.privacy import mask_id, mask_name
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


def shown_gap(gap: Sequence[dict], full_pii: bool) -> Sequence[dict]:
    """A whole gap as printed: IDs and names masked unless `full_pii`; a gap held as columns (tens of thousands
    of missed windows in a large ledger) is masked a column at a time and stays columns for the JSON writer."""
    if isinstance(gap, Gap):
        return gap if full_pii else gap.mapped(MASKS)
    return [gap_entry(g, full_pii) for g in gap]


def _number(value):
    return value.item() if hasattr(value, "item") else value


def assessment_json(a: Assessment, full_pii: bool = False, lang: str = "zh") -> dict:
    """The one object `nodrug score --format json` prints."""
    return {
        "community": a.community, "town": a.town, "year": a.year, "as_of": a.as_of.isoformat(),
        "standard": {"name": a.standard.name, "title": a.standard.title, "source": a.standard.source},
        "indicators": {
            key: {"label": ind.label(lang), "value": _number(ind.value), "numerator": ind.numerator,
                  "denominator": ind.denominator, "status": ind.status,
                  **({"extra": extra} if (extra := ind.plain_extra()) else {})}
            for key, ind in a.indicators.values.items()
        },
        "items": [
            {"id": r.item.id, "category": r.item.category, "title": r.item.title, "indicator": r.item.indicator_key,
             "points_max": r.item.points, "points": r.points, "passed": r.passed, "basis": r.basis,
             "gap": shown_gap(r.gap, full_pii) if r.passed is False else []}
            for r in a.items
        ],
        "total": a.total, "bonus": a.bonus, "grade": a.grade, "vetoed": a.vetoed, "passed": a.passed,
        "drug_free": {
            "outright": a.drug_free_outright, "passed": a.drug_free_passed,
            "criteria": [{"id": c.id, "title": c.title, "passed": c.passed, "evidence": "；".join(c.evidence)}
                         for c in a.criteria],
        },
        "skipped_rows": a.skipped_rows,
        # Every finding, as `nodrug validate` gives them, with those against this standard (自查项目 names) included.
        "findings": [finding_dict(f, lang, masked=not full_pii) for f in a.findings],
    }


def verdict_lines(a: Assessment, lang: str = "zh") -> list[str]:
    """The verdict in a few lines: score and grade, 无毒 or not and why, what was left out."""
    en = lang == "en"
    std = a.standard
    lines = [f"{a.community}（{a.town or '—'}）{a.year} 年度 · {std.title}" if not en
             else f"{a.community} ({a.town or '—'}), {a.year} · {std.title}"]
    score = f"得分 {a.total:g}" + (f"（含加分 {a.bonus:g}）" if a.bonus else "") + f"，等级：{a.grade}"
    if en:
        score = f"score {a.total:g}" + (f" (bonus {a.bonus:g})" if a.bonus else "") + f", grade: {a.grade}"
    if a.vetoed:
        failed = "、".join(r.item.id for r in a.items if r.item.rule == "veto" and r.passed is False)
        score += f"（一票否决：{failed}）" if not en else f" (vetoed by {failed})"
    lines.append(score)
    if a.drug_free_outright:
        lines.append("无毒：是（直接认定）" if not en else "drug-free: yes, outright")
    elif a.criteria:
        failed = [c for c in a.criteria if not c.passed]
        if not failed:
            lines.append(f"无毒：是（{len(a.criteria)} 条标准全部达到）" if not en
                         else f"drug-free: yes (all {len(a.criteria)} criteria met)")
        else:
            names = "、".join(f"第{c.id}条" for c in failed) if not en else ", ".join(c.id for c in failed)
            lines.append(f"无毒：否，未达到 {names}" if not en else f"drug-free: no; criteria not met: {names}")
            for c in failed:
                lines.append(f"  · {c.id} {c.title}：{'；'.join(c.evidence)}")
    elif a.outright_evidence:
        lines.append(("无毒：否（" + "；".join(a.outright_evidence) + "）") if not en
                     else "drug-free: no (" + "; ".join(a.outright_evidence) + ")")
    verdict = ("结论：" + ("通过" if a.passed else "未通过")) if not en else f"verdict: {'pass' if a.passed else 'fail'}"
    if not a.registry_clean and not a.passed:
        verdict += "（吸毒人员表有错误，底数不清）" if not en else " (the registry sheet has errors)"
    lines.append(verdict)
    errors = sum(1 for f in a.findings if f.severity == ERROR)
    if errors or a.skipped_rows:
        lines.append(f"台账有 {errors} 个错误，{a.skipped_rows} 行未计入指标（用 nodrug validate 查看）" if not en
                     else f"the ledger has {errors} errors; {a.skipped_rows} rows left out (see nodrug validate)")
    as_of = f"评估截止日 {a.as_of.isoformat()}" if not en else f"as of {a.as_of.isoformat()}"
    lines.append(as_of)
    return lines


def standard_lines(a: Assessment, lang: str = "zh", full_pii: bool = False) -> list[str]:
    """The findings against the standard (自查项目 rows that match none of its items), one line each."""
    from nodrug_cli.render.findings import finding_line

    return [finding_line(f, lang, masked=not full_pii) for f in a.findings if f.code in STANDARD_CODES]


def _points(r: ItemResult) -> str:
    return "不适用" if r.points is None else f"{r.points:g}"


def _passed(r: ItemResult) -> str:
    return {True: "是", False: "否", None: "不适用"}[r.passed]


def item_rows(a: Assessment) -> list[list[str]]:
    return [[r.item.id, r.item.category, r.item.title, f"{r.item.points:g}" + ("（加分）" if r.item.bonus else ""),
             r.basis, r.actual, r.target, _points(r), _passed(r), r.note] for r in a.items]


ITEM_HEADERS = ["序号", "考核项目", "考核内容", "分值", "计算依据", "实际值", "标准", "得分", "达标", "扣分说明"]
INDICATOR_HEADERS = ["指标", "值", "分子", "分母", "状态"]
STATUS_WORDS = {"ok": "", "na": "不适用", "not_computable": "无法计算"}


def indicator_rows(a: Assessment, lang: str = "zh") -> list[list[str]]:
    return [[label(k, lang), ind.display(), "" if ind.numerator is None else str(ind.numerator),
             "" if ind.denominator is None else str(ind.denominator), STATUS_WORDS[ind.status]]
            for k, ind in a.indicators.values.items()]


def gap_lines(a: Assessment, full_pii: bool) -> list[str]:
    """The persons and windows behind lost points, a few per item."""
    lines = []
    for r in a.items:
        if r.passed is not False or not r.gap:
            continue
        shown = [gap_entry(g, full_pii) for g in r.gap[:GAP_SHOWN]]
        parts = []
        for g in shown:
            who = " ".join(str(g[k]) for k in ("name", "id", "venue", "item", "month") if g.get(k))
            when = f" {g['start']}～{g['end']}" if g.get("start") else ""
            extra = f"（{g['events']}/{g['required']} 次）" if "events" in g else ""
            parts.append(f"{who}{when}{extra} {g.get('reason', '')}".strip())
        more = f" 等共 {len(r.gap)} 项" if len(r.gap) > GAP_SHOWN else ""
        lines.append(f"{r.item.id} {r.item.title}：" + "；".join(parts) + more)
    return lines


def render_table(a: Assessment, out: TextIO, fmt: str, lang: str = "zh", full_pii: bool = False) -> None:
    """Plain text (tabulate "simple") when piped, or Markdown (GitHub pipes) for `--format md`."""
    from tabulate import tabulate

    md = fmt == "md"
    lines = verdict_lines(a, lang)
    if md:
        print(f"## {lines[0]}\n", file=out)
        for line in lines[1:]:
            print(f"- {line.strip()}", file=out)
        print(file=out)
    else:
        print("\n".join(lines) + "\n", file=out)
    table_fmt = "github" if md else "simple"
    against = standard_lines(a, lang, full_pii)
    if against:
        print(("### 自查项目\n" if md else "自查项目\n"), file=out)
        for line in against:
            print(f"- {line}" if md else f"  {line}", file=out)
        print(file=out)
    print(("### 考核项目\n" if md else "考核项目\n"), file=out)
    print(tabulate(item_rows(a), headers=ITEM_HEADERS, tablefmt=table_fmt, disable_numparse=True) + "\n", file=out)
    gaps = gap_lines(a, full_pii)
    if gaps:
        print(("### 失分明细\n" if md else "失分明细\n"), file=out)
        for g in gaps:
            print(f"- {g}" if md else f"  {g}", file=out)
        print(file=out)
    print(("### 指标\n" if md else "指标\n"), file=out)
    print(tabulate(indicator_rows(a, lang), headers=INDICATOR_HEADERS, tablefmt=table_fmt, disable_numparse=True), file=out)


def render_rich(a: Assessment, out: TextIO, lang: str = "zh", full_pii: bool = False) -> None:
    """On a terminal: the verdict in a panel, then the items and indicators as rich tables."""
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table

    console = Console(file=out, highlight=False)
    lines = verdict_lines(a, lang)
    style = "green" if a.passed else "red"
    console.print(Panel("\n".join(lines[1:]), title=lines[0], border_style=style))
    for line in standard_lines(a, lang, full_pii):
        console.print(line, style="yellow", markup=False)
    items = Table(title="考核项目", title_justify="left", expand=True)
    for head in ITEM_HEADERS:
        items.add_column(head, overflow="fold")
    for row, r in zip(item_rows(a), a.items):
        colour = {True: "green", False: "red", None: "dim"}[r.passed]
        items.add_row(*row[:-2], f"[{colour}]{row[-2]}", row[-1])
    console.print(items)
    for line in gap_lines(a, full_pii):
        console.print(f"[yellow]• {line}")
    table = Table(title="指标", title_justify="left")
    for head in INDICATOR_HEADERS:
        table.add_column(head)
    for row in indicator_rows(a, lang):
        table.add_row(*row)
    console.print(table)
