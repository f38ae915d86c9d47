"""Tabletop play: a person decides for one actor while the rules play everyone else.

A game is run *i* of the batch with the same seed, simulated alone by the
engine (one lane) with a policy for the person's actor. Each time one of that
actor's rules could fire (its `when` holds, and a `once` rule is not spent),
the person is asked: for a decision, which option, or pass; for a plain rule,
act or pass.

What the person's answer replaces, and what it does not:

- It replaces the actor's rule draw: the chance that the rule fires and, for
  a decision, the weighted choice of the option. The engine still draws
  those numbers (then sets them aside), so every other rule, event and
  parameter sees exactly the random numbers it sees in the rules-only run.
  Choosing what the rules drew therefore reproduces the rules-only run.
- For an alliance's rule with a vote, the person decides for the alliance:
  the answer replaces the result of the members' vote (the ballots are still
  drawn, and not shown).
- A state that is a member of an alliance still has its ballots in the
  alliance's votes cast by the rules: the policy covers the actor's own rules.

The game talks to the person through a `Table` (`sim.story.decision`): it tells
the story as data and asks for choices; how that is printed is the table's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.engine import EscalationModel
from sim.errors import Suggestion, WargameError, suggest
from sim.language.compiled import CompiledScenario, Rule, Vote
from sim.story.choices import choices_for
from sim.story.decision import Choice, Decision, Made, Opening, Situation, Table
from sim.story.replay import one_run, replay
from sim.story.story import Ending, Happening, Terms, Turn, TurnSoFar, ending, happening_of


class NotPlayable(WargameError):
    """An actor that cannot be played: not an actor of the scenario, or one without rules.

    `known` is whether `actor` is an actor of `scenario` at all; `playable` lists
    those that can be played, and `suggestion` is the closest actor id, if any.
    """

    def __init__(
        self,
        actor: str,
        scenario: str,
        playable: Sequence[str],
        known: bool,
        suggestion: Suggestion | None = None,
    ) -> None:
        self.actor = actor
        self.scenario = scenario
        self.playable = tuple(playable)
        self.known = known
        self.suggestion = suggestion
        super().__init__(self.format())

    def format(self) -> str:
        listed = ", ".join(self.playable)
        if self.known:
            return (
                f"{self.actor!r} has no rules of its own in {self.scenario}, so there is nothing "
                f"to decide for it; you can play: {listed}"
            )
        close = ""
        if self.suggestion is not None and self.suggestion.closest is not None:
            close = f" ({self.suggestion})"
        return f"no actor {self.actor!r} in {self.scenario}{close}; you can play: {listed}"


def check_playable(scenario: CompiledScenario, actor: str) -> None:
    """Raise `NotPlayable` unless `actor` is an actor of the scenario with rules of its own."""
    playable = [a for a in scenario.actors if scenario.rules_of(a)]
    if actor not in scenario.actors:
        suggestion = suggest(actor, scenario.actors)
        raise NotPlayable(actor, scenario.id, playable, known=False, suggestion=suggestion)
    if actor not in playable:
        raise NotPlayable(actor, scenario.id, playable, known=True)


@dataclass
class _Telling:
    """What has been told so far, so that each thing is told once and quiet turns bunch up."""

    read: int = 0  # journal entries told
    headed: int = 0  # the last turn whose heading was shown
    turn_start_level: int = 0
    quiet: list[Turn] = field(default_factory=list)
    this_turn: list[Happening] = field(default_factory=list)
    last_turn: list[Happening] = field(default_factory=list)


class Game:
    """One game: run `run` of the batch with `seed`, the person deciding for `actor`."""

    def __init__(
        self, scenario: CompiledScenario, actor: str, table: Table, seed: int = 0, run: int = 0
    ) -> None:
        check_playable(scenario, actor)
        self.scenario = scenario
        self.actor = actor
        self.table = table
        self.seed = seed
        self.run = run
        self.terms = Terms(scenario)
        self.made: list[Made] = []
        self.model: EscalationModel = one_run(
            scenario, seed, run, policy=self._policy, policy_actors=frozenset({actor})
        )
        self.journal = self.model.journal if self.model.journal is not None else []
        self._initial = {key: value.copy() for key, value in self._state_items()}
        self._spec_rules = {r.id: r for r in scenario.spec.rules}
        self._telling = _Telling(turn_start_level=scenario.initial_level)

    @property
    def over(self) -> bool:
        model = self.model
        return model.turn >= self.scenario.horizon or not model.active[0]

    def opening(self) -> Opening:
        """What the game opens with, for the table to read out."""
        spec = self.scenario.spec
        terms = self.terms
        return Opening(
            scenario=spec.id,
            title=spec.title,
            description=spec.description,
            run=self.run,
            seed=self.seed,
            you=terms.actor_name(self.actor),
            you_description=spec.actors[self.actor].description,
            others=tuple(terms.actor_name(a) for a in self.scenario.actors if a != self.actor),
            turn_length=spec.turn_length,
            horizon=spec.horizon,
            start_level=terms.level(self.scenario.initial_level),
        )

    def play(self) -> Ending:
        """Play to the end; `Quit` from the table stops it (the game can be told up to there)."""
        try:
            while not self.over:
                self.model.step()
                self._tell(end_of_turn=True)
            self._tell_quiet()
        finally:
            self.model.unregister()
        return ending(self.model)

    # --- the policy: the person's answer in place of the rule draw -----------------

    def _policy(
        self,
        rule: Rule,
        model: EscalationModel,
        eligible: np.ndarray,
        fires: np.ndarray,
        option: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        self._tell(end_of_turn=False)
        decision = self._decision(rule, fires, option)
        index = self.table.choose(decision)
        choice = decision.choices[index]
        if not choice.available:
            raise ValueError(f"choice {choice.key!r} is not available")
        self.made.append(Made(decision, index))
        chosen = eligible & choice.fires
        if choice.option is not None:
            option = np.full(model.size, choice.option, dtype=np.int16)
        return chosen, option

    def _decision(self, rule: Rule, fires: np.ndarray, option: np.ndarray | None) -> Decision:
        choices = self._choices(rule)
        drawn = len(choices) - 1  # pass
        if bool(fires[0]):
            drawn = int(option[0]) if rule.options and option is not None else 0
        return Decision(
            rule=rule,
            actor_name=self.terms.actor_name(rule.actor),
            question=rule.description or (rule.narration if rule.options else ""),
            choices=choices,
            rules_choice=drawn,
            vote=self._vote_note(rule, rule.vote) if rule.vote is not None else "",
            situation=self._situation(),
        )

    def _choices(self, rule: Rule) -> tuple[Choice, ...]:
        return choices_for(self.scenario, rule, self.model.state)

    def _vote_note(self, rule: Rule, vote: Vote) -> str:
        members = len(vote.ballots)
        how = {
            "consensus": f"a consensus of all {members} members",
            "majority": f"a majority ({vote.required()} of {members}) of the members",
            "threshold": f"{vote.required()} of the {members} members",
        }[vote.method]
        return (
            f"By the rules this is put to a vote and needs {how}; "
            f"here you decide for {self.terms.actor_name(rule.actor)}."
        )

    def _situation(self) -> Situation:
        model = self.model
        terms = self.terms
        # the player's own variables and the world's enums always; the rest once they change
        shown = []
        for slot in self.scenario.slots:
            value = model.state[slot.key][0]
            owner = slot.key.split(".", 1)[0] if "." in slot.key else None
            changed = bool(value != self._initial[slot.key][0])
            always = owner == self.actor or (owner is None and slot.type.kind == "enum")
            if always or changed:
                shown.append((slot.key, terms.value(slot.key, value)))
        last = tuple(
            (h.actor_name, _what(h)) for h in self._telling.last_turn if h.actor != self.actor
        )
        return Situation(
            turn=model.turn,
            horizon=self.scenario.horizon,
            level=terms.level(int(model.state["level"][0])),
            state=tuple(shown),
            last_turn=last,
            again=any(made.turn == model.turn for made in self.made),
        )

    def _state_items(self) -> list[tuple[str, np.ndarray]]:
        return [(slot.key, self.model.state[slot.key]) for slot in self.scenario.slots]

    # --- telling what happened -----------------------------------------------------

    def _tell(self, end_of_turn: bool) -> None:
        """Tell the journal entries not yet told: the rest of a turn, or a turn so far."""
        telling = self._telling
        entries = self.journal[telling.read :]
        telling.read = len(self.journal)
        number = self.model.turn
        told = (happening_of(self.terms, firing) for firing in entries)
        happenings = [h for h in told if h is not None]
        telling.this_turn += happenings
        level = int(self.model.state["level"][0])
        turn = Turn(
            number,
            self.terms.level(telling.turn_start_level),
            self.terms.level(level),
            tuple(happenings),
        )
        if end_of_turn:
            telling.last_turn, telling.this_turn = telling.this_turn, []
            telling.turn_start_level = level
            if telling.headed != number and turn.quiet:
                telling.quiet.append(turn)
                return
        self._tell_quiet()
        heading = telling.headed != number
        telling.headed = number
        if heading and end_of_turn:  # the whole turn at once, its heading showing the level's move
            self.table.tell(turn)
        elif heading or happenings:
            self.table.tell(TurnSoFar(turn, heading))

    def _tell_quiet(self) -> None:
        quiet = self._telling.quiet
        if quiet:
            self.table.tell(tuple(quiet))
            self._telling.quiet = []


def _what(happening: Happening) -> str:
    """Which rule a happening was, in a word or three."""
    if happening.kind == "vote-failed":
        return f"{happening.rule}, vote failed"
    if happening.kind == "delayed":
        return f"{happening.rule}, taking hold"
    return happening.rule + (f" -> {happening.option}" if happening.option else "")


# --- how the rules alone do from the same start ------------------------------------


@dataclass(frozen=True)
class RulesVersusPlayer:
    """The player's ending beside the rules-only Monte Carlo from the same start, and this
    very run played by the rules alone."""

    runs: int
    seed: int
    outcomes: tuple[dict[str, Any], ...]  # from summary.json: id, label, count, probability, ci95
    alone: Ending  # run `run` of the same batch, played by the rules alone
    run: int
    yours: Ending  # how the player's game ended


def compare(
    scenario: CompiledScenario, seed: int, run: int, runs: int, yours: Ending
) -> RulesVersusPlayer:
    """Play `runs` rules-only runs with the same seed and settings (and run `run` alone)."""
    from sim.batch.runner import run as run_batch

    results = run_batch(scenario, runs, seed)
    alone = ending(replay(scenario, seed, run))
    return RulesVersusPlayer(runs, seed, tuple(results.summary["outcomes"]), alone, run, yours)
