"""The turn loop of an exact analysis: the distribution of states, turn after turn, and
the probability each outcome collects as lanes reach it.

A turn is the engine's: delayed effects, chance events before the actors, observations,
the actors in order with their rules in order, chance events after the actors, then the
outcomes in check order (`every_turn` ones each turn, the others at the horizon, where the default
outcome takes what is left).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from sim.exact_analysis import beliefs
from sim.exact_analysis import parameters as params
from sim.exact_analysis.distribution import Distribution
from sim.exact_analysis.limits import (
    RandomVariatesUnsupported,
    RungsPerActorUnsupported,
    SimultaneousMovesUnsupported,
    StateSpaceTooLarge,
    default_max_states,
)
from sim.exact_analysis.observations import Tally, checks_of, initial_columns, measures_of, on_turn
from sim.exact_analysis.result import ExactResult, OutcomeProbability
from sim.exact_analysis.splitting import delay_keys, delayed_effects, once_key, resolve
from sim.language.compiled import CompiledScenario

DEFAULT_NODES = 8  # Gauss-Legendre nodes per continuous parameter


def exact(
    scenario: CompiledScenario,
    nodes: int | None = None,
    max_states: int | None = None,
    progress: bool = False,
) -> ExactResult:
    """The exact outcome distribution of `scenario`.

    Continuous parameters are integrated with `nodes` Gauss-Legendre nodes each (8 by
    default), and again with half as many to estimate the error. More than `max_states`
    distinct states (by default as many as fit in about 2 GB) stops the analysis with
    `StateSpaceTooLarge`, which says what to fix.
    """
    if scenario.variates:
        raise RandomVariatesUnsupported(scenario.variates)
    if scenario.spec.moves == "simultaneous":
        raise SimultaneousMovesUnsupported()
    if scenario.positions.actors:
        raise RungsPerActorUnsupported(scenario.positions.actors)
    beliefs.check_supported(scenario)
    started = time.perf_counter()
    integrated = tuple(p.name for p in scenario.sampled_parameters if params.continuous(p))
    count = (nodes or DEFAULT_NODES) if integrated else None
    if count is not None and count < 2:
        raise ValueError("nodes must be at least 2 (the error estimate uses nodes / 2)")
    main = _propagate(scenario, count or 1, max_states, progress)
    coarse = None if count is None else _propagate(scenario, count // 2, max_states, False)
    change = None if coarse is None else main.outcomes - coarse.outcomes
    order = sorted(range(len(scenario.outcomes)), key=lambda i: scenario.outcomes[i].severity)
    outcomes = tuple(
        OutcomeProbability(
            scenario.outcomes[i].id,
            scenario.outcomes[i].label,
            scenario.outcomes[i].severity,
            float(main.outcomes[i]),
            None if change is None else float(change[i]),
        )
        for i in order
    )
    return ExactResult(
        scenario=scenario.id,
        title=scenario.spec.title,
        horizon=scenario.horizon,
        overrides=dict(scenario.overrides),
        outcomes=outcomes,
        end_turns=tuple(float(p) for p in main.end_turns),
        ladder=scenario.ladder,
        levels_by_turn=tuple(tuple(float(p) for p in row) for row in main.levels),
        nodes=count,
        integrated=integrated,
        measures=measures_of(scenario, main.tally, None if coarse is None else coarse.tally),
        checks=checks_of(scenario, main.tally),
        widest_states=main.widest,
        widest_turn=main.widest_turn,
        seconds=time.perf_counter() - started,
    )


@dataclass
class _Propagation:
    """The figures collected while the distribution moves through the turns."""

    outcomes: np.ndarray  # (outcomes,) probability, in check order
    end_turns: np.ndarray  # (horizon + 1,) probability of ending on each turn
    levels: np.ndarray  # (horizon + 1, levels) probability at each level after each turn
    ended_levels: np.ndarray  # (levels,) the last levels of the runs that ended
    tally: Tally  # the checks and measures of the runs that ended
    widest: int = 0
    widest_turn: int = 0

    def widen(self, lanes: Distribution, turn: int) -> None:
        if len(lanes) > self.widest:
            self.widest, self.widest_turn = len(lanes), turn

    def end(self, lanes: Distribution, hit: np.ndarray, outcome: int, turn: int) -> None:
        """The lanes of `hit` reach `outcome` on `turn`."""
        mass = lanes.probability[hit]
        self.outcomes[outcome] += mass.sum()
        self.end_turns[turn] += mass.sum()
        levels = len(self.ended_levels)
        self.ended_levels += np.bincount(lanes.columns["level"][hit], mass, minlength=levels)


def _propagate(
    scenario: CompiledScenario, nodes: int, max_states: int | None, progress: bool
) -> _Propagation:
    """Move the initial distribution through every turn, collecting the figures."""
    horizon, levels = scenario.horizon, len(scenario.ladder)
    found = _Propagation(
        np.zeros(len(scenario.outcomes)),
        np.zeros(horizon + 1),
        np.zeros((horizon + 1, levels)),
        np.zeros(levels),
        Tally.empty(scenario),
    )
    lanes = initial(scenario, nodes)
    limit = max_states or default_max_states(lanes)
    quadrature = nodes if any(params.continuous(p) for p in scenario.sampled_parameters) else None

    def checked(step: str, turn: int) -> None:
        found.widen(lanes, turn)
        if len(lanes) > limit:
            raise StateSpaceTooLarge(lanes, turn, step, limit, scenario, quadrature)

    checked("setting up the parameters", 0)
    found.levels[0] = np.bincount(lanes.columns["level"], lanes.probability, minlength=levels)
    before = scenario.events_before_actors()
    steps = scenario.turn_steps()[len(before) :]  # the actors' rules, the events after them
    bar = tqdm(range(1, horizon + 1), unit="turn", file=sys.stderr, disable=not progress or None)
    with bar, np.errstate(all="ignore"):
        for turn in bar:
            if len(lanes):
                delayed_effects(lanes, scenario.delayed, turn)
                lanes = lanes.merge()
                for rule in before:
                    lanes = resolve(lanes, rule, turn)
                    checked(f"rule {rule.id!r}", turn)
                if scenario.observations:
                    lanes = beliefs.observe(lanes, scenario, turn)
                    checked("observations", turn)
                for rule in steps:
                    lanes = resolve(lanes, rule, turn)
                    checked(f"rule {rule.id!r}", turn)
                if found.tally.per_turn(scenario):
                    on_turn(scenario, lanes, turn)
                    lanes = lanes.merge()
                    checked("checks and measures", turn)
                lanes = _check_outcomes(scenario, lanes, turn, found)
            active = np.bincount(lanes.columns["level"], lanes.probability, minlength=levels)
            found.levels[turn] = found.ended_levels + active
            bar.set_postfix(states=f"{len(lanes):,}")
    return found


def _check_outcomes(
    scenario: CompiledScenario, lanes: Distribution, turn: int, found: _Propagation
) -> Distribution:
    """End the lanes an outcome holds in (at the horizon, the rest by the default)."""
    at_horizon = turn >= scenario.horizon
    for index, outcome in enumerate(scenario.outcomes):
        if outcome.when is None or not (outcome.every_turn or at_horizon) or not len(lanes):
            continue
        value = outcome.when.evaluate(lanes.env(turn))
        hit = np.broadcast_to(np.asarray(value), (len(lanes),)).astype(bool)
        if hit.any():
            found.end(lanes, hit, index, turn)
            found.tally.end(scenario, lanes.take(hit), index, turn)
            lanes = lanes.take(~hit)
    if at_horizon and len(lanes):
        default = next(i for i, o in enumerate(scenario.outcomes) if o.default)
        found.end(lanes, np.ones(len(lanes), dtype=bool), default, turn)
        found.tally.end(scenario, lanes, default, turn)
        lanes = lanes.take(np.zeros(len(lanes), dtype=bool))
    return lanes


def initial(scenario: CompiledScenario, nodes: int) -> Distribution:
    """The distribution at the start: one lane per combination of parameter values, each
    with every variable at its initial value, the level at the first rung, nothing pending."""
    table = [params.nodes(p, nodes) for p in scenario.sampled_parameters]
    columns, probability = params.grid(table)
    size = len(probability)
    with np.errstate(all="ignore"):
        for slot in scenario.slots:
            value = np.broadcast_to(slot.initial(columns), (size,))
            if slot.low is not None or slot.high is not None:
                value = np.clip(value, slot.low, slot.high)
            columns[slot.key] = value.astype(slot.dtype)
    columns["level"] = np.full(size, scenario.initial_level, dtype=np.int16)
    columns["peak"] = columns["level"].copy()
    for rule in scenario.all_rules():
        if rule.once:
            columns[once_key(rule)] = np.zeros(size, dtype=bool)
    for item in scenario.delayed:
        for key in delay_keys(item):
            columns[key] = np.zeros(size, dtype=np.int32)
    columns.update(initial_columns(scenario, size))
    columns.update(beliefs.initial_columns(scenario, size))
    return Distribution(columns, probability).merge()
