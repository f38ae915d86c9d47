"""Scenario discovery: the box of assumptions in which the target is most likely.

PRIM (`sim.explore.prim`) peels the space of the varied parameters into a
trajectory of ever smaller, denser boxes: coverage (the box's share of all
target runs) against density (the share of the box's runs that meet the
target). The chosen box is the densest on the trajectory whose coverage is at
least `min_coverage` (0.5 by default: a box that explains at least half of the
target's runs), then pasted, then trimmed: a condition stays only if the
design points it leaves out are less likely to meet the target than the
box's own (a one-sided Welch test over points at the 5% level), since the
last peels often cut a few points that are low by chance.

PRIM runs over the design points, each weighted by its replicates (its hits
out of its runs). Every run of a point shares the point's parameter values,
so this gives the same boxes, densities and coverages as PRIM over the
individual runs with 0/1 outcomes, at a fraction of the cost; what decides a
box is the spread between points, not the runs' luck within one.

Two cautions the report repeats. Replicate r of every point shares its random
numbers (common random numbers), so a box's runs are no more precise than one
point's replicates: `density_low`/`density_high` in `discovery.json` are the
Wilson interval over the replicates per point, a conservative bound, not over
all the box's runs. And the density is measured on the runs that chose the
box, so it leans high; the drop-one figures (the box without each of its
conditions) show which conditions carry the effect.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.explore.factors import Factor
from sim.explore.prim import (
    ALPHA,
    MIN_MASS,
    TRIM_LEVEL,
    Box,
    Space,
    describe_limits,
    paste,
    peel,
    restricted,
    space_of,
    trim,
    word,
)
from sim.results.intervals import wilson
from sim.text import percent

MIN_COVERAGE = 0.5  # the chosen box covers at least this share of the target's runs


@dataclass(frozen=True)
class Discovery:
    """PRIM's answer for one target: the trajectory, the chosen box before and after
    pasting, and the settings that chose it."""

    target: str  # the target in words
    trajectory: list[Box]
    chosen: int  # index into the trajectory
    box: Box  # the chosen box, pasted and trimmed
    conditions: dict[str, str]  # restricted parameter -> its condition, as text
    overall: float  # share of all runs that meet the target
    min_coverage: float
    without: dict[str, Box]  # restricted parameter -> the box without its condition
    alpha: float = ALPHA
    min_mass: float = MIN_MASS
    trim_level: float = TRIM_LEVEL
    integers: frozenset[str] = frozenset()
    descriptions: dict[str, str] = field(default_factory=dict)  # parameter -> the scenario's words

    def sentence(self) -> str:
        """The chosen box in one sentence, as the command line prints it."""
        if self.box.hits == 0:
            return f"{_capital(self.target)} in no run: no box to find"
        if not self.conditions:
            return (
                f"No box of these assumptions holds {self.target} more often than overall "
                f"({percent(self.overall)} of runs)"
            )
        return (
            f"{' and '.join(self.conditions.values())}: {self.target} in "
            f"{percent(self.box.density)} of runs against {percent(self.overall)} overall, "
            f"covering {percent(self.box.coverage)} of such runs"
        )

    def boxes(self) -> pd.DataFrame:
        """The trajectory, one row per peeled box, then the chosen box after pasting:
        box, stage, points, mass, runs, hits, density, coverage, restricted, conditions,
        chosen."""
        rows = []
        for index, box in enumerate([*self.trajectory, self.box]):
            last = index == len(self.trajectory)
            rows.append(
                {
                    "box": index,
                    "stage": "chosen" if last else "peeled",
                    "points": box.points,
                    "mass": box.mass,
                    "runs": box.runs,
                    "hits": box.hits,
                    "density": box.density,
                    "coverage": box.coverage,
                    "restricted": len(self._restricted(box)),
                    "conditions": " and ".join(self._conditions(box).values()),
                    "chosen": index == self.chosen or last,
                }
            )
        return pd.DataFrame(rows)

    def limits(self) -> pd.DataFrame:
        """The chosen box's conditions, one row per restricted parameter: parameter,
        condition, low, high (NaN where open or a category), values (a category's kept
        values), density_without and coverage_without (the box without this condition),
        description."""
        rows = []
        for name, condition in self.conditions.items():
            limit = self.box.limits[name]
            numeric = not isinstance(limit, frozenset)
            rows.append(
                {
                    "parameter": name,
                    "condition": condition,
                    "low": _finite(limit[0]) if numeric else math.nan,  # type: ignore[index]
                    "high": _finite(limit[1]) if numeric else math.nan,  # type: ignore[index]
                    "values": "" if numeric else ",".join(sorted(map(word, limit), key=str)),
                    "density_without": self.without[name].density,
                    "coverage_without": self.without[name].coverage,
                    "description": self.descriptions.get(name, ""),
                }
            )
        columns = ["parameter", "condition", "low", "high", "values"]
        columns += ["density_without", "coverage_without", "description"]
        return pd.DataFrame(rows, columns=columns)

    def _restricted(self, box: Box) -> list[str]:
        whole = self.trajectory[0].limits
        return [n for n, limit in box.limits.items() if limit != whole[n]]

    def _conditions(self, box: Box) -> dict[str, str]:
        return describe_limits({n: box.limits[n] for n in self._restricted(box)}, self.integers)


def discover(
    space: Space,
    target: str,
    *,
    min_coverage: float = MIN_COVERAGE,
    alpha: float = ALPHA,
    min_mass: float = MIN_MASS,
    trim_level: float = TRIM_LEVEL,
    integers: frozenset[str] = frozenset(),
    descriptions: Mapping[str, str] | None = None,
) -> Discovery:
    """Peel, choose the densest box covering at least `min_coverage` of the target's runs,
    paste it, and drop the conditions the design does not support at `trim_level` (1: keep
    them all; see `sim.explore.prim.trim`). Its conditions are ordered by how much density
    the box loses without each. `integers` names whole-number parameters (bounds `>= 3`)."""
    if not 0 <= min_coverage <= 1:
        raise ValueError(f"min_coverage {min_coverage}: expected a share from 0 to 1")
    trajectory = peel(space, alpha, min_mass)
    eligible = [i for i, b in enumerate(trajectory) if b.coverage >= min_coverage] or [0]
    chosen = max(eligible, key=lambda i: (trajectory[i].density, -i))
    pasted = paste(space, trajectory[chosen], alpha) if chosen else trajectory[0]
    kept = restricted(space, trim(space, pasted, trim_level).limits)
    box = space.box(space.whole() | kept)
    without = {n: space.box(box.limits | {n: space.whole()[n]}) for n in kept}
    # the condition whose removal costs the most density first
    kept = {n: kept[n] for n in sorted(kept, key=lambda n: without[n].density)}
    return Discovery(
        target=target,
        trajectory=trajectory,
        chosen=chosen,
        box=box,
        conditions=describe_limits(kept, integers),
        overall=trajectory[0].density,
        min_coverage=min_coverage,
        without=without,
        alpha=alpha,
        min_mass=min_mass,
        trim_level=trim_level,
        integers=integers,
        descriptions={n: d for n, d in (descriptions or {}).items() if n in space.columns},
    )


def discover_in(
    points: pd.DataFrame,
    factors: Sequence[Factor],
    replicates: int,
    target: str,
    min_coverage: float = MIN_COVERAGE,
    descriptions: Mapping[str, str] | None = None,
) -> Discovery:
    """`discover` over a sweep's `points` table: bools and enums are categories, whole
    numbers keep whole bounds."""
    categorical = {f.name for f in factors if f.kind in ("bool", "enum")}
    names = [f.name for f in factors]
    space = space_of(points, names, categorical, replicates)
    integers = frozenset(f.name for f in factors if f.kind == "int")
    return discover(
        space, target, min_coverage=min_coverage, integers=integers, descriptions=descriptions
    )


def _finite(bound: float) -> float:
    return bound if math.isfinite(bound) else math.nan


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def save_discovery(discovery: Discovery, folder: Path) -> list[Path]:
    """Write `boxes.csv` (the trajectory), `box.csv` (the chosen box's conditions) and
    `discovery.json` (the sentence, the settings and the chosen box) into `folder`."""
    written = [folder / "boxes.csv", folder / "box.csv", folder / "discovery.json"]
    discovery.boxes().to_csv(written[0], index=False)
    discovery.limits().to_csv(written[1], index=False)
    box = discovery.box
    replicates = box.runs // box.points if box.points else 0
    low, high = wilson(np.asarray([box.density * replicates]), np.asarray([replicates]))
    facts = {
        "target": discovery.target,
        "sentence": discovery.sentence(),
        "min_coverage": discovery.min_coverage,
        "alpha": discovery.alpha,
        "min_mass": discovery.min_mass,
        "trim_level": discovery.trim_level,
        "overall": discovery.overall,
        "chosen_peel": discovery.chosen,
        "box": {
            "points": box.points,
            "runs": box.runs,
            "hits": box.hits,
            "density": box.density,
            "coverage": box.coverage,
            "mass": box.mass,
            "density_low": float(low[0]),
            "density_high": float(high[0]),
        },
        "conditions": [
            {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
            for row in discovery.limits().to_dict(orient="records")
        ],
    }
    text = json.dumps(facts, indent=2, allow_nan=False) + "\n"
    written[2].write_text(text, encoding="utf-8")
    return written
