"""`nodrug history` as text and JSON: the years side by side with the change against the year before."""

from __future__ import annotations

from typing import TextIO

from nodrug_cli.batch.outcome import KEY_INDICATORS


def history_json(records: list) -> dict:
    """The one object `nodrug history --format json` prints."""
    return {"assessments": [
        {"community": r.community, "town": r.town or None, "year": r.year, "standard": r.standard, "as_of": r.as_of,
         "review": r.review, "total": r.total, "grade": r.grade, "passed": r.passed, "drug_free": r.drug_free}
        for r in records]}


def render_text(result, out: TextIO, lang: str = "zh") -> None:
    """A table per community and standard (or the line saying the database holds none)."""
    from tabulate import tabulate

    from nodrug_cli.indicators.model import label

    if not result.records and not result.unknown:
        print("历史数据库中没有考评记录。", file=out)
    for group in result.groups:
        recs = group.records
        # an interim check (not the year's review) is stored apart and never moves the sanctions: marked 期中
        years = [str(r.year) if r.review else f"{r.year}（期中 {r.as_of[5:]}）" for r in recs]
        rows = [["得分", *[f"{r.total:g}" if r.total is not None else "—" for r in recs], _change([r.total for r in recs])],
                ["等级", *[r.grade or "—" for r in recs], ""],
                ["无毒", *["是" if r.drug_free else "否" for r in recs], ""]]
        if group.ladder:
            rows.append(["奖惩", *[_cell(c) for c in group.ladder], ""])
        for key in KEY_INDICATORS:
            values = [r.indicators.get(key, {}).get("value") for r in recs]
            rate = key.split(".")[0].endswith("rate") or key == "event_months_met"
            rows.append([label(key), *[_show(v, rate) for v in values], _change(values, rate)])
        print(f"{group.town or '（未填镇街）'} · {group.community} · 标准 {group.standard}", file=out)
        print(tabulate(rows, headers=["", *years, "较上年"], tablefmt="simple", disable_numparse=True) + "\n", file=out)


def _cell(cell) -> str:
    """A review's sanction (a spot check's as `抽查 …`), or an interim check's marked 暂定."""
    if cell.review:
        return "，".join(("抽查 " if event == "spot_check" else "") + action for event, action in cell.steps) or "—"
    return f"{cell.provisional}（暂定）" if cell.provisional else "—"


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
