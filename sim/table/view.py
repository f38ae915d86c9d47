"""What a seat at the table sees, and the umpire's whole picture, in the scenario's words.

`seat_view` builds every page, prompt, record and report a seat is shown, never from the
state directly: what the seat may see is decided by the story's `SeatView` (fog of war),
here applied to the state and the narration. A seat sees the public state, its own, what
it observes and its beliefs (labelled as beliefs), and the last turn as it may be told
it; the umpire's seat (`open`) sees every truth and every actor's beliefs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.language.compiled import CompiledScenario
from sim.language.types import Env
from sim.story.render.wording import said
from sim.story.story import Terms
from sim.story.told import Happening
from sim.story.view import SeatView


@dataclass(frozen=True)
class Fact:
    """One variable as a person reads it: what it is, and its value in words."""

    key: str  # the variable's key (for the record; never shown as the only name)
    label: str  # its name in words (`requested support`)
    value: str  # its value in words
    description: str  # what it means, as the scenario says (may be long; "" if not said)
    owner: str  # the actor it belongs to, by name; "" for the world


@dataclass(frozen=True)
class Line:
    """One line of narration: who acted, and what happened."""

    who: str
    text: str


@dataclass(frozen=True)
class SeatPicture:
    """Everything one seat may see at one moment."""

    seat: str  # actor id
    name: str  # actor name
    turn: int
    horizon: int
    turn_length: str
    rung: int  # ladder index of the current level
    ladder: tuple[tuple[str, str], ...]  # (label, description) of every rung, in order
    facts: tuple[Fact, ...]  # its own state first, then the world's and the others'
    beliefs: tuple[Fact, ...]  # what it believes, labelled as beliefs (the umpire: everyone's)
    last_turn: tuple[Line, ...]  # the narration of the last turn played
    this_turn: tuple[Line, ...] = ()  # of the turn in progress, what happened so far

    @property
    def level(self) -> str:
        return self.ladder[self.rung][0]


def seat_view(
    scenario: CompiledScenario,
    state: Env,
    seat: str,
    turn: int,
    last_turn: Sequence[Happening],
    view: SeatView | None = None,
    this_turn: Sequence[Happening] = (),
) -> SeatPicture:
    """What `seat` may see of a one-lane `state` on `turn`, of what happened last turn and
    so far this turn, through `view` (the seat's own `SeatView` unless given; an open one
    is the umpire's)."""
    view = SeatView(scenario, seat) if view is None else view
    truths = [s.key for s in scenario.slots if s.believer is None and view.sees(s.key)]
    facts = facts_of(scenario, state, truths)
    own = tuple(f for f in facts if f.owner == scenario.actor_name(seat))
    others = tuple(f for f in facts if f.owner != scenario.actor_name(seat))
    told = (view.happening(h) for h in last_turn)
    so_far = (view.happening(h) for h in this_turn)
    return SeatPicture(
        seat=seat,
        name=scenario.actor_name(seat),
        turn=turn,
        horizon=scenario.horizon,
        turn_length=scenario.spec.turn_length,
        rung=int(np.asarray(state["level"]).reshape(-1)[0]),
        ladder=ladder(scenario),
        facts=own + others,
        beliefs=beliefs_of(scenario, state, seat, view),
        last_turn=tuple(narrated(h) for h in told if h is not None),
        this_turn=tuple(narrated(h) for h in so_far if h is not None),
    )


def beliefs_of(
    scenario: CompiledScenario, state: Env, seat: str, view: SeatView
) -> tuple[Fact, ...]:
    """The beliefs `view` may see, labelled as beliefs: the seat's own first (`intent
    (belief)`), then, for the umpire, the others' (`intent (Turkey's belief)`)."""
    facts = []
    slots = {slot.key: slot for slot in scenario.slots}
    terms = Terms(scenario)
    for slot in scenario.slots:
        if slot.believer is None or not view.sees(slot.key):
            continue
        about = str(slot.about)
        name = in_words(about.split(".", 1)[-1])
        who = scenario.actor_name(slot.believer)
        value = np.asarray(state[slot.key]).reshape(-1)[0]
        facts.append(
            Fact(
                key=slot.key,
                label=f"{name} (belief)" if slot.believer == seat else f"{name} ({who}'s belief)",
                value=value_in_words(terms, slot.key, value),
                description=" ".join((slot.description or slots[about].description).split()),
                owner=who,
            )
        )
    if seat not in scenario.actors:
        return tuple(facts)
    return tuple(sorted(facts, key=lambda f: f.owner != scenario.actor_name(seat)))


def every_belief(scenario: CompiledScenario, state: Env) -> tuple[Fact, ...]:
    """Every actor's beliefs, labelled by whose they are (the umpire's view)."""
    if not scenario.has_beliefs:
        return ()
    view = SeatView(scenario, next(iter(scenario.actors)), open=True)
    return beliefs_of(scenario, state, "", view)


def truth(scenario: CompiledScenario, state: Env) -> tuple[Fact, ...]:
    """Every variable's true value (the umpire's view), the world's first; beliefs are
    not truths (`beliefs_of` an open view tells them)."""
    return facts_of(scenario, state, [s.key for s in scenario.slots if s.believer is None])


def facts_of(scenario: CompiledScenario, state: Env, keys: Sequence[str]) -> tuple[Fact, ...]:
    """The variables `keys` of a one-lane `state` in words, the world's before the actors'."""
    terms = Terms(scenario)
    slots = {slot.key: slot for slot in scenario.slots}
    facts = []
    for key in keys:
        owner = key.split(".", 1)[0] if "." in key else ""
        value = np.asarray(state[key]).reshape(-1)[0]
        facts.append(
            Fact(
                key=key,
                label=in_words(key.split(".", 1)[-1]),
                value=value_in_words(terms, key, value),
                description=" ".join(slots[key].description.split()),
                owner=scenario.actor_name(owner) if owner in scenario.actors else "",
            )
        )
    return tuple(sorted(facts, key=lambda f: f.owner != ""))


def ladder(scenario: CompiledScenario) -> tuple[tuple[str, str], ...]:
    """Every rung of the escalation ladder: (label, description), from the lowest."""
    return tuple((level.label, level.description) for level in scenario.spec.ladder)


def narrated(happening: Happening) -> Line:
    """A happening as one line of narration."""
    if happening.kind == "event":
        who = "Event"
    elif happening.kind == "delayed":
        who = "Taking hold"
    else:
        who = happening.actor_name
    return Line(who, said(happening))


def in_words(name: str) -> str:
    """A variable or value name as words: `requested_support` -> `requested support`."""
    return name.replace("_", " ").replace("-", " ")


def value_in_words(terms: Terms, key: str, value: object) -> str:
    """A value as a person reads it: yes/no, an enum value in words, a rung by name."""
    text = terms.value(key, value)
    kind = terms.types[key].kind if key in terms.types else ""
    if kind == "bool":
        return "yes" if text == "true" else "no"
    if kind == "enum":
        return in_words(text)
    return text
