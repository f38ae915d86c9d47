"""The cost of a sweep against one batch of the same number of runs, in one process.

A sweep of 1,000 design points x 1,000 runs of turkish-straits (`sim.explore`,
design points packed into block lanes) against one batch of 10^6 runs of the
same scenario (`sim.run`, in memory). Both run serially in this process, after
the scenario is loaded and one small batch has warmed the caches; the batch is
timed before and after the sweep, and the ratio uses their mean, so a machine
that speeds up or slows down during the measurement shows in the two batch
times. CPU time (`time.process_time`) is the steadier figure on a shared machine.

    python benchmarks/explore.py
    python benchmarks/explore.py --points 1000 --runs-per-point 1000 --seed 1
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import sim

SCENARIO = "turkish-straits"
VARY = {
    "russian_risk_acceptance": "0.05:0.6",
    "nato_cohesion": "0.6:1",
    "turkey_alignment": "0.4:0.9",
    "carrier_present": "true,false",
}


def timed(what: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    what()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--runs-per-point", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    runs = options.points * options.runs_per_point
    scenario = sim.load_scenario(SCENARIO)
    sim.run(scenario, runs=10_000, seed=options.seed)  # warm-up: first-use imports, caches
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")

    def batch() -> object:
        return sim.run(scenario, runs=runs, seed=options.seed)

    def sweep() -> object:
        return sim.explore(
            scenario,
            VARY,
            design="lhs",
            points=options.points,
            runs_per_point=options.runs_per_point,
            seed=options.seed,
        )

    before = timed(batch)
    swept = timed(sweep)
    after = timed(batch)
    rows = [("one batch (before)", before), ("sweep", swept), ("one batch (after)", after)]
    for name, (wall, cpu) in rows:
        print(f"{name:<20} {runs:>10,} runs  {wall:7.2f} s wall  {cpu:7.2f} s CPU")
    for index, kind in enumerate(("wall", "CPU")):
        mean = (before[index] + after[index]) / 2
        print(f"sweep / batch ({kind}): {swept[index] / mean:.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
