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
class ExactStat:
    """A measure over a group of runs: `probability` that a run is in the group and has a
    value (a `first` measure has none where it never held), and the exact mean of the
    value over those runs (a share for true/false measures); None where no run has one."""

    probability: float
    value: float | None


@dataclass(frozen=True)
class MeasureExpectation:
    """A measure's exact share or mean, overall and by outcome (least severe first), as
    `summary.json` has a batch's; `change` is the overall figure's move from K/2 to K
    quadrature nodes (None when nothing is integrated)."""

    id: str
    label: str
    description: str
    kind: str  # value, ever, turns, max or first
    statistic: str  # share or mean
    overall: ExactStat
    by_outcome: dict[str, ExactStat]
    change: float | None = None


@dataclass(frozen=True)
class CheckProbability:
    """A check and the exact probability that a run violates it."""

    id: str
    holds: str
    checked: str  # at-end or every-turn
    message: str
    probability: float


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
    measures: tuple[MeasureExpectation, ...] = ()
    checks: tuple[CheckProbability, ...] = ()

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

    def measure(self, measure: str) -> MeasureExpectation:
        """The exact figures of `measure`."""
        for entry in self.measures:
            if entry.id == measure:
                return entry
        known = ", ".join(m.id for m in self.measures) or "none"
        raise KeyError(f"no measure {measure!r} in this scenario (measures: {known})")

    def measure_table(self) -> pd.DataFrame:
        """One row per measure: its kind, statistic (share or mean), the exact figure over
        all runs, the probability a run has a value (below 1 only for `first`), and the
        figure within each outcome's runs (NaN where none has a value)."""
        rows = []
        for m in self.measures:
            row: dict[str, Any] = {
                "measure": m.id,
                "kind": m.kind,
                "statistic": m.statistic,
                "all runs": m.overall.value,
                "has a value": m.overall.probability,
            }
            row |= {o: s.value for o, s in m.by_outcome.items()}
            rows.append(row)
        columns = ["measure", "kind", "statistic", "all runs", "has a value"]
        columns += [o.id for o in self.outcomes]
        return pd.DataFrame(rows, columns=columns).set_index("measure")

    def check_table(self) -> pd.DataFrame:
        """One row per check: how it is checked and the exact probability of a violation."""
        rows = [
            {"check": c.id, "checked": c.checked, "violated": c.probability, "holds": c.holds}
            for c in self.checks
        ]
        frame = pd.DataFrame(rows, columns=["check", "checked", "violated", "holds"])
        return frame.set_index("check")

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
            "measures": [
                {
                    "id": m.id,
                    "label": m.label,
                    "kind": m.kind,
                    "statistic": m.statistic,
                    "overall": vars(m.overall),
                    "by_outcome": {o: vars(s) for o, s in m.by_outcome.items()},
                    "change_from_half_nodes": m.change,
                }
                for m in self.measures
            ],
            "checks": [vars(c) for c in self.checks],
            "widest_states": self.widest_states,
            "widest_turn": self.widest_turn,
            "seconds": self.seconds,
        }
