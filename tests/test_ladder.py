"""Sanction ladders as the standard's data, reviews against interim checks, and spot-check results (DOMAIN.md §7)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import yaml
from test_batch import QINGHE, batch_json, failing, minimal_ledger, passing, rec, runner, write_xlsx, year_folder

from nodrug_cli.cli.app import app
from nodrug_cli.history.sanctions import GRANT, KEEP, REVOKE, WARN, replay
from nodrug_cli.history.store import History
from nodrug_cli.standards.load import builtin_text, load_standard, parse_standard

ACCOUNTABILITY = "严格追究村（社区）相关领导和责任人责任"  # seed 002


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def sanctions(data) -> dict:
    return {s["community"]: (s["action"], s["provisional"], s["accountability"]) for s in data["sanctions"]}


def test_a_new_countys_ladder_is_a_yaml_edit(tmp_path):
    """A made-up county: three failed reviews since the grant withdraw the plaque, the first two are warnings,
    and a failed spot check is a warning too; its towns file a report on the 10th of every other month. Written
    as YAML only; no code knows this county."""
    text = builtin_text("boumei-2023").replace("name: boumei-2023\n", "name: 某县-2024\n")
    data = yaml.safe_load(text)
    data["sanctions"] = {"source": "（某县办法）", "rules": [
        {"event": "review", "holder": True, "passed": False, "failures": 3, "action": "收回授牌", "source": "第三次不达标的收回"},
        {"event": "review", "holder": True, "passed": False, "action": "黄牌警告", "source": "不达标的黄牌警告"},
        {"event": "spot_check", "holder": True, "passed": False, "action": "黄牌警告", "source": "抽查不合格的黄牌警告"},
        {"event": "review", "holder": False, "passed": True, "action": "授牌", "source": "本项目自定：达标的授牌"}]}
    data["reports"] = [{"title": "禁毒工作月报", "day": 10, "months": [2, 4, 6, 8, 10, 12], "by": "镇禁毒办",
                        "to": "县禁毒办", "source": "（某县办法）双月10日前报送"}]
    path = tmp_path / "某县.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    # the reminder duty, through `nodrug remind` with that file: one reminder for the town, 5 days ahead
    (tmp_path / "remind").mkdir()
    town = year_folder(tmp_path / "remind", 2025, {"甲村": (True, True), "乙村": (True, False)})
    result = run("remind", town, "--standard", path, "--as-of", "2025-04-05", "--within", 7, "--format", "json",
                 "--db", tmp_path / "remind.sqlite")
    reports = [r for r in json.loads(result.stdout)["reminders"] if r["kind"] == "report_due"]
    assert [(r["community"], r["due_date"], r["days_left"]) for r in reports] == [(QINGHE, "2025-04-10", 5)]
    assert "禁毒工作月报" in reports[0]["message"]
    ladder = load_standard(path).sanctions
    steps = replay([rec(2021, False, True), rec(2022, True), rec(2023, False), rec(2024, False), rec(2025, True)],
                   ladder)
    assert [(s.year, s.action) for s in steps] == [(2021, WARN), (2022, KEEP), (2023, WARN), (2024, REVOKE),
                                                   (2025, GRANT)]
    # and through `nodrug batch` with that file, year by year
    db = tmp_path / "h.sqlite"
    got = []
    for year, passes in ((2024, False), (2025, False), (2026, False)):
        folder = year_folder(tmp_path, year, {"甲村": (passes, True)})
        _, data = batch_json(folder, "--db", db, "--standard", path, as_of=f"{year}-12-31")
        got.append(data["sanctions"][0]["action"])
    assert got == [WARN, WARN, REVOKE]


def test_seed002_second_failure_withdraws_with_the_accountability_sentence():
    ladder = load_standard("boumei-2023").sanctions
    steps = replay([rec(2024, False, True), rec(2025, True), rec(2026, False)], ladder)
    assert [(s.action, s.accountability) for s in steps] == [(WARN, None), (KEEP, None), (REVOKE, ACCOUNTABILITY)]
    assert all(r.source for r in ladder.rules)  # every rule quotes its seed sentence


def test_interim_checks_are_provisional_and_never_replace_the_review(tmp_path):
    db = tmp_path / "h.sqlite"
    fails = year_folder(tmp_path, 2025, {"甲村": (False, True), "乙村": (True, False)})
    # a mid-year check: the sanction that would follow, marked provisional
    result, data = batch_json(fails, "--db", db, as_of="2025-06-30")
    assert data["review"] is False
    assert sanctions(data) == {"甲村": (WARN, True, None), "乙村": (GRANT, True, None)}
    assert "暂定" in run("batch", fails, "--db", db, "--as-of", "2025-06-30", "--jobs", 1).stdout
    with History(db) as history:
        assert [(r.community, r.as_of, r.review) for r in history.assessments()] == [
            ("乙村", "2025-06-30", False), ("甲村", "2025-06-30", False)]
    # the year's review moves the ladder
    _, data = batch_json(fails, "--db", db, as_of="2025-12-31")
    assert data["review"] is True and sanctions(data) == {"甲村": (WARN, False, None), "乙村": (GRANT, False, None)}
    # a later interim check is stored beside the review, never over it, and the ladder stays as the review left it
    _, data = batch_json(fails, "--db", db, as_of="2025-07-31")
    with History(db) as history:
        stored = {(r.community, r.review): r.as_of for r in history.assessments()}
    assert stored == {("甲村", True): "2025-12-31", ("甲村", False): "2025-07-31",
                      ("乙村", True): "2025-12-31", ("乙村", False): "2025-07-31"}
    # 2026: failing again. Mid-year the withdrawal is provisional; the review (marked --review before year-end) makes it
    again = year_folder(tmp_path, 2026, {"甲村": (False, True), "乙村": (True, True)})
    _, data = batch_json(again, "--db", db, as_of="2026-06-30")
    assert sanctions(data) == {"甲村": (REVOKE, True, ACCOUNTABILITY), "乙村": (KEEP, True, None)}
    _, data = batch_json(again, "--db", db, "--review", as_of="2026-12-20")
    assert sanctions(data) == {"甲村": (REVOKE, False, ACCOUNTABILITY), "乙村": (KEEP, False, None)}
    # the history command tells interim checks from reviews
    shown = run("history", "甲村", "--db", db)
    assert "2025（期中 07-31）" in shown.stdout and "2026（期中 06-30）" in shown.stdout
    # and shows the ladder: the reviews' sanctions, the interim checks' marked 暂定
    ladder = next(line for line in shown.stdout.splitlines() if line.startswith("奖惩")).split()[1:]
    assert ladder == ["黄牌警告（暂定）", "黄牌警告", "收回授牌（暂定）", "收回授牌"]  # 2025 期中, 2025, 2026 期中, 2026


def test_score_review_flag_and_interim_record(tmp_path):
    db = tmp_path / "h.sqlite"
    ledger = passing(tmp_path / "甲村.xlsx", "甲村", QINGHE)
    run("score", ledger, "--record", "--db", db, "--as-of", "2025-06-30")
    run("score", ledger, "--record", "--db", db, "--as-of", "2025-11-30", "--review")
    run("score", ledger, "--record", "--db", db, "--as-of", "2025-09-30")
    with History(db) as history:
        assert sorted((r.as_of, r.review) for r in history.assessments()) == [
            ("2025-09-30", False), ("2025-11-30", True)]


def zhongkai_passing(path, name: str, year: int):
    """Nobody registered, every 自查项目 of zhongkai-2015 是, awareness 100 %, four events every month: 100 (优秀)."""
    extra = {"自查项目": [["项目", "是否落实"]] + [[i, "是"] for i in load_standard("zhongkai-2015").checklist_items()],
             "知晓率调查": [["调查日期", "人群类别", "调查人数", "知晓人数"], [dt.date(year, 5, 1), "社区居民", 100, 100]],
             "宣传活动": [["活动日期", "活动名称"]] + [[dt.date(year, m, d), f"禁毒宣传{m}-{d}"]
                                                  for m in range(1, 13) for d in (3, 10, 17, 24)]}
    sheets = minimal_ledger(persons=[], tests=[], talks=[], extra=extra)
    sheets["社区概况"] = [["社区名称", name], ["所属镇（街道）", QINGHE], ["评估年度", year], ["常住人口", 3000]]
    return write_xlsx(path, sheets)


def test_spot_check_result_withdraws_the_title_under_seed_003(tmp_path):
    db = tmp_path / "h.sqlite"
    folder = year_folder(tmp_path, 2019, {})
    for name in ("甲村", "乙村", "丙村"):
        zhongkai_passing(folder / f"{name}.xlsx", name, 2019)
    _, data = batch_json(folder, "--db", db, "--standard", "zhongkai-2015", as_of="2019-12-31")
    granted = sorted(s["community"] for s in data["sanctions"] if s["action"] == GRANT)
    drawn = json.loads(run("sample", "--standard", "zhongkai-2015", "--db", db, "--seed", 7, "--rate", 1,
                           "--format", "json").stdout)["drawn"]
    assert sorted(d["community"] for d in drawn) == granted and granted
    victim = granted[0]
    # a name that was not drawn is refused, and nothing is written
    refused = run("sample", "--standard", "zhongkai-2015", "--db", db, "--result", f"{victim}=不合格",
                  "--result", "无此村=合格")
    assert refused.exit_code == 2 and "无此村 不在该年度的抽查名单中" in refused.stderr
    assert all(d["result"] is None for d in json.loads(run("sample", "--list", "--db", db, "--format", "json")
                                                        .stdout)["draws"])
    bad = run("sample", "--standard", "zhongkai-2015", "--db", db, "--result", "甲村=也许")
    assert bad.exit_code == 2 and "--result" in bad.stderr
    # 抽查不合格的取消其“无毒单位”称号
    result = run("sample", "--standard", "zhongkai-2015", "--db", db, "--result", f"{victim}=不合格",
                 "--date", "2020-03-01", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"] == [{
        "town": QINGHE, "community": victim, "year": 2019, "passed": False, "checked_on": "2020-03-01",
        "action": REVOKE, "accountability": "对施评单位主要领导和责任人进行倒查问责"}]
    listed = json.loads(run("sample", "--list", "--db", db, "--format", "json").stdout)["draws"]
    assert {(d["community"], d["result"], d["checked_on"]) for d in listed} >= {(victim, "failed", "2020-03-01")}
    assert "不合格" in run("sample", "--list", "--db", db).stdout
    assert "抽查 收回授牌" in run("history", victim, "--db", db).stdout
    # the title is gone: the next draw leaves it out
    again = json.loads(run("sample", "--standard", "zhongkai-2015", "--db", db, "--seed", 7, "--rate", 1,
                           "--format", "json").stdout)
    assert victim not in [d["community"] for d in again["drawn"]] and again["holders"] == len(granted) - 1


def test_spot_check_result_under_seed_002_is_recorded_and_moves_nothing(tmp_path):
    db = tmp_path / "h.sqlite"
    folder = year_folder(tmp_path, 2025, {"甲村": (True, True)})
    batch_json(folder, "--db", db, as_of="2025-12-31")
    run("sample", "--db", db, "--seed", 1)
    result = run("sample", "--db", db, "--result", "甲村=不合格", "--date", "2026-02-01")
    assert result.exit_code == 0 and f"：{KEEP}" in result.stdout


def test_an_edited_copy_keeping_a_builtin_name_is_refused(tmp_path):
    """History is kept by the standard's name: an edited boumei-2023 would mix with the built-in one's history."""
    edited = tmp_path / "改过.yaml"
    edited.write_text(builtin_text("boumei-2023").replace("min: 95%", "min: 90%", 1), encoding="utf-8")
    ledger = failing(tmp_path / "甲村.xlsx", "甲村", QINGHE)
    result = run("score", ledger, "--standard", edited)
    assert result.exit_code == 2 and "请把 name 改成新名称" in result.stderr
    same = tmp_path / "原样.yaml"
    same.write_text(builtin_text("boumei-2023"), encoding="utf-8")  # an unchanged copy is the built-in standard
    assert load_standard(same) == load_standard("boumei-2023")
    # the old way of naming a ladder is refused with a pointer to the new one
    old = builtin_text("county-2021").replace("name: county-2021", "name: 旧写法").replace(
        "sanctions: {rules: []}", "sanctions: none")
    try:
        parse_standard(old, "旧写法.yaml")
    except Exception as exc:  # StandardError
        assert "rules" in str(exc)
    else:
        raise AssertionError("sanctions: none was accepted")


def test_an_older_database_is_migrated_reviews_by_their_as_of_date(tmp_path):
    """Rows stored before migration 004: a row as of 31 December is that year's review; any other an interim."""
    db = tmp_path / "old.sqlite"
    from nodrug_cli.history.store import MIGRATIONS

    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        for name, script in MIGRATIONS[:3]:
            con.executescript(script)
            con.execute("INSERT INTO migrations VALUES (?, '2025-01-01')", (name,))
        for community, as_of in (("甲村", "2024-12-31"), ("乙村", "2025-06-30")):
            con.execute("INSERT INTO assessments (town, community, year, standard, as_of, passed, grade_passed, "
                        "drug_free, vetoed, indicators, recorded_at) VALUES (?, ?, ?, 'boumei-2023', ?, 1, 1, 1, 0, "
                        "'{}', 'x')", (QINGHE, community, int(as_of[:4]), as_of))
        con.execute("INSERT INTO spot_checks (draw_id, year, standard, rate, seed, town, community, drawn_at) "
                    "VALUES ('d', 2024, 'boumei-2023', 0.1, 1, ?, '甲村', 'x')", (QINGHE,))
    with History(db) as history:
        assert "004_reviews_and_interim_checks" in history.migrations()
        assert [(r.community, r.review) for r in history.assessments()] == [("乙村", False), ("甲村", True)]
        assert [(d.community, d.result) for d in history.draws()] == [("甲村", None)]
