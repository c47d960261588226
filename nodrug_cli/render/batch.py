"""`nodrug batch` output on screen: the ledgers, the town roll-up against targets, the sanctions."""

from __future__ import annotations

from typing import TextIO

from nodrug_cli.batch import BatchReport

STATUS_WORDS = {"ok": "正常", "invalid": "台账有错误", "unreadable": "无法读取", "failed": "处理出错",
                "duplicate": "重复的村（社区）"}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _yes(x: bool | None) -> str:
    return "—" if x is None else ("是" if x else "否")


def ledger_rows(report: BatchReport) -> list[list[str]]:
    return [[o.town or "", o.community or "", STATUS_WORDS[o.status], "" if o.total is None else f"{o.total:g}",
             o.grade or "", _yes(o.drug_free), str(o.errors), str(o.warnings), o.reason or "",
             o.path if o.status in ("unreadable", "failed", "duplicate") else ""] for o in report.outcomes]


def town_rows(report: BatchReport) -> list[list[str]]:
    return [[t.town, str(t.communities), str(t.drug_free), _pct(t.drug_free_rate), _pct(t.pass_rate),
             _pct(t.target_drug_free_rate), _pct(t.target_pass_rate)] for t in [*report.towns, report.overall]]


LEDGER_HEADERS = ["镇（街道）", "村（社区）", "状态", "得分", "等级", "无毒", "错误", "警告", "原因", "文件"]
TOWN_HEADERS = ["镇（街道）", "参评数", "无毒数", "无毒率", "合格率", "目标（无毒率）", "目标（合格率）"]
SANCTION_HEADERS = ["镇（街道）", "村（社区）", "年度", "处理"]


def render_table(report: BatchReport, out: TextIO, fmt: str) -> None:
    """Plain tables when piped (cron mails them) or Markdown for `--format md`."""
    from tabulate import tabulate

    style = "github" if fmt == "md" else "simple"
    title = f"{report.year} 年度考评汇总 · {report.standard['title']}"
    print(f"## {title}\n" if fmt == "md" else f"{title}\n", file=out)
    print(tabulate(ledger_rows(report), headers=LEDGER_HEADERS, tablefmt=style, disable_numparse=True) + "\n", file=out)
    print(tabulate(town_rows(report), headers=TOWN_HEADERS, tablefmt=style, disable_numparse=True) + "\n", file=out)
    if report.sanctions:
        rows = [[s["town"] or "", s["community"], str(s["year"]), s["action"]] for s in report.sanctions]
        print(tabulate(rows, headers=SANCTION_HEADERS, tablefmt=style, disable_numparse=True), file=out)


def render_rich(report: BatchReport, out: TextIO) -> None:
    """Rich tables on a terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False)
    for title, headers, rows in (
        (f"{report.year} 年度考评汇总 · {report.standard['title']}", LEDGER_HEADERS, ledger_rows(report)),
        ("镇（街道）汇总", TOWN_HEADERS, town_rows(report)),
        ("奖惩", SANCTION_HEADERS, [[s["town"] or "", s["community"], str(s["year"]), s["action"]]
                                    for s in report.sanctions]),
    ):
        if not rows:
            continue
        table = Table(title=title, title_justify="left")
        for head in headers:
            table.add_column(head, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
