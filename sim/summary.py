"""Aggregating a batch: block results added up into the figures of `summary.json`.

Everything here is incremental (a block at a time, in block order), so a
batch of any size is summarised in memory bounded by one block.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from sim import __version__
from sim.results import wilson_interval
from sim.streams import BLOCK_SIZE

if TYPE_CHECKING:
    from sim.compiler import CompiledScenario
    from sim.runner import BlockResult

FORMAT = 1


class Summariser:
    """Adds up block results into the figures of `summary.json`."""

    def __init__(self, scenario: CompiledScenario, seed: int, runs: int, command: str) -> None:
        self.scenario = scenario
        self.seed = seed
        self.runs = runs
        self.command = command
        self.outcome_counts = np.zeros(len(scenario.outcomes), dtype=np.int64)
        self.level_counts = np.zeros((scenario.horizon + 1, len(scenario.ladder)), dtype=np.int64)
        columns = scenario.fire_columns()
        self.runs_fired = np.zeros(len(columns), dtype=np.int64)
        self.times_fired = np.zeros(len(columns), dtype=np.int64)

    def add(self, result: BlockResult) -> None:
        self.outcome_counts += np.bincount(result.outcome, minlength=len(self.outcome_counts))
        self.level_counts += result.level_counts
        self.runs_fired += (result.fired > 0).sum(axis=1)
        self.times_fired += result.fired.sum(axis=1, dtype=np.int64)

    def summary(self) -> dict:
        scenario = self.scenario
        spec = scenario.spec
        outcomes = []
        for outcome in scenario.outcomes_by_severity():
            count = int(self.outcome_counts[scenario.outcomes.index(outcome)])
            low, high = wilson_interval(count, self.runs)
            outcomes.append(
                {
                    "id": outcome.id,
                    "label": outcome.label,
                    "description": outcome.description,
                    "severity": outcome.severity,
                    "count": count,
                    "probability": count / self.runs,
                    "ci95": [low, high],
                }
            )
        rules = []
        columns = scenario.fire_columns()
        actor_of = {r.id: r.actor for r in scenario.all_rules()}
        for i, column in enumerate(columns):
            rule_id, _, option_id = column.removeprefix("fired.").partition(".")
            rules.append(
                {
                    "id": rule_id,
                    "option": option_id or None,
                    "actor": actor_of[rule_id],
                    "column": column,
                    "runs_fired": int(self.runs_fired[i]),
                    "times_fired": int(self.times_fired[i]),
                }
            )
        return {
            "format": FORMAT,
            "scenario": scenario.id,
            "title": spec.title,
            "description": " ".join(spec.description.split()),
            "seed": self.seed,
            "runs": self.runs,
            "block_size": BLOCK_SIZE,
            "horizon": scenario.horizon,
            "turn_length": spec.turn_length,
            "overrides": scenario.overrides,
            "command": self.command,
            "version": __version__,
            "ladder": [
                {"id": lv.id, "name": lv.label, "description": lv.description} for lv in spec.ladder
            ],
            "outcomes": outcomes,
            "levels_by_turn": {
                "levels": list(scenario.ladder),
                "counts": self.level_counts.tolist(),
            },
            "parameters": {
                name: _plain(scenario.data.get("parameters", {}).get(name))
                for name in spec.parameters
            },
            "sampled_parameters": [p.name for p in scenario.sampled_parameters],
            "rules": rules,
        }


def _plain(value: object) -> object:
    return json.loads(json.dumps(value, default=str))
