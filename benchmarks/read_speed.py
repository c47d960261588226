"""How long nodrug takes to read and check a large ledger, against pandas+openpyxl and the calamine floor.

    python benchmarks/read_speed.py [--size large|small] [--repeat 5]

Each contender runs in a fresh Python process, alternating, repeated; the table reports medians and
the ratios against the anchors measured in the same run. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

CONTENDERS = {
    "nodrug read+check": "import datetime as d; from nodrug_cli.ledger.read import read_ledger; "
                         "read_ledger(r'{path}', d.date(2026, 11, 25))",
    "floor (calamine → pandas)": "import pandas as pd; pd.read_excel(r'{path}', sheet_name=None, engine='calamine')",
    "naive (openpyxl → pandas)": "import pandas as pd; pd.read_excel(r'{path}', sheet_name=None, engine='openpyxl')",
}


def time_once(code: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of a fresh interpreter running `code`."""
    wrapper = f"{code}\nimport resource, sys; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, check=True)
    return time.perf_counter() - started, int(done.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=["small", "large"], default="large")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from ledgers import SIZES, make_ledger

    with tempfile.TemporaryDirectory() as tmp:
        path = make_ledger(Path(tmp) / "ledger.xlsx", SIZES[args.size])
        times: dict[str, list[float]] = {name: [] for name in CONTENDERS}
        memory: dict[str, list[int]] = {name: [] for name in CONTENDERS}
        for _ in range(args.repeat):
            for name, code in CONTENDERS.items():  # alternate so machine noise hits every contender alike
                seconds, rss = time_once(code.format(path=path))
                times[name].append(seconds)
                memory[name].append(rss)
    median = {name: statistics.median(v) for name, v in times.items()}
    floor, naive, ours = median["floor (calamine → pandas)"], median["naive (openpyxl → pandas)"], median["nodrug read+check"]
    print(f"{args.size} ledger, median of {args.repeat} runs each")
    for name in CONTENDERS:
        print(f"  {name:28s} {median[name]:7.2f} s   peak {statistics.median(memory[name]) / 1024:7.0f} MiB")
    print(f"  nodrug ÷ floor = {ours / floor:.2f}×;  naive ÷ nodrug = {naive / ours:.2f}×")
    print(json.dumps({"size": args.size, "median_s": median, "nodrug_over_floor": ours / floor,
                      "naive_over_nodrug": naive / ours}, ensure_ascii=False))


if __name__ == "__main__":
    main()
