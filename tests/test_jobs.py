"""Each command is a library call: a settings object in, a result object out, nothing printed. The CLI's output is
the job's result rendered; unusable input is one JobError carrying zh, en and the exit code."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from builders import minimal_ledger, person_id, write_xlsx
from test_batch import QINGHE, passing
from typer.testing import CliRunner

from nodrug_cli.cli.app import app
from nodrug_cli.exitcodes import ExitCode
from nodrug_cli.jobs import JobError
from nodrug_cli.jobs.batch import BatchSettings, Watch, batch
from nodrug_cli.jobs.history import HistorySettings, history
from nodrug_cli.jobs.remind import RemindSettings, deliver, reminders
from nodrug_cli.jobs.sample import SampleSettings, sample
from nodrug_cli.jobs.score import ScoreSettings, score
from nodrug_cli.jobs.validate import ValidateSettings, validate
from nodrug_cli.render.score import assessment_json

runner = CliRunner()
TODAY = dt.date(2026, 1, 15)
AS_OF = dt.date(2025, 12, 31)
BAD = person_id(1)[:-1] + ("0" if person_id(1)[-1] != "0" else "1")  # a wrong check digit


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_validate_returns_the_findings_and_the_exit_code_without_printing(tmp_path, capsys):
    path = write_xlsx(tmp_path / "台账.xlsx", minimal_ledger(persons=[["王小明", BAD, "男", dt.date(1990, 5, 17),
                                                                     "社区戒毒", dt.date(2025, 1, 5)]]))
    result = validate(ValidateSettings((path,), today=TODAY, as_of=AS_OF))
    assert capsys.readouterr() == ("", "")
    assert result.code == ExitCode.FINDINGS
    assert ("id_checksum", "吸毒人员!B2") in [(f.code, f.cell) for f in result.files[0].findings]
    shown = json.loads(invoke("validate", path, "--as-of", "2025-12-31", "--format", "json").stdout)
    assert [f["code"] for f in shown["files"][0]["findings"]] == [f.code for f in result.files[0].findings]


def test_score_json_is_the_jobs_assessment_rendered(tmp_path, capsys):
    path = passing(tmp_path / "甲村.xlsx", "甲村", QINGHE)
    result = score(ScoreSettings(path, today=TODAY, as_of=AS_OF))
    assert capsys.readouterr() == ("", "")
    assert result.code == ExitCode.OK and result.assessment.passed
    shown = invoke("score", path, "--as-of", "2025-12-31", "--format", "json")
    assert shown.exit_code == 0
    assert json.loads(shown.stdout) == json.loads(json.dumps(assessment_json(result.assessment)))


@pytest.mark.parametrize("settings", [
    ScoreSettings("缺失.xlsx", today=TODAY),
    ScoreSettings("缺失.xlsx", today=TODAY, standard="没有这个标准"),
    ScoreSettings("缺失.xlsx", today=TODAY, db="没有这个库.sqlite"),
])
def test_unusable_input_is_one_error_with_both_languages_and_its_code(settings, capsys):
    with pytest.raises(JobError) as caught:
        score(settings)
    assert capsys.readouterr() == ("", "")
    error = caught.value
    assert error.code == ExitCode.UNUSABLE
    assert error.zh and error.en and error.message("zh") == error.zh and error.message("en") == error.en != error.zh


def test_batch_tells_its_watch_and_returns_the_report(tmp_path, capsys):
    root = tmp_path / "台账"
    root.mkdir()
    for name in ("甲村", "乙村"):
        passing(root / f"{name}.xlsx", name, QINGHE)
    write_xlsx(root / "花名册.xlsx", {"名单": [["姓名"], ["王小明"]]})

    class Seen(Watch):
        def __init__(self):
            self.events = []

        def missing(self, path):
            self.events.append(("missing", path))

        def started(self, total):
            self.events.append(("started", total))

        def scored(self, outcome):
            self.events.append(("scored", outcome.status))

        def finished(self):
            self.events.append(("finished",))

        def skipped(self, outcome):
            self.events.append(("skipped", outcome.path.rsplit("/", 1)[-1]))

    seen = Seen()
    result = batch(BatchSettings((str(root), str(tmp_path / "无此文件夹")), today=TODAY, as_of=AS_OF, jobs=1,
                                 no_history=True), seen)
    assert capsys.readouterr() == ("", "")
    assert seen.events[:2] == [("missing", str(tmp_path / "无此文件夹")), ("started", 3)]
    assert sorted(seen.events[2:5]) == [("scored", "not_ledger"), ("scored", "ok"), ("scored", "ok")]
    assert seen.events[5:] == [("finished",), ("skipped", "花名册.xlsx")]
    assert sorted(o.community for o in result.report.outcomes) == ["乙村", "甲村"]
    assert result.missing == [str(tmp_path / "无此文件夹")] and result.code == ExitCode.FINDINGS
    with pytest.raises(JobError) as caught:
        batch(BatchSettings((str(tmp_path / "无此文件夹"),), today=TODAY, no_history=True))
    assert caught.value.zh.startswith("没有找到任何台账文件") and caught.value.en == "no ledger files found"


def test_remind_lists_before_it_delivers_and_a_bad_channel_is_an_error(tmp_path, capsys):
    path = write_xlsx(tmp_path / "百灵社区.xlsx", minimal_ledger(
        persons=[["王小明", person_id(1), "男", dt.date(1990, 5, 17), "社区戒毒", dt.date(2025, 1, 5),
                  dt.date(2025, 1, 10), dt.date(2025, 1, 15), "是"]]))
    settings = RemindSettings((str(path),), today=TODAY, as_of=dt.date(2025, 5, 3), webhook="不是网址",
                              db=tmp_path / "h.sqlite")
    found = reminders(settings)
    assert found.code == ExitCode.OK and {r.kind for r in found.reminders} == {"test_due", "talk_due"}
    with pytest.raises(JobError) as caught:
        deliver(settings, found.reminders)
    assert capsys.readouterr() == ("", "") and caught.value.zh.startswith("发送设置有误")
    with pytest.raises(JobError):
        reminders(RemindSettings((str(path),), today=TODAY, webhook_secret="SEC1"))


def test_history_and_sample_are_data(tmp_path, capsys):
    db = tmp_path / "h.sqlite"
    passing(tmp_path / "甲村.xlsx", "甲村", QINGHE)
    batch(BatchSettings((str(tmp_path / "甲村.xlsx"),), today=TODAY, as_of=AS_OF, jobs=1, db=db))
    shown = history(HistorySettings(db=db))
    assert [(r.community, r.year, r.review) for r in shown.records] == [("甲村", 2025, True)]
    assert shown.checks == [] and shown.code == ExitCode.OK
    assert history(HistorySettings("乙村", db=db)).code == ExitCode.FINDINGS
    drawn = sample(SampleSettings(TODAY, seed=7, db=db))
    assert drawn.draw["drawn"] == [{"town": QINGHE, "community": "甲村"}] and drawn.draw["holders"] == 1
    listed = sample(SampleSettings(TODAY, show_list=True, db=db))
    assert [(d.community, d.seed) for d in listed.draws] == [("甲村", 7)]
    with pytest.raises(JobError) as caught:
        sample(SampleSettings(TODAY, results=("甲村=也许",), db=db))
    assert caught.value.code == ExitCode.UNUSABLE and "甲村=也许" in caught.value.en
    assert capsys.readouterr() == ("", "")


def test_batch_shows_progress_on_a_terminal_and_the_same_report(tmp_path):
    import io

    import typer

    from nodrug_cli.cli import batch as skin
    from nodrug_cli.cli.common import Env

    passing(tmp_path / "甲村.xlsx", "甲村", QINGHE)
    settings = BatchSettings((str(tmp_path / "甲村.xlsx"), str(tmp_path / "无此.xlsx")), today=TODAY, as_of=AS_OF,
                             jobs=1, no_history=True)
    shown = {}
    for terminal in (False, True):
        env = Env(stdout=io.StringIO(), stderr=io.StringIO(), is_terminal=False, stderr_is_terminal=terminal,
                  today=TODAY)
        with pytest.raises(typer.Exit) as caught:
            skin.run(settings, env)
        shown[terminal] = (caught.value.exit_code, env.stdout.getvalue(), env.stderr.getvalue())
    assert shown[True][:2] == shown[False][:2] and shown[False][0] == 1
    assert shown[False][2] == f"没有找到台账：{tmp_path / '无此.xlsx'}\n"
    assert shown[True][2].startswith(shown[False][2]) and len(shown[True][2]) > len(shown[False][2])  # the bar
