"""Comparing the outcome distributions of several batches: "what did my tweak change?"

Pure statistics on the outcome counts of `summary.json`: a chi-square test of
homogeneity across all batches, and for each later batch and each outcome the
difference from the first batch with an interval and an exact test, adjusted
for the number of comparisons (Bonferroni), so that "significant" can be read
outcome by outcome without fishing.

Batches with the same seed and run numbers pair run for run (`sim.results.pairing`):
`compare_results` then tests each outcome with McNemar's exact test and a paired
interval, and two batches overall with the Stuart-Maxwell test, all of which use
the shared random numbers instead of treating the batches as independent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats

from sim.errors import WargameError
from sim.results import intervals, pairing
from sim.results.folder import Results

ALPHA = 0.05
UNPAIRED = "Fisher's exact test"
PAIRED = "McNemar's exact test (paired runs)"
HOMOGENEITY = "chi-square test of homogeneity"
MARGINAL = "Stuart-Maxwell test of marginal homogeneity (paired runs)"
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
    p_value: float  # `test`, unadjusted
    p_adjusted: float  # Bonferroni: p_value * comparisons, at most 1
    significant: bool
    test: str = UNPAIRED  # or PAIRED, with Newcombe's paired interval


@dataclass(frozen=True)
class Comparison:
    """The outcome counts of several batches and the tests of their differences."""

    outcomes: list[str]  # least severe first
    counts: np.ndarray  # (batches, outcomes) int
    chi2: float
    dof: int
    p_value: float  # of `test`
    differences: list[Difference]  # each later batch against the first
    alpha: float = ALPHA
    sparse: bool = False  # some expected count below MIN_EXPECTED
    notes: list[str] = field(default_factory=list)
    test: str = HOMOGENEITY  # or MARGINAL, for two paired batches

    @property
    def runs(self) -> np.ndarray:
        runs: np.ndarray = self.counts.sum(axis=1)
        return runs

    @property
    def probabilities(self) -> np.ndarray:
        probabilities: np.ndarray = self.counts / self.runs[:, None]
        return probabilities

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


def compare_results(batches: list[Results], alpha: float = ALPHA) -> Comparison:
    """Compare batches read back (the first is the baseline), pairing runs where they pair.

    A later batch with the first one's seed and run numbers is compared run for
    run; a note says which batches were paired, and warns when their scenarios
    differ in more than parameters (the runs then share only the random numbers
    of the rules, events and parameters both have).
    """
    summaries = [b.summary for b in batches]
    outcomes = list(outcome_counts(summaries[0])) if summaries else []
    _check_outcomes(summaries)
    pairs = [pairing.cross_table(batches[0], b, outcomes) for b in batches[1:]]
    comparison = compare(summaries, alpha, pairs)
    notes = [n for n in comparison.notes if not n.startswith("The batches share a seed")]
    return replace(comparison, notes=_pairing_notes(batches, pairs) + notes)


def compare(
    summaries: list[dict],
    alpha: float = ALPHA,
    pairs: Sequence[np.ndarray | None] | None = None,
) -> Comparison:
    """Compare the outcome distributions of two or more batches (the first is the baseline).

    `pairs`, one per later batch, is its cross-table of runs against the first
    batch's (`pairing.cross_table`), or None where the runs do not pair.
    """
    _check_outcomes(summaries)
    outcomes = list(outcome_counts(summaries[0]))
    counts = np.array([[outcome_counts(s)[o] for o in outcomes] for s in summaries])
    pairs = list(pairs) if pairs is not None else [None] * (len(summaries) - 1)
    test = HOMOGENEITY
    if len(summaries) == 2 and pairs[0] is not None:
        test, (chi2, dof, p_value), sparse = MARGINAL, pairing.stuart_maxwell(pairs[0]), False
    else:
        chi2, dof, p_value, sparse = _homogeneity(counts)
    differences = _differences(outcomes, counts, alpha, pairs)
    notes = []
    seeds = {s.get("seed") for s in summaries}
    if len(seeds) == 1 and any(pair is None for pair in pairs):
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
    return Comparison(outcomes, counts, chi2, dof, p_value, differences, alpha, sparse, notes, test)


def _check_outcomes(summaries: list[dict]) -> None:
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


def _pairing_notes(batches: list[Results], pairs: list[np.ndarray | None]) -> list[str]:
    """Which batches were compared run for run, and what keeps the others unpaired."""
    letters = [chr(ord("A") + i) if i < 26 else str(i + 1) for i in range(len(batches))]
    notes = []
    first = batches[0].summary_model
    for letter, batch, pair in zip(letters[1:], batches[1:], pairs, strict=True):
        model = batch.summary_model
        if pair is None:
            if model.seed == first.seed:
                notes.append(
                    f"{letters[0]} and {letter} share seed {first.seed} but not their runs "
                    f"({first.runs:,} against {model.runs:,}), so they are compared as "
                    "independent batches; run both with the same --runs for a paired test."
                )
            continue
        notes.append(
            f"{letters[0]} and {letter} share seed {first.seed} and runs 0 to "
            f"{first.runs - 1:,}: run i of each drew the same random numbers, so they are "
            "compared run for run (paired tests)."
        )
        differs = pairing.scenario_differences(batches[0], batch)
        if differs:
            notes.append(
                f"Warning: the scenarios of {letters[0]} and {letter} differ in more than "
                f"parameters ({'; '.join(differs)}), so their runs share random numbers only "
                "in the rules, events and parameters both have with the same id. The paired "
                "tests stay valid, but the pairing removes less noise."
            )
    return notes


def _homogeneity(counts: np.ndarray) -> tuple[float, int, float, bool]:
    """Chi-square test that every batch has the same outcome distribution."""
    reached = counts[:, counts.sum(axis=0) > 0]
    if reached.shape[1] < 2:
        return 0.0, 0, 1.0, False  # every run of every batch ended the same way
    result = stats.chi2_contingency(reached, correction=False)
    sparse = bool((result.expected_freq < MIN_EXPECTED).any())
    return float(result.statistic), int(result.dof), float(result.pvalue), sparse


def _differences(
    outcomes: list[str], counts: np.ndarray, alpha: float, pairs: list[np.ndarray | None]
) -> list[Difference]:
    comparisons = (len(counts) - 1) * len(outcomes)
    confidence = 1 - alpha / comparisons
    found = []
    for batch, pair in zip(range(1, len(counts)), pairs, strict=True):
        tested = _unpaired(counts, batch, confidence) if pair is None else _paired(pair, confidence)
        for k, outcome in enumerate(outcomes):
            estimate, low, high, p_value = tested[k]
            adjusted = min(1.0, p_value * comparisons)
            test = UNPAIRED if pair is None else PAIRED
            found.append(
                Difference(
                    outcome, batch, estimate, low, high, p_value, adjusted, adjusted < alpha, test
                )
            )
    return found


def _unpaired(
    counts: np.ndarray, batch: int, confidence: float
) -> list[tuple[float, float, float, float]]:
    """Per outcome: difference, Newcombe's interval and Fisher's exact p-value."""
    runs = counts.sum(axis=1)
    estimate, low, high = intervals.difference(
        counts[0], runs[0], counts[batch], runs[batch], confidence
    )
    found = []
    for k in range(counts.shape[1]):
        a, b = counts[0, k], counts[batch, k]
        table = [[b, runs[batch] - b], [a, runs[0] - a]]
        p_value = float(stats.fisher_exact(table).pvalue) if a + b > 0 else 1.0
        found.append((float(estimate[k]), float(low[k]), float(high[k]), p_value))
    return found


def _paired(pair: np.ndarray, confidence: float) -> list[tuple[float, float, float, float]]:
    """Per outcome: difference, Newcombe's paired interval and McNemar's exact p-value."""
    return [
        (*pairing.paired_difference(pair, k, confidence), pairing.mcnemar(pair, k))
        for k in range(len(pair))
    ]
