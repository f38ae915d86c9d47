"""Fog of war in an exact analysis: each observation splits a lane by what it reads.

The semantics are the engine's (sim/engine/beliefs.py), written again over
probabilities: in the observation phase (after the chance events before the
actors), actor by actor, each observation's readings due this turn reach the
belief, then where its condition holds a lane splits into one lane per value it
may read, weighted by the chance of reading it (the truth with what the
misreadings leave). A reading `delay` turns late waits in columns of its own.
Numbers read with normal noise have no finite set of readings: refused.
"""

from __future__ import annotations

import itertools

import numpy as np

from sim.errors import SimulationError, WargameError
from sim.exact_analysis.distribution import Distribution, join
from sim.language.compiled import CompiledScenario, Observation, Rule
from sim.language.observations import FALSE_BELIEF_FIRINGS
from sim.language.types import Env

NOTHING = -1  # a pending column's value where no reading waits


class NoiseUnsupported(WargameError):
    """An observation reads a number with normal noise, which has no finite set of readings."""

    def __init__(self, observations: list[Observation]) -> None:
        self.observations = tuple(observations)
        named = ", ".join(f"{o.actor}'s `{o.id}` of `{o.about}`" for o in observations)
        super().__init__(
            f"the exact analysis cannot split on normal noise in observations ({named}): a "
            "continuous reading has no finite set of values; read the variable with `error` "
            "or `confusion` as an enum, or estimate this scenario with `wargame run`"
        )


def check_supported(scenario: CompiledScenario) -> None:
    noisy = [o for o in scenario.observations if o.misreading == "noise"]
    if noisy:
        raise NoiseUnsupported(noisy)


def pending_keys(observation: Observation) -> list[str]:
    """The columns of an observation's readings on their way: the i-th due i + 1 turns on."""
    name = f"pending.{observation.actor}.{observation.about}.{observation.id}"
    return [f"{name}.{i}" for i in range(observation.delay)]


def counts_false_beliefs(scenario: CompiledScenario) -> bool:
    """Whether a check or measure reads the count of firings on a false belief (else the
    count is not kept: it would split states for nothing)."""
    texts = [c.holds.text for c in scenario.checks] + [m.expression.text for m in scenario.measures]
    return any(FALSE_BELIEF_FIRINGS in str(text) for text in texts)


def initial_columns(scenario: CompiledScenario, size: int) -> dict[str, np.ndarray]:
    columns = {
        key: np.full(size, NOTHING, dtype=np.int16)
        for observation in scenario.observations
        for key in pending_keys(observation)
    }
    if counts_false_beliefs(scenario):
        columns[FALSE_BELIEF_FIRINGS] = np.zeros(size, dtype=np.int32)
    return columns


def misread(rule: Rule, env: Env, size: int) -> np.ndarray:
    """(lanes,) bool: where a belief the rule is judged on differs from the truth."""
    wrong = np.zeros(size, dtype=bool)
    for belief, truth in rule.beliefs_read:
        wrong |= np.broadcast_to(np.asarray(env[belief] != env[truth]), (size,))
    return wrong


def observe(lanes: Distribution, scenario: CompiledScenario, turn: int) -> Distribution:
    """The observation phase: every observation, in the engine's order."""
    for observation in scenario.observations:
        if not len(lanes):
            break
        if observation.delay:
            _arrive(lanes, observation)
        lanes = _read(lanes, observation, turn).merge()
    return lanes


def _arrive(lanes: Distribution, observation: Observation) -> None:
    """The readings due this turn reach the belief; the others move a turn closer."""
    keys = pending_keys(observation)
    due = lanes.columns[keys[0]]
    belief = lanes.columns[observation.belief]
    arrived = belief.copy()
    np.copyto(arrived, due, where=due != NOTHING, casting="unsafe")
    lanes.columns[observation.belief] = arrived
    for nearer, later in itertools.pairwise(keys):
        lanes.columns[nearer] = lanes.columns[later]
    lanes.columns[keys[-1]] = np.full(len(lanes), NOTHING, dtype=np.int16)


def _read(lanes: Distribution, observation: Observation, turn: int) -> Distribution:
    """Each lane where the observation is made, split by the value it reads."""
    env = lanes.env(turn)
    size = len(lanes)
    seen = np.broadcast_to(np.asarray(observation.when.evaluate(env), dtype=bool), (size,))
    if not seen.any():
        return lanes
    target = pending_keys(observation)[-1] if observation.delay else observation.belief
    dtype = lanes.columns[target].dtype
    if observation.misreading == "none":  # the truth, read as it is: no split
        read = lanes.columns[target].copy()
        np.copyto(read, env[observation.about], where=seen, casting="unsafe")
        lanes.columns[target] = read
        return lanes
    chances = _reading_chances(observation, env, seen, size, turn)  # (values, lanes)
    parts = [lanes.take(~seen)]
    for value, chance in enumerate(chances):
        where = seen & (chance > 0)
        if where.any():
            branch = lanes.take(where, lanes.probability[where] * chance[where])
            branch.columns[target] = np.full(len(branch), value, dtype=dtype)
            parts.append(branch)
    return join(parts)


def _reading_chances(
    observation: Observation, env: Env, seen: np.ndarray, size: int, turn: int
) -> np.ndarray:
    """(values, lanes) float64: the chance of each reading, the truth taking the rest."""
    kind = observation.slot.type.kind
    values = 2 if kind == "bool" else len(observation.slot.type.values)
    truth = np.broadcast_to(np.asarray(env[observation.about]).astype(np.int64), (size,))
    chances = np.zeros((values, size))
    if observation.misreading in ("flip", "other"):
        assert observation.error is not None
        error = _chance(observation, observation.error.evaluate(env), seen, size, turn)
        for value in range(values):
            chances[value] = np.where(truth == value, 0.0, error / max(values - 1, 1))
    elif observation.misreading == "confusion":
        for t, row in enumerate(observation.confusion):
            for j, entry in enumerate(row):
                if entry is not None:
                    chance = _chance(
                        observation, entry.evaluate(env), seen & (truth == t), size, turn
                    )
                    chances[j] = np.where(truth == t, chance, chances[j])
    wrong = chances.sum(axis=0)
    if (seen & (wrong > 1 + 1e-12)).any():
        raise SimulationError(
            f"observation {observation.id!r} of {observation.actor}'s belief about "
            f"`{observation.about}`: its misreadings add up to more than 1 on turn {turn}"
        )
    chances[truth, np.arange(size)] = 1.0 - wrong
    return chances


def _chance(
    observation: Observation, value: object, where: np.ndarray, size: int, turn: int
) -> np.ndarray:
    values = np.broadcast_to(np.asarray(value, dtype=np.float64), (size,))
    bad = where & ~((values >= 0) & (values <= 1))
    if bad.any():
        raise SimulationError(
            f"observation {observation.id!r} of {observation.actor}'s belief about "
            f"`{observation.about}`: a chance of misreading evaluated to "
            f"{values[np.flatnonzero(bad)[0]]:g} on turn {turn}; it must be between 0 and 1"
        )
    return values
