"""What a person at the table is asked, and how their answer is read.

A `Decision` is one of the person's rules that could act now, with its
`Choice`s and the `Situation` it is asked in; `read_choice` turns a typed
answer into the index of a choice. A `Table` is whatever the game talks to (the
terminal, or a script in tests): it is told the story as it unfolds and asked
for choices. Nothing here renders: `sim.story.render` reads these out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sim.errors import Suggestion, WargameError, suggest
from sim.language.compiled import Rule
from sim.story.told import Quiet, Turn, TurnSoFar

QUIT_WORDS = ("q", "quit", "exit")
HELP_WORDS = ("?", "h", "help")


class Quit(Exception):
    """The person chose to stop the game."""


class EndOfInput(Quit):
    """The input ended (end of file, or Ctrl-D at the terminal)."""


class InvalidChoice(WargameError):
    """An answer that cannot be taken; `format()` says what would be right."""


class NotAChoice(InvalidChoice):
    """An answer that names no choice: `answer` as typed, among `count` choices."""

    def __init__(self, answer: str, count: int, suggestion: Suggestion | None) -> None:
        self.answer = answer
        self.count = count
        self.suggestion = suggestion
        super().__init__(self.format())

    def format(self) -> str:
        if self.suggestion is not None and self.suggestion.closest is not None:
            return f"{self.answer!r} is not a choice; {self.suggestion}"
        return f"{self.answer!r} is not a choice: type a number from 1 to {self.count}."


class ChoiceNotPossible(InvalidChoice):
    """A choice whose condition does not hold now: its 1-based `number`, `key`, `requires`."""

    def __init__(self, number: int, key: str, requires: str) -> None:
        self.number = number
        self.key = key
        self.requires = requires
        super().__init__(self.format())

    def format(self) -> str:
        return (
            f"{self.number}. {self.key} is not possible now (it needs {self.requires}); "
            f"choose another."
        )


@dataclass(frozen=True)
class Choice:
    """One answer to a decision: an option, act (a plain rule) or pass."""

    key: str  # what may be typed instead of the number: the option id, "act" or "pass"
    text: str  # what it means, in the scenario's words
    fires: bool
    option: int | None = None  # index into rule.options
    available: bool = True
    requires: str = ""  # the option's condition, when it does not hold now
    odds: float | None = None  # how likely the rules are to make this choice here
    effects: str = ""  # what it does, as the scenario writes it


@dataclass(frozen=True)
class Situation:
    """Where things stand when a decision is due."""

    turn: int
    horizon: int
    level: str
    state: tuple[tuple[str, str], ...]  # (key, value) worth showing
    last_turn: tuple[tuple[str, str], ...]  # what the others did last turn: (who, which rule)
    again: bool = False  # not the first decision this turn (the situation was shown already)


@dataclass(frozen=True)
class Decision:
    """A rule of the person's actor that could fire now, and the answers to it."""

    rule: Rule
    actor_name: str
    question: str
    choices: tuple[Choice, ...]
    rules_choice: int  # index of the choice the rules' own draw made (told only afterwards)
    vote: str  # for an alliance's vote rule: how the members would decide; else ""
    situation: Situation
    # the odds from here of each choice (a `sim.story.odds.OddsFromHere`, or None), worked
    # out when asked for; None when not offered
    odds: Callable[[], Any] | None = field(default=None, compare=False)
    odds_withheld: str = ""  # why no odds are offered, when that needs saying

    def pass_index(self) -> int:
        return len(self.choices) - 1


@dataclass(frozen=True)
class Made:
    """A decision and the index of the choice the person made."""

    decision: Decision
    choice: int

    @property
    def turn(self) -> int:
        return self.decision.situation.turn


@dataclass(frozen=True)
class Opening:
    """What a game opens with: the scenario, who the person plays, and the start."""

    scenario: str  # id
    title: str
    description: str
    run: int
    seed: int
    you: str  # the person's actor, by name
    you_description: str
    others: tuple[str, ...]  # the actors the rules play, by name
    turn_length: str
    horizon: int
    start_level: str
    odds: bool = True  # `?` shows the odds from here (not to a seat when something is hidden)


class Table(Protocol):
    """How the game talks to the person: tell the story so far, and ask for a choice."""

    def tell(self, part: Turn | Quiet | TurnSoFar) -> None:
        """Tell a part of the story: a whole turn, a quiet stretch, or a turn so far."""

    def choose(self, decision: Decision) -> int:
        """The index of an available choice; may raise `Quit` (or `EndOfInput`)."""


def read_choice(decision: Decision, answer: str) -> int:
    """The choice an answer names: its number or key, or an empty answer for pass.

    Raises `Quit` for q (or quit, exit) and an `InvalidChoice` for anything else.
    """
    text = answer.strip().lower()
    if text in QUIT_WORDS:
        raise Quit
    choices = decision.choices
    keys = [c.key for c in choices]
    index = None
    if not text:
        index = decision.pass_index()
    elif text.isdigit() and 1 <= int(text) <= len(choices):
        index = int(text) - 1
    elif text in keys:
        index = keys.index(text)
    if index is None:
        suggestion = None if text.isdigit() else suggest(text, keys)
        raise NotAChoice(answer.strip(), len(choices), suggestion)
    choice = choices[index]
    if not choice.available:
        raise ChoiceNotPossible(index + 1, choice.key, choice.requires)
    return index
