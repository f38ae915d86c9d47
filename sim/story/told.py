"""The parts a story is told in: happenings, turns, how a run ended, the whole story.

Plain frozen data, built by `sim.story.story` from a model's journal and read by
the renderers, play and the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sim.story.fog import Misbelief

# a chance event, an actor's rule, an alliance's vote that failed, effects taking hold,
# simultaneous moves landing together, an observation's reading reaching a belief, or (to a
# seat at play) an act whose cause is hidden
HappeningKind = Literal[
    "event", "rule", "vote-failed", "delayed", "landed", "observation", "unseen"
]


@dataclass(frozen=True)
class Change:
    """A state variable that changed: its key and its values before and after, as text."""

    key: str
    before: str
    after: str


@dataclass(frozen=True)
class Vote:
    """How an alliance's members voted on one rule."""

    method: str  # consensus, majority or threshold
    required: int  # yes votes needed
    yes: tuple[str, ...]  # member names
    no: tuple[str, ...]


@dataclass(frozen=True)
class Scheduled:
    """A delayed effect a firing scheduled: the turn it is due and what it will say."""

    turn: int
    narration: str
    beyond_horizon: bool  # due after the last turn: it will never take hold


@dataclass(frozen=True)
class Happening:
    """One thing that happened on a turn (see `HappeningKind`)."""

    kind: HappeningKind
    rule: str  # rule or event id; for delayed effects the rule (and option) that scheduled them
    actor: str | None  # actor id; None for chance events
    actor_name: str
    narration: str
    description: str = ""  # what the rule is about (said when a vote fails)
    option: str | None = None  # the chosen option's id, for decisions
    option_narration: str = ""
    vote: Vote | None = None
    changes: tuple[Change, ...] = ()
    by_player: bool = False
    scheduled: tuple[Scheduled, ...] = ()  # delayed effects this firing scheduled
    scheduled_on: int | None = None  # for a delayed effect taking hold: when it was scheduled
    on_false_belief: bool = False  # fired on a belief that differed from the truth
    taken_on: int | None = None  # for an observation arriving late: the turn it was taken


@dataclass(frozen=True)
class Turn:
    """A turn of the story: what happened, and the ladder level before and after."""

    number: int
    level_before: str
    level_after: str
    happenings: tuple[Happening, ...]
    # fog of war: the beliefs that differ from the truth at the end of the turn, and
    # whether they are not those of the turn before
    misbeliefs: tuple[Misbelief, ...] = ()
    beliefs_changed: bool = False

    @property
    def quiet(self) -> bool:
        return not self.happenings and not self.beliefs_changed


Quiet = tuple[Turn, ...]  # a stretch of turns in which nothing happened


@dataclass(frozen=True)
class TurnSoFar:
    """Part of a turn told while it is still going (in play, before a decision is asked).

    `heading` is whether the turn is first told here (its level as it began).
    """

    turn: Turn
    heading: bool


@dataclass(frozen=True)
class Ending:
    """How a run ended; `outcome` is None when it was stopped before it ended (play)."""

    outcome: str | None
    outcome_label: str
    outcome_description: str
    turn: int
    peak: str
    violated: tuple[tuple[str, str], ...] = ()  # (check id, what it means) this run broke
    # actors with rungs of their own: (name, rung it stands on, highest rung it reached)
    rungs: tuple[tuple[str, str, str], ...] = ()
    false_belief_firings: int | None = None  # with fog of war: firings on a false belief


@dataclass(frozen=True)
class Story:
    """One run told from start to end."""

    scenario: str  # id
    title: str
    turn_length: str
    horizon: int
    seed: int
    run: int
    start_level: str
    drawn: tuple[tuple[str, str], ...]  # sampled parameters of this run: (name, value)
    fixed: tuple[tuple[str, str], ...]  # parameters fixed with --set
    turns: tuple[Turn, ...]
    ending: Ending
    command: str = ""  # the command line that reproduces it


def group_quiet(turns: Sequence[Turn]) -> list[Turn | Quiet]:
    """Turns, with each stretch of quiet turns gathered into one tuple."""
    out: list[Turn | Quiet] = []
    for turn in turns:
        last = out[-1] if out else None
        if turn.quiet and isinstance(last, tuple):
            out[-1] = (*last, turn)
        else:
            out.append((turn,) if turn.quiet else turn)
    return out
