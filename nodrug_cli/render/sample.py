"""`nodrug sample` as text and JSON: a draw, recorded re-inspection results, past draws."""

from __future__ import annotations

from typing import TextIO

RESULT_WORDS = {"passed": "合格", "failed": "不合格", None: "未复查"}


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


def render_text(result, out: TextIO, lang: str = "zh") -> None:
    if result.mode == "list":
        _draws(result.draws, out)
    elif result.mode == "results":
        for r in result.results:
            extra = f"；{r['accountability']}" if r["accountability"] else ""
            print(f"{r['town'] or '（未填镇街）'} {r['community']}：{result.checked_on} 复查{'合格' if r['passed'] else '不合格'}，"
                  f"按标准 {result.standard} 的规则：{r['action']}{extra}", file=out)
    else:
        d = result.draw
        print(f"{d['year']} 年度抽查：授牌单位 {d['holders']} 个，按 {d['rate']:.0%} 抽取 {len(d['drawn'])} 个（种子 {d['seed']}，"
              f"用 --seed {d['seed']} 可重现）", file=out)
        for unit in d["drawn"]:
            print(f"  {unit['town'] or '（未填镇街）'} {unit['community']}", file=out)


def _draws(draws: list, out: TextIO) -> None:
    if not draws:
        print("历史数据库中没有抽查记录。", file=out)
        return
    from tabulate import tabulate

    rows = [[d.year, d.standard, d.seed, f"{d.rate:.0%}", d.town or "（未填镇街）", d.community, d.drawn_at[:10],
             RESULT_WORDS.get(d.result, d.result), d.checked_on or ""] for d in draws]
    print(tabulate(rows, headers=["年度", "标准", "种子", "比例", "镇（街道）", "村（社区）", "抽取日期", "复查结果",
                                  "复查日期"], tablefmt="simple", disable_numparse=True), file=out)
