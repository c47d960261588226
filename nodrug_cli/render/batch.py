"""`nodrug batch` output on screen: the ledgers ranked, the towns scored, the county against targets, sanctions."""

from __future__ import annotations

from typing import TextIO

from nodrug_cli.batch.outcome import BatchReport

STATUS_WORDS = {"ok": "正常", "invalid": "台账有错误", "unreadable": "无法读取", "failed": "处理出错",
                "duplicate": "重复的村（社区）"}
COMPARE_WORDS = {">": "超过", ">=": "达到"}
NO_DATA = "无数据"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _yes(x: bool | None) -> str:
    return "—" if x is None else ("是" if x else "否")


def _num(x) -> str:
    return "—" if x is None else f"{x:g}"


def ledger_rows(report: BatchReport) -> list[list[str]]:
    return [[_num(o.rank), o.town or "", o.community or "", STATUS_WORDS[o.status], _num(o.total), o.grade or "",
             _yes(o.passed), _yes(o.drug_free), str(o.errors), str(o.warnings), o.reason or "",
             o.path if o.status in ("unreadable", "failed", "duplicate") else ""] for o in report.outcomes]


def town_rows(report: BatchReport) -> list[list[str]]:
    return [[_num(t.rank), t.town, str(t.communities), str(t.passed), _pct(t.community_pass_rate), str(t.drug_free),
             _pct(t.drug_free_rate), _pct(t.drug_free_target), _yes(t.drug_free_met), _num(t.total), t.grade or "",
             _yes(t.grade_passed), t.flag or ""] for t in report.towns]


def sanction_action(s: dict) -> str:
    """处理, with 暂定 for an interim check's sanction that does not enter the ladder."""
    return f"{s['action']}（暂定）" if s.get("provisional") else s["action"]


def sanction_rows(report: BatchReport) -> list[list[str]]:
    return [[s["town"] or "", s["community"], str(s["year"]), sanction_action(s), s.get("accountability") or ""]
            for s in report.sanctions]


def county_lines(report: BatchReport) -> list[str]:
    """The county's figures against the year's targets, and the unit types the ledgers cannot show."""
    c = report.overall
    lines = [f"参评村（社区） {c.communities} 个（无法读取 {c.unreadable} 个不计入），考评通过 {c.passed} 个，"
             f"社区合格率 {_pct(c.community_pass_rate)}；无毒村（社区） {c.drug_free} 个，无毒率 {_pct(c.drug_free_rate)}"
             + (f"，目标 达到 {_pct(c.drug_free_target)}：{'达到' if c.drug_free_met else '未达到'}"
                if c.drug_free_target is not None else "")]
    line = f"乡镇考核总合格率 {_pct(c.town_pass_rate)}（{c.towns_passed}/{c.towns} 个镇街等级合格及以上）"
    if c.town_pass_target is not None:
        line += (f"，目标 {COMPARE_WORDS[c.town_pass_compare]} {_pct(c.town_pass_target)}："
                 f"{'达到' if c.town_pass_met else '未达到'}")
    lines.append(line)
    lines += [f"{o['label']}：目标 达到 {_pct(o['target'])}，{NO_DATA}（社区台账只评村（社区））"
              for o in c.other_targets]
    if not report.review:
        lines.append("本次为期中检查（截止日不是 12 月 31 日，也未加 --review）：奖惩为暂定，不记入奖惩记录。")
    return lines


LEDGER_HEADERS = ["排名", "镇（街道）", "村（社区）", "状态", "得分", "等级", "通过", "无毒", "错误", "警告", "原因", "文件"]
TOWN_HEADERS = ["排名", "镇（街道）", "参评数", "通过数", "社区合格率", "无毒数", "无毒率", "无毒率目标", "达到目标",
                "镇街得分", "镇街等级", "镇街合格", "挂牌"]
SANCTION_HEADERS = ["镇（街道）", "村（社区）", "年度", "处理", "问责"]


def render_table(report: BatchReport, out: TextIO, fmt: str, lang: str = "zh") -> None:
    """Plain tables when piped (cron mails them) or Markdown for `--format md`."""
    from tabulate import tabulate

    style = "github" if fmt == "md" else "simple"
    title = f"{report.year} 年度考评汇总 · {report.standard['title']}"
    print(f"## {title}\n" if fmt == "md" else f"{title}\n", file=out)
    print(tabulate(ledger_rows(report), headers=LEDGER_HEADERS, tablefmt=style, disable_numparse=True) + "\n", file=out)
    if report.towns:
        print(tabulate(town_rows(report), headers=TOWN_HEADERS, tablefmt=style, disable_numparse=True) + "\n", file=out)
    print("\n".join(("- " if fmt == "md" else "") + line for line in county_lines(report)) + "\n", file=out)
    if report.sanctions:
        print(tabulate(sanction_rows(report), headers=SANCTION_HEADERS, tablefmt=style, disable_numparse=True),
              file=out)


def render_rich(report: BatchReport, out: TextIO, lang: str = "zh") -> None:
    """Rich tables on a terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False)
    for title, headers, rows in (
        (f"{report.year} 年度考评汇总 · {report.standard['title']}", LEDGER_HEADERS, ledger_rows(report)),
        ("镇（街道）汇总（镇街按汇总指标打分）", TOWN_HEADERS, town_rows(report)),
        ("全县（区）", ["项目"], [[line] for line in county_lines(report)]),
        ("奖惩", SANCTION_HEADERS, sanction_rows(report)),
    ):
        if not rows:
            continue
        table = Table(title=title, title_justify="left")
        for head in headers:
            table.add_column(head, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
