"""The one interface every way of reading a story out implements.

Each method returns a block of text for one part of a trace or a game, without
a leading or trailing blank line: the caller sets blocks apart (a blank line on
the terminal, a paragraph break in a transcript).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sim.story.decision import Decision, Made, Opening
from sim.story.play import RulesVersusPlayer
from sim.story.told import Ending, Happening, Quiet, Story, Turn, TurnSoFar


class Renderer(Protocol):
    """Reads out a story (a trace) and the parts of a game as they happen."""

    def story(self, story: Story) -> str:
        """A whole run, start to end (what `wargame trace` prints)."""
        ...

    def intro(self, story: Story) -> str:
        """What a story opens with: the run, its settings and draws, the start."""
        ...

    def turn(self, turn: Turn) -> str:
        """A turn with its heading (the level's move) and what happened."""
        ...

    def turn_so_far(self, part: TurnSoFar) -> str:
        """What happened of a turn still going, under its heading when first told."""
        ...

    def quiet(self, turns: Quiet) -> str:
        """A stretch of turns in which nothing happened."""
        ...

    def happening(self, happening: Happening) -> str:
        """One thing that happened: who, which rule, what was said, the vote and changes."""
        ...

    def ending(self, ending: Ending, horizon: int) -> str:
        """How the run ended (or that it was stopped)."""
        ...

    def opening(self, opening: Opening, command: str) -> str:
        """How a game opens; `command` is the command line that plays it."""
        ...

    def decision(self, decision: Decision) -> str:
        """A decision put to the person: the situation, the question and the choices."""
        ...

    def game_end(self, ending: Ending, horizon: int) -> str:
        """How a game ended."""
        ...

    def choices_made(self, made: Sequence[Made], stopped: bool = False) -> str:
        """The person's choices, each beside the rules' own draw."""
        ...

    def stopped(self, why: str, turn: int, horizon: int, made: Sequence[Made]) -> str:
        """A game stopped before it ended (quit, end of input, interrupted)."""
        ...

    def revealed(self, story: Story) -> str:
        """At a game's end, the truth and every actor's beliefs, turn by turn."""
        ...

    def comparison(self, comparison: RulesVersusPlayer) -> str:
        """The player's outcome beside how often the rules alone reach each outcome."""
        ...


def told(renderer: Renderer, part: Turn | Quiet | TurnSoFar) -> str:
    """A part of the story told as a game goes: a whole turn, a quiet stretch or a turn so far."""
    if isinstance(part, Turn):
        return renderer.turn(part)
    if isinstance(part, TurnSoFar):
        return renderer.turn_so_far(part)
    return renderer.quiet(part)
