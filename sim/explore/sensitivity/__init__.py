"""Global sensitivity of a sweep: Sobol' indices and Morris screening, with SALib.

The `sobol-indices` and `morris` designs (`design.py`) place the points; the
sweep plays them as any other design; `analyse` then computes, for each
outcome and for "this outcome or worse" (`responses.py`), the indices with
intervals that count both the design's and the runs' error (`indices.py`),
and one sentence per outcome (`sentences.py`). SALib is an optional
dependency: `pip install 'escalation-wargame[sensitivity]'`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.batch.blocks import BlockResult
from sim.explore.factors import Factor
from sim.explore.packing import SweepPlan
from sim.explore.sensitivity.design import (
    SENSITIVITY_DESIGNS,
    SensitivityDesign,
    morris_design,
    morris_levels,
    saltelli_design,
)
from sim.explore.sensitivity.indices import morris_rows, sobol_rows
from sim.explore.sensitivity.responses import probabilities, responses, tallies
from sim.explore.sensitivity.sentences import sentences
from sim.language.compiled import CompiledScenario

COLUMNS = [
    "method",
    "response",
    "outcome",
    "scope",
    "headline",
    "parameter",
    "label",
    "index",
    "value",
    "low",
    "high",
    "design_error",
    "noise",
    "noise_share",
]


@dataclass
class Sensitivity:
    """The indices of a sweep, one row per (response, parameter, index), and the sentences.

    `indices` columns: `method` (sobol or morris), `response` (in words),
    `outcome`, `scope` (exactly or "or worse"), `headline` (the one response per
    outcome that is printed and charted), `parameter`, `label` (its name in
    words), `index` (first-order, total | mu_star, sigma, mu), `value`, `low`,
    `high` (the 95% interval), `design_error` (the bootstrap half-width),
    `noise` (the Monte Carlo error) and `noise_share` (of the response's spread
    across points, the share that is chance variation between runs).
    """

    method: str
    indices: pd.DataFrame
    sentences: dict[str, str]
    levels: int | None = None  # Morris grid levels

    def summary(self) -> dict[str, object]:
        """What `summary.json` keeps of it."""
        return {"method": self.method, "levels": self.levels, "sentences": self.sentences}


def sensitivity_design(
    design: SensitivityDesign, factors: list[Factor], points: int, seed: int
) -> np.ndarray:
    """The design's unit coordinates (see `design.py`)."""
    if design == "morris":
        return morris_design(factors, points, seed)
    return saltelli_design(factors, points, seed)


def analyse(
    design: SensitivityDesign,
    scenario: CompiledScenario,
    factors: list[Factor],
    unit: np.ndarray,
    plan: SweepPlan,
    results: list[BlockResult],
    replicates: int,
    seed: int,
) -> Sensitivity:
    """The indices of every response of a sweep played on a sensitivity design."""
    counts = tallies(plan, results, len(unit), len(scenario.outcomes))
    levels = morris_levels(factors) if design == "morris" else None
    rows = []
    for response in responses(scenario):
        probability, grouped = probabilities(counts, response)
        if levels is not None:
            rows += morris_rows(
                factors, unit, levels, response, probability, grouped, replicates, seed
            )
        else:
            rows += sobol_rows(factors, response, probability, grouped, replicates, seed)
    table = pd.DataFrame(rows, columns=COLUMNS)
    method = "morris" if design == "morris" else "sobol"
    return Sensitivity(method, table, sentences(table), levels)


__all__ = ["SENSITIVITY_DESIGNS", "Sensitivity", "analyse", "sensitivity_design"]
