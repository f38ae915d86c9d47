"""Confidence intervals for outcome probabilities and their differences, over numpy arrays.

`wilson` is the one Wilson score interval: `summary.json` reports it for each
outcome, and the charts draw it per turn, per bin or per checkpoint. It does
scipy's arithmetic (`binomtest(...).proportion_ci(method="wilson")`) step for
step, vectorised, so the summary's figures are the same to the last bit.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import special


def wilson(
    count: np.ndarray | float, runs: np.ndarray | float, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (low, high) of `count` successes in `runs` trials, elementwise.

    Where `runs` is 0 the interval is the whole of [0, 1]; no successes have a lower
    bound of exactly 0, all successes an upper bound of exactly 1.
    """
    k = np.asarray(count, dtype=float)
    n = np.asarray(runs, dtype=float)
    z = special.ndtri(0.5 + 0.5 * confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denominator = 2 * (n + z**2)
        centre = (2 * n * p + z**2) / denominator
        delta = z / denominator * np.sqrt(4 * n * p * (1 - p) + z**2)
        low = np.where(k == 0, 0.0, centre - delta)
        high = np.where(k == n, 1.0, centre + delta)
    empty = n == 0
    return np.where(empty, 0.0, low), np.where(empty, 1.0, high)


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


def mean_interval(
    runs: int, mean: float, sd: float, confidence: float = 0.95
) -> tuple[float, float] | None:
    """Student's t interval of a mean of `runs` values (None below two values)."""
    if runs < 2:
        return None
    half = _t_quantile(0.5 + 0.5 * confidence, runs - 1) * sd / np.sqrt(runs)
    return mean - half, mean + half


@lru_cache(maxsize=1024)
def _t_quantile(q: float, dof: float) -> float:
    """Student's t quantile: `stats.t.ppf(q, dof)` to the last bit (it calls `stdtrit`), without
    the frozen-distribution machinery, which costs a summary more than its own arithmetic."""
    return float(special.stdtrit(dof, q))


def mean_difference(
    a: tuple[int, float, float], b: tuple[int, float, float], confidence: float = 0.95
) -> tuple[float, float, float] | None:
    """Difference of two means, b - a, with Welch's t interval; each is (runs, mean, sd).

    None when either side has fewer than two values.
    """
    (n_a, mean_a, sd_a), (n_b, mean_b, sd_b) = a, b
    if n_a < 2 or n_b < 2:
        return None
    var_a, var_b = sd_a**2 / n_a, sd_b**2 / n_b
    estimate = mean_b - mean_a
    spread = var_a + var_b
    if spread == 0:
        return estimate, estimate, estimate
    freedom = spread**2 / (var_a**2 / (n_a - 1) + var_b**2 / (n_b - 1))
    half = _t_quantile(0.5 + 0.5 * confidence, freedom) * np.sqrt(spread)
    return estimate, estimate - half, estimate + half
