"""`nodrug batch`: a town's ledgers scored at once, ranked, rolled up, sanctions carried forward."""

from __future__ import annotations

from pathlib import Path

import typer

from nodrug_cli import jsonout
from nodrug_cli.cli.common import Env, call, fail, year_option
from nodrug_cli.cli.options import (DB_HELP, TABLES, as_of_option, db_option, force_option, format_option,
                                    output_option, reads_ledgers, standard_option)
from nodrug_cli.jobs.batch import BatchSettings, Watch, batch



@reads_ledgers
def command(env: Env, shared: dict,  # not options: see reads_ledgers
    paths: list[str] = typer.Argument(..., metavar="PATH", show_default=False,
                                      help="台账文件、文件夹（递归查找 .xlsx .xlsm .xls .ods）或通配符，可多个"),
    standard: str = standard_option("考核标准（默认 boumei-2023）"),
    year: int = year_option("评估年度（默认：各台账的评估年度）"),
    as_of: str = as_of_option("评估截止日"),
    jobs: int = typer.Option(None, "--jobs", metavar="N", min=1, help="并行进程数（默认：CPU 核数）"),
    output: Path = output_option("写出汇总工作簿", "FILE.xlsx"),
    force: bool = force_option(),
    format: TABLES = format_option(TABLES, "输出格式：text、json 或 md"),
    db: Path = db_option(DB_HELP),
    no_history: bool = typer.Option(False, "--no-history", help="不读写历史数据库（奖惩只按本次台账的“是否已授牌”推算）"),
    review: bool = typer.Option(False, "--review",
                                help="本次为年度考核（截止日为 12 月 31 日时自动视为年度考核；其余为期中检查，奖惩只作暂定）"),
) -> None:
    """批量考评：一次检查全镇（街道）各村（社区）台账，排名、汇总无毒率、推算奖惩，可写出汇总表。"""
    run(BatchSettings(tuple(paths), standard=standard, year=year, jobs=jobs, output=output, force=force,
                      format=format.value, db=db, no_history=no_history, review=review, **shared), env)


def run(settings, env: Env) -> None:
    """Run the batch and print the report; raises typer.Exit with the exit code."""
    from nodrug_cli.cli.signals import Stopped, stopped_code
    from nodrug_cli.outputs import OutputRefused
    from nodrug_cli.render.words import Words

    watch = _Told(env)
    try:
        result = call(env, batch, settings, watch)
    except (KeyboardInterrupt, Stopped) as exc:
        code, words = stopped_code(exc, env.lang)
        print(Words(env.lang)("batch.stopped", stop=words, done=watch.done, total=watch.total), file=env.stderr)
        raise typer.Exit(code) from None
    report, output, fmt = result.report, settings.output, settings.format
    if output is not None:
        from nodrug_cli.render.summary_xlsx import write_summary

        try:
            write_summary(report, output, lang=env.lang)
        except OutputRefused as exc:
            raise fail(env, exc.message("zh"), exc.message("en")) from None
    _print(report, fmt, env, result.skipped)
    if output is not None and fmt != "json":
        print(env.word("batch.written", output), file=env.stdout)
    raise typer.Exit(int(result.code))


class _Told(Watch):
    """The batch as it goes, on stderr: paths with no ledger, a progress bar whenever stderr is a terminal, the
    workbooks skipped as no ledger; it counts what was scored for the message of an interrupted run."""

    def __init__(self, env: Env):
        self.env, self.done, self.total, self.bar = env, 0, 0, None

    def missing(self, path: str) -> None:
        print(self.env.word("batch.no_ledger_at", path), file=self.env.stderr)

    def started(self, total: int) -> None:
        self.total = total
        if self.env.stderr_is_terminal:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(transient=True, console=Console(file=self.env.stderr))
            self.bar.start()
            from nodrug_cli.render.words import Words

            self.task = self.bar.add_task(Words(self.env.lang)("batch.progress"), total=total)

    def scored(self, outcome) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.advance(self.task)

    def finished(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def skipped(self, outcome) -> None:
        from nodrug_cli.render.batch import ledger_reason

        reason = ledger_reason(outcome, self.env.lang)
        print(self.env.word("batch.skipped", path=outcome.path, reason=reason), file=self.env.stderr)


def _print(report, fmt: str, env: Env, skipped: list) -> None:
    from nodrug_cli.render.batch import ledger_reason, render_rich, render_table, report_json

    if fmt == "json":
        data = report_json(report, env.lang)
        data["skipped"] = [{"path": o.path, "reason": ledger_reason(o, env.lang)} for o in skipped]
        print(jsonout.dumps(data), file=env.stdout)
    elif fmt == "md" or not env.is_terminal:
        render_table(report, env.stdout, fmt, lang=env.lang)
    else:
        render_rich(report, env.stdout, lang=env.lang)
