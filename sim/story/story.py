"""The story of one run as data: what fired on each turn, what it changed, how the run ended.

A one-lane model's journal (`EscalationModel(journal=[])`) records every rule
resolution; `story_of` turns it into `Turn`s of `Happening`s in the scenario's
own terms (actor names, enum values and ladder levels by name). Reading a story
out is the renderers' job (`sim.story.render`): nothing here prints or formats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from sim.engine.model import NO_OUTCOME, EscalationModel, Firing
from sim.language.compiled import CompiledScenario, DelayedEffects, Option, Rule
from sim.language.observations import FALSE_BELIEF_FIRINGS
from sim.story.fog import Misbelief, misbeliefs, what
from sim.story.told import (
    Change,
    Ending,
    Happening,
    HappeningKind,
    Scheduled,
    Story,
    Turn,
    Vote,
)
from sim.text import yaml_value

# --- from a journal to a story -------------------------------------------------


class Terms:
    """A scenario's vocabulary: actor names and state values as the scenario writes them."""

    def __init__(self, scenario: CompiledScenario) -> None:
        self.scenario = scenario
        self.levels = tuple(level.label for level in scenario.spec.ladder)
        # the world's level and peak, and those of each actor that holds a rung
        self.ladder_keys = {"level", "peak"}
        for actor in scenario.positions.actors:
            self.ladder_keys |= {f"{actor}.level", f"{actor}.peak"}
        self.types = {slot.key: slot.type for slot in scenario.slots}
        self.types.update({p.key: p.type for p in scenario.parameters})
        self.delayed_origin: dict[int, tuple[Rule, str | None]] = {}
        for rule in scenario.all_rules():
            for item in rule.delayed:
                self.delayed_origin[item.slot] = (rule, None)
            for option in rule.options:
                for item in option.delayed:
                    self.delayed_origin[item.slot] = (rule, option.id)

    def actor_name(self, actor: str | None) -> str:
        """An actor's display name; "Event" for chance events, which have no actor."""
        return "Event" if actor is None else self.scenario.actor_name(actor)

    def level(self, index: int) -> str:
        return self.levels[int(index)]

    def value(self, key: str, value: Any) -> str:  # a numpy scalar of the variable's dtype
        """A state value in the scenario's terms: enum values and ladder levels by name."""
        if key in self.ladder_keys:
            return self.level(int(value))
        type_ = self.types.get(key)
        if type_ is not None and type_.kind == "enum":
            return type_.values[int(value)]
        if (type_ is not None and type_.kind == "bool") or isinstance(value, bool | np.bool_):
            return "true" if value else "false"
        if type_ is not None and type_.kind == "int":
            return str(int(value))
        return f"{float(value):.3g}"


def story_of(model: EscalationModel, run: int, command: str = "") -> Story:
    """The story of a one-lane model (after it ran, or as far as it got) with a journal."""
    if model.size != 1 or model.journal is None:
        raise ValueError("a story needs a model of one lane with a journal")
    scenario = model.scenario
    terms = Terms(scenario)
    ended = int(model.outcome[0]) != NO_OUTCOME
    last = int(model.end_turn[0]) if ended else model.turn
    drawn = tuple(
        (p.name, terms.value(p.key, model.parameters[p.name][0]))
        for p in scenario.sampled_parameters
    )
    fixed = tuple((name, yaml_value(value)) for name, value in scenario.overrides.items())
    return Story(
        scenario=scenario.id,
        title=scenario.spec.title,
        turn_length=scenario.spec.turn_length,
        horizon=scenario.horizon,
        seed=model.seed,
        run=run,
        start_level=terms.level(scenario.initial_level),
        drawn=drawn,
        fixed=fixed,
        turns=tuple(turns(terms, model.journal, 1, last, scenario.initial_level, model.belief_log)),
        ending=ending(model),
        command=command,
    )


def ending(model: EscalationModel) -> Ending:
    """How lane 0 of `model` ended (or where it stands, if it has not ended)."""
    scenario = model.scenario
    terms = Terms(scenario)
    index = int(model.outcome[0])
    peak = terms.level(int(model.peak[0]))
    rungs = tuple(
        (
            scenario.actor_name(actor),
            terms.level(int(model.state[f"{actor}.level"][0])),
            terms.level(int(model.state[f"{actor}.peak"][0])),
        )
        for actor in scenario.positions.actors
    )
    if index == NO_OUTCOME:
        return Ending(None, "", "", model.turn, peak, rungs=rungs)
    outcome = scenario.outcomes[index]
    violated = tuple(
        (check.id, check.message or f"`{check.text}` does not hold")
        for check in scenario.checks
        if model.observers.violated[check.id][0]
    )
    end_turn = int(model.end_turn[0])
    misread = int(model.state[FALSE_BELIEF_FIRINGS][0]) if scenario.has_beliefs else None
    return Ending(
        outcome.id, outcome.label, outcome.description, end_turn, peak, violated, rungs, misread
    )


def turns(
    terms: Terms,
    journal: Iterable[Firing],
    first: int,
    last: int,
    level: int,
    beliefs: Sequence[Mapping[str, np.ndarray]] = (),
) -> list[Turn]:
    """Turns `first` to `last` of a one-lane journal; `level` is the ladder index before `first`;
    `beliefs` the model's `belief_log` (each turn's beliefs and truths), if kept."""
    by_turn: dict[int, list[Happening]] = {}
    levels: dict[int, int] = {}
    for firing in journal:
        for key, _, after in firing.changes:
            if key == "level" and (firing.fired[0] or firing.rule is None):
                levels[firing.turn] = int(after[0])
        happening = happening_of(terms, firing)
        if happening is not None:
            by_turn.setdefault(firing.turn, []).append(happening)
    out = []
    before: tuple[Misbelief, ...] = ()
    if first > 1 and len(beliefs) >= first - 1:
        before = misbeliefs(terms.scenario, beliefs[first - 2], terms.value)
    for number in range(first, last + 1):
        after_turn = levels.get(number, level)
        told = tuple(by_turn.get(number, ()))
        wrong = (
            misbeliefs(terms.scenario, beliefs[number - 1], terms.value)
            if (len(beliefs) >= number)
            else ()
        )
        turn = Turn(
            number, terms.level(level), terms.level(after_turn), told, wrong, wrong != before
        )
        out.append(turn)
        level, before = after_turn, wrong
    return out


def happening_of(terms: Terms, firing: Firing) -> Happening | None:
    """What a journal entry means for the story, or None if nothing happened."""
    fired = bool(firing.fired[0])
    changes = _changes(terms, firing.changes)
    if firing.delayed is not None:
        return _delayed(terms, firing, changes) if fired else None
    if firing.observation is not None:
        return _observed(terms, firing, changes) if fired else None
    rule = firing.rule
    if rule is None:  # simultaneous moves landed: combined writes, the level following
        return _landed(terms, changes) if fired and changes else None
    by_player = firing.decided_by == "player"
    held = firing.vote_held is not None and bool(firing.vote_held[0])
    vote = _vote(terms, rule, firing) if held and not by_player else None
    kind: HappeningKind
    if not fired:
        if vote is None:
            return None  # the rule did not fire (a player's pass is told by the game itself)
        kind = "vote-failed"
    else:
        kind = "rule" if rule.actor is not None else "event"
        if not rule.narration and not changes and not rule.options:
            return None  # bookkeeping (a rule with nothing to say that changed nothing)
    option, option_narration = None, ""
    delayed = rule.delayed if fired else ()
    if fired and rule.options and firing.option is not None:
        chosen = rule.options[int(firing.option[0])]
        delayed += chosen.delayed
        if _holds_still(rule, chosen) and not changes and vote is None:
            return None  # a decision to carry on as before: nothing to tell
        option, option_narration = chosen.id, chosen.narration or chosen.description
    return Happening(
        kind=kind,
        rule=rule.id,
        actor=rule.actor,
        actor_name=terms.actor_name(rule.actor),
        narration=rule.narration or ("" if rule.options else rule.description),
        description=rule.description,
        option=option,
        option_narration=option_narration,
        vote=vote,
        changes=changes,
        by_player=by_player,
        scheduled=tuple(_scheduled(terms, firing.turn, item) for item in delayed),
        on_false_belief=fired and firing.misread is not None and bool(firing.misread[0]),
    )


def _holds_still(rule: Rule, option: Option) -> bool:
    """An option that changes nothing and says nothing (e.g. `keep-pressing`) of a rule that
    says nothing itself: choosing it is the decision to carry on as before."""
    return not (rule.narration or option.narration or option.effects or option.delayed)


def _scheduled(terms: Terms, turn: int, item: DelayedEffects) -> Scheduled:
    due = turn + item.after
    return Scheduled(due, item.narration, due > terms.scenario.horizon)


def _delayed(terms: Terms, firing: Firing, changes: tuple[Change, ...]) -> Happening:
    item = firing.delayed
    assert item is not None
    rule, option = terms.delayed_origin[item.slot]
    return Happening(
        kind="delayed",
        rule=rule.id,
        actor=rule.actor,
        actor_name=terms.actor_name(rule.actor),
        narration=item.narration,
        option=option,
        changes=changes,
        scheduled_on=firing.turn - item.after,
    )


def _observed(terms: Terms, firing: Firing, changes: tuple[Change, ...]) -> Happening:
    """An observation's reading reaching its actor's belief."""
    observation = firing.observation
    assert observation is not None
    return Happening(
        kind="observation",
        rule=observation.id,
        actor=observation.actor,
        actor_name=terms.actor_name(observation.actor),
        narration=observation.description,
        description=what(terms.scenario, observation.about),
        changes=changes,
        taken_on=firing.taken if firing.taken != firing.turn else None,
    )


def _vote(terms: Terms, rule: Rule, firing: Firing) -> Vote | None:
    if rule.vote is None:
        return None
    yes = tuple(terms.actor_name(m) for m, ballot in firing.votes.items() if ballot[0])
    no = tuple(terms.actor_name(m) for m, ballot in firing.votes.items() if not ballot[0])
    return Vote(rule.vote.method, rule.vote.required(), yes, no)


def _changes(
    terms: Terms, changes: Sequence[tuple[str, np.ndarray, np.ndarray]]
) -> tuple[Change, ...]:
    """The net change of each variable a firing touched, leaving out those that ended unchanged."""
    first: dict[str, object] = {}
    last: dict[str, object] = {}
    for key, before, after in changes:
        first.setdefault(key, before[0])
        last[key] = after[0]
    return tuple(
        Change(key, terms.value(key, first[key]), terms.value(key, last[key]))
        for key in first
        if first[key] != last[key]
    )


def _landed(terms: Terms, changes: tuple[Change, ...]) -> Happening:
    """The actors' simultaneous moves landing: writes combined by rule, the level following."""
    rules = terms.scenario.spec.combine
    combined = [f"{c.key} by {rules[c.key]}" for c in changes if c.key in rules]
    narration = "The actors' moves land together"
    if combined:
        narration += f" ({', '.join(combined)} of their writes)"
    return Happening(
        kind="landed",
        rule="moves",
        actor=None,
        actor_name="",
        narration=narration,
        changes=changes,
    )
