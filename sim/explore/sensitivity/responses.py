"""What the indices are computed on: each outcome's probability, and "this outcome or worse".

Each design point's probability is estimated from its R replicates. The
replicates are also dealt into `GROUPS` groups by run index (r mod 4), so the
same indices computed on each group's estimates show how much of an index is
Monte Carlo noise (`sim.explore.sensitivity.indices`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.batch.blocks import BlockResult
from sim.explore.packing import SweepPlan
from sim.language.compiled import CompiledScenario

GROUPS = 4  # groups of replicates for the Monte Carlo noise of an index
EXACTLY = "exactly"
OR_WORSE = "or worse"


@dataclass(frozen=True)
class Response:
    """One probability the indices explain: an outcome, or it and every more severe one."""

    outcome: str  # the outcome's id
    scope: str  # EXACTLY or OR_WORSE
    label: str  # in words: "Article 5 war or worse"
    counted: tuple[int, ...]  # indices into scenario.outcomes of the outcomes it counts
    headline: bool  # one per outcome: the one printed, charted and put in a sentence


def responses(scenario: CompiledScenario) -> list[Response]:
    """Per outcome, least severe first: the outcome, and the outcome or worse. The least
    severe "or worse" (always certain) and the most severe "or worse" (the outcome itself)
    are left out.

    The headline of each outcome is "or worse" where there is one, but the second least
    severe's is the outcome alone: its "or worse" is the complement of the least severe
    outcome, whose indices are the same. With two outcomes, only the worse is a headline.
    """
    ordered = scenario.outcomes_by_severity()
    position = {o.id: i for i, o in enumerate(scenario.outcomes)}
    last = len(ordered) - 1
    found = []
    for rank, outcome in enumerate(ordered):
        label = outcome.label or outcome.id
        worse = 0 < rank < last
        alone = rank in (1, last) or (rank == 0 and last > 1)
        found.append(Response(outcome.id, EXACTLY, label, (position[outcome.id],), alone))
        if worse:
            counted = tuple(position[o.id] for o in ordered[rank:])
            found.append(Response(outcome.id, OR_WORSE, f"{label} or worse", counted, rank > 1))
    return found


def tallies(plan: SweepPlan, results: list[BlockResult], points: int, outcomes: int) -> np.ndarray:
    """(GROUPS, points, outcomes) runs of each point ending in each outcome, by group of
    replicates (run index mod GROUPS)."""
    counts = np.zeros((GROUPS, points, outcomes), dtype=np.int64)
    for piece, result in zip(plan.pieces, results, strict=True):
        group = piece.replicate_of_lane() % GROUPS
        np.add.at(counts, (group, piece.point_of_lane(), result.outcome.astype(np.int64)), 1)
    return counts


def probabilities(counts: np.ndarray, response: Response) -> tuple[np.ndarray, np.ndarray]:
    """The response's probability per point from all replicates (points,), and from each
    group's (GROUPS, points), NaN for an empty group."""
    hits = counts[:, :, list(response.counted)].sum(axis=2).astype(float)
    runs = counts.sum(axis=2).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        grouped = np.where(runs > 0, hits / runs, np.nan)
    overall: np.ndarray = hits.sum(axis=0) / runs.sum(axis=0)
    return overall, grouped


def noise_share(probability: np.ndarray, grouped: np.ndarray, replicates: int) -> float:
    """The share of the variance of the estimates across points that chance variation
    between runs accounts for (NaN if they do not vary).

    From the groups of replicates: each group's estimates (GROUPS, points) differ from
    their mean by chance alone, and sum_g var(Y_g - mean) / (G (G - 1)) estimates the
    variance across points of the noise of the estimate from all replicates. With common
    random numbers much of the noise is shared by every point and cancels here, as it
    does in the indices. With fewer replicates than groups: the binomial variance
    p(1 - p) / (R - 1), as if the points' noise were independent.
    """
    spread = float(np.var(probability))
    if spread == 0 or replicates < 2:
        return float("nan")
    if np.isfinite(grouped).all():
        deviation = grouped - grouped.mean(axis=0)
        count = len(grouped)
        chance = float(np.var(deviation, axis=1).sum()) / (count * (count - 1))
    else:
        chance = float(np.mean(probability * (1 - probability))) / (replicates - 1)
    return min(1.0, chance / spread)
