"""`nodrug batch` output on screen: the ledgers ranked, the towns scored, the county against targets, sanctions."""

from __future__ import annotations

from typing import TextIO

from nodrug_cli.batch.outcome import BatchReport
from nodrug_cli.render import words as say
from nodrug_cli.render.words import Words


def _w(lang: str) -> Words:
    return Words(lang, section="batch")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _yes(x: bool | None, w: Words) -> str:
    return "—" if x is None else w.yes_no(x)


def _num(x) -> str:
    return "—" if x is None else f"{x:g}"


def ledger_reason(o, lang: str = "zh") -> str:
    """Why a ledger is not clean (the outcome's reason code and parameters), in `lang`."""
    reason = o.reason
    if reason is None:
        return ""
    if reason.key == "batch.reason.unreadable":  # worded by the reasons' own table, as `validate` words them
        from nodrug_cli.ledger.workbook import Unreadable

        return Unreadable(o.path, reason.get("reason"), reason.get("detail")).message(lang)
    return say.phrase(reason, lang)


def report_json(report: BatchReport, lang: str = "zh") -> dict:
    """The one object `nodrug batch --format json` prints, each ledger's reason in `lang`."""
    data = report.to_json()
    for o, row in zip(report.outcomes, data["ledgers"]):
        row["reason"] = ledger_reason(o, lang) or None
        for stored in row["indicators"].values():  # why an indicator cannot be computed, in `lang`
            if stored.get("extra"):
                stored["extra"] = say.worded(stored["extra"], lang)
    return data


def ledger_rows(report: BatchReport, lang: str = "zh") -> list[list[str]]:
    w = _w(lang)
    statuses = w.table("status")
    return [[_num(o.rank), o.town or "", o.community or "", statuses[o.status], _num(o.total), o.grade or "",
             _yes(o.passed, w), _yes(o.drug_free, w), str(o.errors), str(o.warnings), ledger_reason(o, lang),
             o.path if o.status in ("unreadable", "failed", "duplicate") else ""] for o in report.outcomes]


def town_rows(report: BatchReport, lang: str = "zh") -> list[list[str]]:
    w = _w(lang)
    return [[_num(t.rank), t.town, str(t.communities), str(t.passed), _pct(t.community_pass_rate), str(t.drug_free),
             _pct(t.drug_free_rate), _pct(t.drug_free_target), _yes(t.drug_free_met, w), _num(t.total), t.grade or "",
             _yes(t.grade_passed, w), t.flag or ""] for t in report.towns]


def sanction_action(s: dict, lang: str = "zh") -> str:
    """处理, with 暂定 for an interim check's sanction that does not enter the ladder."""
    w = _w(lang)
    action = w.table("actions").get(s["action"], s["action"])
    return w("provisional", action) if s.get("provisional") else action


def sanction_rows(report: BatchReport, lang: str = "zh") -> list[list[str]]:
    return [[s["town"] or "", s["community"], str(s["year"]), sanction_action(s, lang), s.get("accountability") or ""]
            for s in report.sanctions]


def county_lines(report: BatchReport, lang: str = "zh") -> list[str]:
    """The county's figures against the year's targets, and the unit types the ledgers cannot show."""
    w = _w(lang)
    c = report.overall

    def met(flag: bool | None) -> str:
        return w("met") if flag else w("not_met")

    line = w("communities", n=c.communities, unreadable=c.unreadable, passed=c.passed,
             pass_rate=_pct(c.community_pass_rate), free=c.drug_free, free_rate=_pct(c.drug_free_rate))
    if c.drug_free_target is not None:
        line += w("free_target", target=_pct(c.drug_free_target), met=met(c.drug_free_met))
    lines = [line]
    line = w("town_pass", rate=_pct(c.town_pass_rate), passed=c.towns_passed, towns=c.towns)
    if c.town_pass_target is not None:
        line += w("town_target", compare=w.table("compare")[c.town_pass_compare], target=_pct(c.town_pass_target),
                  met=met(c.town_pass_met))
    lines.append(line)
    lines += [w("other_target", label=o["label"], target=_pct(o["target"])) for o in c.other_targets]
    if not report.review:
        lines.append(w("interim"))
    return lines


def _title(report: BatchReport, w: Words) -> str:
    return w("title", year=report.year, standard=report.standard["title"])


def render_table(report: BatchReport, out: TextIO, fmt: str, lang: str = "zh") -> None:
    """Plain tables when piped (cron mails them) or Markdown for `--format md`."""
    from tabulate import tabulate

    w = _w(lang)
    style = "github" if fmt == "md" else "simple"
    title = _title(report, w)
    print(f"## {title}\n" if fmt == "md" else f"{title}\n", file=out)
    print(tabulate(ledger_rows(report, lang), headers=w.table("ledger_header"), tablefmt=style, disable_numparse=True)
          + "\n", file=out)
    if report.towns:
        print(tabulate(town_rows(report, lang), headers=w.table("town_header"), tablefmt=style, disable_numparse=True)
              + "\n", file=out)
    print("\n".join(("- " if fmt == "md" else "") + line for line in county_lines(report, lang)) + "\n", file=out)
    if report.sanctions:
        print(tabulate(sanction_rows(report, lang), headers=w.table("sanction_header"), tablefmt=style,
                       disable_numparse=True), file=out)


def render_rich(report: BatchReport, out: TextIO, lang: str = "zh") -> None:
    """Rich tables on a terminal."""
    from rich.console import Console
    from rich.table import Table

    w = _w(lang)
    console = Console(file=out, highlight=False)
    for title, headers, rows in (
        (_title(report, w), w.table("ledger_header"), ledger_rows(report, lang)),
        (w("towns_title"), w.table("town_header"), town_rows(report, lang)),
        (w("county_title"), [w("county_head")], [[line] for line in county_lines(report, lang)]),
        (w("sanctions_title"), w.table("sanction_header"), sanction_rows(report, lang)),
    ):
        if not rows:
            continue
        table = Table(title=title, title_justify="left")
        for head in headers:
            table.add_column(head, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
