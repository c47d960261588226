"""`--lang en` is English everywhere: every command, in every format, on the sample ledgers, writes no CJK character
outside the data itself.

What may stay Chinese is the data, and the allow-list is built from the data, never typed by hand:
- what the clerk wrote: every sheet name and text cell of the sample ledgers (community, town, person names —
  also as masked — venues, checklist items, events), since a report quotes them;
- what the standard says: every string of every built-in standard's YAML (titles, categories, item and checklist
  names, criteria, grades, sources, targets, ladders), with the group part of an indicator key (`awareness_rate.群众`);
- what the clerk must find or type in the ledger: the sheet declaration's sheet names, column names, their aliases,
  enumeration values and their synonyms, and the 是/否 words a 是/否 column takes.
A string of one character counts only as a whole cell or line (a lone 是 or 否 inside an English sentence is a word
that was not translated); a value in quotes (“女”, “2025年3月5日”) is a value the clerk typed or must type, quoted as data, and is data too.

Every command runs from the command line with `--lang en`; the terminal (rich) output of score, validate, batch
and remind runs through the command's `run` with its settings and an `Env` that says stdout is a terminal. What is
said off the main path is reached too: batch's progress bar, the line a run stopped by Ctrl-C or SIGTERM ends with
(a real process sent the real signal), the files `sample -o` writes, a history database that is no database, and
what `remind` sends to real robots and a real SMTP server on 127.0.0.1 — and what it says when they fail or its mail
settings are wrong.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import signal
import sys
from pathlib import Path

import openpyxl
import pytest
import typer
import yaml
from typer.testing import CliRunner

from nodrug_cli.cli.app import app
from nodrug_cli.cli.common import Env
from nodrug_cli.ledger.schema import column_specs, sheet_meta, sheet_schemas
from nodrug_cli.privacy import mask_name
from nodrug_cli.remind.robots import md_plain
from nodrug_cli.render.labels import BOOL_VALUES
from nodrug_cli.standards.load import builtin_names, builtin_text
from nodrug_cli.standards.model import GROUP_MEMBERS

SAMPLES = Path(__file__).resolve().parent.parent / "sample_ledgers"
LEDGERS = sorted(SAMPLES.glob("*.xlsx"))
AS_OF = "2025-12-31"
TODAY = dt.date(2026, 1, 5)
QUOTED = re.compile(r"“[^“”]*”")  # a quoted value: what the clerk typed, or must type
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
runner = CliRunner()


def _strings(node) -> list[str]:
    """Every string in a YAML or JSON tree, keys included."""
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def _data_strings() -> set[str]:
    found: set[str] = set()
    for path in LEDGERS:  # what the clerk wrote
        book = openpyxl.load_workbook(path, read_only=True)
        for ws in book.worksheets:
            found.add(ws.title)
            for row in ws.iter_rows(values_only=True):
                found.update(v.strip() for v in row if isinstance(v, str))
        book.close()
    found |= {mask_name(s) for s in list(found) if 2 <= len(s) <= 4}
    for name in builtin_names():  # what the standard says
        for s in _strings(yaml.safe_load(builtin_text(name))):
            first = re.split(r"[，,；;（(]", s)[0]  # a title cut short at its first clause (the batch summary)
            found.update((s, s.partition(".")[2], first, first[:23]))  # awareness_rate.群众 → 群众
    for members in GROUP_MEMBERS.values():
        found.update(members)
    for sheet in sheet_schemas():  # what the clerk must find or type
        found.add(sheet)
        found.update(sheet_meta(sheet).get("aliases", ()))
        for name, spec in column_specs(sheet).items():
            found.update((name, *spec.aliases, *spec.values, *spec.synonyms, *spec.synonyms.values()))
    found.update(BOOL_VALUES)
    return {s for s in found if CJK.search(s)}


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """rich draws a terminal's tables this wide: a name is never folded across two lines of a table."""
    monkeypatch.setenv("COLUMNS", "3000")


class Data:
    """The data strings: those of two characters or more are taken out wherever they stand; one of one character
    (女, 是) only when it is a whole cell or line by itself (a value column)."""

    def __init__(self, strings: set[str]):
        self.pattern = re.compile("|".join(re.escape(s) for s in sorted(strings, key=len, reverse=True) if len(s) > 1))
        self.single = {s for s in strings if len(s) == 1}

    def sub(self, line: str) -> str:
        cells = re.split(r"[│┃|]| {2,}", line)  # a table's cells: rich, Markdown, plain columns
        return " ".join("" if cell.strip() in self.single else self.pattern.sub("", cell) for cell in cells)


@pytest.fixture(scope="module")
def data_pattern() -> Data:
    return Data(_data_strings())


def leftover(text: str, data: Data) -> list[str]:
    """The lines of `text` that still hold CJK once the data is taken out, each with its CJK characters."""
    out = []
    for line in text.splitlines():
        rest = QUOTED.sub("", data.sub(line))
        if CJK.search(rest):
            out.append(f"{''.join(CJK.findall(rest))}  ← {line.strip()[:160]}")
    return out


def json_text(text: str) -> str:
    """A JSON document's string values, one a line, without the cells' own values (`"value"`: what the clerk typed);
    the keys stay as they are in every language (`awareness_rate.总体`, `应检人次`)."""
    def walk(node, key=None):
        if isinstance(node, dict):
            return [s for k, v in node.items() for s in walk(v, k)]
        if isinstance(node, list):
            return [s for v in node for s in walk(v, key)]
        return [node] if isinstance(node, str) and key != "value" else []

    return "\n".join(walk(json.loads(text)))


def workbook_text(path: Path) -> str:
    """Every word a workbook shows: sheet names, cell text and comments, footers, chart titles, and what a cell's
    data validation says (its input message and its error message, with their titles)."""
    book = openpyxl.load_workbook(path)
    lines = []
    for ws in book.worksheets:
        lines += [ws.title, ws.oddFooter.center.text or ""]
        lines += [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        lines += [c.comment.text for row in ws.iter_rows() for c in row if c.comment]
        lines += [text or "" for dv in ws.data_validations.dataValidation
                  for text in (dv.promptTitle, dv.prompt, dv.errorTitle, dv.error)]
        for chart in ws._charts:
            if chart.title and chart.title.tx and chart.title.tx.rich:
                lines += [r.t for p in chart.title.tx.rich.p for r in (p.r or [])]
    return "\n".join(lines)


def env(**kw) -> Env:
    return Env(**{"stdout": io.StringIO(), "stderr": io.StringIO(), "today": TODAY, "lang": "en",
                  "stderr_is_terminal": False, **kw})


def ran(fn, settings, e: Env) -> str:
    """Call a command's `run(settings, env)` and return what it printed (stdout then stderr); JSON as its strings."""
    try:
        fn(settings, e)
    except typer.Exit:
        pass
    out = e.stdout.getvalue()
    return (json_text(out) if out.startswith(("{", "[")) else out) + "\n" + e.stderr.getvalue()


def cli(*args) -> str:
    """`nodrug ARGS --lang en` and what it printed (stdout then stderr); JSON as its strings."""
    result = CliRunner().invoke(app, [*map(str, args), "--lang", "en"])
    assert "Traceback" not in result.output and result.exit_code in (0, 1), result.output
    out = result.stdout
    return (json_text(out) if out.startswith(("{", "[")) else out) + "\n" + result.stderr


def assert_english(text: str, data: Data, what: str) -> None:
    assert text.strip(), f"{what}: no output"
    bad = leftover(text, data)
    assert not bad, f"{what}: Chinese outside the data:\n" + "\n".join(bad[:20])


@pytest.mark.parametrize("ledger", LEDGERS, ids=lambda p: p.stem)
def test_score_in_english(ledger, data_pattern, tmp_path):
    from nodrug_cli.cli.score import run as score_run
    from nodrug_cli.jobs.score import ScoreSettings

    for fmt in ("text", "md", "json"):
        result = runner.invoke(app, ["score", str(ledger), "--as-of", AS_OF, "--format", fmt, "--lang", "en"])
        assert result.exit_code in (0, 1), result.output
        assert_english(json_text(result.output) if fmt == "json" else result.output, data_pattern,
                       f"score --format {fmt}")
    out = tmp_path / "assessment.xlsx"
    result = runner.invoke(app, ["score", str(ledger), "--as-of", AS_OF, "-o", str(out), "--lang", "en"])
    assert result.exit_code in (0, 1), result.output
    assert_english(result.output, data_pattern, "score -o")
    assert_english(workbook_text(out), data_pattern, "the assessment workbook")
    for standard in builtin_names():  # every standard's rules and criteria, on a terminal too
        settings = ScoreSettings(ledger=ledger, standard=standard, as_of=dt.date(2025, 12, 31), today=TODAY, lang="en")
        text = ran(score_run, settings, env(is_terminal=True))
        assert_english(text, data_pattern, f"score --standard {standard} on a terminal")


@pytest.mark.parametrize("ledger", LEDGERS, ids=lambda p: p.stem)
def test_validate_in_english(ledger, data_pattern):
    from nodrug_cli.cli.validate import run as validate_run
    from nodrug_cli.jobs.validate import ValidateSettings

    for fmt in ("text", "json"):
        result = runner.invoke(app, ["validate", str(ledger), "--as-of", AS_OF, "--format", fmt, "--lang", "en"])
        assert result.exit_code in (0, 1), result.output
        assert_english(json_text(result.output) if fmt == "json" else result.output, data_pattern,
                       f"validate --format {fmt}")
    settings = ValidateSettings(ledgers=(ledger,), as_of=dt.date(2025, 12, 31), today=TODAY, lang="en")
    text = ran(validate_run, settings, env(is_terminal=True))
    assert_english(text, data_pattern, "validate on a terminal")


def test_batch_history_sample_in_english(data_pattern, tmp_path):
    from nodrug_cli.cli import batch
    from nodrug_cli.history.store import History
    from nodrug_cli.jobs.batch import BatchSettings

    db = tmp_path / "history.db"
    for fmt in ("text", "md", "json"):
        text = cli("batch", SAMPLES, "--as-of", AS_OF, "--jobs", 1, "--format", fmt, "--no-history")
        assert_english(text, data_pattern, f"batch --format {fmt}")
    # the reasons batch gives for a file it cannot read and for two copies of one community, and what it says on
    # stderr of a path with no ledger
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "notes.xlsx").write_text("hello", encoding="utf-8")
    for name in ("one.xlsx", "copy.xlsx"):
        (odd / name).write_bytes(LEDGERS[0].read_bytes())
    for fmt in ("text", "json"):
        text = cli("batch", odd, tmp_path / "nowhere", "--as-of", AS_OF, "--jobs", 1, "--format", fmt, "--no-history")
        assert_english(text, data_pattern, f"batch of odd files --format {fmt}")
    settings = BatchSettings(paths=(str(SAMPLES),), as_of=dt.date(2025, 12, 31), today=TODAY, jobs=1, db=db, lang="en")
    assert_english(ran(batch.run, settings, env(is_terminal=True)), data_pattern, "batch on a terminal")
    out = tmp_path / "summary.xlsx"
    text = cli("batch", SAMPLES, "--as-of", AS_OF, "--jobs", 1, "--db", db, "-o", out, "--force")
    assert_english(text, data_pattern, "batch -o")
    assert_english(workbook_text(out), data_pattern, "the summary workbook")
    for community in ((), ("石桥村",)):
        assert_english(cli("history", *community, "--db", db), data_pattern, f"history {community}")
    unknown = CliRunner().invoke(app, ["history", "无此村", "--db", str(db), "--lang", "en"])
    assert_english(unknown.stdout + unknown.stderr, data_pattern, "history of an unknown community")
    assert_english(cli("sample", "--rate", 0.5, "--seed", 7, "--db", db, "-o", tmp_path / "drawn.xlsx"), data_pattern,
                   "sample")
    assert_english(workbook_text(tmp_path / "drawn.xlsx"), data_pattern, "sample -o FILE.xlsx")
    cli("sample", "--rate", 0.5, "--seed", 8, "--db", db, "-o", tmp_path / "drawn.csv")
    assert_english((tmp_path / "drawn.csv").read_text(encoding="utf-8-sig"), data_pattern, "sample -o FILE.csv")
    with History(db) as h:
        drawn = h.draws()[0]
    text = cli("sample", "--result", f"{drawn.community}=不合格", "--date", "2026-01-04", "--db", db)
    assert_english(text, data_pattern, "sample --result")
    assert_english(cli("sample", "--list", "--db", db), data_pattern, "sample --list")
    assert_english(cli("history", drawn.community, "--db", db), data_pattern, "history after a spot check")


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "ics", "json"])
def test_remind_in_english(fmt, data_pattern, tmp_path):
    from nodrug_cli.cli import remind
    from nodrug_cli.jobs.remind import RemindSettings

    for as_of in ("2025-12-20", "2025-06-10", "2025-03-25"):  # month ends, the 6·26 month, a quarter's report
        text = cli("remind", SAMPLES, "--as-of", as_of, "--within", 30, "--format", fmt, "--db", tmp_path / "h.db")
        assert_english(text, data_pattern, f"remind --format {fmt} --as-of {as_of}")
    settings = RemindSettings(paths=(str(SAMPLES),), as_of=dt.date(2025, 12, 20), today=TODAY, within=30,
                              db=tmp_path / "h.db", lang="en")
    assert_english(ran(remind.run, settings, env(is_terminal=True)), data_pattern, "remind on a terminal")


@pytest.mark.parametrize("standard", [(), ("--standard", "county-2021")], ids=["every standard", "county-2021"])
def test_template_in_english(standard, data_pattern, tmp_path):
    """The blank ledger's 填表说明 (intro, headers, 必需/可选, types, each sheet's and column's hint), its 社区概况 hints,
    its dropdowns' input and error messages: English; its tabs, column names, values and checklist items stay the
    data the clerk must find or type."""
    out = tmp_path / "template.xlsx"
    assert_english(cli("template", "-o", out, *standard), data_pattern, "template -o")
    text = workbook_text(out)
    assert_english(text, data_pattern, "the blank template")
    assert "Required" in text and "Choose from the list" in text, text[:300]


def test_standards_list_in_english(data_pattern):
    assert_english(cli("standards", "list"), data_pattern, "standards list")


def test_batch_progress_bar_in_english(data_pattern, monkeypatch):
    """The bar rich draws on stderr while batch runs (a terminal: FORCE_COLOR makes rich draw it as on one)."""
    from nodrug_cli.cli import batch
    from nodrug_cli.jobs.batch import BatchSettings

    monkeypatch.setenv("FORCE_COLOR", "1")
    settings = BatchSettings(paths=(str(SAMPLES),), as_of=dt.date(2025, 12, 31), today=TODAY, jobs=1, no_history=True,
                             lang="en")
    e = env(stderr_is_terminal=True)
    ran(batch.run, settings, e)
    bar = e.stderr.getvalue()
    assert "Scoring" in bar and "100%" in bar, bar[-300:]
    assert_english(bar, data_pattern, "batch's progress bar")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
@pytest.mark.parametrize("command, signum", [("batch", signal.SIGTERM), ("batch", signal.SIGINT),
                                             ("score", signal.SIGTERM), ("score", signal.SIGINT)])
def test_the_stop_line_in_english(command, signum, tmp_path):
    """A real `nodrug … --lang en` stopped by a real signal: batch while its workers score, score while it writes."""
    from test_signals import PATIENCE_S, children, start, wait_for

    if command == "batch":
        proc = start(tmp_path, "score_one", "batch", SAMPLES, "--jobs", 2, "--no-history", "-o", tmp_path / "s.xlsx",
                     "--as-of", AS_OF, "--lang", "en")
        wait_for(lambda: len(children(proc.pid)) >= 2, "the workers never started")
    else:
        proc = start(tmp_path, "flush", "score", LEDGERS[0], "-o", tmp_path / "a.xlsx", "--as-of", AS_OF, "--lang", "en")
        wait_for(lambda: list(tmp_path.glob(".nodrug-*.xlsx")), "the temporary output file never appeared")
    os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=PATIENCE_S)
    stop = "Terminated (SIGTERM received)" if signum == signal.SIGTERM else "Interrupted"
    expected = (f"{stop}: 0/{len(LEDGERS)} ledgers done; no summary written, the history database unchanged. Run it "
                "again.\n" if command == "batch" else f"{stop}.\n")
    assert proc.returncode == (143 if signum == signal.SIGTERM else 130) and err == expected, err


def test_history_errors_in_english(data_pattern, tmp_path):
    """A --db that is no SQLite database, for every command that reads or writes the history."""
    not_a_db = tmp_path / "history.db"
    not_a_db.write_text("not a database " * 100, encoding="utf-8")
    for args in (["history"], ["history", "石桥村"], ["sample", "--list"], ["sample", "--rate", 0.5],
                 ["sample", "--result", "石桥村=passed"], ["batch", SAMPLES, "--jobs", 1, "--as-of", AS_OF],
                 ["score", LEDGERS[0], "--record", "--as-of", AS_OF],
                 ["remind", SAMPLES, "--as-of", AS_OF, "--webhook", "http://127.0.0.1:9/x"]):
        result = runner.invoke(app, [*map(str, args), "--db", str(not_a_db), "--lang", "en"])
        assert result.exit_code == 2 and "history database" in result.stderr, (args, result.output)
        assert_english(result.stderr, data_pattern, f"{args[0]} with a --db that is no database")


_TWINS = {md_plain(c): c for c in "\\`*_[]<>#~|"}  # the robots' markdown shows ledger text with full-width twins


def as_written(markdown: str) -> str:
    return "".join(_TWINS.get(c, c) for c in markdown)


def robot_text(robot) -> str:
    """Every string the robot was sent (markdown, titles, JSON messages and rules), as the ledger wrote them."""
    return as_written("\n".join(json_text(json.dumps(body, ensure_ascii=False)) for body in robot.bodies()))


def remind_en(*args, env=None):
    return runner.invoke(app, ["remind", str(SAMPLES), "--as-of", "2025-12-20", "--within", 30, *map(str, args),
                               "--lang", "en"], env=env)


def mail_config(path: Path, port: int, **extra) -> Path:
    lines = ["[smtp]", 'host = "127.0.0.1"', f"port = {port}", 'sender = "jdb@example.org"', 'tls = "none"',
             *(f'{key} = "{value}"' for key, value in extra.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_robots_and_mail_in_english(data_pattern, tmp_path, robot_factory, smtp_server):
    """What reaches the group and the inbox: each robot's markdown (and title), the JSON post, the mail's subject
    and body, and a post sent again after a timeout with its note."""
    import email
    import email.policy

    config = mail_config(tmp_path / "mail.toml", smtp_server.port)
    for kind in ("wecom", "dingtalk", "json"):
        robot = robot_factory("ok")
        mail = ("--mail-to", "jdb@example.org", "--mail-config", config) if kind == "wecom" else ()
        result = remind_en("--webhook", robot.url, "--webhook-kind", kind, "--db", tmp_path / f"{kind}.db", *mail)
        assert result.exit_code == 1 and robot.accepted, result.output  # 1: 松柏村's ledger has errors
        assert_english(result.stderr, data_pattern, f"remind --webhook-kind {kind}, on stderr")
        assert_english(robot_text(robot), data_pattern, f"the {kind} robot's posts")
    sent = email.message_from_bytes(smtp_server.envelopes[0].content, policy=email.policy.default)
    assert sent["Subject"].startswith("Drug-control reminders 2025-12-20: ")
    assert_english(sent["Subject"] + "\n" + sent.get_content(), data_pattern, "the mail")
    robot = robot_factory("hang", "ok")
    for timeout in ("0.5", "10"):  # no answer to the first post; the next run sends it once more, with a note
        result = remind_en("--webhook", robot.url, "--timeout", timeout, "--db", tmp_path / "again.db")
        assert_english(result.stderr, data_pattern, "remind after a post with no answer")
    assert "may have arrived" in robot_text(robot)
    assert_english(robot_text(robot), data_pattern, "the robot's posts sent again")


def test_robot_posts_split_in_english(data_pattern):
    """A robot's message too long for one post is split, each part's heading numbered in English."""
    from nodrug_cli.jobs.remind import RemindSettings, reminders
    from nodrug_cli.remind.robots import markdown_chunks

    found = reminders(RemindSettings(paths=(str(SAMPLES),), as_of=dt.date(2025, 12, 20), today=TODAY, within=30,
                                     lang="en"))
    chunks = markdown_chunks(found.reminders, found.day, limit_bytes=600, lang="en")
    assert len(chunks) > 2 and chunks[1].startswith(f"### Drug-control reminders 2025-12-20 (2/{len(chunks)})")
    assert_english(as_written("\n".join(chunks)), data_pattern, "a robot's message in parts")


@pytest.mark.parametrize("mode", ["500", "hang", "45009", "130101", "errcode", "plain", "429", "unreachable", "ftp",
                                  "secret"])
def test_robot_failures_in_english(mode, data_pattern, tmp_path, robot_factory):
    """What the cron admin reads when a robot fails, on stderr (exit 3; a webhook that is no URL, or a signing
    secret for a WeCom robot: exit 2)."""
    from servers import free_port

    url = {"unreachable": f"http://127.0.0.1:{free_port()}/send", "ftp": "ftp://127.0.0.1/send"}.get(mode)
    secret = ("--webhook-secret", "SEC123") if mode == "secret" else ()
    url = url or robot_factory("ok" if secret else mode).url
    result = remind_en("--webhook", url, "--timeout", 0.5, "--db", tmp_path / "h.db", *secret)
    assert result.exit_code == (2 if mode in ("ftp", "secret") else 3), result.output
    assert_english(result.stderr, data_pattern, f"remind to a robot answering {mode}")


@pytest.mark.parametrize("case", ["unreachable", "wrong password", "no file", "not toml", "no host", "no sender",
                                  "bad sender", "bad tls", "bad port", "password in file", "unknown key",
                                  "user without password", "open password file", "no password file"])
def test_mail_failures_in_english(case, data_pattern, tmp_path, smtp_server):
    """Mail settings that are missing, wrong or unsafe (exit 2), a server that is not there or refuses the login
    (exit 3): each told in English."""
    from servers import free_port

    path, port, environ = tmp_path / "mail.toml", smtp_server.port, {}
    secret = tmp_path / "password"
    secret.write_text("right-password\n", encoding="utf-8")
    secret.chmod(0o644)
    configs = {"unreachable": lambda: mail_config(path, free_port()),
               "wrong password": lambda: mail_config(path, port, user="jdb@example.org"),
               "no file": lambda: tmp_path / "missing.toml",
               "user without password": lambda: mail_config(path, port, user="jdb@example.org"),
               "open password file": lambda: mail_config(path, port, password_file=secret),
               "no password file": lambda: mail_config(path, port, password_file=tmp_path / "nowhere")}
    texts = {"not toml": "host = ", "no host": "[smtp]\nport = 25\n", "no sender": '[smtp]\nhost = "x"\n',
             "bad sender": '[smtp]\nhost = "x"\nsender = "nobody"\n', "bad tls": '[smtp]\nhost = "x"\nsender = "a@b.c"\ntls = "ftp"\n',
             "bad port": '[smtp]\nhost = "x"\nsender = "a@b.c"\nport = "many"\n',
             "password in file": '[smtp]\nhost = "x"\nsender = "a@b.c"\npassword = "p"\n',
             "unknown key": '[smtp]\nhost = "x"\nsender = "a@b.c"\ncolour = "red"\n'}
    if case in texts:
        path.write_text(texts[case], encoding="utf-8")
    else:
        path = configs[case]()
    if case == "wrong password":
        environ["NODRUG_SMTP_PASSWORD"] = "wrong-password"
    result = remind_en("--mail-to", "jdb@example.org", "--mail-config", path, "--db", tmp_path / "h.db", env=environ)
    assert result.exit_code == (3 if case in ("unreachable", "wrong password") else 2), result.output
    assert_english(result.stderr, data_pattern, f"remind with mail settings: {case}")


@pytest.mark.parametrize("args", [("score", "x.xlsx", "--year", "1900"), ("batch", ".", "--year", "20025"),
                                  ("score", "x.xlsx", "--bogus"), ("score",), ("remind", ".", "--within", "-3"),
                                  ("sample", "--rate", "x"), ("score", "x.xlsx", "--format", "xml"), ("nosuch",),
                                  ("score", "a.xlsx", "b.xlsx"), ("history", "--lang=en", "--db")],
                         ids=lambda args: " ".join(args))
def test_usage_errors_in_english(args, data_pattern):
    """A command line nodrug cannot parse is told in the language it asks for (`nodrug` as a user runs it)."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-m", "nodrug_cli", *args, *(() if "--lang=en" in args else ("--lang", "en"))],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)})
    assert result.returncode == 2 and "--help for usage." in result.stderr, result.stderr
    assert_english(result.stderr, data_pattern, f"the usage error of {args}")


def test_the_check_finds_chinese_words(data_pattern):
    """The check can fail: a fixed Chinese word left in English output is found, the data is not."""
    assert leftover("drug-free: 否 (criteria not met)", data_pattern)
    assert leftover("石桥村 (青禾镇), 2025 · 考核项目", data_pattern)
    assert not leftover("石桥村 (青禾镇), 2025", data_pattern)


def test_every_kind_of_gap_and_reason_in_english(data_pattern, tmp_path):
    """The reasons a score gives beyond the samples' own — a sheet lacking a required column, a 自查项目 row left
    blank, a person on the 现有吸毒人员 list whose status is not counted and one the registry lacks, the registry's
    errors quoted in a gap — are English too, in every format and the workbook (松柏村 has the registry errors)."""
    ledger = tmp_path / "松柏村.xlsx"
    book = openpyxl.load_workbook(SAMPLES / "松柏村.xlsx")
    registry = book["吸毒人员"]
    ids = [row[1].value for row in registry.iter_rows(min_row=2) if row[1].value]
    registry.cell(row=2, column=6, value="死亡")  # 罗文: not counted, yet on the list below
    book["谈话记录"].delete_cols(3)  # 谈话日期 gone: the sheet cannot be used
    book["自查项目"].cell(row=2, column=3, value=None)  # 禁毒机构和机制健全: 是否落实 left blank
    listed = book.create_sheet("现有吸毒人员")
    listed.append(["身份证号"])
    for ident in [*ids, "990101199005170016"]:  # the last one is not in the registry
        listed.append([ident])
    book.save(ledger)

    for standard in builtin_names():
        for fmt in ("text", "md", "json"):
            text = cli("score", ledger, "--as-of", AS_OF, "--standard", standard, "--format", fmt)
            assert_english(text, data_pattern, f"score --standard {standard} --format {fmt}")
        out = tmp_path / f"{standard}.xlsx"
        assert_english(cli("score", ledger, "--as-of", AS_OF, "--standard", standard, "-o", out) + "\n"
                       + workbook_text(out), data_pattern, f"the assessment workbook of {standard}")
    text = cli("validate", ledger, "--as-of", AS_OF)
    assert "status “死亡” is not counted" in text and "not in the registry" in text and "谈话日期" in text
    assert_english(text, data_pattern, "validate")
    # batch keeps the reason with the ledger's key indicators (帮教率 cannot be computed) and words it at the end
    folder = tmp_path / "town"
    folder.mkdir()
    ledger.rename(folder / ledger.name)
    roster = openpyxl.Workbook()  # a workbook that is not a ledger: skipped, and the JSON says why
    roster.active.append(["姓名"])
    roster.save(folder / "roster.xlsx")
    text = cli("batch", folder, "--as-of", AS_OF, "--format", "json")
    assert "lacks the required column “谈话日期”" in text and "not a ledger" in text
    assert_english(text, data_pattern, "batch --format json")
    out = tmp_path / "summary.xlsx"
    assert_english(cli("batch", folder, "--as-of", AS_OF, "-o", out) + "\n" + workbook_text(out), data_pattern,
                   "the batch summary workbook")
    zh = runner.invoke(app, ["batch", str(folder), "--as-of", AS_OF, "--format", "json"])
    help_rate = json.loads(zh.stdout)["ledgers"][0]["indicators"]["help_rate"]
    assert help_rate["extra"]["missing_reason"] == "“谈话记录”表缺少必需的列“谈话日期”"
