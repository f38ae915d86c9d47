"""Designs for global sensitivity: Saltelli's scheme for Sobol' indices, Morris trajectories.

Both come from SALib's samplers on the unit cube, one coordinate per factor,
and `Factor.values` maps each coordinate to the parameter's values as for any
other design: an interval by scaling, a distribution by its inverse CDF, and a
list of values (an enumeration, a bool, whole numbers) by equal-probability
bins, so value k of K takes the coordinates in [k/K, (k+1)/K). A categorical
factor is thus sampled as a discrete factor with equal shares, and the
indices are those of that discrete distribution: no rounding afterwards.

`--points` is a budget: a Sobol' design takes N base samples, N the largest
power of two with N x (factors + 2) points within it; a Morris design takes as
many trajectories of factors + 1 points as fit.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Literal

import numpy as np

from sim.engine.streams import stream_key
from sim.errors import Problem, ScenarioError
from sim.explore.factors import Factor

SensitivityDesign = Literal["sobol-indices", "morris"]
SENSITIVITY_DESIGNS: tuple[SensitivityDesign, ...] = ("sobol-indices", "morris")
MIN_BASE_SAMPLES = 4  # fewer and the bootstrap of the indices has nothing to resample
MIN_TRAJECTORIES = 2  # sigma, the spread of the elementary effects, needs two
MORRIS_LEVELS = 4  # SALib's default; raised so that every list's length divides it
MAX_MORRIS_LEVELS = 16
INSTALL_HINT = "install it with: pip install 'escalation-wargame[sensitivity]'"


def salib(design: str) -> ModuleType:
    """The SALib package, or a one-line error saying how to install it."""
    try:
        import SALib
    except ImportError:
        raise ScenarioError(
            [Problem(f"--design {design} needs the SALib package", hint=INSTALL_HINT)]
        ) from None
    module: ModuleType = SALib
    return module


def problem(factors: list[Factor]) -> dict[str, object]:
    """SALib's problem: one unit coordinate per factor."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [[0.0, 1.0]] * len(factors),
    }


def generator(seed: int, purpose: str) -> np.random.Generator:
    """A generator for the design or an analysis, apart from every block's streams (those
    are keyed by one number, these by two), so the same seed gives the same design."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, stream_key(purpose))))


def base_samples(points: int, factors: int) -> int:
    """N for Saltelli's scheme: the largest power of two with N x (factors + 2) <= points."""
    most = points // (factors + 2)
    if most < MIN_BASE_SAMPLES:
        raise ScenarioError(
            [
                Problem(
                    f"--points {points}: Sobol' indices of {factors} parameters need at least "
                    f"{MIN_BASE_SAMPLES * (factors + 2)} points ({MIN_BASE_SAMPLES} base samples "
                    f"x {factors + 2})",
                    hint=f"for example --points {256 * (factors + 2)}",
                )
            ]
        )
    return 1 << (most.bit_length() - 1)


def trajectory_count(points: int, factors: int) -> int:
    """Morris trajectories of factors + 1 points each that fit in `points`."""
    count = points // (factors + 1)
    if count < MIN_TRAJECTORIES:
        raise ScenarioError(
            [
                Problem(
                    f"--points {points}: Morris screening of {factors} parameters needs at least "
                    f"{MIN_TRAJECTORIES * (factors + 1)} points ({MIN_TRAJECTORIES} trajectories "
                    f"of {factors + 1})",
                    hint=f"for example --points {50 * (factors + 1)}",
                )
            ]
        )
    return count


def saltelli_design(factors: list[Factor], points: int, seed: int) -> np.ndarray:
    """(N x (factors + 2), factors) unit coordinates in Saltelli's order: per base sample,
    the row of matrix A, the rows of A with column i from B, then the row of B."""
    salib("sobol-indices")
    from SALib.sample import sobol as sobol_sample

    count = base_samples(points, len(factors))
    sample: np.ndarray = sobol_sample.sample(
        problem(factors),
        count,
        calc_second_order=False,
        scramble=True,
        seed=generator(seed, "design:sobol-indices"),
    )
    unit: np.ndarray = np.minimum(sample, np.nextafter(1.0, 0.0))  # in [0, 1) as all designs
    return unit


def morris_levels(factors: list[Factor]) -> int:
    """Grid levels of a Morris design: even, and a multiple of every list's length when that
    stays small, so each value of a list gets the same number of levels."""
    lengths = [len(f.choices) for f in factors if f.range == "list"]
    levels = math.lcm(2, *lengths) if lengths else MORRIS_LEVELS
    while levels < MORRIS_LEVELS:
        levels *= 2
    if levels > MAX_MORRIS_LEVELS:  # every value still gets a level, the shares are unequal
        levels = max(MORRIS_LEVELS, max(lengths) + max(lengths) % 2)
    return levels


def morris_design(factors: list[Factor], points: int, seed: int) -> np.ndarray:
    """(trajectories x (factors + 1), factors) unit coordinates of Morris trajectories: a
    number on the levels 0, 1/(p-1), .., 1; a list or a distribution at the centres of p
    equal shares, (j + 0.5) / p, so each level is a value (or quantile) of equal weight."""
    salib("morris")
    from SALib.sample import morris as morris_sample

    levels = morris_levels(factors)
    sample: np.ndarray = morris_sample.sample(
        problem(factors),
        trajectory_count(points, len(factors)),
        num_levels=levels,
        seed=generator(seed, "design:morris"),
    )
    for column, factor in enumerate(factors):
        step = np.rint(sample[:, column] * (levels - 1))
        if factor.range in ("list", "beta"):
            sample[:, column] = (step + 0.5) / levels
        else:
            sample[:, column] = np.minimum(step / (levels - 1), np.nextafter(1.0, 0.0))
    return sample
