"""How long `nodrug batch` takes on a town's folder of small ledgers, against one `nodrug score` per ledger.

    python benchmarks/batch_speed.py [--count 500] [--persons 200] [--repeat 1]

Generates `count` seeded ledgers of `persons` persons each in a temporary folder (timed and printed apart,
not part of the measure), then, in one run, alternating, `repeat` times:

  (a) nodrug batch FOLDER --jobs 1 --no-history --format json --as-of 2025-12-31
  (b) the same with --jobs 2
  (c) the clerk's way without batch: one `nodrug score FILE --format json --as-of 2025-12-31` process per
      ledger, one after another. To keep the run bounded, (c) is timed on a seeded random sample of at
      most 50 ledgers and extrapolated per ledger to `count` (the output says so).

Every run is a fresh process (`sys.executable -m nodrug_cli`); the table reports medians, per-ledger and
total seconds, the ratios baseline ÷ batch(jobs 2) and batch(jobs 1) ÷ batch(jobs 2), and one JSON line.

Peak RSS: each batch run is started by its own small wrapper process, which reads
`getrusage(RUSAGE_CHILDREN).ru_maxrss` after the run ends, so one run's figure never mixes with another's.
That figure is the peak of the *largest single process* in the run's tree (the batch process or one of
its workers), not the sum of processes alive at once: with --jobs 2 the machine may hold up to about
three such processes together. Not part of the test suite; the targets are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

AS_OF = "2025-12-31"
SAMPLE = 50  # at most this many ledgers are scored one process each for the baseline
SAMPLE_SEED = 20251231
TARGET_SECONDS_PER_500 = 60.0  # batch of 500 small ledgers with 2 jobs
TARGET_SPEEDUP = 5.0  # batch (jobs 2) at least this many times faster than one process per ledger
NODRUG = [sys.executable, "-m", "nodrug_cli"]

# Runs argv[2:], lets it use this process's stdout and stderr, and writes wall seconds, exit code and the
# children's peak RSS to the file argv[1]; exits with the child's code.
WRAPPER = """\
import json, resource, subprocess, sys, time
started = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as f:
    json.dump({"seconds": seconds, "rc": rc, "maxrss": peak}, f)
sys.exit(rc)
"""

A, B, C = "batch --jobs 1", "batch --jobs 2", "score × each (baseline)"


def require_batch(env: dict) -> None:
    """Stop with a clear message when this install has no `nodrug batch` command."""
    shown = subprocess.run([*NODRUG, "--help"], capture_output=True, text=True, env=env)
    if shown.returncode != 0 or not re.search(r"^\s+batch\b", shown.stdout, re.MULTILINE):
        sys.exit("batch_speed: `nodrug batch` is not available in this install "
                 f"(`{' '.join(NODRUG)} --help` lists no `batch` command); this benchmark needs it. "
                 "Install a nodrug_cli that has `nodrug batch` and run again.")


def mib(maxrss: int) -> float:
    """ru_maxrss is KiB on Linux and bytes on macOS."""
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def run_batch(folder: Path, jobs: int, count: int, env: dict, scratch: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, largest single process) of one `nodrug batch` run over `folder`."""
    report = scratch / f"batch-jobs{jobs}.json"
    cmd = [*NODRUG, "batch", str(folder), "--jobs", str(jobs), "--no-history", "--format", "json", "--as-of", AS_OF]
    done = subprocess.run([sys.executable, "-c", WRAPPER, str(report), *cmd], capture_output=True, text=True, env=env)
    if done.returncode not in (0, 1):  # 1: some ledger has errors, still a full run
        sys.exit(f"batch_speed: `nodrug batch --jobs {jobs}` exited {done.returncode}:\n{done.stderr[-2000:]}")
    measured = json.loads(report.read_text())
    try:
        ledgers = json.loads(done.stdout)["ledgers"]
    except (ValueError, KeyError, TypeError):
        sys.exit(f"batch_speed: `nodrug batch --jobs {jobs} --format json` printed no JSON with a `ledgers` list:\n"
                 f"{done.stdout[:1000]}")
    if len(ledgers) != count:
        sys.exit(f"batch_speed: `nodrug batch --jobs {jobs}` reported {len(ledgers)} ledgers, expected {count}")
    unreadable = sum(1 for row in ledgers if row.get("status") == "unreadable")
    if unreadable:
        print(f"  warning: batch --jobs {jobs} found {unreadable} unreadable ledgers", file=sys.stderr)
    return measured["seconds"], mib(measured["maxrss"])


def run_baseline(sample: list[Path], env: dict) -> float:
    """Wall seconds of scoring each sampled ledger in its own fresh `nodrug score` process, one after another."""
    started = time.perf_counter()
    for path in sample:
        done = subprocess.run([*NODRUG, "score", str(path), "--format", "json", "--as-of", AS_OF],
                              capture_output=True, text=True, env=env)
        if done.returncode not in (0, 1):
            sys.exit(f"batch_speed: `nodrug score {path.name}` exited {done.returncode}:\n{done.stderr[-2000:]}")
        try:
            json.loads(done.stdout)
        except ValueError:
            sys.exit(f"batch_speed: `nodrug score {path.name} --format json` printed no JSON:\n{done.stdout[:1000]}")
    return time.perf_counter() - started


def pick_sample(files: list[Path]) -> list[Path]:
    """The same seeded sample of at most SAMPLE ledgers on every run."""
    return sorted(random.Random(SAMPLE_SEED).sample(files, min(SAMPLE, len(files))))


def make_env(scratch: Path) -> dict:
    """The machine's environment, with any history database pointed into the scratch folder (never the user's)."""
    return {**os.environ, "NODRUG_DB": str(scratch / "history.sqlite")}


def generate(folder: Path, count: int, persons: int) -> tuple[list[Path], float]:
    """Write the folder of ledgers; the files and the seconds it took."""
    from ledgers import make_folder

    started = time.perf_counter()
    make_folder(folder, count, persons)
    seconds = time.perf_counter() - started
    return sorted(folder.glob("*.xlsx")), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500, help="ledgers in the folder (default 500)")
    parser.add_argument("--persons", type=int, default=200, help="registered persons per ledger (default 200)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of (a), (b), (c); medians are reported")
    args = parser.parse_args()
    if args.count < 1 or args.persons < 1 or args.repeat < 1:
        parser.error("--count, --persons and --repeat must be at least 1")

    with tempfile.TemporaryDirectory(prefix="nodrug-batch-speed-") as tmp:
        scratch = Path(tmp)
        env = make_env(scratch)
        require_batch(env)  # before spending minutes on generation
        folder = scratch / "ledgers"
        files, gen_seconds = generate(folder, args.count, args.persons)
        print(f"generated {len(files)} ledgers × {args.persons} persons in {gen_seconds:.1f} s "
              f"({gen_seconds / len(files):.3f} s each; not part of the measure)", flush=True)
        sample = pick_sample(files)

        totals: dict[str, list[float]] = {A: [], B: [], C: []}  # C holds the sample's seconds
        memory: dict[str, list[float]] = {A: [], B: []}
        for round_ in range(args.repeat):
            for name in (A, B, C):  # alternate so machine noise hits every contender alike
                if name == C:
                    totals[C].append(run_baseline(sample, env))
                else:
                    seconds, peak = run_batch(folder, 1 if name == A else 2, len(files), env, scratch)
                    totals[name].append(seconds)
                    memory[name].append(peak)
            print(f"  round {round_ + 1}/{args.repeat}: " + ", ".join(f"{n} {totals[n][-1]:.1f} s" for n in totals),
                  file=sys.stderr, flush=True)

    count = len(files)
    per = {A: statistics.median(totals[A]) / count, B: statistics.median(totals[B]) / count,
           C: statistics.median(totals[C]) / len(sample)}
    total = {name: per[name] * count for name in per}  # C: extrapolated from the sample
    peak = {name: statistics.median(v) for name, v in memory.items()}
    speedup = per[C] / per[B]
    jobs_gain = per[A] / per[B]
    target_total = TARGET_SECONDS_PER_500 * count / 500

    print(f"{count} ledgers × {args.persons} persons, as of {AS_OF}, median of {args.repeat} run(s) each, "
          f"{os.cpu_count()} CPUs")
    print(f"  {'':26s} {'per ledger':>11s} {'total':>10s} {'peak RSS':>10s}")
    for name in (A, B, C):
        rss = f"{peak[name]:6.0f} MiB" if name in peak else f"{'—':>10s}"
        mark = " *" if name == C else ""
        print(f"  {name:26s} {per[name]:9.3f} s {total[name]:8.1f} s{mark} {rss}")
    if len(sample) < count:
        print(f"  * baseline timed on a seeded sample of {len(sample)} of {count} ledgers "
              f"({statistics.median(totals[C]):.1f} s), extrapolated per ledger to {count}")
    else:
        print(f"  * baseline timed on all {count} ledgers, no extrapolation")
    print("  peak RSS = largest single process of the run (batch or one worker), not the sum of processes alive at once")
    print(f"  baseline ÷ batch(jobs 2) = {speedup:.1f}×   (target ≥ {TARGET_SPEEDUP:.0f}×: "
          f"{'met' if speedup >= TARGET_SPEEDUP else 'missed'})")
    print(f"  batch(jobs 1) ÷ batch(jobs 2) = {jobs_gain:.2f}×")
    scaled = f", ≤ {target_total:.1f} s for {count}" if count != 500 else ""
    print(f"  batch(jobs 2) total {total[B]:.1f} s   (target ≤ {TARGET_SECONDS_PER_500:.0f} s for 500{scaled}: "
          f"{'met' if total[B] <= target_total else 'missed'})")
    if count != 500:
        print(f"  (target scaled linearly from 500; at {count} ledgers the fixed start-up cost weighs more)")
    print(json.dumps({
        "count": count, "persons": args.persons, "repeat": args.repeat, "as_of": AS_OF, "cpus": os.cpu_count(),
        "generation_s": gen_seconds,
        "per_ledger_s": {"batch_jobs1": per[A], "batch_jobs2": per[B], "baseline": per[C]},
        "total_s": {"batch_jobs1": total[A], "batch_jobs2": total[B], "baseline": total[C]},
        "baseline_sample": len(sample), "baseline_sample_s": statistics.median(totals[C]),
        "baseline_extrapolated": len(sample) < count,
        "peak_rss_mib": {"batch_jobs1": peak[A], "batch_jobs2": peak[B]},
        "baseline_over_batch_jobs2": speedup, "batch_jobs1_over_jobs2": jobs_gain,
        "targets": {"batch_jobs2_total_s_max": target_total, "speedup_min": TARGET_SPEEDUP,
                    "batch_jobs2_met": total[B] <= target_total, "speedup_met": speedup >= TARGET_SPEEDUP},
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
