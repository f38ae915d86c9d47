"""Tabletop play: who may be played, and how the rules alone do from the same start.

The game itself is `sim.table`'s (a session, read out at one table by `sim.table.game`).
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
from dataclasses import dataclass
from typing import Any

from sim.errors import Suggestion, WargameError, suggest
from sim.language.compiled import CompiledScenario
from sim.story.replay import replay
from sim.story.story import ending
from sim.story.told import Ending


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
