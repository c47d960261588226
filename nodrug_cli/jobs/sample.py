"""`sample` as a library call (seed 003: "市、区禁毒委每年按照10%的比例对上述范围内“无毒单位”进行抽查，抽查不合格的取消其
“无毒单位”称号"): draw the units holding the title, reproducibly, and record the draw; record drawn units'
re-inspection results, which move the standard's ladder; list past draws."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from nodrug_cli.exitcodes import ExitCode

DEFAULT_STANDARD = "boumei-2023"
PASSED_WORDS = {"合格": True, "通过": True, "达标": True, "passed": True, "pass": True,
                "不合格": False, "未通过": False, "不达标": False, "failed": False, "fail": False}


@dataclass(frozen=True)
class SampleSettings:
    today: dt.date
    rate: float = 0.1
    seed: int | None = None  # None: a fresh one
    year: int | None = None
    standard: str | None = None  # None: boumei-2023 (with `show_list`: every standard)
    output: Path | None = None  # the drawn list as .xlsx or .csv
    force: bool = False
    db: Path | None = None
    format: str = "text"
    show_list: bool = False
    results: tuple[str, ...] = ()  # COMMUNITY=合格|不合格
    town: str | None = None
    checked_on: dt.date | None = None  # with results (None: today)
    lang: str = "zh"


@dataclass
class SampleResult:
    mode: str  # draw | results | list
    draw: dict | None = None  # {"year", "standard", "rate", "seed", "holders", "drawn": [{"town", "community"}]}
    results: list[dict] = field(default_factory=list)  # each recorded result and the action it brings
    draws: list = field(default_factory=list)  # history.store.SpotCheck, for `show_list`
    standard: str | None = None
    checked_on: str | None = None
    code: ExitCode = ExitCode.OK


def sample(s: SampleSettings) -> SampleResult:
    """List past draws, record results, or draw — as `s` asks; unusable options or history raise JobError."""
    from nodrug_cli.history.store import HistoryError
    from nodrug_cli.jobs import refused
    from nodrug_cli.outputs import OutputRefused
    from nodrug_cli.standards.load import StandardError

    try:
        if s.show_list:
            return _list(s)
        if s.results:
            return _record_results(s)
        return _draw(s)
    except (StandardError, HistoryError, OutputRefused) as exc:
        raise refused(exc) from None


def spot_check_count(rate: float, holders: int) -> int:
    """⌈rate × holders⌉, at least one when any unit holds the title."""
    return 0 if holders == 0 else max(1, math.ceil(rate * holders - 1e-9))


def _list(s: SampleSettings) -> SampleResult:
    from nodrug_cli.history.store import History
    from nodrug_cli.jobs import existing_db

    with History(existing_db(s.db)) as history:
        return SampleResult("list", draws=history.draws(year=s.year, standard=s.standard))


def _record_results(s: SampleSettings) -> SampleResult:
    """Record re-inspection results of drawn units, each checked before anything is written."""
    from nodrug_cli.history.sanctions import replay
    from nodrug_cli.history.store import History
    from nodrug_cli.jobs import JobError, existing_db
    from nodrug_cli.standards.load import load_standard

    standard, town = s.standard or DEFAULT_STANDARD, s.town
    when = (s.checked_on or s.today).isoformat()
    parsed = []
    for given in s.results:
        name, _, word = given.rpartition("=")
        if not name or word.strip() not in PASSED_WORDS:
            raise JobError(f"--result 应写成“村（社区）=合格”或“村（社区）=不合格”（收到“{given}”）",
                           f"--result takes COMMUNITY=passed or COMMUNITY=failed (got “{given}”)")
        parsed.append((name.strip(), PASSED_WORDS[word.strip()]))
    out = []
    ladder = load_standard(standard).sanctions
    with History(existing_db(s.db)) as history:
        draws = history.draws(standard=standard)
        year = s.year or max((d.year for d in draws), default=None)
        if year is None:
            raise JobError(f"历史数据库中没有按标准 {standard} 的抽查记录：先运行 nodrug sample 抽签",
                           f"no spot-check draws under {standard} in the history database")
        for name, passed in parsed:
            towns = {d.town for d in draws if d.year == year and d.community == name and town in (None, d.town)}
            if len(towns) != 1:
                where = f"{town} " if town else ""
                why = "在多个镇（街道）都被抽中，请用 --town 指明" if towns else "不在该年度的抽查名单中"
                raise JobError(f"{where}{name} {why}（{year} 年度，标准 {standard}）；先运行 nodrug sample 抽签",
                               f"{where}{name}: not drawn (or drawn in several towns) for {year} under {standard}")
        for name, passed in parsed:
            history.record_result(year, standard, town, name, passed, when)
        checks = history.draws(standard=standard)
        records = history.assessments(standard=standard)
        for name, passed in parsed:
            mine = [c for c in checks if c.community == name and (town is None or c.town == town)]
            unit = (mine[-1].town, name)
            steps = [st for st in replay([r for r in records if (r.town, r.community) == unit], ladder,
                                         [c for c in checks if (c.town, c.community) == unit])
                     if st.event == "spot_check" and st.date == when]
            out.append({"town": unit[0] or None, "community": name, "year": year, "passed": passed,
                        "checked_on": when, "action": steps[-1].action if steps else "保持",
                        "accountability": steps[-1].accountability if steps else None})
    return SampleResult("results", results=out, standard=standard, checked_on=when)


def _draw(s: SampleSettings) -> SampleResult:
    from nodrug_cli.history.sanctions import holders
    from nodrug_cli.history.store import History
    from nodrug_cli.jobs import JobError
    from nodrug_cli.outputs import check_output
    from nodrug_cli.standards.load import load_standard

    standard = s.standard or DEFAULT_STANDARD
    ladder = load_standard(standard).sanctions
    if s.output is not None:
        check_output(s.output, s.force, suffixes=(".xlsx", ".csv"))
    with History(s.db) as history:
        records = history.assessments(standard=standard)
        if not records:
            raise JobError(f"历史数据库中没有按标准 {standard} 的考评记录：先运行 nodrug batch 或 nodrug score --record",
                           f"no assessments under {standard} in the history database")
        year = s.year or max(r.year for r in records)
        units = holders(records, ladder, year, history.draws(standard=standard))
        seed = s.seed if s.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
        drawn = sorted(random.Random(seed).sample(units, spot_check_count(s.rate, len(units))))
        history.record_draw(f"{year}-{standard}-{seed}", year, standard, s.rate, seed, drawn)
        if s.output is not None:
            _write(s.output, drawn, year, seed, s.lang)
    return SampleResult("draw", draw={"year": year, "standard": standard, "rate": s.rate, "seed": seed,
                                      "holders": len(units),
                                      "drawn": [{"town": t or None, "community": c} for t, c in drawn]},
                        standard=standard)


def _write(path: Path, drawn: list[tuple[str, str]], year: int, seed: int, lang: str = "zh") -> None:
    """The drawn list as .xlsx or .csv, written atomically, its header and sheet name in `lang`."""
    from nodrug_cli.outputs import atomic_path
    from nodrug_cli.render.words import Words

    w = Words(lang, section="sample")
    rows = [list(w.table("file_header"))] + [[year, t, c, seed] for t, c in drawn]
    with atomic_path(path) as temp:
        if path.suffix.lower() == ".xlsx":
            import openpyxl

            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = w("file_sheet")
            for row in rows:
                sheet.append(row)
            for cells in sheet.iter_rows(min_row=2):
                for cell in cells:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # a name like =… stays text
            book.save(temp)
        else:
            import csv

            with open(temp, "w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle).writerows([[_safe(v) for v in row] for row in rows])


def _safe(value):
    """CSV cells that a spreadsheet would run as a formula get a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
