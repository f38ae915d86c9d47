"""A Monte Carlo batch beside the exact figures: each outcome's z-score, and whether the
two agree.

Outcome i with exact probability p_i, seen c_i times in N runs, has the z-score
(c_i - N p_i) / sqrt(N p_i (1 - p_i)). The two agree when every |z| is below
`Z_LIMIT` and Pearson's statistic Σ (c_i - N p_i)² / (N p_i), over the outcomes of
nonzero probability, is consistent with chance: its chi-square tail on (outcomes - 1)
degrees of freedom is above `CHI_SQUARE_LEVEL`. An outcome the exact analysis says is
impossible but the batch saw disagrees outright.

Each measure's overall figure and each check's violation share are set beside the exact
ones too: z = (estimate - exact) / standard error, the standard error of a share
sqrt(p (1 - p) / n) at the exact p, of a mean the batch's sd / sqrt(n); for a `first`
measure also the share of runs where it held. They agree when every |z| < `Z_LIMIT`.
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
from sim.results.summary_format import CheckRecord, MeasureRecord

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
class FigureCheck:
    """A measure's (or a check's) exact figure, the batch's, and the z-score."""

    id: str  # the measure or check; a `first` measure's share of runs where it held: "<id> held"
    statistic: str  # share or mean
    exact: float
    estimate: float
    runs: int  # the batch's runs with a value
    standard_error: float
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
    measures: tuple[FigureCheck, ...] = ()
    checks: tuple[FigureCheck, ...] = ()

    @property
    def largest_z(self) -> float:
        return max(abs(o.z) for o in self.outcomes)

    @property
    def largest_figure_z(self) -> float:
        """The largest |z| of the measures and checks (0 without any)."""
        return max((abs(f.z) for f in (*self.measures, *self.checks)), default=0.0)

    @property
    def agree(self) -> bool:
        return (
            self.largest_z < Z_LIMIT
            and self.p_value > CHI_SQUARE_LEVEL
            and self.largest_figure_z < Z_LIMIT
        )


def compare(
    result: ExactResult,
    counts: dict[str, int],
    runs: int,
    source: str,
    measure_records: list[MeasureRecord] | None = None,
    check_records: list[CheckRecord] | None = None,
) -> CrossCheck:
    """Set outcome `counts` of `runs` runs (and the batch's summary of its measures and
    checks) beside `result`."""
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
    return CrossCheck(
        source,
        runs,
        tuple(checks),
        chi_square,
        degrees,
        p_value,
        _measure_checks(result, measure_records or [], runs),
        tuple(
            _figure(c.id, "share", e.probability, c.share, runs, None)
            for e in result.checks
            for c in check_records or []
            if c.id == e.id
        ),
    )


def _measure_checks(
    result: ExactResult, records: list[MeasureRecord], runs: int
) -> tuple[FigureCheck, ...]:
    """Each measure's overall figure against the batch's (and a `first` one's share held)."""
    batch = {r.id: r for r in records}
    out = []
    for m in result.measures:
        record = batch.get(m.id)
        if record is None:
            continue
        stat = record.overall
        if m.kind == "first":
            held = stat.runs / runs if runs else 0.0
            out.append(_figure(f"{m.id} held", "share", m.overall.probability, held, runs, None))
        if m.overall.value is not None and stat.value is not None and stat.runs:
            sd = None if m.statistic == "share" else (stat.sd or 0.0)
            out.append(_figure(m.id, m.statistic, m.overall.value, stat.value, stat.runs, sd))
    return tuple(out)


def _figure(
    name: str, statistic: str, exact: float, estimate: float, runs: int, sd: float | None
) -> FigureCheck:
    """The z-score of a batch's share (`sd` None: binomial at the exact share) or mean."""
    if sd is None:
        error = math.sqrt(max(exact * (1.0 - exact), 0.0) / runs) if runs else 0.0
    else:
        error = sd / math.sqrt(runs) if runs else 0.0
    difference = estimate - exact
    if error > 0:
        z = difference / error
    else:
        z = 0.0 if abs(difference) <= 1e-9 * max(1.0, abs(exact)) else math.inf
    return FigureCheck(name, statistic, exact, estimate, runs, error, z)


def against_runs(
    result: ExactResult, scenario: CompiledScenario, runs: int, seed: int, progress: bool = False
) -> CrossCheck:
    """Run a Monte Carlo batch of `scenario` and set it beside `result`."""
    from sim.batch.runner import run

    batch = run(scenario, runs, seed, progress=progress)
    summary = batch.summary_model
    counts = {o.id: o.count for o in summary.outcomes}
    source = f"{runs:,} runs, seed {seed}"
    return compare(result, counts, runs, source, summary.measures, summary.checks)


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
    source = f"{folder} ({summary.runs:,} runs)"
    return compare(result, counts, summary.runs, source, summary.measures, summary.checks)
