"""Benchmark kzdata against its baselines, measured in the same run (cold subprocesses).

Usage: python benchmarks/bench.py [--runs 7] [--sizes 10000,100000,1000000] [--quick]

Prints a table and the ratios against the targets, and writes benchmarks/results.json.
Timings are medians of interleaved cold runs; memory is the peak RSS of the child process.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
BIN = Path(PY).parent
WRAP = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")


def measure(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MiB, exit code) of one cold run of ``cmd``."""
    out = subprocess.run([PY, "-c", WRAP, *cmd], cwd=cwd, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024, int(out[2])


def compare(cases: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, dict[str, float]]:
    """Interleave the cases ``runs`` times; median time and max peak memory per case."""
    times: dict[str, list[float]] = {k: [] for k in cases}
    mems: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(runs):
        for name, cmd in cases.items():
            seconds, mib, _ = measure(cmd, cwd)
            times[name].append(seconds)
            mems[name].append(mib)
    return {k: {"median_s": statistics.median(times[k]), "peak_mib": max(mems[k])} for k in cases}


def package_root() -> Path:
    out = subprocess.run([PY, "-c", "import kzdata._resources as r; print(r.package_root())"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def scaled_copy(root: Path, target: Path, rows: int) -> Path:
    """A foreign-key-consistent copy with ``rows`` rows in election_results and threats."""
    shutil.copytree(root, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"), dirs_exist_ok=True)
    for table, key in (("election_results", "contestant_id"), ("threats", "threat_id")):
        path = target / "data" / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            base = list(reader)
        column = header.index(key)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(base)  # the shipped rows stay (citations point at them)
            for n in range(len(base), rows):
                row = list(base[n % len(base)])
                row[column] = f"{row[column]}-{n}"  # unique keys; every foreign key still resolves
                if table == "election_results":
                    row[header.index("votes")] = ""  # keep per-election sums within ballots cast
                    row[header.index("vote_pct")] = ""
                    row[header.index("seats")] = ""
                writer.writerow(row)
    return target


CORPUS = """
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import kzdata
from corpus import CASES, materialise
from kzdata.errors import KzdataError
timings = {"auto": 0.0, "frictionless": 0.0}
with tempfile.TemporaryDirectory() as tmp:
    for number, case in enumerate(CASES):
        folder = materialise(case, Path(tmp) / str(number))
        for engine in timings:
            started = time.perf_counter()
            try:
                kzdata.validate(folder, engine=engine)
            except KzdataError:
                pass
            timings[engine] += time.perf_counter() - started
print(len(CASES), timings["auto"], timings["frictionless"])
"""


def corpus_timing() -> dict[str, float]:
    """Seconds to validate every differential-corpus case with each engine (one warm process)."""
    out = subprocess.run([PY, "-c", CORPUS, str(HERE.parent / "tests")], capture_output=True, text=True,
                         check=True).stdout.split()
    return {"cases": int(out[0]), "default_s": round(float(out[1]), 2), "frictionless_s": round(float(out[2]), 2)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--quick", action="store_true", help="3 runs, sizes 1000,10000 (for a smoke test)")
    args = parser.parse_args()
    runs, sizes = (3, [1000, 10000]) if args.quick else (args.runs, [int(s) for s in args.sizes.split(",")])
    root = package_root()
    tables = json.loads((root / "datapackage.json").read_text())["resources"]
    results: dict[str, object] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "processor": platform.processor() or platform.machine()},
        "runs": runs,
    }
    read_all = "; ".join(f"pandas.read_csv({str(root / r['path'])!r})" for r in tables)
    load_all = "; ".join(f"kzdata.load({r['name']!r})" for r in tables)
    cases = {
        "kzdata_load_one": [PY, "-c", "import kzdata; kzdata.load('election_results')"],
        "pandas_read_one": [PY, "-c", f"import pandas; pandas.read_csv({str(root / 'data/election_results.csv')!r})"],
        "kzdata_load_all": [PY, "-c", f"import kzdata; {load_all}"],
        "pandas_read_all": [PY, "-c", f"import pandas; {read_all}"],
        "kzdata_validate": [str(BIN / "kzdata"), "validate", str(root)],
        "frictionless_validate": [str(BIN / "frictionless"), "validate", str(root / "datapackage.json")],
    }
    shipped = compare(cases, HERE, runs)
    results["shipped"] = shipped
    ratios = {
        "load_one_vs_pandas": (shipped["kzdata_load_one"]["median_s"] / shipped["pandas_read_one"]["median_s"], 1.15),
        "load_all_vs_pandas": (shipped["kzdata_load_all"]["median_s"] / shipped["pandas_read_all"]["median_s"], 1.30),
        "load_all_memory_vs_pandas": (shipped["kzdata_load_all"]["peak_mib"] / shipped["pandas_read_all"]["peak_mib"],
                                      1.20),
        "validate_vs_frictionless": (shipped["kzdata_validate"]["median_s"]
                                     / shipped["frictionless_validate"]["median_s"], 1.25),
    }
    scaling = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            copy = scaled_copy(root, Path(tmp) / f"pkg{rows}", rows)
            started = time.perf_counter()
            seconds, mib, code = measure([str(BIN / "kzdata"), "validate", str(copy)], HERE)
            scaling[rows] = {"validate_s": seconds, "peak_mib": mib, "exit": code,
                             "wall_s": time.perf_counter() - started}
            shutil.rmtree(copy)
    results["scaling"] = scaling
    results["corpus"] = corpus_timing()
    largest, smallest = max(sizes), min(sizes)
    growth = (scaling[largest]["validate_s"] / scaling[smallest]["validate_s"]) / (largest / smallest)
    results["ratios"] = {k: {"ratio": round(v, 3), "target": t, "met": v <= t} for k, (v, t) in ratios.items()}
    results["scaling_targets"] = {
        "growth_vs_linear": round(growth, 3), "linear_or_better": growth <= 1.1,
        "largest_rows": largest, "largest_seconds": round(scaling[largest]["validate_s"], 2),
        "largest_peak_mib": round(scaling[largest]["peak_mib"], 1),
        "met": growth <= 1.1 and (largest < 1_000_000 or (scaling[largest]["validate_s"] < 60
                                                          and scaling[largest]["peak_mib"] < 2048)),
    }
    print(f"{'case':<24}{'median s':>10}{'peak MiB':>10}")
    for name, r in shipped.items():
        print(f"{name:<24}{r['median_s']:>10.3f}{r['peak_mib']:>10.1f}")
    print(f"\n{'ratio':<28}{'value':>8}{'target':>8}  met")
    for name, r in results["ratios"].items():
        print(f"{name:<28}{r['ratio']:>8.3f}{r['target']:>8.2f}  {r['met']}")
    print(f"\n{'rows':>10}{'validate s':>12}{'peak MiB':>10}  exit")
    for rows, r in scaling.items():
        print(f"{rows:>10}{r['validate_s']:>12.2f}{r['peak_mib']:>10.1f}  {r['exit']}")
    print(f"\nscaling: {results['scaling_targets']}")
    print(f"differential corpus: {results['corpus']}")
    if not args.quick:
        (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
