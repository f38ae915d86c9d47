"""Throughput and peak memory of `wargame run`, against one run per Mesa model.

For each bundled scenario (or those named), and each batch size, a fresh
Python process runs the batch serially, pinned to one core, writing a
results folder without plots (what `wargame run --no-plots` does), and
reports its wall time and peak resident memory. The baseline plays the same
scenario one run per Mesa model (a model of one lane, run after run), the
way an agent-based model without lockstep lanes would.

    python benchmarks/bench.py                       # every bundled scenario
    python benchmarks/bench.py turkish-straits --sizes 10000 100000
    python benchmarks/bench.py --baseline-runs 500   # a quicker baseline

Each measurement is a separate process so that its peak memory is its own.
Times exclude starting Python and importing the package (reported apart).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.engine.streams import BLOCK_SIZE

SIZES = (10_000, 100_000, 1_000_000)
BASELINE_RUNS = 2_000
SEED = 1


# --- one measurement, in its own process -------------------------------------


def measure_batch(scenario: str, runs: int) -> dict:
    """Run a batch to a results folder; its time and this process's peak memory."""
    started = time.perf_counter()
    import sim
    import sim.batch.runner
    import sim.batch.sinks
    import sim.engine.sampling  # the package loads these on first use: import them untimed

    imported = time.perf_counter() - started
    compiled = sim.load_scenario(scenario)
    with tempfile.TemporaryDirectory() as folder:
        started, cpu = time.perf_counter(), time.process_time()
        sim.run(compiled, runs, SEED, out=Path(folder) / "results")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "runs": runs,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "import_seconds": imported,
        "peak_mb": _peak_mb(),
    }


def measure_baseline(scenario: str, runs: int) -> dict:
    """Play `runs` runs one per model: each its own EscalationModel of one lane."""
    import numpy as np

    import sim
    from sim.engine import EscalationModel
    from sim.engine.streams import BLOCK_SIZE

    compiled = sim.load_scenario(scenario)
    started, cpu = time.perf_counter(), time.process_time()
    for run in range(runs):
        block, lane = divmod(run, BLOCK_SIZE)
        model = EscalationModel(compiled, SEED, block, lanes=np.array([lane]))
        model.run()
        model.release()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"runs": runs, "seconds": seconds, "cpu_seconds": cpu, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB


# --- the driver ----------------------------------------------------------------


def measure(kind: str, scenario: str, runs: int) -> dict:
    """Run one measurement in a fresh interpreter pinned to one core."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import bench; "
        "print(json.dumps(getattr(bench, sys.argv[2])(sys.argv[3], int(sys.argv[4]))))"
    )
    command = [sys.executable, "-c", code, str(Path(__file__).parent), kind, scenario, str(runs)]
    environment = os.environ | {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    process = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=environment,
        preexec_fn=_one_core if hasattr(os, "sched_setaffinity") else None,
        check=False,
    )
    if process.returncode != 0:
        raise SystemExit(f"{kind} {scenario} {runs} failed:\n{process.stderr}")
    return json.loads(process.stdout.strip().splitlines()[-1])


def _one_core() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def machine() -> dict:
    import numpy

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Runs per second and peak memory of batches.")
    parser.add_argument(
        "scenarios", nargs="*", help="bundled names or files (default: all bundled)"
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--baseline-runs", type=int, default=BASELINE_RUNS)
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args()
    if not args.scenarios:
        from sim.scenario import catalog

        args.scenarios = [entry.name for entry in catalog.bundled()]

    info = machine()
    print(
        f"{info['date']}, {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
        f"numpy {info['numpy']}, load average at start {info['load']}"
    )
    rows = []
    for scenario in args.scenarios:
        baseline = measure("measure_baseline", scenario, args.baseline_runs)
        base_rate = baseline["runs"] / baseline["seconds"]
        rows.append(_row(scenario, "one run per model", baseline, base_rate))
        print(_format(rows[-1]), file=sys.stderr, flush=True)
        for runs in args.sizes:
            batch = measure("measure_batch", scenario, runs)
            how = f"lanes (blocks of {BLOCK_SIZE:,})"
            rows.append(_row(scenario, how, batch, base_rate))
            print(_format(rows[-1]), file=sys.stderr, flush=True)
    print()
    print(_table(rows))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "rows": rows}, indent=2) + "\n")


def _row(scenario: str, how: str, measured: dict, base_rate: float) -> dict:
    rate = measured["runs"] / measured["seconds"]
    return {
        "scenario": scenario,
        "how": how,
        "runs": measured["runs"],
        "seconds": round(measured["seconds"], 2),
        "runs_per_second": round(rate),
        "runs_per_cpu_second": round(measured["runs"] / measured["cpu_seconds"]),
        "peak_mb": round(measured["peak_mb"]),
        "ratio": round(rate / base_rate, 1),
    }


def _format(row: dict) -> str:
    return (
        f"| {row['scenario']} | {row['how']} | {row['runs']:,} | {row['seconds']:.2f} "
        f"| {row['runs_per_second']:,} | {row['runs_per_cpu_second']:,} | {row['peak_mb']:,} "
        f"| {row['ratio']:g}x |"
    )


def _table(rows: list[dict]) -> str:
    head = (
        "| scenario | how | runs | seconds | runs/s | runs per CPU s | peak RSS (MB) "
        "| runs/s vs one run per model |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    return "\n".join([head, *(_format(row) for row in rows)])


if __name__ == "__main__":
    main()
