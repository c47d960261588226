"""nodrug's speed and memory against the floor, the naive read and a general-purpose validator, in one run.

    python benchmarks/run.py [--quick] [--repeat 5] [--batch-count 500] [--batch-repeat 1]
                             [--scaling/--no-scaling] [--json benchmarks/out/latest.json]
                             [--floor-python PYTHON]
    python benchmarks/run.py --setup-venvs           # once: nodrug as a user installs it, and the fastexcel floor
    python benchmarks/run.py --show benchmarks/out/latest.json   # print an earlier run's report again
    python benchmarks/run.py --quick --baseline b8bea08          # also score the large ledger with an earlier commit
    python benchmarks/run.py --baseline b8bea08 --baseline-only --repeat 15   # only that comparison, many rounds

Seeded ledgers (benchmarks/ledgers.py) are written to a temporary folder: small (200 persons), large
(20,000 persons), with --scaling 2× and 4× large (80,000 persons, 344,000 test rows), and a folder of
--batch-count small ones. Then, every contender in a fresh Python process, alternating between
contenders in each round (each round starts one contender further on), repeated --repeat times:

  nodrug validate / nodrug score   LEDGER --format json --as-of 2025-12-31   (small and large)
  floor        a process that only reads every sheet into pandas with the fastest reader available:
               pandas + python-calamine, and fastexcel → pandas where it can run (it needs pyarrow,
               which nodrug's own environment does not have: installing it there would change pandas'
               string type under nodrug, so it runs in --floor-python, by default
               benchmarks/out/floor-venv made by --setup-venvs); the faster median is the floor
  naive        pandas.read_excel(path, sheet_name=None, engine="openpyxl")
  frictionless frictionless validate LEDGER --sheet 尿检记录 --json   (reported unavailable if missing)
  start-up     nodrug --help
  scaling      nodrug score on 2× and 4× large (1× is the large score above)
  baseline     with --baseline REF: nodrug score on large as of that git commit (a temporary worktree, run with
               the same Python, alternating with today's), reported as today's median ÷ the baseline's

then `--batch-repeat` rounds of nodrug batch FOLDER --jobs 1 / --jobs 2 (--no-history --format json)
and one `nodrug score` process per ledger on a seeded sample of at most 50 ledgers (scaled per ledger
to the whole folder, and said so); and, in one more fresh process, where the time of a large score goes
(benchmarks/stages.py). Every process's history database (NODRUG_DB) is in the temporary folder.

Wall time is measured by a small wrapper process around each run, which also reports its child's peak
RSS (getrusage RUSAGE_CHILDREN ru_maxrss: the largest single process of the run's tree, not the sum of
processes alive at once). Medians are reported. Prints one table of ratios with the issue's targets
beside them (met / missed; never asserted), the stage split, the scaling table, and writes everything
as JSON to --json, with the machine. Progress goes to stderr. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ledgers import SIZES, make_ledgers, row_counts  # noqa: E402

AS_OF = "2025-12-31"
NODRUG = [sys.executable, "-m", "nodrug_cli"]  # main() points it at --nodrug-python
FRICTIONLESS_SHEET = "尿检记录"
FLOOR_VENV = HERE / "out" / "floor-venv"
USER_VENV = HERE / "out" / "user-venv"
SAMPLE, SAMPLE_SEED = 50, 20251231  # one `nodrug score` process per ledger on at most this many
SCALES = (2, 4)  # × the large size, besides 1×
QUICK_ROUNDS, QUICK_BATCH_COUNT = 2, 40
TARGETS = {  # issue 8
    "score_over_floor_max": 2.5,
    "naive_over_score_min": 8.0,
    "help_max_s": 0.3,
    "peak_large_max_mib": 1024.0,
    "batch500_jobs2_max_s": 60.0,
    "batch_speedup_min": 5.0,
}

# Runs argv[2:] with this process's stdout and stderr; writes wall seconds, exit code, the child's peak RSS
# (KiB on Linux) and its CPU seconds (user + system, its whole tree) to the file argv[1]; exits with the child's
# code. Its own start-up is not in the seconds.
WRAPPER = """\
import json, resource, subprocess, sys, time
started = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    json.dump({"seconds": seconds, "rc": rc, "maxrss": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}, f)
sys.exit(rc)
"""

# Reader-only processes: print {sheet: rows} so the harness can see every sheet was read.
READERS = {
    "calamine": "import json, pandas as pd\n"
                "frames = pd.read_excel({path!r}, sheet_name=None, engine='calamine')\n"
                "print(json.dumps({{k: len(v) for k, v in frames.items()}}))",
    "fastexcel": "import json, fastexcel\n"
                 "reader = fastexcel.read_excel({path!r})\n"
                 "frames = {{n: reader.load_sheet(n).to_pandas() for n in reader.sheet_names}}\n"
                 "print(json.dumps({{k: len(v) for k, v in frames.items()}}))",
    "openpyxl": "import json, pandas as pd\n"
                "frames = pd.read_excel({path!r}, sheet_name=None, engine='openpyxl')\n"
                "print(json.dumps({{k: len(v) for k, v in frames.items()}}))",
}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def mib(maxrss: int) -> float:
    """ru_maxrss is KiB on Linux and bytes on macOS."""
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


@dataclass
class Run:
    seconds: float
    peak_mib: float
    cpu_s: float
    load: float  # the machine's 1-minute load average just before the run
    others_cores: float | None  # CPU the rest of the machine used during the run, in cores (None off Linux)
    rc: int
    stdout: str
    stderr: str


def measure(argv: list[str], env: dict, scratch: Path, cwd: Path | None = None) -> Run:
    """One fresh process running argv (in `cwd`), timed and its peak RSS read by the wrapper."""
    report = scratch / "measure.json"
    report.unlink(missing_ok=True)
    load = os.getloadavg()[0]
    busy_before = busy_seconds()
    done = subprocess.run([sys.executable, "-c", WRAPPER, str(report), *argv], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=3600)
    if not report.exists():
        raise SystemExit(f"run.py: the wrapper around {' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    busy_after = busy_seconds()
    measured = json.loads(report.read_text())
    others = None
    if busy_before is not None and busy_after is not None and measured["seconds"] > 0:
        others = max(0.0, (busy_after - busy_before) - measured["cpu"]) / measured["seconds"]
    return Run(measured["seconds"], mib(measured["maxrss"]), measured["cpu"], load, others, measured["rc"], done.stdout,
               done.stderr)


def busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (all cores), from /proc/stat; None elsewhere."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# -- checks: each returns None when the run did what it should, else why not ---------------------------------------


def nodrug_json(run: Run) -> str | None:
    if run.rc not in (0, 1):  # 1: the ledger has findings; still a full run
        return f"exit code {run.rc}"
    try:
        json.loads(run.stdout)
    except ValueError:
        return "printed no JSON"
    return None


def nodrug_help(run: Run) -> str | None:
    return None if run.rc == 0 and "用法" in run.stdout else f"exit code {run.rc}, no usage text"  # help is in Chinese


def all_sheets(persons: int) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        if run.rc != 0:
            return f"exit code {run.rc}"
        try:
            rows = json.loads(run.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return "printed no row counts"
        wanted = row_counts(persons)
        wrong = {k: rows.get(k) for k, n in wanted.items() if rows.get(k) != n}
        return f"sheets read with the wrong row counts: {wrong}" if wrong else None
    return check


def frictionless_rows(persons: int) -> Callable[[Run], str | None]:
    def check(run: Run) -> str | None:
        if run.rc not in (0, 1):  # 1: invalid data; still a full run
            return f"exit code {run.rc}"
        try:
            rows = json.loads(run.stdout)["tasks"][0]["stats"]["rows"]
        except (ValueError, KeyError, IndexError, TypeError):
            return "printed no JSON report with a row count"
        wanted = row_counts(persons)[FRICTIONLESS_SHEET]
        return None if rows == wanted else f"validated {rows} rows of {FRICTIONLESS_SHEET}, expected {wanted}"
    return check


@dataclass
class Contender:
    key: str
    argv: list[str]
    check: Callable[[Run], str | None]
    cwd: Path | None = None
    seconds: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    others: list[float] = field(default_factory=list)

    def add(self, run: Run) -> None:
        problem = self.check(run)
        if problem:
            raise SystemExit(f"run.py: {self.key} ({' '.join(self.argv)}): {problem}\n{run.stderr[-2000:]}")
        self.seconds.append(run.seconds)
        self.peaks.append(run.peak_mib)
        self.cpu.append(run.cpu_s)
        self.loads.append(run.load)
        if run.others_cores is not None:
            self.others.append(run.others_cores)

    def summary(self) -> dict:
        return {"argv": self.argv, "cwd": str(self.cwd) if self.cwd else None, "seconds": self.seconds, "peak_mib": self.peaks,
                "cpu_s": self.cpu, "load_before": self.loads, "others_cores": self.others, "median_s": statistics.median(self.seconds),
                "median_peak_mib": statistics.median(self.peaks), "median_cpu_s": statistics.median(self.cpu)}


# -- what can run here ---------------------------------------------------------------------------------------------


def floor_pythons(requested: str | None) -> list[str]:
    """Interpreters a floor reader may run in: this one, then --floor-python (or the floor venv if it exists)."""
    extra = requested or (str(FLOOR_VENV / "bin" / "python") if (FLOOR_VENV / "bin" / "python").exists() else None)
    # a venv's python is a link to the same binary: compare paths, not what they resolve to
    return [sys.executable] + ([extra] if extra and os.path.abspath(extra) != os.path.abspath(sys.executable) else [])


def probe_reader(reader: str, pythons: list[str], small: Path, env: dict, scratch: Path) -> tuple[str | None, str]:
    """The first interpreter in which `reader` reads the small ledger fully, or None and why not."""
    why = []
    for python in pythons:
        run = measure([python, "-c", READERS[reader].format(path=str(small))], env, scratch)
        problem = all_sheets(SIZES["small"])(run)
        if problem is None:
            return python, ""
        last = (run.stderr.strip().splitlines() or [problem])[-1].strip()
        why.append(f"{python}: {last}")
    hint = "" if len(pythons) > 1 else f" (python benchmarks/run.py --setup-venvs makes {FLOOR_VENV.relative_to(HERE.parent)})"
    return None, "; ".join(why) + hint


def probe_frictionless(small: Path, env: dict, scratch: Path) -> tuple[list[str] | None, str]:
    """The argv prefix that validates one sheet with frictionless, or None and why not."""
    shown = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--help"], capture_output=True, text=True,
                           env={**env, "COLUMNS": "200"})
    if shown.returncode != 0:
        tail = (shown.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"`{sys.executable} -m frictionless` does not run ({tail}); pip install 'frictionless[excel]'"
    if "--sheet" in shown.stdout:
        sheet = ["--sheet", FRICTIONLESS_SHEET]
    elif "--dialect" in shown.stdout:  # frictionless 4
        sheet = ["--dialect", json.dumps({"sheet": FRICTIONLESS_SHEET}, ensure_ascii=False)]
    else:
        return None, "this frictionless has neither --sheet nor --dialect"
    argv = [sys.executable, "-m", "frictionless", "validate", "--json", *sheet]
    run = measure([*argv, small.name], env, scratch, small.parent)  # it refuses absolute paths as unsafe
    problem = frictionless_rows(SIZES["small"])(run)
    if problem is None:
        return argv, ""
    told = [line.strip() for line in run.stdout.splitlines() if '"message"' in line][:1] or [run.stderr[-300:]]
    return None, f"frictionless on the small ledger: {problem}: {told[0]}"


# -- the machine ---------------------------------------------------------------------------------------------------


def version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def machine(floor_python: str | None) -> dict:
    ram = None
    cpu = platform.processor() or None
    try:
        meminfo = Path("/proc/meminfo").read_text()
        ram = int(next(line for line in meminfo.splitlines() if line.startswith("MemTotal")).split()[1]) / 1024**2
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), cpu)
    except (OSError, StopIteration):
        pass
    info = {"cores": os.cpu_count(), "ram_gib": round(ram, 1) if ram else None, "cpu": cpu,
            "os": platform.platform(), "python": platform.python_version(),
            "versions": {n: version(n) for n in ("nodrug-cli", "pandas", "python-calamine", "openpyxl", "fastexcel",
                                                 "pyarrow", "frictionless", "pandera", "numpy")}}
    if floor_python and os.path.abspath(floor_python) != os.path.abspath(sys.executable):
        code = ("import json, importlib.metadata as m, platform\n"
                "v = {}\nfor n in ('pandas', 'fastexcel', 'pyarrow'):\n"
                "    try: v[n] = m.version(n)\n    except m.PackageNotFoundError: v[n] = None\n"
                "print(json.dumps({'python': platform.python_version(), 'versions': v}))")
        done = subprocess.run([floor_python, "-c", code], capture_output=True, text=True)
        info["floor_python"] = {"path": floor_python, **(json.loads(done.stdout) if done.returncode == 0 else {})}
    root = HERE.parent
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "nodrug_cli"], capture_output=True,
                           text=True)
    info["git"] = {"commit": head.stdout.strip() or None,
                   "uncommitted_in_nodrug_cli": [line[3:] for line in dirty.stdout.splitlines()]}
    return info


def nodrug_python_info(python: str) -> dict:
    """Where nodrug runs and what is installed beside it: pandera imports hypothesis (a test dependency) on its first
    validation when it is there, which a user's install does not have."""
    code = ("import json, importlib.util as u, importlib.metadata as m\n"
            "v = {}\nfor n in ('pandas', 'pandera', 'python-calamine', 'numpy'):\n"
            "    try: v[n] = m.version(n)\n    except m.PackageNotFoundError: v[n] = None\n"
            "print(json.dumps({'versions': v, 'test_dependencies': u.find_spec('hypothesis') is not None}))")
    done = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return {"path": python, **(json.loads(done.stdout) if done.returncode == 0 else {})}


def nodrug_python_line(info: dict | None) -> str:
    if not info:
        return "nodrug ran in this Python"
    extra = ("with the test dependencies installed (pandera then imports hypothesis)" if info.get("test_dependencies")
             else "runtime dependencies only, as a user installs it")
    return f"nodrug ran in {info['path']}: {extra}"


def machine_line(m: dict) -> str:
    v = m["versions"]
    return (f"{m['cores']} cores, {m['ram_gib']} GiB RAM ({m['cpu']}), {m['os']}, Python {m['python']}, "
            f"pandas {v['pandas']}, python-calamine {v['python-calamine']}")


# -- formatting ----------------------------------------------------------------------------------------------------


def secs(s: float) -> str:
    return f"{s:.2f} s" if s < 100 else f"{s:.0f} s"


def cell(c: dict | None, note: str = "") -> str:
    if c is None:
        return "—"
    return f"{secs(c['median_s'])} · {c['median_peak_mib']:.0f} MiB" + (f" ({note})" if note else "")


def status(value: float | None, bound: float | None, at_most: bool) -> str:
    if value is None:
        return "unavailable"
    if bound is None:
        return "—"
    return "met" if (value <= bound if at_most else value >= bound) else "missed"


def markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


# -- the run -------------------------------------------------------------------------------------------------------


def generate(tmp: Path, scaling: bool, batch_count: int) -> tuple[dict[str, tuple[Path, int]], Path, float]:
    """The ledgers, by key → (path, persons), the batch folder, and the seconds it took (not measured)."""
    started = time.perf_counter()
    ledgers = {"small": (tmp / "small.xlsx", SIZES["small"]), "large": (tmp / "large.xlsx", SIZES["large"])}
    if scaling:
        for k in SCALES:
            ledgers[f"large×{k}"] = (tmp / f"large-x{k}.xlsx", SIZES["large"] * k)
    folder = tmp / "batch"
    folder.mkdir()
    specs = [(path, persons, 1) for path, persons in ledgers.values()]
    specs.sort(key=lambda s: -s[1])  # the big ones first, so the small ones fill in around them
    specs += [(folder / f"社区{i + 1:03d}.xlsx", SIZES["small"], 1000 + i) for i in range(batch_count)]
    make_ledgers(specs, os.cpu_count() or 1)
    return ledgers, folder, time.perf_counter() - started


def baseline_contender(tmp: Path, ref: str, large: Path, results: dict) -> Contender:
    """`nodrug score` on the large ledger as of git commit `ref`, from a temporary worktree (removed by the caller
    with `git worktree remove`)."""
    tree = tmp / "baseline"
    subprocess.run(["git", "-C", str(HERE.parent), "worktree", "add", "--detach", "--quiet", str(tree), ref], check=True)
    results["baseline"] = {"ref": ref, "commit": subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()}
    # `python -m` puts the working folder first on sys.path, so the worktree's nodrug_cli is the one imported
    return Contender("score/large@baseline", [*NODRUG, "score", str(large), "--format", "json", "--as-of", AS_OF],
                     nodrug_json, tree)


def compare_with_baseline(tmp: Path, args, repeat: int, env: dict, scratch: Path, results: dict) -> None:
    """--baseline-only: today's and the baseline's large score, alternating, `repeat` rounds; print and save."""
    began = time.perf_counter()
    large = tmp / "large.xlsx"
    make_ledgers([(large, SIZES["large"], 1)], 1)
    contenders = [Contender("score/large", [*NODRUG, "score", str(large), "--format", "json", "--as-of", AS_OF],
                            nodrug_json), baseline_contender(tmp, args.baseline, large, results)]
    say(f"today's and {args.baseline}'s score of the large ledger × {repeat} rounds …")
    try:
        rounds(contenders, repeat, env, scratch, "baseline")
    finally:
        subprocess.run(["git", "-C", str(HERE.parent), "worktree", "remove", "--force", str(tmp / "baseline")],
                       check=False)
    results["contenders"] = {c.key: c.summary() for c in contenders}
    now, then = (results["contenders"][k]["median_s"] for k in ("score/large", "score/large@baseline"))
    cpu_now, cpu_then = (results["contenders"][k]["median_cpu_s"] for k in ("score/large", "score/large@baseline"))
    results["baseline"]["ratio"] = now / then
    results["total_run_s"] = time.perf_counter() - began
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"score/large now {now:.2f} s, at {args.baseline} ({results['baseline']['commit']}) {then:.2f} s: "
          f"{now / then:.2f}× (medians of {repeat} rounds, same run, alternating; CPU {cpu_now:.2f} s vs "
          f"{cpu_then:.2f} s: {cpu_now / cpu_then:.2f}×)\n"
          f"runs now: {', '.join(f'{x:.2f}' for x in results['contenders']['score/large']['seconds'])}\n"
          f"runs then: {', '.join(f'{x:.2f}' for x in results['contenders']['score/large@baseline']['seconds'])}\n"
          f"everything as JSON: {args.json} (run took {results['total_run_s'] / 60:.1f} min)")


def rounds(contenders: list[Contender], count: int, env: dict, scratch: Path, label: str) -> None:
    """`count` rounds; in each, every contender once, the order rotated by one each round."""
    started = time.perf_counter()
    for r in range(count):
        shift = r % len(contenders)
        for c in contenders[shift:] + contenders[:shift]:
            c.add(measure(c.argv, env, scratch, c.cwd))
        say(f"  {label} round {r + 1}/{count} done ({time.perf_counter() - started:.0f} s)")


def run_batch_phase(folder: Path, count: int, repeat: int, env: dict, scratch: Path) -> dict:
    files = sorted(folder.glob("*.xlsx"))
    sample = sorted(random.Random(SAMPLE_SEED).sample(files, min(SAMPLE, len(files))))

    def batch_check(run: Run) -> str | None:
        if run.rc not in (0, 1):
            return f"exit code {run.rc}"
        try:
            ledgers = json.loads(run.stdout)["ledgers"]
        except (ValueError, KeyError, TypeError):
            return "printed no JSON with a `ledgers` list"
        if len(ledgers) != len(files):
            return f"reported {len(ledgers)} ledgers, expected {len(files)}"
        unreadable = sum(1 for row in ledgers if row.get("status") == "unreadable")
        return f"{unreadable} ledgers unreadable" if unreadable else None

    batch = {jobs: Contender(f"batch --jobs {jobs}", [*NODRUG, "batch", str(folder), "--jobs", str(jobs), "--no-history",
                                                      "--format", "json", "--as-of", AS_OF], batch_check)
             for jobs in (1, 2)}
    separate = Contender("score × each", [], nodrug_json)
    sample_totals: list[float] = []
    order = ["jobs1", "jobs2", "separate"]
    started = time.perf_counter()
    for r in range(repeat):
        for name in order[r % 3:] + order[:r % 3]:
            if name == "separate":
                total = 0.0
                for path in sample:
                    separate.argv = [*NODRUG, "score", str(path), "--format", "json", "--as-of", AS_OF]
                    run = measure(separate.argv, env, scratch)
                    separate.add(run)
                    total += run.seconds
                sample_totals.append(total)
            else:
                c = batch[int(name[-1])]
                c.add(measure(c.argv, env, scratch))
        say(f"  batch round {r + 1}/{repeat} done ({time.perf_counter() - started:.0f} s)")
    n = len(files)
    per_separate = statistics.median(sample_totals) / len(sample)
    out = {"count": n, "persons": SIZES["small"], "repeat": repeat,
           "jobs1": {**batch[1].summary(), "per_ledger_s": batch[1].summary()["median_s"] / n},
           "jobs2": {**batch[2].summary(), "per_ledger_s": batch[2].summary()["median_s"] / n},
           "separate": {"sample": len(sample), "sample_seed": SAMPLE_SEED, "sample_total_s": sample_totals,
                        "per_ledger_s": per_separate, "extrapolated_total_s": per_separate * n,
                        "extrapolated": len(sample) < n, "peak_mib_max": max(separate.peaks),
                        "cpu_s": separate.cpu, "load_before": separate.loads, "others_cores": separate.others}}
    out["separate_over_jobs2"] = per_separate / out["jobs2"]["per_ledger_s"]
    out["jobs1_over_jobs2"] = out["jobs1"]["median_s"] / out["jobs2"]["median_s"]
    return out


def run_stages(large: Path, repeat: int, env: dict) -> dict:
    done = subprocess.run([NODRUG[0], str(HERE / "stages.py"), str(large), "--repeat", str(repeat), "--as-of", AS_OF],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"run.py: benchmarks/stages.py failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def build(results: dict) -> tuple[str, list[dict]]:
    """The ratio table (markdown) and its rows as data."""
    c = results["contenders"]
    floor = results["floor"]
    rows: list[dict] = []

    def row(name: str, ours: dict | None, other: dict | None, ratio: float | None, target: str, state: str,
            other_note: str = "", ours_text: str | None = None, other_text: str | None = None) -> None:
        rows.append({"comparison": name, "nodrug": ours_text if ours_text is not None else cell(ours),
                     "other": other_text if other_text is not None else cell(other, other_note),
                     "ratio": f"{ratio:.2f}×" if ratio is not None else "—", "ratio_value": ratio,
                     "target": target, "status": state})

    fr = results.get("frictionless_unavailable")
    for size in ("large", "small"):
        score, validate = c[f"score/{size}"], c[f"validate/{size}"]
        fl, reader = c.get(floor[size]["key"]), floor[size]["reader"]
        naive, fric = c[f"naive/{size}"], c.get(f"frictionless/{size}")
        big = size == "large"
        r = score["median_s"] / fl["median_s"]
        row(f"`score` {size} ÷ floor", score, fl, r, "≤ 2.5×" if big else "",
            status(r, TARGETS["score_over_floor_max"] if big else None, True), reader)
        r = validate["median_s"] / fl["median_s"]
        row(f"`validate` {size} ÷ floor", validate, fl, r, "", "—", reader)
        r = naive["median_s"] / score["median_s"]
        row(f"naive (pandas + openpyxl) ÷ `score` {size}", score, naive, r, "≥ 8×" if big else "",
            status(r, TARGETS["naive_over_score_min"] if big else None, False))
        if fric is not None:
            r = fric["median_s"] / validate["median_s"]
            row(f"frictionless ({FRICTIONLESS_SHEET} only) ÷ `validate` {size}", validate, fric, r, "", "—")
        else:
            row(f"frictionless ÷ `validate` {size}", validate, None, None, "", "unavailable",
                other_text=f"unavailable: {fr}")
    h = c["help"]
    row("`nodrug --help` start-up", h, None, None, "≤ 0.3 s", status(h["median_s"], TARGETS["help_max_s"], True))
    peak = max(c["score/large"]["median_peak_mib"], c["validate/large"]["median_peak_mib"])
    row("peak memory on large (`validate`, `score`)", None, None, None, "≤ 1 GiB",
        status(peak, TARGETS["peak_large_max_mib"], True),
        ours_text=f"{c['validate/large']['median_peak_mib']:.0f} MiB, {c['score/large']['median_peak_mib']:.0f} MiB",
        other_text=f"{c[floor['large']['key']]['median_peak_mib']:.0f} MiB (floor, {floor['large']['reader']})")
    b = results["batch"]
    n = b["count"]
    limit = TARGETS["batch500_jobs2_max_s"] * n / 500
    scaled = " (scaled from 60 s for 500)" if n != 500 else ""
    row(f"`batch` {n} small, `--jobs 2`", b["jobs2"], b["jobs1"], b["jobs1_over_jobs2"], f"≤ {limit:.0f} s{scaled}",
        status(b["jobs2"]["median_s"], limit, True), "`--jobs 1`")
    sep = b["separate"]
    how = (f"{sep['per_ledger_s']:.3f} s/ledger, sample of {sep['sample']} scaled to {n}: {secs(sep['extrapolated_total_s'])}"
           if sep["extrapolated"] else f"{sep['per_ledger_s']:.3f} s/ledger, all {n}: {secs(sep['extrapolated_total_s'])}")
    row("one `score` process per ledger ÷ `batch --jobs 2`", None, None, b["separate_over_jobs2"], "≥ 5×",
        status(b["separate_over_jobs2"], TARGETS["batch_speedup_min"], False),
        ours_text=f"batch: {b['jobs2']['per_ledger_s']:.3f} s/ledger", other_text=how)
    table = markdown(["comparison", "nodrug (median · peak)", "other (median · peak)", "ratio", "target", "status"],
                     [[r["comparison"], r["nodrug"], r["other"], r["ratio"], r["target"] or "—", r["status"]]
                      for r in rows])
    return table, rows


def stage_table(stages: dict, wall: float) -> str:
    med, total = stages["median_s"], stages["in_process_total_s"]
    rows = []
    for top, parts in stages["stages"].items():
        rows.append([top, f"{med[top]:.3f}", f"{med[top] / total:.0%}"])
        rows += [[f"  ↳ {p}", f"{med[p]:.3f}", f"{med[p] / total:.0%}"] for p in parts]
    rows.append(["**in-process total**", f"**{total:.3f}**", "100%"])
    rest = wall - total
    rows.append(["(a fresh `nodrug score` process: interpreter, imports "
                 f"{stages['imports_s']:.2f} s while the workbook is read in the background, exit)", f"{rest:+.3f}",
                 f"{rest / total:+.0%}"])
    table = markdown(["stage (large ledger, `score --format json`)", "seconds", "share"], rows)
    note = f"\n\n(missing from this package, time left in the parent stage: {', '.join(stages['missing'])})" \
        if stages["missing"] else ""
    return table + note


def scaling_table(results: dict) -> tuple[str, dict]:
    c, ledgers = results["contenders"], results["ledgers"]
    keys = ["large"] + [f"large×{k}" for k in SCALES]
    base = None
    rows, data = [], {}
    for key in keys:
        s = c[f"score/{key}"]
        rowcount = ledgers[key]["data_rows"]
        per = s["median_s"] / rowcount * 1e6
        base = base or per
        factor = 1 if key == "large" else int(key.split("×")[1])
        data[key] = {"factor": factor, "persons": ledgers[key]["persons"], "data_rows": rowcount,
                     "median_s": s["median_s"], "median_peak_mib": s["median_peak_mib"], "us_per_row": per,
                     "per_row_vs_1x": per / base}
        rows.append([f"{factor}×", f"{ledgers[key]['persons']:,}", f"{rowcount:,}", secs(s["median_s"]),
                     f"{s['median_peak_mib']:.0f} MiB", f"{per:.1f} µs", f"{per / base:.2f}",
                     f"{s['median_peak_mib'] * 1024 / rowcount:.2f} KiB"])
    last = data[keys[-1]]["per_row_vs_1x"]
    verdict = (f"time per row at {SCALES[-1]}× is {last:.2f}× that at 1×: "
               + ("linear (or better)" if last <= 1.15 else "growing faster than linear"))
    data["verdict"] = verdict
    table = markdown(["size", "persons", "data rows", "`score` median", "peak memory", "time per row",
                      "per row ÷ 1×", "memory per row"], rows)
    return table + "\n\n" + verdict, data


def batch_cpu_line(b: dict) -> str:
    return "batch CPU (user + system, all processes): " + "; ".join(
        f"`--jobs {j}` {b[f'jobs{j}']['median_cpu_s']:.0f} s CPU in {b[f'jobs{j}']['median_s']:.0f} s wall "
        f"({b[f'jobs{j}']['median_cpu_s'] / b[f'jobs{j}']['median_s']:.2f} cores busy)" for j in (1, 2))


def load_line(results: dict) -> str:
    """How busy the rest of the machine was while the runs ran."""
    b = results["batch"]
    every = [*results["contenders"].values(), b["jobs1"], b["jobs2"], b["separate"]]
    loads = [x for c in every for x in c["load_before"]]
    others = [x for c in every for x in c["others_cores"]]
    results["machine_busy"] = {"load_before_median": statistics.median(loads), "load_before_max": max(loads),
                               "others_cores_median": statistics.median(others) if others else None,
                               "others_cores_max": max(others) if others else None,
                               "batch_jobs2_others_cores": statistics.median(b["jobs2"]["others_cores"])
                               if b["jobs2"]["others_cores"] else None}
    cores = os.cpu_count() or 1
    if not others:
        return f"machine load (1-minute average before each run): median {statistics.median(loads):.2f} on {cores} cores"
    text = (f"other processes on the machine used a median {statistics.median(others):.2f} of {cores} cores while the "
            f"runs ran (max {max(others):.2f}; during `batch --jobs 2`: "
            f"{results['machine_busy']['batch_jobs2_others_cores']:.2f})")
    if statistics.median(others) > 0.25:
        text += "; wall times are higher than on an idle machine (alternating spreads this over every contender alike)"
    if (results["machine_busy"]["batch_jobs2_others_cores"] or 0) > 0.25:
        text += "; `batch --jobs 2` could not have both cores to itself"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: {QUICK_ROUNDS} rounds, {QUICK_BATCH_COUNT} batch ledgers (unless given)")
    parser.add_argument("--repeat", type=int, help="rounds of every contender; medians are reported (default 5)")
    parser.add_argument("--batch-count", type=int, help="small ledgers in the batch folder (default 500)")
    parser.add_argument("--batch-repeat", type=int, default=1, help="rounds of the batch contenders (default 1)")
    parser.add_argument("--scaling", action=argparse.BooleanOptionalAction, default=True,
                        help="also score 2× and 4× the large ledger (default on)")
    parser.add_argument("--json", type=Path, default=HERE / "out" / "latest.json", help="where to write the results")
    parser.add_argument("--floor-python", help="interpreter for the fastexcel floor when this one lacks pyarrow "
                                               f"(default {FLOOR_VENV.relative_to(HERE.parent)}/bin/python if it exists)")
    parser.add_argument("--nodrug-python", help="interpreter nodrug runs in (default "
                                                f"{USER_VENV.relative_to(HERE.parent)}/bin/python if it exists, else this one)")
    parser.add_argument("--setup-venvs", action="store_true",
                        help=f"make {USER_VENV.relative_to(HERE.parent)} (nodrug installed as the README installs it: "
                             f"its runtime dependencies only) and {FLOOR_VENV.relative_to(HERE.parent)} (this Python's "
                             "packages + fastexcel, pyarrow), and exit")
    parser.add_argument("--show", type=Path, metavar="JSON", help="print the report of an earlier run's JSON and exit")
    parser.add_argument("--baseline", metavar="REF", help="also run nodrug score on the large ledger as of this git "
                                                          "commit, alternating with today's, and report the ratio")
    parser.add_argument("--baseline-only", action="store_true",
                        help="with --baseline: run only today's and the baseline's score of the large ledger (many "
                             "rounds fit in a few minutes on a noisy machine), print the ratio and write the JSON")
    args = parser.parse_args()
    if args.baseline_only and not args.baseline:
        parser.error("--baseline-only needs --baseline REF")
    if args.show:
        print(report(json.loads(args.show.read_text())))
        return
    if args.setup_venvs:
        subprocess.run([sys.executable, "-m", "venv", str(USER_VENV)], check=True)
        subprocess.run([str(USER_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "-e", str(HERE.parent)],
                       check=True)
        say(f"made {USER_VENV}; run.py now runs nodrug from it (editable: it runs this checkout's code)")
        subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(FLOOR_VENV)], check=True)
        subprocess.run([str(FLOOR_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "fastexcel", "pyarrow"],
                       check=True)
        say(f"made {FLOOR_VENV}; run.py now uses it for the fastexcel floor")
        return
    global NODRUG
    user_python = USER_VENV / "bin" / "python"
    NODRUG = [args.nodrug_python or (str(user_python) if user_python.exists() else sys.executable), "-m", "nodrug_cli"]
    repeat = args.repeat or (QUICK_ROUNDS if args.quick else 5)
    batch_count = args.batch_count or (QUICK_BATCH_COUNT if args.quick else 500)
    if repeat < 1 or batch_count < 1 or args.batch_repeat < 1:
        parser.error("--repeat, --batch-count and --batch-repeat must be at least 1")

    began = time.perf_counter()
    started_at = dt.datetime.now(dt.timezone.utc)
    results: dict = {"date": started_at.isoformat(timespec="seconds"), "as_of": AS_OF, "python": sys.executable,
                     "nodrug_python": nodrug_python_info(NODRUG[0]),
                     "args": {"quick": args.quick, "repeat": repeat, "batch_count": batch_count,
                              "batch_repeat": args.batch_repeat, "scaling": args.scaling},
                     "targets": TARGETS}
    with tempfile.TemporaryDirectory(prefix="nodrug-bench-") as tmpname:
        tmp = Path(tmpname)
        scratch = tmp / "scratch"
        scratch.mkdir()
        env = {**os.environ, "NODRUG_DB": str(tmp / "history.sqlite")}
        say(f"generating ledgers in {tmp} ({batch_count} small for the batch"
            + (", 2× and 4× large" if args.scaling else "") + ") …")
        if args.baseline_only:
            compare_with_baseline(tmp, args, repeat, env, scratch, results)
            return
        ledgers, folder, gen_s = generate(tmp, args.scaling, batch_count)
        results["generation_s"] = gen_s
        results["ledgers"] = {k: {"persons": p, "rows": row_counts(p), "data_rows": sum(row_counts(p).values()),
                                  "bytes": path.stat().st_size} for k, (path, p) in ledgers.items()}
        say(f"  generated in {gen_s:.0f} s (not measured)")

        small = ledgers["small"][0]
        pythons = floor_pythons(args.floor_python)
        readers = {}
        for reader in ("calamine", "fastexcel"):
            python, why = probe_reader(reader, pythons, small, env, scratch)
            readers[reader] = {"python": python, "unavailable": why or None}
            if python is None:
                say(f"  floor reader {reader}: unavailable: {why}")
        if readers["calamine"]["python"] is None:
            raise SystemExit(f"run.py: pandas + python-calamine cannot read the small ledger: "
                             f"{readers['calamine']['unavailable']}")
        results["floor_readers"] = readers
        fric_argv, fric_why = probe_frictionless(small, env, scratch)
        if fric_argv is None:
            say(f"  frictionless: unavailable: {fric_why}")
            results["frictionless_unavailable"] = fric_why
        results["machine"] = machine(readers["fastexcel"]["python"])

        contenders = [Contender("help", [*NODRUG, "--help"], nodrug_help)]
        for size in ("small", "large"):
            path, persons = ledgers[size]
            for command in ("validate", "score"):
                contenders.append(Contender(f"{command}/{size}", [*NODRUG, command, str(path), "--format", "json",
                                                                  "--as-of", AS_OF], nodrug_json))
            for reader, found in readers.items():
                if found["python"]:
                    contenders.append(Contender(f"floor-{reader}/{size}", [found["python"], "-c",
                                                READERS[reader].format(path=str(path))], all_sheets(persons)))
            contenders.append(Contender(f"naive/{size}", [sys.executable, "-c", READERS["openpyxl"].format(path=str(path))],
                                        all_sheets(persons)))
            if fric_argv:
                contenders.append(Contender(f"frictionless/{size}", [*fric_argv, path.name], frictionless_rows(persons),
                                            path.parent))
        if args.scaling:
            for k in SCALES:
                path, _ = ledgers[f"large×{k}"]
                contenders.append(Contender(f"score/large×{k}", [*NODRUG, "score", str(path), "--format", "json",
                                                                 "--as-of", AS_OF], nodrug_json))
        if args.baseline:
            contenders.append(baseline_contender(tmp, args.baseline, ledgers["large"][0], results))
        say(f"{len(contenders)} contenders × {repeat} rounds …")
        try:
            rounds(contenders, repeat, env, scratch, "main")
        finally:
            if args.baseline:
                subprocess.run(["git", "-C", str(HERE.parent), "worktree", "remove", "--force", str(tmp / "baseline")],
                               check=False)
        results["contenders"] = {c.key: c.summary() for c in contenders}

        results["floor"] = {}
        for size in ("small", "large"):
            found = {r: results["contenders"][f"floor-{r}/{size}"]["median_s"] for r in readers
                     if f"floor-{r}/{size}" in results["contenders"]}
            best = min(found, key=found.get)
            results["floor"][size] = {"reader": best, "key": f"floor-{best}/{size}", "candidates_s": found}

        say(f"batch: {batch_count} small ledgers, --jobs 1 / --jobs 2 / one process each, {args.batch_repeat} round(s) …")
        results["batch"] = run_batch_phase(folder, batch_count, args.batch_repeat, env, scratch)
        say(f"stage split of a large score, {repeat} runs in one process …")
        results["stages"] = run_stages(ledgers["large"][0], repeat, env)
    results["total_run_s"] = time.perf_counter() - began

    text = report(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(text + f"\n\neverything as JSON: {args.json} (run took {results['total_run_s'] / 60:.1f} min)")


def report(results: dict) -> str:
    """The printed report of a run's results (adds the table rows, machine load and scaling data to them)."""
    table, rows = build(results)
    results["table"] = rows
    stages = stage_table(results["stages"], results["contenders"]["score/large"]["median_s"])
    m, readers, run_args = results["machine"], results["floor_readers"], results["args"]
    floor_note = "; ".join(
        f"{size}: " + ", ".join(f"{r} {s:.2f} s" for r, s in f["candidates_s"].items()) + f" → {f['reader']}"
        for size, f in results["floor"].items())
    missing = [f"{r}: {v['unavailable']}" for r, v in readers.items() if v["unavailable"]]
    elsewhere = [f"{r} ran in {v['python']}" + (f" (pyarrow {m['floor_python']['versions'].get('pyarrow')})"
                                                if "floor_python" in m else "")
                 for r, v in readers.items() if v["python"] and v["python"] != results.get("python", sys.executable)]
    started_at = dt.datetime.fromisoformat(results["date"])
    lines = [
        f"nodrug benchmarks, {started_at:%Y-%m-%d %H:%M} UTC, as of {results['as_of']}; median of {run_args['repeat']} "
        f"rounds (batch: {run_args['batch_repeat']}), every run a fresh process, alternating",
        f"machine: {machine_line(m)}",
        nodrug_python_line(results.get("nodrug_python")),
        f"git: {m['git']['commit']}" + (f" + uncommitted changes in {', '.join(m['git']['uncommitted_in_nodrug_cli'])}"
                                        if m["git"]["uncommitted_in_nodrug_cli"] else ""),
        f"floor readers (median): {floor_note}" + (f"; {'; '.join(elsewhere)}" if elsewhere else "")
        + (f"; unavailable: {'; '.join(missing)}" if missing else ""),
        "",
        table,
        "",
        f"met: {sum(r['status'] == 'met' for r in rows)}, missed: "
        + (", ".join(r["comparison"] for r in rows if r["status"] == "missed") or "none"),
        "peak = the largest single process of a run (for batch: the batch process or one worker), not a sum",
        batch_cpu_line(results["batch"]),
        load_line(results),
        "",
        stages,
    ]
    if run_args["scaling"]:
        scaling, results["scaling"] = scaling_table(results)
        lines += ["", scaling]
    if "baseline" in results:
        now = results["contenders"]["score/large"]["median_s"]
        then = results["contenders"]["score/large@baseline"]["median_s"]
        results["baseline"]["ratio"] = now / then
        lines += ["", f"score/large now {now:.2f} s, at {results['baseline']['ref']} ({results['baseline']['commit']}) "
                      f"{then:.2f} s: {now / then:.2f}× (medians, same run, alternating)"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
