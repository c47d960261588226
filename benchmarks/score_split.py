"""Where `nodrug score` spends its time on a large ledger: read, check, compute, score, render.

    python benchmarks/score_split.py [--size large|small] [--repeat 5]

Runs in one process, repeated; reports the median of each stage and its share of the whole.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def stages(path: Path) -> dict[str, float]:
    """Seconds spent in each stage of one score run."""
    from nodrug_cli.indicators.compute import compute_indicators
    from nodrug_cli.ledger import read as reader
    from nodrug_cli.ledger.layout import locate_sheets
    from nodrug_cli.ledger.workbook import open_workbook
    from nodrug_cli.render.score import assessment_json, render_table
    from nodrug_cli.standards import engine
    from nodrug_cli.standards.load import load_standard

    standard = load_standard("boumei-2023")
    times = {}
    t0 = time.perf_counter()
    raw = open_workbook(path)
    t1 = time.perf_counter()
    locate_sheets(raw)
    t2 = time.perf_counter()
    ledger = reader.read_ledger(path, dt.date(2026, 11, 25), as_of=dt.date(2025, 12, 31))
    t3 = time.perf_counter()
    # read_ledger repeats the open and locate steps: its check share is what remains
    times["read (calamine)"] = t1 - t0
    times["find sheets and headers"] = t2 - t1
    times["type and check"] = max(0.0, (t3 - t2) - (t2 - t0))
    t4 = time.perf_counter()
    compute_indicators(ledger, engine.params_for(standard))
    t5 = time.perf_counter()
    assessment = engine.assess(ledger, standard)
    t6 = time.perf_counter()
    json.dumps(assessment_json(assessment), ensure_ascii=False)
    render_table(assessment, io.StringIO(), "text")
    t7 = time.perf_counter()
    times["compute indicators"] = t5 - t4
    times["score (indicators again + rubric)"] = t6 - t5
    times["render json + text"] = t7 - t6
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=["small", "large"], default="large")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from ledgers import SIZES, make_ledger

    with tempfile.TemporaryDirectory() as tmp:
        path = make_ledger(Path(tmp) / "ledger.xlsx", SIZES[args.size])
        runs = [stages(path) for _ in range(args.repeat)]
    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    reading = median["read (calamine)"] + median["find sheets and headers"] + median["type and check"]
    work = median["compute indicators"] + median["render json + text"]
    print(f"{args.size} ledger, median of {args.repeat} runs (seconds)")
    for k, v in median.items():
        print(f"  {k:36s} {v:7.3f}")
    print(f"  reading and checking {reading:.2f} s vs computing and rendering {work:.2f} s "
          f"({reading / (reading + work):.0%} of a score run is reading)")
    print(json.dumps({"size": args.size, "median_s": median}, ensure_ascii=False))


if __name__ == "__main__":
    main()
