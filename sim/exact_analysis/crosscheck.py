"""A Monte Carlo batch beside the exact figures: each outcome's z-score, and whether the
two agree.

Outcome i with exact probability p_i, seen c_i times in N runs, has the z-score
(c_i - N p_i) / sqrt(N p_i (1 - p_i)). The two agree when every |z| is below
`Z_LIMIT` and Pearson's statistic Σ (c_i - N p_i)² / (N p_i), over the outcomes of
nonzero probability, is consistent with chance: its chi-square tail on (outcomes - 1)
degrees of freedom is above `CHI_SQUARE_LEVEL`. An outcome the exact analysis says is
impossible but the batch saw disagrees outright.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from sim.errors import ResultsError
from sim.exact_analysis.result import ExactResult
from sim.language.compiled import CompiledScenario

Z_LIMIT = 4.0
CHI_SQUARE_LEVEL = 0.001


@dataclass(frozen=True)
class OutcomeCheck:
    """One outcome: its exact probability, the batch's count and share, and the z-score."""

    id: str
    exact: float
    count: int
    share: float
    z: float


@dataclass(frozen=True)
class CrossCheck:
    """The batch beside the exact figures, and the verdict."""

    source: str  # the folder read, or the batch's runs and seed
    runs: int
    outcomes: tuple[OutcomeCheck, ...]
    chi_square: float
    degrees: int
    p_value: float

    @property
    def largest_z(self) -> float:
        return max(abs(o.z) for o in self.outcomes)

    @property
    def agree(self) -> bool:
        return self.largest_z < Z_LIMIT and self.p_value > CHI_SQUARE_LEVEL


def compare(result: ExactResult, counts: dict[str, int], runs: int, source: str) -> CrossCheck:
    """Set outcome `counts` of `runs` runs beside `result`."""
    checks = []
    chi_square, degrees = 0.0, -1
    for outcome in result.outcomes:
        p, count = outcome.probability, counts.get(outcome.id, 0)
        expected = runs * p
        spread = math.sqrt(expected * (1.0 - p))
        if spread > 0:
            z = (count - expected) / spread
        else:
            z = 0.0 if count == round(expected) else math.inf
        if p > 0:
            chi_square += (count - expected) ** 2 / expected
            degrees += 1
        elif count > 0:
            chi_square = math.inf
        checks.append(OutcomeCheck(outcome.id, p, count, count / runs, z))
    degrees = max(degrees, 1)
    p_value = float(stats.chi2.sf(chi_square, degrees)) if np.isfinite(chi_square) else 0.0
    return CrossCheck(source, runs, tuple(checks), chi_square, degrees, p_value)


def against_runs(
    result: ExactResult, scenario: CompiledScenario, runs: int, seed: int, progress: bool = False
) -> CrossCheck:
    """Run a Monte Carlo batch of `scenario` and set it beside `result`."""
    from sim.batch.runner import run

    batch = run(scenario, runs, seed, progress=progress)
    counts = {o.id: o.count for o in batch.summary_model.outcomes}
    return compare(result, counts, runs, f"{runs:,} runs, seed {seed}")


def against_folder(result: ExactResult, scenario: CompiledScenario, folder: Path) -> CrossCheck:
    """Set the batch in results `folder` beside `result`; it must be of the same scenario
    with the same parameters."""
    from sim.results.folder import read_results, read_scenario

    batch = read_results(folder)
    summary = batch.summary_model
    if summary.scenario != scenario.id or read_scenario(folder) != scenario.data:
        differs = "another scenario" if summary.scenario != scenario.id else "other parameters"
        raise ResultsError(
            f"{folder}: these results are of {differs} ({summary.command}); run the batch "
            f"again, or compare with --runs N"
        )
    counts = {o.id: o.count for o in summary.outcomes}
    return compare(result, counts, summary.runs, f"{folder} ({summary.runs:,} runs)")
