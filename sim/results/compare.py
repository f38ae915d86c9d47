"""Comparing the outcome distributions of several batches: "what did my tweak change?"

Pure statistics on the outcome counts of `summary.json`: a chi-square test of
homogeneity across all batches, and for each later batch and each outcome the
difference from the first batch with an interval and an exact test, adjusted
for the number of comparisons (Bonferroni), so that "significant" can be read
outcome by outcome without fishing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from sim.errors import WargameError
from sim.results import intervals

ALPHA = 0.05
MIN_EXPECTED = 5  # below this expected count the chi-square approximation is rough


class IncomparableError(WargameError):
    """Batches that cannot be compared: different outcome sets, or fewer than two."""


@dataclass(frozen=True)
class Difference:
    """One outcome's probability in a batch minus the baseline's, with its adjusted test."""

    outcome: str
    batch: int  # index of the batch compared with batch 0
    estimate: float
    low: float  # simultaneous interval: at confidence 1 - alpha / comparisons
    high: float
    p_value: float  # Fisher's exact test, unadjusted
    p_adjusted: float  # Bonferroni: p_value * comparisons, at most 1
    significant: bool


@dataclass(frozen=True)
class Comparison:
    """The outcome counts of several batches and the tests of their differences."""

    outcomes: list[str]  # least severe first
    counts: np.ndarray  # (batches, outcomes) int
    chi2: float
    dof: int
    p_value: float  # chi-square test of homogeneity
    differences: list[Difference]  # each later batch against the first
    alpha: float = ALPHA
    sparse: bool = False  # some expected count below MIN_EXPECTED
    notes: list[str] = field(default_factory=list)

    @property
    def runs(self) -> np.ndarray:
        return self.counts.sum(axis=1)

    @property
    def probabilities(self) -> np.ndarray:
        return self.counts / self.runs[:, None]

    @property
    def significant(self) -> bool:
        """Whether the distributions differ at level `alpha` (chi-square test)."""
        return self.p_value < self.alpha

    @property
    def comparisons(self) -> int:
        return len(self.differences)

    def intervals(self) -> tuple[np.ndarray, np.ndarray]:
        """95% Wilson intervals (low, high) of every batch's outcome probabilities."""
        return intervals.wilson(self.counts, self.runs[:, None])

    def table(self) -> pd.DataFrame:
        """One row per later batch and outcome: the difference from batch 0 and its test."""
        return pd.DataFrame([asdict(d) for d in self.differences]).set_index(["batch", "outcome"])


def outcome_counts(summary: dict) -> dict[str, int]:
    """Outcome id -> runs, from a `summary.json`, least severe first."""
    return {o["id"]: int(o["count"]) for o in summary["outcomes"]}


def compare(summaries: list[dict], alpha: float = ALPHA) -> Comparison:
    """Compare the outcome distributions of two or more batches (the first is the baseline)."""
    if len(summaries) < 2:
        raise IncomparableError("give at least two results folders to compare")
    outcomes = list(outcome_counts(summaries[0]))
    for summary in summaries[1:]:
        other = list(outcome_counts(summary))
        if set(other) != set(outcomes):
            raise IncomparableError(
                f"the batches have different outcomes ({', '.join(outcomes)} against "
                f"{', '.join(other)}); only batches of scenarios with the same outcomes compare"
            )
    counts = np.array([[outcome_counts(s)[o] for o in outcomes] for s in summaries])
    chi2, dof, p_value, sparse = _homogeneity(counts)
    differences = _differences(outcomes, counts, alpha)
    notes = []
    seeds = {s.get("seed") for s in summaries}
    if len(seeds) == 1:
        notes.append(
            "The batches share a seed, so their runs share random numbers (common random "
            "numbers) and their differences are less noisy than the tests assume: the tests "
            "are conservative."
        )
    if sparse:
        notes.append(
            f"Some outcomes are rare (an expected count below {MIN_EXPECTED}): the chi-square "
            "test is approximate there; the exact per-outcome tests are not."
        )
    return Comparison(outcomes, counts, chi2, dof, p_value, differences, alpha, sparse, notes)


def _homogeneity(counts: np.ndarray) -> tuple[float, int, float, bool]:
    """Chi-square test that every batch has the same outcome distribution."""
    reached = counts[:, counts.sum(axis=0) > 0]
    if reached.shape[1] < 2:
        return 0.0, 0, 1.0, False  # every run of every batch ended the same way
    result = stats.chi2_contingency(reached, correction=False)
    sparse = bool((result.expected_freq < MIN_EXPECTED).any())
    return float(result.statistic), int(result.dof), float(result.pvalue), sparse


def _differences(outcomes: list[str], counts: np.ndarray, alpha: float) -> list[Difference]:
    runs = counts.sum(axis=1)
    comparisons = (len(counts) - 1) * len(outcomes)
    confidence = 1 - alpha / comparisons
    found = []
    for batch in range(1, len(counts)):
        estimate, low, high = intervals.difference(
            counts[0], runs[0], counts[batch], runs[batch], confidence
        )
        for k, outcome in enumerate(outcomes):
            a, b = counts[0, k], counts[batch, k]
            table = [[b, runs[batch] - b], [a, runs[0] - a]]
            p_value = float(stats.fisher_exact(table).pvalue) if a + b > 0 else 1.0
            adjusted = min(1.0, p_value * comparisons)
            found.append(
                Difference(
                    outcome,
                    batch,
                    float(estimate[k]),
                    float(low[k]),
                    float(high[k]),
                    p_value,
                    adjusted,
                    adjusted < alpha,
                )
            )
    return found
