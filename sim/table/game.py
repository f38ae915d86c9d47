"""A game at one table (a terminal, or a script): a `Session` read out turn by turn.

The game tells the story as it unfolds through a `Table` (`sim.story.decision`), asks it
for each decision due from a seat, and, with `pause_each_turn`, briefs it before every
turn and waits until it is read. Several seats may share the table (people taking turns
at one keyboard); the rules play every other actor. Everything a seat is shown comes
from its `SeatPicture`, and what happens is told through its `SeatView`: with fog of war,
only its actor's view until the game is over (`open`: the umpire's view throughout).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from sim.language.compiled import CompiledScenario, Vote
from sim.story.decision import Decision, Made, Opening, Situation
from sim.story.decision import Table as StoryTable
from sim.story.odds import DEFAULT_RUNS
from sim.story.story import Terms, happening_of
from sim.story.told import Ending, Happening, Story, Turn, TurnSoFar
from sim.table.session import Due, Session, TurnRecord
from sim.table.view import Fact, SeatPicture

ODDS_WITHHELD = (
    "No odds from here: they continue the game from the true state, part of which is "
    "hidden from you, so they are the umpire's (play with --open to see them)."
)


@dataclass(frozen=True)
class Briefing:
    """What the table is told before a turn: where things stand, as each seat sees it."""

    turn: int  # the turn about to be played
    horizon: int
    turn_length: str
    views: tuple[SeatPicture, ...]  # one per seat at the table
    changed: tuple[tuple[str, ...], ...]  # per seat: keys changed since the start


class Table(StoryTable, Protocol):
    """A table that can also be briefed before each turn (and holds the game until read)."""

    def brief(self, briefing: Briefing) -> None:
        """Read out where things stand before a turn; return when the table is ready."""


@dataclass
class _Telling:
    """What has been told: happenings per turn, the turns headed, quiet turns waiting."""

    told: dict[int, int] = field(default_factory=dict)  # turn -> happenings told
    headed: set[int] = field(default_factory=set)
    quiet: list[Turn] = field(default_factory=list)


class Game:
    """Run `run` of the batch with `seed`, people deciding for `seats` at one table."""

    def __init__(
        self,
        scenario: CompiledScenario,
        seats: str | Sequence[str],
        table: Table,
        seed: int = 0,
        run: int = 0,
        pause_each_turn: bool = False,
        odds_runs: int = DEFAULT_RUNS,
        open: bool = False,
    ) -> None:
        """`open`: the umpire's view (every truth and belief), else each seat's own."""
        seats = (seats,) if isinstance(seats, str) else tuple(seats)
        self.open = open
        self.session = Session(scenario, seats, seed, run, odds_runs=odds_runs)
        self.scenario, self.seats, self.seed, self.run = scenario, seats, seed, run
        self.table = table
        self.pause_each_turn = pause_each_turn
        self.terms = Terms(scenario)
        self.made: list[Made] = []
        self._telling = _Telling()
        self._finished = 0  # turns told to their end
        self._initial = {f.key: f.value for f in self._view(seats[0]).facts}
        self._initial.update((f.key, f.value) for f in self._view(seats[0]).beliefs)
        # the odds from here continue the true state: with something hidden from a seat,
        # they would tell it what it may not see, so they are the umpire's
        self._odds_for_seats = open or not any(
            set(s.key for s in scenario.slots) - self.session.seat_view(seat).visible
            for seat in seats
        )

    @property
    def model(self):  # type: ignore[no-untyped-def]  # the session's current one-lane model
        return self.session.model

    @property
    def over(self) -> bool:
        return self.session.over

    def opening(self) -> Opening:
        """What the game opens with, for the table to read out."""
        spec, terms = self.scenario.spec, self.terms
        return Opening(
            scenario=spec.id,
            title=spec.title,
            description=spec.description,
            run=self.run,
            seed=self.seed,
            you=", ".join(terms.actor_name(s) for s in self.seats),
            you_description=" ".join(spec.actors[s].description for s in self.seats).strip(),
            others=tuple(terms.actor_name(a) for a in self.scenario.actors if a not in self.seats),
            turn_length=spec.turn_length,
            horizon=spec.horizon,
            start_level=terms.level(self.scenario.initial_level),
            odds=self.session.odds_runs > 0 and self._odds_for_seats,
        )

    def play(self) -> Ending:
        """Play to the end; `Quit` from the table stops it (the game can be told up to there)."""
        session = self.session
        try:
            while not session.over:
                if session.due is not None:
                    self._tell_so_far()
                    self._ask(session.due)
                else:
                    self._tell_finished()
                    if self.pause_each_turn:
                        self.table.brief(self.briefing())
                    for seat in self.seats:
                        session.set_ready(seat)
            self._tell_finished()
            self._tell_quiet()
        finally:
            session.model.unregister()
        return session.ending()

    def truth(self) -> Story:
        """The game as the umpire saw it, turn by turn: every truth and every belief."""
        return self.session.truth()

    def _view(self, seat: str) -> SeatPicture:
        return self.session.view(seat, umpire=self.open)

    def briefing(self) -> Briefing:
        views = tuple(self._view(seat) for seat in self.seats)
        changed = tuple(
            tuple(f.key for f in view.facts + view.beliefs if self._initial.get(f.key) != f.value)
            for view in views
        )
        spec = self.scenario.spec
        return Briefing(self.session.turn + 1, spec.horizon, spec.turn_length, views, changed)

    # --- a decision --------------------------------------------------------------

    def _ask(self, due: Due) -> None:
        decision = self._decision(due)
        index = self.table.choose(decision)
        self.made.append(Made(decision, index))
        self.session.choose(due.seat, index)

    def _decision(self, due: Due) -> Decision:
        view = self._view(due.seat)
        rule = due.decision.rule
        odds = self.session.odds_runs > 0 and self._odds_for_seats
        return replace(
            due.decision,
            situation=self._situation(view, due),
            vote=self._vote_note(rule.actor or "", rule.vote) if rule.vote is not None else "",
            odds=self.session.odds if odds else None,
            odds_withheld="" if self._odds_for_seats else ODDS_WITHHELD,
        )

    def _situation(self, view: SeatPicture, due: Due) -> Situation:
        """The seat's own state and the world's, and the others' that changed."""
        shown = [
            (f.label, f.value)
            for f in view.facts + view.beliefs
            if _always(f, view) or self._initial.get(f.key) != f.value
        ]
        last = self.session.turns[-1].happenings if self.session.turns else ()
        seen = self.session.seat_view(due.seat, self.open)
        told = (seen.happening(h) for h in last)
        return Situation(
            turn=due.turn,
            horizon=self.scenario.horizon,
            level=view.level,
            state=tuple(shown),
            last_turn=tuple(
                (h.actor_name, _what(h)) for h in told if h is not None and h.actor != due.seat
            ),
            again=any(m.turn == due.turn and m.decision.rule.actor == due.seat for m in self.made),
        )

    def _vote_note(self, actor: str, vote: Vote) -> str:
        members = len(vote.ballots)
        how = {
            "consensus": f"a consensus of all {members} members",
            "majority": f"a majority ({vote.required()} of {members}) of the members",
            "threshold": f"{vote.required()} of the {members} members",
        }[vote.method]
        name = self.terms.actor_name(actor)
        return f"By the rules this is put to a vote and needs {how}; here you decide for {name}."

    # --- telling what happened ----------------------------------------------------

    def _tell_so_far(self) -> None:
        """Before a decision: what happened so far in its turn and was not yet told."""
        model = self.session.model
        number = model.turn
        entries = (happening_of(self.terms, f) for f in model.journal or () if f.turn == number)
        happenings = [h for h in entries if h is not None]
        start = self.session.turns[-1].level_after if self.session.turns else self._start_level()
        level = self.terms.level(int(model.state["level"][0]))
        self._tell_part(Turn(number, start, level, self._told(happenings)), end_of_turn=False)

    def _tell_finished(self) -> None:
        """Every turn played in full and not yet told to its end."""
        for record in self.session.turns[self._finished :]:
            told = self._told(record.happenings)
            turn = Turn(record.number, record.level_before, record.level_after, told)
            if self.open:  # the umpire's view: whose beliefs differ from the truth
                turn = replace(
                    turn, misbeliefs=record.misbeliefs, beliefs_changed=self._changed(record)
                )
            self._tell_part(turn, end_of_turn=True)
        self._finished = len(self.session.turns)

    def _told(self, happenings: Sequence[Happening]) -> tuple[Happening, ...]:
        """What the table may be told of `happenings`: as the seats may see them (with
        several seats at one keyboard, each as fully as one of them may see it)."""
        views = [self.session.seat_view(seat, self.open) for seat in self.seats]
        out = []
        for happening in happenings:
            seen = [view.happening(happening) for view in views]
            told = [h for h in seen if h is not None]
            if told:
                out.append(next((h for h in told if h == happening), told[0]))
        return tuple(out)

    def _changed(self, record: TurnRecord) -> bool:
        """Whether the beliefs differing from the truth at the end of `record`'s turn are
        not those of the turn before."""
        turns = self.session.turns
        index = turns.index(record)
        before = turns[index - 1].misbeliefs if index > 0 else ()
        return record.misbeliefs != before

    def _tell_part(self, turn: Turn, end_of_turn: bool) -> None:
        telling = self._telling
        number = turn.number
        told = telling.told.get(number, 0)
        new = turn.happenings[told:]
        telling.told[number] = len(turn.happenings)
        if end_of_turn and number not in telling.headed and turn.quiet:
            telling.quiet.append(turn)
            return
        self._tell_quiet()
        heading = number not in telling.headed
        telling.headed.add(number)
        if heading and end_of_turn:  # the whole turn at once, its heading showing the level's move
            self.table.tell(turn)
        elif heading or new:
            self.table.tell(TurnSoFar(replace(turn, happenings=tuple(new)), heading))

    def _tell_quiet(self) -> None:
        quiet = self._telling.quiet
        if quiet:
            self.table.tell(tuple(quiet))
            self._telling.quiet = []

    def _start_level(self) -> str:
        return self.terms.level(self.scenario.initial_level)


def _always(fact: Fact, view: SeatPicture) -> bool:
    """A fact always shown to a seat: its own, and the world's."""
    return fact.owner in ("", view.name)


def _what(happening: Happening) -> str:
    """Which rule a happening was, in a word or three."""
    if happening.kind == "unseen":
        return "its cause hidden"
    if happening.kind == "vote-failed":
        return f"{happening.rule}, vote failed"
    if happening.kind == "delayed":
        return f"{happening.rule}, taking hold"
    return happening.rule + (f" -> {happening.option}" if happening.option else "")
