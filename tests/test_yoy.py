"""Last year's new users from history when a ledger keeps one year only."""

from __future__ import annotations

import datetime as dt
import json

from builders import minimal_ledger, person_id, write_xlsx
from typer.testing import CliRunner

from nodrug_cli.cli.app import app

runner = CliRunner()


def ledger(tmp_path, name, year, registered):
    persons = [[f"人员{i}", person_id(i), "男", dt.date(1990, 5, 17), "强制隔离戒毒", day, None, None, "是"]
               for i, day in enumerate(registered, start=1)]
    sheets = minimal_ledger(persons=persons, tests=[], talks=[])
    sheets["社区概况"] = [["社区名称", "测试社区"], ["所属镇（街道）", "青禾镇"], ["评估年度", year], ["常住人口", 3000]]
    return write_xlsx(tmp_path / name, sheets)


def new_users(result):
    return json.loads(result.output)["indicators"]["new_users"]


def test_last_year_comes_from_history_when_the_ledger_lacks_it(tmp_path):
    db = tmp_path / "h.sqlite"
    y2024 = ledger(tmp_path, "2024.xlsx", 2024, [dt.date(2024, 3, 1), dt.date(2024, 5, 1)])
    assert runner.invoke(app, ["score", str(y2024), "--record", "--db", str(db), "--format", "json"]).exit_code == 0
    # the 2025 ledger keeps only this year's persons: one new user, nobody from 2024
    y2025 = ledger(tmp_path, "2025.xlsx", 2025, [dt.date(2025, 4, 1)])
    from nodrug_cli.ledger.read import read_ledger
    from nodrug_cli.render.score import assessment_json
    from nodrug_cli.standards.engine import assess
    from nodrug_cli.standards.load import load_standard

    alone = assess(read_ledger(y2025, dt.date(2026, 1, 5)), load_standard("boumei-2023"))
    assert alone.indicators["new_users"].extra["last_year"] == 0
    result = runner.invoke(app, ["score", str(y2025), "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert assessment_json(alone)["indicators"]["new_users"]["value"] == new_users(result)["value"] == 1
    # the score read last year's two new users from history before scoring (the ledger alone shows none)
    assert new_users(result)["extra"]["last_year"] == 2 and new_users(result)["extra"]["last_year_source"] == "history"
    assert "extra" not in assessment_json(alone)["indicators"]["new_users"] or \
        assessment_json(alone)["indicators"]["new_users"]["extra"].get("last_year_source") is None
    text = runner.invoke(app, ["score", str(y2025), "--db", str(db), "--as-of", "2025-12-31"]).output
    assert "新增吸毒人员" in text
    from nodrug_cli.history.store import History
    from nodrug_cli.history.yoy import from_history

    with History(db) as history:
        last_year = from_history(history)
    assert last_year("测试社区", "青禾镇", 2025) == {"new_users": 2}
    assert last_year("测试社区", "石门镇", 2025) == {}  # another town's community of the same name
    filled = assess(read_ledger(y2025, dt.date(2026, 1, 5)), load_standard("boumei-2023"),
                    last_year=last_year("测试社区", "青禾镇", 2025))
    assert filled.indicators["new_users"].extra["last_year"] == 2
    assert filled.indicators["new_users"].extra["change"] == -0.5
    assert filled.indicators["new_users"].extra["last_year_source"] == "history"


def test_score_and_batch_see_history_before_scoring(tmp_path):
    """One library call scores a ledger for `score` and `batch`: history's count of last year's new users is filled
    in before the items are scored, so an item on the change against last year sees it (2 → 1 is −50 %)."""
    import yaml

    from nodrug_cli.standards.load import builtin_text

    data = yaml.safe_load(builtin_text("county-2021"))
    data.update(name="同比测试", items=[
        {"id": "N", "category": "禁吸戒毒", "title": "新增吸毒人员较上年下降20%", "rule": "threshold",
         "indicator": "new_users", "measure": "change", "max": "-20%", "points": 50, "na": "fail"},
        {"id": "A", "category": "组织领导", "title": "层层签订禁毒责任状", "rule": "checklist",
         "item": "层层签订禁毒责任状", "points": 50}], drug_free={"criteria": []})  # its 无毒 rule names county's items
    standard = tmp_path / "同比测试.yaml"
    standard.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    db = tmp_path / "h.sqlite"
    y2024 = ledger(tmp_path, "2024.xlsx", 2024, [dt.date(2024, 3, 1), dt.date(2024, 5, 1)])
    assert runner.invoke(app, ["score", str(y2024), "--record", "--db", str(db), "--as-of", "2024-12-31",
                               "--standard", str(standard)]).exit_code == 0
    folder = tmp_path / "2025"
    folder.mkdir()
    y2025 = ledger(folder, "2025.xlsx", 2025, [dt.date(2025, 4, 1)])

    def total(*args):
        result = runner.invoke(app, [*map(str, args), "--standard", str(standard), "--as-of", "2025-12-31",
                                     "--format", "json"])
        assert "Traceback" not in result.output, result.output
        return json.loads(result.stdout)

    alone = total("score", y2025)
    with_history = total("score", y2025, "--db", db)
    batched = total("batch", folder, "--db", db, "--jobs", 1)
    item = {i["id"]: i for i in with_history["items"]}["N"]
    assert item["passed"] is True and {i["id"]: i for i in alone["items"]}["N"]["passed"] is False
    assert with_history["total"] == batched["ledgers"][0]["total"] == alone["total"] + 50
    assert batched["ledgers"][0]["indicators"]["new_users"]["extra"] == {
        "last_year": 2, "change": -0.5, "last_year_source": "history"}
    # --no-history reads nothing: the ledger alone
    assert total("batch", folder, "--no-history", "--jobs", 1)["ledgers"][0]["total"] == alone["total"]
