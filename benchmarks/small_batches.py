"""Per-run throughput of a small batch (10^4 runs) against a large one (10^6), in one process.

Both are `sim.run` of turkish-straits, serial, in memory and (with `--out`) writing
a results folder as `wargame run --no-plots` does. The scenario is loaded once and
a small batch warms the caches first. Rounds alternate the two sizes (several small
batches, then one large) so a machine that speeds up or slows down during the
measurement weighs on both; each round gives a ratio of per-run CPU time, and the
median over rounds is reported. CPU time (`time.process_time`) is the steadier figure
on a shared machine.

    python benchmarks/small_batches.py
    python benchmarks/small_batches.py --rounds 5 --small 10000 --large 1000000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import sim

SCENARIO = "turkish-straits"


def cpu_per_run(scenario: sim.CompiledScenario, runs: int, repeats: int, out: Path | None) -> float:
    """CPU seconds per run of `repeats` batches of `runs` (each to a new folder under `out`)."""
    started = time.process_time()
    for repeat in range(repeats):
        folder = None if out is None else out / f"batch-{runs}-{time.monotonic_ns()}-{repeat}"
        sim.run(scenario, runs=runs, seed=1, out=folder)
    return (time.process_time() - started) / (runs * repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    repeats = max(1, options.large // options.small // 10)  # a tenth of the large batch's runs
    scenario = sim.load_scenario(SCENARIO)
    base = Path(tempfile.mkdtemp(prefix="small-batches-"))
    try:
        sim.run(scenario, runs=options.small, seed=1, out=base / "warm-up")
        print(f"load average at the start: {os.getloadavg()[0]:.2f}")
        for label, out in (("in memory", None), ("to a folder", base)):
            ratios = []
            for _ in range(options.rounds):
                small = cpu_per_run(scenario, options.small, repeats, out)
                large = cpu_per_run(scenario, options.large, 1, out)
                ratios.append(large / small)
                print(
                    f"{label:<12} {options.small:>9,} runs: {1 / small:9,.0f} runs per CPU s"
                    f"   {options.large:>9,} runs: {1 / large:9,.0f} runs per CPU s"
                    f"   ratio {large / small:.2f}"
                )
            print(f"{label}: median ratio of per-run throughput {statistics.median(ratios):.2f}")
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
