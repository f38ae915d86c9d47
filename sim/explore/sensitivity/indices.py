"""Sobol' indices and Morris screening of one response, with intervals, as tidy rows.

Intervals combine two sources of error. The design's: SALib's bootstrap over
the base samples (Sobol') or the trajectories (Morris), a normal interval of
1.96 bootstrap standard deviations. And the runs': the same index computed on
each of the four groups of replicates differs by chance variation between
runs alone; the standard deviation of those four over 2 (= sqrt 4) estimates
the Monte Carlo error of the index on all replicates (`noise`). The interval's
half-width is sqrt(design^2 + (1.96 noise)^2).

Common random numbers make the estimates one smooth surface over the design:
an assumption that no run reads gets a total index of exactly 0, and noise
moves the indices of the others only by `noise`.
"""

from __future__ import annotations

import warnings

import numpy as np

from sim.explore.factors import Factor
from sim.explore.sensitivity.design import generator, problem
from sim.explore.sensitivity.responses import Response, noise_share

Z = 1.959963984540054  # the normal quantile of a two-sided 95% interval
MORRIS_RESAMPLES = 1000
Row = dict[str, object]
NON_NEGATIVE = ("mu_star", "sigma")  # their intervals stop at 0; Sobol' estimates may stray below


def sobol_resamples(base: int) -> int:
    """Bootstrap resamples for N base samples: 1000, fewer for large N to bound memory
    (SALib holds N x resamples numbers per factor)."""
    return max(100, min(1000, 4_000_000 // max(base, 1)))


def sobol_rows(
    factors: list[Factor],
    response: Response,
    probability: np.ndarray,
    grouped: np.ndarray,
    replicates: int,
    seed: int,
) -> list[Row]:
    """First-order and total indices of each factor on one response."""
    base = len(probability) // (len(factors) + 2)
    found = _sobol(factors, probability, sobol_resamples(base), seed, response.label)
    spread = [_sobol(factors, g, 2, seed, response.label) for g in grouped]
    share = noise_share(probability, grouped, replicates)
    rows = []
    for name, key in (("first-order", "S1"), ("total", "ST")):
        noise = _noise([s[key] for s in spread if s is not None], len(factors))
        for i, factor in enumerate(factors):
            value = found[key][i] if found else np.nan
            design = found[f"{key}_conf"][i] if found else np.nan
            rows.append(_row("sobol", response, factor, name, value, design, noise[i], share))
    return rows


def _sobol(
    factors: list[Factor], y: np.ndarray, resamples: int, seed: int, label: str
) -> dict[str, np.ndarray] | None:
    """SALib's first-order and total indices of `y` (None when it does not vary)."""
    from SALib.analyze import sobol as sobol_analyze

    if not np.all(np.isfinite(y)) or np.ptp(y) == 0:
        return None
    with warnings.catch_warnings():
        # a rare outcome can leave a resample or a group constant: its estimate is 0, as it
        # should be, and SALib's warning would only alarm the reader
        warnings.filterwarnings("ignore", message="Constant values encountered")
        found = sobol_analyze.analyze(
            problem(factors),
            y,
            calc_second_order=False,
            num_resamples=resamples,
            conf_level=0.95,
            seed=generator(seed, f"sobol-indices:{label}"),
        )
    return {key: np.asarray(found[key], dtype=float) for key in ("S1", "S1_conf", "ST", "ST_conf")}


def morris_rows(
    factors: list[Factor],
    unit: np.ndarray,
    levels: int,
    response: Response,
    probability: np.ndarray,
    grouped: np.ndarray,
    replicates: int,
    seed: int,
) -> list[Row]:
    """mu* (mean absolute elementary effect), sigma (their spread) and mu (their mean) of
    each factor on one response; effects are in probability per whole range of a factor."""
    # long function: SALib's estimates, our bootstrap of sigma and mu, and the noise
    from SALib.analyze import morris as morris_analyze

    share = noise_share(probability, grouped, replicates)
    rng = generator(seed, f"morris:{response.label}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # constant responses: NaN, handled
        found = morris_analyze.analyze(
            problem(factors),
            unit,
            np.asarray(probability, dtype=float),
            num_resamples=MORRIS_RESAMPLES,
            conf_level=0.95,
            num_levels=levels,
            seed=rng,
        )
    effects = elementary_effects(unit, probability, levels)
    design = {
        "mu_star": np.asarray(found["mu_star_conf"], dtype=float),
        **_bootstrap(effects, rng),
    }
    spread = [_morris(elementary_effects(unit, g, levels)) for g in grouped if np.isfinite(g).all()]
    rows = []
    for name in ("mu_star", "sigma", "mu"):
        noise = _noise([s[name] for s in spread], len(factors))
        for i, factor in enumerate(factors):
            value = float(found[name][i])
            rows.append(
                _row("morris", response, factor, name, value, design[name][i], noise[i], share)
            )
    return rows


def elementary_effects(unit: np.ndarray, y: np.ndarray, levels: int) -> np.ndarray:
    """(trajectories, factors) elementary effects: along each trajectory one factor moves
    per step; its effect is the change in y over the step, signed by the direction of
    the move, divided by SALib's step length p / (2 (p - 1))."""
    factors = unit.shape[1]
    step = levels / (2 * (levels - 1))
    x = unit.reshape(-1, factors + 1, factors)
    out = y.reshape(-1, factors + 1)
    moves = np.diff(x, axis=1)  # (trajectories, factors, factors): one non-zero per step
    moved = np.argmax(np.abs(moves), axis=2)  # (trajectories, factors) which factor moved
    sign = np.sign(np.take_along_axis(moves, moved[:, :, None], axis=2)[:, :, 0])
    change = np.diff(out, axis=1) * sign / step
    effects: np.ndarray = np.empty_like(change)
    np.put_along_axis(effects, moved, change, axis=1)
    return effects


def _morris(effects: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "mu_star": np.mean(np.abs(effects), axis=0),
        "sigma": np.std(effects, axis=0, ddof=1),
        "mu": np.mean(effects, axis=0),
    }


def _bootstrap(effects: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Half-widths of 95% intervals of sigma and mu: 1.96 standard deviations over
    resamples of whole trajectories (as SALib does for mu*)."""
    picks = rng.integers(0, len(effects), size=(MORRIS_RESAMPLES, len(effects)))
    resampled = effects[picks]  # (resamples, trajectories, factors)
    return {
        "sigma": Z * np.std(np.std(resampled, axis=1, ddof=1), axis=0, ddof=1),
        "mu": Z * np.std(np.mean(resampled, axis=1), axis=0, ddof=1),
    }


def _noise(estimates: list[np.ndarray], factors: int) -> np.ndarray:
    """(factors,) Monte Carlo error of an index on all replicates: the standard deviation
    of the groups' estimates over the square root of their number (NaN with fewer than 2)."""
    if len(estimates) < 2:
        return np.full(factors, np.nan)
    stacked = np.vstack(estimates)
    result: np.ndarray = np.std(stacked, axis=0, ddof=1) / np.sqrt(len(estimates))
    return result


def _row(
    method: str,
    response: Response,
    factor: Factor,
    index: str,
    value: float,
    design: float,
    noise: float,
    share: float,
) -> Row:
    half = float(np.hypot(design, Z * noise if np.isfinite(noise) else 0.0))
    return {
        "method": method,
        "response": response.label,
        "outcome": response.outcome,
        "scope": response.scope,
        "headline": response.headline,
        "parameter": factor.name,
        "label": factor.name.replace("_", " "),
        "index": index,
        "value": value,
        "low": max(0.0, value - half) if index in NON_NEGATIVE else value - half,
        "high": value + half,
        "design_error": design,
        "noise": noise,
        "noise_share": share,
    }
