"""Where one `nodrug score --format json` of a ledger spends its time, in-process, stage by stage.

    python benchmarks/stages.py LEDGER.xlsx [--repeat 5] [--as-of 2025-12-31]

`benchmarks/run.py` runs this in a fresh process on the large ledger; it can also be run alone on any
ledger. It does what `nodrug score` does (load the standard, read and check the ledger, assess, render
the JSON) and times each stage by wrapping the package's own functions where `read_ledger` and `assess`
call them, so every stage is measured inside one real run, nothing is done twice and no package code
is copied here. Prints one JSON object: median seconds of each stage over `--repeat` runs, and the
imports' seconds (paid once per process). A function the package no longer has is reported under
`missing` and its time stays in its parent stage.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

# Stages, in the order they run; each may hold sub-stages: (module, function its parent calls) → label,
# with "the rest" of the parent's time as the last sub-stage.
OTHER = "load the standard, parse --as-of"
READ = "read the workbook"
FIND = "find sheets and header rows, build frames"
CHECK = "type and check every cell"
COMPUTE = "compute indicators and score"
RENDER = "render the JSON"
TOP = [OTHER, READ, FIND, CHECK, COMPUTE, RENDER]  # these add up to the whole in-process run
PARTS = {
    READ: ({("nodrug_cli.ledger.workbook", "read_sheets"):
                "calamine: parse into Python cells in two threads, each worksheet part checked (inflated, its XML "
                "scanned) just before",
            ("nodrug_cli.ledger.workbook", "_clean"): "strip control characters from the head rows (cells: as they are read)"},
           "load the file, check the other zip parts"),
    CHECK: ({("nodrug_cli.ledger.read", "_type_columns"): "type columns (parse dates, IDs, enums)",
             ("nodrug_cli.ledger.read", "_schema_findings"): "schema checks (pandera)",
             ("nodrug_cli.ledger.crosscheck", "run"): "cross-sheet checks",
             ("nodrug_cli.indicators.reconcile", "current_list_findings"): "current-list reconciliation"},
            "the rest (structure findings, sorting findings)"),
    COMPUTE: ({("nodrug_cli.standards.engine", "compute_indicators"): "compute every indicator"},
              "score the rubric, checklist findings"),
}
ORDER = [label for top in TOP for label in
         [top, *(PARTS[top][0].values() if top in PARTS else ()), *((PARTS[top][1],) if top in PARTS else ())]]


@contextmanager
def timed(module: str, name: str, label: str, into: dict[str, float], missing: list[str]):
    """Replace module.name by a wrapper that adds its seconds to into[label] (restored on exit)."""
    mod = importlib.import_module(module)
    original = getattr(mod, name, None)
    if original is None:
        missing.append(f"{module}.{name}")
        yield
        return

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            into[label] = into.get(label, 0.0) + time.perf_counter() - started

    setattr(mod, name, wrapper)
    try:
        yield
    finally:
        setattr(mod, name, original)


def one_run(path: Path, as_of: str, missing: list[str]) -> dict[str, float]:
    """Seconds of each stage in one score of `path` (what `nodrug score PATH --format json --as-of AS_OF` does)."""
    from nodrug_cli.cli.common import Env, parse_date_option
    from nodrug_cli.indicators.reconcile import add_current_list_findings
    from nodrug_cli.ledger.read import read_ledger
    from nodrug_cli import jsonout
    from nodrug_cli.render.score import assessment_json
    from nodrug_cli.standards.engine import assess
    from nodrug_cli.standards.load import load_standard

    times: dict[str, float] = {}
    with ExitStack() as stack:
        stack.enter_context(timed("nodrug_cli.ledger.read", "open_workbook", READ, times, missing))
        stack.enter_context(timed("nodrug_cli.ledger.read", "locate_sheets", FIND, times, missing))
        for parts, _ in PARTS.values():
            for (module, name), label in parts.items():
                stack.enter_context(timed(module, name, label, times, missing))
        t0 = time.perf_counter()
        env = Env(stdout=io.StringIO(), stderr=io.StringIO(), is_terminal=False)
        cutoff = parse_date_option(env, as_of, "--as-of")
        rubric = load_standard(None)
        t1 = time.perf_counter()
        ledger = add_current_list_findings(read_ledger(path, env.today, as_of=cutoff))
        t2 = time.perf_counter()
        assessment = assess(ledger, rubric)
        t3 = time.perf_counter()
        text = jsonout.dumps(assessment_json(assessment, False, env.lang))
        print(text, file=env.stdout)
        t4 = time.perf_counter()
    times[OTHER] = t1 - t0
    times.setdefault(READ, 0.0)
    times.setdefault(FIND, 0.0)
    times[CHECK] = max(0.0, (t2 - t1) - times[READ] - times[FIND])
    times[COMPUTE] = t3 - t2
    times[RENDER] = t4 - t3
    for top, (parts, rest) in PARTS.items():
        times[rest] = max(0.0, times[top] - sum(times.get(label, 0.0) for label in parts.values()))
    return times


def split(path: Path, repeat: int, as_of: str) -> dict:
    """Median seconds of each stage over `repeat` runs, plus the one-off import time."""
    started = time.perf_counter()
    for module in ("pandas", "pandera.pandas", "python_calamine", "nodrug_cli.ledger.read", "nodrug_cli.standards.engine",
                   "nodrug_cli.render.score", "nodrug_cli.standards.load", "nodrug_cli.cli.common"):
        importlib.import_module(module)
    imports = time.perf_counter() - started
    missing: list[str] = []
    runs = [one_run(path, as_of, missing) for _ in range(repeat)]
    median = {label: statistics.median(r.get(label, 0.0) for r in runs) for label in ORDER}
    whole = [sum(r[label] for label in TOP) for r in runs]
    return {"ledger": str(path), "repeat": repeat, "as_of": as_of, "imports_s": imports, "median_s": median,
            "stages": {top: [*PARTS[top][0].values(), PARTS[top][1]] if top in PARTS else [] for top in TOP},
            "in_process_total_s": statistics.median(whole), "first_run_total_s": whole[0],
            "missing": sorted(set(missing))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--as-of", default="2025-12-31")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    print(json.dumps(split(args.ledger, args.repeat, args.as_of), ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
