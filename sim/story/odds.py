"""Odds from here: how a game in progress may end, for each answer to the decision due.

A game stopped before one of its actor's rules (a checkpoint whose turn is in progress,
its next resolution that rule) is continued a few thousand times: once with each answer
forced for that rule on that turn and the rules playing everything after, and once with
the rules deciding it too. Every set of continuations draws from the same branch's
streams, so two answers are compared on the same luck (common random numbers) and their
difference is measured more sharply than either alone. Each outcome's share comes with
its 95% Wilson interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.engine.branching import Checkpoint, continue_from, outcome_counts
from sim.engine.model import EscalationModel
from sim.engine.streams import BLOCK_SIZE
from sim.language.compiled import CompiledScenario, Rule
from sim.results.intervals import wilson
from sim.story.decision import Choice

DEFAULT_RUNS = 4096  # continuations per answer: intervals of about +-1.5 points at 50%


@dataclass(frozen=True)
class OutcomeOdds:
    """One outcome's share of the continuations, with its 95% interval."""

    id: str
    label: str
    count: int
    probability: float
    low: float
    high: float


@dataclass(frozen=True)
class Odds:
    """How the continuations ended with one answer (or the rules') taken: each outcome's
    share, the mean turn they ended on, and each rung's share as the highest reached."""

    key: str  # the choice's key, or "rules" for the rules deciding
    runs: int
    outcomes: tuple[OutcomeOdds, ...]
    mean_end_turn: float
    peaks: tuple[float, ...]  # share of runs by highest rung reached, in ladder order

    def probability(self, outcome: str) -> float:
        return next(o.probability for o in self.outcomes if o.id == outcome)


@dataclass(frozen=True)
class OddsFromHere:
    """The odds of every available answer to a decision, beside the rules' own."""

    turn: int
    rule: str
    runs: int
    rules: Odds
    choices: tuple[Odds, ...]  # one per available choice, in the decision's order

    def of(self, key: str) -> Odds:
        return next(odds for odds in self.choices if odds.key == key)


def odds_from_here(
    scenario: CompiledScenario,
    start: Checkpoint,
    choices: Sequence[Choice],
    branch: str,
    runs: int = DEFAULT_RUNS,
    lane: int = 0,
) -> OddsFromHere:
    """Continue lane `lane` of `start` `runs` times per available choice, and with the
    rules deciding. `start` must stand before an actor's rule (see `rule_due`)."""
    rule = rule_due(scenario, start)
    rules = continuations(scenario, start, branch, runs, lane)
    answers = tuple(
        continuations(scenario, start, branch, runs, lane, rule, choice)
        for choice in choices
        if choice.available
    )
    return OddsFromHere(start.turn, rule.id, runs, rules, answers)


def rule_due(scenario: CompiledScenario, start: Checkpoint) -> Rule:
    """The actor's rule a checkpoint stands before; ValueError if it stands elsewhere."""
    rules = [rule for rule in scenario.turn_steps()]
    if start.cursor is None or start.cursor >= len(rules) or rules[start.cursor].actor is None:
        raise ValueError("the checkpoint does not stand before an actor's rule")
    return rules[start.cursor]


def continuations(
    scenario: CompiledScenario,
    start: Checkpoint,
    branch: str,
    runs: int = DEFAULT_RUNS,
    lane: int = 0,
    rule: Rule | None = None,
    choice: Choice | None = None,
) -> Odds:
    """`runs` continuations of lane `lane` of `start` on `branch`'s streams, with `choice`
    made for `rule` on the checkpoint's turn (None: the rules decide everything)."""
    counts = np.zeros(len(scenario.outcomes), dtype=np.int64)
    peaks = np.zeros(len(scenario.ladder), dtype=np.int64)
    end_turns = 0.0
    for part, size in enumerate(_parts(runs)):
        name = branch if part == 0 else f"{branch}/part:{part}"
        model = continuation(scenario, start, name, size, lane, rule, choice)
        try:
            model.run()
            counts += outcome_counts(model)
            peaks += np.bincount(model.peak, minlength=len(scenario.ladder))
            end_turns += float(model.end_turn.sum())
        finally:
            model.release()
    low, high = wilson(counts, runs)
    outcomes = tuple(
        OutcomeOdds(o.id, o.label, int(k), float(k / runs), float(lo), float(hi))
        for o, k, lo, hi in zip(scenario.outcomes, counts, low, high, strict=True)
    )
    key = "rules" if choice is None else choice.key
    return Odds(key, runs, outcomes, end_turns / runs, tuple(float(p) for p in peaks / runs))


def _parts(runs: int) -> list[int]:
    """Runs per block of continuations: whole blocks, then the rest."""
    if runs < 1:
        raise ValueError("odds need at least one continuation")
    full, rest = divmod(runs, BLOCK_SIZE)
    return [BLOCK_SIZE] * full + ([rest] if rest else [])


def continuation(
    scenario: CompiledScenario,
    start: Checkpoint,
    branch: str,
    runs: int,
    lane: int,
    rule: Rule | None,
    choice: Choice | None,
) -> EscalationModel:
    """A block of continuations, with `choice` forced for `rule` on the checkpoint's turn."""
    if rule is None or choice is None or rule.actor is None:
        return continue_from(scenario, start, lane, runs, branch=branch)
    forced_rule, turn = rule, start.turn

    def forced(
        rule: Rule,
        model: EscalationModel,
        eligible: np.ndarray,
        fires: np.ndarray,
        option: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        if rule is not forced_rule or model.turn != turn or model.cursor != start.cursor:
            return fires, option  # the rules decide everything after the decision
        if choice.option is not None:
            option = np.full(model.size, choice.option, dtype=np.int16)
        return eligible & choice.fires, option

    return continue_from(
        scenario,
        start,
        lane,
        runs,
        branch=branch,
        policy=forced,
        policy_actors=frozenset({rule.actor}),
    )
