"""PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999, "Bump hunting in
high-dimensional data"), over weighted design points.

A box starts holding every point and is peeled: at each step each number's
lowest or highest `alpha` share of the box's points, or one value of each
category (a box keeps a subset of a bool's or an enum's values), is a
candidate cut, and the cut that raises the box's density most per point
removed is taken (a category's cut removes more or fewer points than
`alpha`, so the gain is per point). Peeling stops when no cut raises the
density or the box would hold less than `min_mass` of the points. Pasting
widens a box again, one limit by `alpha` of its points or one category at a
time, while that raises the density (section 5.2).

Number limits are open bounds placed midway between two neighbouring design
values, so no point lies on a bound and a box reads the same whether its
conditions are written with `>` or `>=`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

ALPHA = 0.05  # share of a box's points one peel removes (Friedman & Fisher: 0.05-0.1)
MIN_MASS = 0.05  # smallest share of the design points a box may hold
TRIM_LEVEL = 0.05  # a condition stays if the points it leaves out are lower at this level

Limit = tuple[float, float] | frozenset[object]  # a number's (low, high) or a category's values


@dataclass(frozen=True)
class Box:
    """A box: each parameter's limits (open bounds for numbers, kept values for
    categories) and what it holds."""

    limits: dict[str, Limit]
    points: int
    runs: int
    hits: int
    coverage: float  # share of all target runs inside the box
    density: float  # share of the box's runs that meet the target
    mass: float  # share of the design points inside the box


@dataclass(frozen=True)
class Space:
    """The design points PRIM works on: per parameter a column of values, which are
    categories, and each point's hits out of its runs (the same count at every point,
    unless a precision target chose them point by point)."""

    columns: dict[str, np.ndarray]  # name -> (points,) float, or object for a category
    categorical: frozenset[str]
    hits: np.ndarray  # (points,) int
    runs: np.ndarray  # (points,) int

    def inside(self, limits: Mapping[str, Limit]) -> np.ndarray:
        """(points,) bool: the points within every limit."""
        mask = np.ones(len(self.hits), dtype=bool)
        for name, limit in limits.items():
            column = self.columns[name]
            if isinstance(limit, frozenset):
                mask &= pd.Series(column).isin(limit).to_numpy()  # by hash: any value type
            else:
                mask &= (column > limit[0]) & (column < limit[1])
        return mask

    def box(self, limits: dict[str, Limit]) -> Box:
        """The box with these limits and what it holds."""
        mask = self.inside(limits)
        points = int(mask.sum())
        hits = int(self.hits[mask].sum())
        total = int(self.hits.sum())
        runs = int(self.runs[mask].sum())
        return Box(
            limits=limits,
            points=points,
            runs=runs,
            hits=hits,
            coverage=hits / total if total else 0.0,
            density=hits / runs if runs else 0.0,
            mass=points / len(self.hits),
        )

    def whole(self) -> dict[str, Limit]:
        """Limits that hold every point."""
        return {
            name: frozenset(column.tolist()) if name in self.categorical else (-math.inf, math.inf)
            for name, column in self.columns.items()
        }


def space_of(
    points: pd.DataFrame, names: Sequence[str], categorical: set[str], replicates: int
) -> Space:
    """A Space from a sweep's `points` table (columns `target` and each name, and `runs`,
    each point's runs, where it has one; else `replicates` runs at every point)."""
    if "runs" in points:
        runs = points["runs"].to_numpy(np.int64)
    else:
        runs = np.full(len(points), replicates, dtype=np.int64)
    hits = np.rint(points["target"].to_numpy(float) * runs).astype(np.int64)
    columns = {
        name: points[name].to_numpy(object) if name in categorical else points[name].to_numpy(float)
        for name in names
    }
    return Space(columns, frozenset(categorical), hits, runs)


def peel(space: Space, alpha: float = ALPHA, min_mass: float = MIN_MASS) -> list[Box]:
    """The peeling trajectory: the whole space first, then each peeled box in turn."""
    limits = space.whole()
    trajectory = [space.box(limits)]
    while True:
        current = trajectory[-1]
        best: tuple[float, Box] | None = None
        for candidate in _peels(space, limits, alpha):
            box = space.box(candidate)
            if box.mass < min_mass or box.points == current.points:
                continue
            gain = (box.density - current.density) / (current.mass - box.mass)
            if best is None or gain > best[0]:  # ties: the first in parameter order
                best = (gain, box)
        if best is None or best[0] <= 0:
            return trajectory
        limits = best[1].limits
        trajectory.append(best[1])


def _peels(space: Space, limits: dict[str, Limit], alpha: float) -> list[dict[str, Limit]]:
    """Every candidate cut of the box: each number's bottom and top `alpha`, each
    category's values one at a time."""
    inside = space.inside(limits)
    candidates = []
    for name, limit in limits.items():
        column = space.columns[name][inside]
        if isinstance(limit, frozenset):
            kept = [v for v in limit if v in set(column.tolist())]
            if len(kept) > 1:
                for value in sorted(kept, key=str):
                    candidates.append({**limits, name: frozenset(kept) - {value}})
            continue
        distinct = np.unique(column)
        if len(distinct) < 2:
            continue
        low = _cut(distinct, float(np.quantile(column, alpha)), upward=True)
        high = _cut(distinct, float(np.quantile(column, 1 - alpha)), upward=False)
        candidates.append({**limits, name: (low, limit[1])})
        candidates.append({**limits, name: (limit[0], high)})
    return candidates


def _cut(distinct: np.ndarray, quantile: float, upward: bool) -> float:
    """An open bound between two neighbouring values near `quantile` that removes at least
    the lowest (upward) or the highest value: midway, so no point lies on it."""
    if upward:
        at = max(1, int(np.searchsorted(distinct, quantile, side="left")))
        return float((distinct[at - 1] + distinct[at]) / 2)
    at = min(len(distinct) - 2, int(np.searchsorted(distinct, quantile, side="right")) - 1)
    return float((distinct[at] + distinct[at + 1]) / 2)


def paste(space: Space, box: Box, alpha: float = ALPHA) -> Box:
    """Widen `box` one limit at a time (by `alpha` of its points, or one category put back)
    while that raises its density."""
    while True:
        best = box
        for candidate in _pastes(space, box, alpha):
            widened = space.box(candidate)
            if widened.density > best.density:
                best = widened
        if best is box:
            return box
        box = best


def _pastes(space: Space, box: Box, alpha: float) -> list[dict[str, Limit]]:
    """Every candidate widening of a box."""
    candidates = []
    step = max(1, math.ceil(alpha * box.points))
    for name, limit in box.limits.items():
        others = {k: v for k, v in box.limits.items() if k != name}
        near = space.inside(others)
        column = space.columns[name]
        if isinstance(limit, frozenset):
            for value in sorted(set(column[near].tolist()) - limit, key=str):
                candidates.append({**box.limits, name: limit | {value}})
            continue
        below = np.sort(column[near & (column <= limit[0])])[::-1]
        above = np.sort(column[near & (column >= limit[1])])
        if len(below):
            low = -math.inf if len(below) <= step else float(below[step - 1] + below[step]) / 2
            candidates.append({**box.limits, name: (low, limit[1])})
        if len(above):
            high = math.inf if len(above) <= step else float(above[step - 1] + above[step]) / 2
            candidates.append({**box.limits, name: (limit[0], high)})
    return candidates


def trim(space: Space, box: Box, level: float = TRIM_LEVEL) -> Box:
    """Drop the conditions the design does not support, weakest first: a condition stays
    only if the design points it leaves out (those within the box's other conditions)
    have a lower target probability than the box's own points, by a one-sided Welch test
    over points at `level`. Peeling keeps any cut that raises the density, so its last
    cuts often remove a few points that are low by chance; this undoes them."""
    limits = dict(box.limits)
    rates = space.hits / space.runs
    whole = space.whole()
    while True:
        inside = space.inside(limits)
        weakest: tuple[float, str] | None = None
        for name in restricted(space, limits):
            left_out = space.inside({**limits, name: whole[name]}) & ~inside
            p = _p_lower(rates[inside], rates[left_out])
            if p > level and (weakest is None or p > weakest[0]):
                weakest = (p, name)
        if weakest is None:
            return space.box(limits)
        limits[weakest[1]] = whole[weakest[1]]


def _p_lower(kept: np.ndarray, left_out: np.ndarray) -> float:
    """One-sided p-value that the left-out points' mean is below the kept points'; 1 when
    either side has fewer than two points (one point is no evidence)."""
    if len(kept) < 2 or len(left_out) < 2:
        return 1.0
    if np.ptp(kept) == 0 and np.ptp(left_out) == 0:  # no spread (common random numbers)
        return 0.0 if kept.mean() > left_out.mean() else 1.0
    with warnings.catch_warnings():
        # one side without spread is common (its points share their runs' random numbers);
        # Welch's test is then exact, and scipy's warning of lost precision is noise
        warnings.simplefilter("ignore", RuntimeWarning)
        test = stats.ttest_ind(kept, left_out, equal_var=False, alternative="greater")
    return float(test.pvalue)


def restricted(space: Space, limits: Mapping[str, Limit]) -> dict[str, Limit]:
    """The limits that leave out some design point, in the space's parameter order."""
    whole = space.whole()
    kept: dict[str, Limit] = {}
    for name in space.columns:
        limit = limits[name]
        if isinstance(limit, frozenset):
            if limit != whole[name]:
                kept[name] = limit
        elif not space.inside({name: limit}).all():
            kept[name] = limit
    return kept


def describe_limits(limits: Mapping[str, Limit], integers: frozenset[str]) -> dict[str, str]:
    """Each limit as a condition: `x > 0.62`, `0.2 < x < 0.5`, `n >= 3`, `mode = fast`,
    `strait in {open, contested}`; bounds to three significant digits."""
    conditions = {}
    for name, limit in limits.items():
        if isinstance(limit, frozenset):
            values = sorted((word(v) for v in limit), key=str)
            shown = values[0] if len(values) == 1 else "{" + ", ".join(values) + "}"
            conditions[name] = f"{name} {'=' if len(values) == 1 else 'in'} {shown}"
            continue
        low, high = limit
        whole = name in integers  # a whole number: the open bound 2.5 reads ">= 3"
        low_text = str(math.ceil(low)) if whole and math.isfinite(low) else f"{low:.3g}"
        high_text = str(math.floor(high)) if whole and math.isfinite(high) else f"{high:.3g}"
        below, above = ("<=", ">=") if whole else ("<", ">")
        if math.isfinite(low) and math.isfinite(high):
            conditions[name] = f"{low_text} {below} {name} {below} {high_text}"
        elif math.isfinite(low):
            conditions[name] = f"{name} {above} {low_text}"
        else:
            conditions[name] = f"{name} {below} {high_text}"
    return conditions


def word(value: object) -> str:
    """A category as the scenario writes it (`true`, not `True`)."""
    plain = value.item() if isinstance(value, np.generic) else value
    return str(plain).lower() if isinstance(plain, bool) else str(plain)
