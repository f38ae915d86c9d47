"""Where a batch's time goes, phase by phase (a profiling aid, not a test).

Wraps the engine's methods with timers that charge each moment to the
innermost phase running, so the phases add up to the whole batch:

    python benchmarks/phases.py turkish-straits --runs 100000

The timers cost a few microseconds per call, which adds about a third to the
total: compare phases with each other, not with an untimed run. For a
sampling profile of the same batch without them, use
`py-spy record -- python benchmarks/phases.py turkish-straits --untimed`.
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import mesa

import sim
from sim.batch import parquet, runner, sinks, summary
from sim.engine import model as engine
from sim.engine.streams import Stream

# (owner, method, phase): the phase a method's own time is charged to
PHASES = [
    (engine.EscalationModel, "__init__", "set-up: streams, parameters, state"),
    (engine.EscalationModel, "_evaluate", "rule and option conditions"),
    (engine.EscalationModel, "_chance", "chances and weights"),
    (engine.EscalationModel, "_choose_option", "weighted options"),
    (engine.EscalationModel, "_hold_vote", "alliance votes"),
    (engine.EscalationModel, "_take_effect", "effects (incl. delayed scheduling)"),
    (engine.EscalationModel, "_delayed_effects", "delayed effects taking hold"),
    (engine.EscalationModel, "_check_outcomes", "outcome checks"),
    (engine.EscalationModel, "resolve", "rule bookkeeping (masks, skips)"),
    (engine.EscalationModel, "level_counts", "data collection"),
    (mesa.DataCollector, "collect", "data collection"),
    (Stream, "row", "random draws"),
    (Stream, "skip", "random draws"),
    (summary.Summariser, "add", "summary aggregation"),
    (parquet, "block_table", "per-run table (Arrow)"),
    (sinks.FolderSink, "add", "block files (npz)"),
    (parquet.pq.ParquetWriter, "write_table", "parquet writing"),
]
# phases that keep their own name when a condition or draw runs inside them
KEEPS = {"outcome checks": "_evaluate"}


class Clock:
    """Exclusive time per phase: a stack of running phases, the top one charged."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[str] = ["other (runner, sinks, Python)"]
        self.since = time.perf_counter()

    def enter(self, phase: str) -> None:
        now = time.perf_counter()
        self.totals[self.stack[-1]] += now - self.since
        self.since = now
        self.stack.append(phase)
        self.calls[phase] += 1

    def leave(self) -> None:
        now = time.perf_counter()
        self.totals[self.stack.pop()] += now - self.since
        self.since = now


def instrument(clock: Clock) -> None:
    for owner, name, phase in PHASES:
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args, __original=original, __phase=phase, __name=name, **kwargs):
            top = clock.stack[-1]
            if KEEPS.get(top) == __name:
                return __original(*args, **kwargs)
            clock.enter(__phase)
            try:
                return __original(*args, **kwargs)
            finally:
                clock.leave()

        setattr(owner, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="turkish-straits")
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--untimed", action="store_true", help="no timers (for py-spy)")
    args = parser.parse_args()
    scenario = sim.load_scenario(args.scenario)
    clock = Clock()
    if not args.untimed:
        instrument(clock)
    with tempfile.TemporaryDirectory() as folder:
        started, cpu = time.perf_counter(), time.process_time()
        clock.since = started
        runner.run(scenario, args.runs, args.seed, out=Path(folder) / "results")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        clock.leave()
    print(
        f"{args.scenario}: {args.runs:,} runs in {elapsed:.2f} s ({args.runs / elapsed:,.0f} "
        f"runs/s); CPU {cpu:.2f} s ({args.runs / cpu:,.0f} runs per CPU second)"
    )
    if args.untimed:
        return
    width = max(len(p) for p in clock.totals)
    print(f"{'phase':<{width}}  {'seconds':>8}  {'share':>6}  {'calls':>8}")
    for phase, seconds in sorted(clock.totals.items(), key=lambda item: -item[1]):
        share = seconds / elapsed
        print(f"{phase:<{width}}  {seconds:8.2f}  {share:6.1%}  {clock.calls.get(phase, 0):8,}")


if __name__ == "__main__":
    main()
