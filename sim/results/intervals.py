"""Confidence intervals for outcome probabilities and their differences, over numpy arrays.

The Wilson score interval is the one `summary.json` reports (`sim.results.folder.wilson_interval`
computes it for one count); here it is vectorised for the charts, which need one per
turn, per bin or per checkpoint.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def wilson(
    count: np.ndarray | float, runs: np.ndarray | float, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (low, high) of `count` successes in `runs` trials, elementwise.

    Where `runs` is 0 the interval is the whole of [0, 1].
    """
    count = np.asarray(count, dtype=float)
    runs = np.asarray(runs, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = count / runs
        denominator = 1 + z**2 / runs
        centre = (p + z**2 / (2 * runs)) / denominator
        half = z / denominator * np.sqrt(p * (1 - p) / runs + z**2 / (4 * runs**2))
        low = np.where(runs > 0, np.clip(centre - half, 0, 1), 0.0)
        high = np.where(runs > 0, np.clip(centre + half, 0, 1), 1.0)
    # exact at the ends: no successes cannot have a lower bound above 0 (nor all below 1)
    low = np.where(count == 0, 0.0, low)
    high = np.where((count == runs) & (runs > 0), 1.0, high)
    return low, high


def difference(
    count_a: np.ndarray | float,
    runs_a: np.ndarray | float,
    count_b: np.ndarray | float,
    runs_b: np.ndarray | float,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference of two proportions, b - a, with Newcombe's hybrid score interval.

    Returns (difference, low, high); built from the two Wilson intervals, it
    behaves well for rare outcomes where the normal approximation does not.
    """
    count_a, runs_a = np.asarray(count_a, float), np.asarray(runs_a, float)
    count_b, runs_b = np.asarray(count_b, float), np.asarray(runs_b, float)
    p_a, p_b = count_a / runs_a, count_b / runs_b
    low_a, high_a = wilson(count_a, runs_a, confidence)
    low_b, high_b = wilson(count_b, runs_b, confidence)
    estimate = p_b - p_a
    low = estimate - np.sqrt((p_b - low_b) ** 2 + (high_a - p_a) ** 2)
    high = estimate + np.sqrt((high_b - p_b) ** 2 + (p_a - low_a) ** 2)
    return estimate, low, high
