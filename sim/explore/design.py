"""Designs: where in the space of the varied parameters the points of a sweep lie.

Each design gives a (points, factors) array of numbers in [0, 1), which
`Factor.values` turns into parameter values. Latin hypercube and Sobol come
from `scipy.stats.qmc` (seeded, so a design is the same on every machine);
a grid crosses each factor's levels. `sobol-indices` (Saltelli's scheme) and
`morris` (trajectories) come from SALib, for global sensitivity
(`sim.explore.sensitivity`); `sobol` is a Sobol' sequence only, without indices.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from scipy.stats import qmc

from sim.errors import Problem, ScenarioError
from sim.explore.factors import Factor
from sim.explore.sensitivity import SENSITIVITY_DESIGNS, sensitivity_design

DesignName = Literal["lhs", "sobol", "grid", "sobol-indices", "morris"]
DESIGNS: tuple[DesignName, ...] = ("lhs", "sobol", "grid", *SENSITIVITY_DESIGNS)
MAX_POINTS = 1_000_000


def unit_design(design: DesignName, factors: list[Factor], points: int, seed: int) -> np.ndarray:
    """(points, factors) design numbers in [0, 1); a grid may give fewer or more points
    than asked (a whole number of levels per factor)."""
    if points < 1 or points > MAX_POINTS:
        raise ScenarioError([Problem(f"--points {points}: expected 1 to {MAX_POINTS:,}")])
    if design == "sobol-indices" or design == "morris":
        return sensitivity_design(design, factors, points, seed)
    if design == "lhs":
        sample: np.ndarray = qmc.LatinHypercube(d=len(factors), seed=seed).random(points)
        return sample
    if design == "sobol":
        # scrambled Sobol points are balanced only in powers of two: say so rather than warn
        if points & (points - 1):
            raise ScenarioError(
                [
                    Problem(
                        f"--points {points}: a Sobol design needs a power of two",
                        hint=f"for example --points {1 << max(0, points.bit_length() - 1)}",
                    )
                ]
            )
        sobol: np.ndarray = qmc.Sobol(d=len(factors), scramble=True, seed=seed).random(points)
        return sobol
    return grid(factors, points)


def grid(factors: list[Factor], points: int) -> np.ndarray:
    """Every combination of the factors' levels: a list's values each once, the numbers at
    as many levels as keep the grid near `points` (at least two each)."""
    listed = math.prod(len(f.choices) for f in factors if f.range == "list")
    numeric = [f for f in factors if f.range != "list"]
    count = max(2, round((points / listed) ** (1 / len(numeric)))) if numeric else 1
    axes = [f.levels(count) for f in factors]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)
