"""Checks and measures of a batch added up block by block, for `summary.json`.

Checks: violations per check, and the lowest run numbers that broke it.
Measures: per outcome, the count of runs with a value and either how many were
true (shares) or the mean and the sum of squared deviations (means), combined
across blocks with Chan's parallel formula so no block's values are kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.streams import BLOCK_SIZE
from sim.results import intervals
from sim.results.columns import measure_column, violated_column
from sim.results.summary_format import CheckRecord, MeasureRecord, MeasureStat

if TYPE_CHECKING:
    from sim.batch.blocks import BlockResult
    from sim.language.compiled import CompiledScenario, Measure

FIRST_RUNS = 5  # run numbers kept per check, to trace


class Observed:
    """The running figures of a batch's checks and measures."""

    def __init__(self, scenario: CompiledScenario) -> None:
        self.scenario = scenario
        self.violations = {c.id: 0 for c in scenario.checks}
        self.first_runs: dict[str, list[int]] = {c.id: [] for c in scenario.checks}
        shape = (len(scenario.measures), len(scenario.outcomes))  # outcomes in check order
        self.count = np.zeros(shape, dtype=np.int64)  # runs with a value
        self.mean = np.zeros(shape)  # their mean (shares: of 0/1)
        self.squares = np.zeros(shape)  # sum of squared deviations from the mean

    def add(self, result: BlockResult) -> None:
        start = result.block * BLOCK_SIZE
        for check_id, violated in result.violated.items():
            self.violations[check_id] += int(np.count_nonzero(violated))
            runs = start + np.flatnonzero(violated)[:FIRST_RUNS]
            merged = sorted({*self.first_runs[check_id], *runs.tolist()})
            self.first_runs[check_id] = merged[:FIRST_RUNS]
        for i, measure in enumerate(self.scenario.measures):
            values = result.measures[measure.id].astype(np.float64)
            for code in range(len(self.scenario.outcomes)):
                chosen = values[(result.outcome == code) & ~np.isnan(values)]
                self._combine(i, code, chosen)

    def _combine(self, i: int, code: int, values: np.ndarray) -> None:
        """Chan et al.: (count, mean, squares) of the runs so far and of `values`, together."""
        n_b = len(values)
        if n_b == 0:
            return
        mean_b = float(values.mean())
        squares_b = float(((values - mean_b) ** 2).sum())
        n_a, mean_a = self.count[i, code], self.mean[i, code]
        n = n_a + n_b
        delta = mean_b - mean_a
        self.mean[i, code] = mean_a + delta * n_b / n
        self.squares[i, code] += squares_b + delta**2 * n_a * n_b / n
        self.count[i, code] = n

    def checks(self, runs: int) -> list[CheckRecord]:
        records = []
        for check in self.scenario.checks:
            count = self.violations[check.id]
            low, high = intervals.wilson(count, runs)
            records.append(
                CheckRecord(
                    id=check.id,
                    holds=check.text,
                    checked="every-turn" if check.every_turn else "at-end",
                    message=check.message,
                    column=violated_column(check.id),
                    violations=count,
                    share=count / runs if runs else 0.0,
                    ci95=[float(low), float(high)],
                    first_runs=self.first_runs[check.id],
                )
            )
        return records

    def measures(self, order: list[int], ids: list[str]) -> list[MeasureRecord]:
        """Each measure overall and by outcome; `order` maps least severe first to codes."""
        records = []
        for i, measure in enumerate(self.scenario.measures):
            total = _pooled(self.count[i], self.mean[i], self.squares[i])
            by_outcome = {
                outcome: _stat(
                    measure, *_pooled(self.count[i, [c]], self.mean[i, [c]], self.squares[i, [c]])
                )
                for outcome, c in zip(ids, order, strict=True)
            }
            records.append(
                MeasureRecord(
                    id=measure.id,
                    label=measure.label,
                    description=measure.description,
                    kind=measure.kind,
                    statistic="share" if measure.boolean else "mean",
                    column=measure_column(measure.id),
                    overall=_stat(measure, *total),
                    by_outcome=by_outcome,
                )
            )
        return records


def _pooled(count: np.ndarray, mean: np.ndarray, squares: np.ndarray) -> tuple[int, float, float]:
    """(count, mean, squares) of several groups taken together."""
    n = int(count.sum())
    if n == 0:
        return 0, 0.0, 0.0
    pooled = float((count * mean).sum() / n)
    return n, pooled, float((squares + count * (mean - pooled) ** 2).sum())


def _stat(measure: Measure, n: int, mean: float, squares: float) -> MeasureStat:
    if n == 0:
        return MeasureStat(runs=0, value=None, ci95=None)
    if measure.boolean:
        count = round(mean * n)
        low, high = intervals.wilson(count, n)
        return MeasureStat(runs=n, value=count / n, ci95=[float(low), float(high)], count=count)
    sd = float(np.sqrt(squares / (n - 1))) if n > 1 else 0.0
    interval = intervals.mean_interval(n, mean, sd)
    ci95 = None if interval is None else [float(interval[0]), float(interval[1])]
    return MeasureStat(runs=n, value=mean, ci95=ci95, sd=sd)
