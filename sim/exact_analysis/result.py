"""The answer of an exact analysis: each outcome's probability, the end turn, the levels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.results.columns import END_TURN, OUTCOME


@dataclass(frozen=True)
class OutcomeProbability:
    """An outcome's exact probability; `change` is how much it moved from K/2 to K
    quadrature nodes (None when no parameter is integrated: then the figure is exact)."""

    id: str
    label: str
    severity: int
    probability: float
    change: float | None


@dataclass(frozen=True)
class ExactResult:
    """What `sim.exact` computes. Outcomes are least severe first (as in a results
    folder); `end_turns[t]` is the probability of ending on turn t; `levels_by_turn[t][i]`
    the probability of being at ladder level i at the end of turn t (runs that ended
    stay at their last level), turn 0 being the start."""

    scenario: str
    title: str
    horizon: int
    overrides: dict[str, object]
    outcomes: tuple[OutcomeProbability, ...]
    end_turns: tuple[float, ...]
    ladder: tuple[str, ...]
    levels_by_turn: tuple[tuple[float, ...], ...]
    nodes: int | None  # quadrature nodes per continuous parameter; None: none integrated
    integrated: tuple[str, ...]  # the continuous parameters integrated by quadrature
    widest_states: int  # distinct states at the widest step
    widest_turn: int
    seconds: float

    def probability(self, outcome: str) -> float:
        """The exact probability of `outcome`."""
        for entry in self.outcomes:
            if entry.id == outcome:
                return entry.probability
        known = ", ".join(o.id for o in self.outcomes)
        raise KeyError(f"no outcome {outcome!r} in this scenario (outcomes: {known})")

    def outcome_table(self) -> pd.DataFrame:
        """One row per outcome (least severe first): label, probability, and the change
        from K/2 to K quadrature nodes, shaped like `Results.outcome_table()`."""
        rows = [
            {
                OUTCOME.name: o.id,
                "label": o.label,
                "probability": o.probability,
                "change": o.change,
            }
            for o in self.outcomes
        ]
        return pd.DataFrame(rows).set_index(OUTCOME.name)

    def end_turn_table(self) -> pd.Series:
        """The probability of ending on each turn (1 to the horizon)."""
        series = pd.Series(self.end_turns[1:], index=range(1, self.horizon + 1))
        series.index.name = END_TURN.name
        return series

    def levels_table(self) -> pd.DataFrame:
        """Probability of each ladder level (columns) at the end of each turn (rows)."""
        frame = pd.DataFrame(list(self.levels_by_turn), columns=list(self.ladder))
        frame.index.name = "turn"
        return frame

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain data (what `wargame exact --json` writes)."""
        return {
            "scenario": self.scenario,
            "title": self.title,
            "horizon": self.horizon,
            "overrides": self.overrides,
            "method": "exact" if self.nodes is None else "quadrature",
            "nodes": self.nodes,
            "integrated_parameters": list(self.integrated),
            "outcomes": [
                {
                    "id": o.id,
                    "label": o.label,
                    "severity": o.severity,
                    "probability": o.probability,
                    "change_from_half_nodes": o.change,
                }
                for o in self.outcomes
            ],
            "end_turn": {str(t): p for t, p in enumerate(self.end_turns) if t > 0},
            "levels_by_turn": {"levels": list(self.ladder), "probabilities": self.levels_by_turn},
            "widest_states": self.widest_states,
            "widest_turn": self.widest_turn,
            "seconds": self.seconds,
        }
