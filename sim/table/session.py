"""A game at the table: people in some seats, the rules in the others, an umpire over all.

The game is run `run` of the batch with `seed`, played turn by turn on a one-lane
model. When one of a seat's rules may fire, and a person holds the seat, the game
stops before that rule (`Due`) until the person answers; seats nobody holds are played
by the rules, exactly as in the batch. Between two turns the game waits until every
person is ready (or the umpire advances it). A person's answer replaces the rule's own
draw, which is still made, so every other rule sees the numbers it sees in the batch:
answering what the rules drew replays the batch's run.

Stopping within a turn uses the engine's checkpoints: the game keeps one at the end of
every turn, and a decision found due mid-turn is reached again from the turn's start
with the answers already given, then left standing before the rule. The same
checkpoints let the umpire rewind to an earlier turn, with the same luck or, as a
branch, with streams of its own.
"""

# long module: the session's life (seats, decisions, turns, the umpire's controls and the
# record it keeps) reads as one state machine; views and the report are modules of their own.

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from sim.engine import EscalationModel
from sim.engine.branching import Checkpoint, checkpoint, continue_from
from sim.engine.model import NO_OUTCOME
from sim.errors import WargameError
from sim.language.compiled import CompiledScenario, Rule
from sim.language.types import Env
from sim.story.choices import choices_for
from sim.story.decision import Decision, Situation, read_choice
from sim.story.fog import Misbelief, misbeliefs
from sim.story.odds import DEFAULT_RUNS, OddsFromHere, odds_from_here
from sim.story.play import check_playable
from sim.story.replay import one_run
from sim.story.story import Terms, ending, happening_of
from sim.story.told import Ending, Happening, Story, Turn
from sim.story.view import SeatView
from sim.table.view import SeatPicture, seat_view
from sim.text import yaml_value

Status = Literal["deciding", "between-turns", "paused", "over"]
DecidedBy = Literal["person", "rules", "umpire"]


class NotYourTurn(WargameError):
    """An answer from a seat with no decision due, or a control the game cannot take now."""


@dataclass
class Due:
    """A decision due from a person: the seat, where the turn stands, and the question."""

    seat: str
    turn: int
    cursor: int  # the turn's resolution the game stands before
    decision: Decision
    start: Checkpoint | None = None  # the game standing before the rule (for the odds)
    odds: OddsFromHere | None = None  # computed on first asking


@dataclass(frozen=True)
class Answer:
    """A decision taken: by whom, what, and what the rules would have chosen."""

    seat: str
    turn: int
    rule: str
    question: str
    choice: str  # the chosen choice's key
    rules_choice: str  # the choice the rules' own draw made
    by: DecidedBy
    choices: tuple[tuple[str, str, float | None], ...]  # (key, text, rules' odds of it)
    odds: OddsFromHere | None = None  # the odds shown for it, if any


@dataclass(frozen=True)
class TurnRecord:
    """One turn played: its narration (the truth), the level before and after, what each
    seat saw at its end, the decisions taken in it, and the beliefs that differed from the
    truth at its end."""

    number: int
    level_before: str
    level_after: str
    happenings: tuple[Happening, ...]
    views: dict[str, SeatPicture]
    answers: tuple[Answer, ...]
    misbeliefs: tuple[Misbelief, ...] = ()


@dataclass
class Timeline:
    """The turns of one line of play (a rewind starts another) and the umpire's actions."""

    branch: str  # the streams it was played on ("" for the batch's own)
    from_turn: int
    turns: list[TurnRecord] = field(default_factory=list)


class _Stop(Exception):
    """A person's decision is due: raised from the engine's policy, caught by the session."""

    def __init__(self, due: Due) -> None:
        super().__init__(due.seat)
        self.due = due


class Session:
    """One game: `seats` are the actors people may hold; `people` hold some of them now
    (all, unless given); the rules play every other actor. A game begun `paused` waits
    for the umpire before its first turn."""

    def __init__(
        self,
        scenario: CompiledScenario,
        seats: Sequence[str],
        seed: int = 0,
        run: int = 0,
        people: Iterable[str] | None = None,
        odds_runs: int = DEFAULT_RUNS,
        pause_each_turn: bool = True,
        paused: bool = False,
    ) -> None:
        for seat in seats:
            check_playable(scenario, seat)
        self.scenario = scenario
        self.seats = tuple(dict.fromkeys(seats))
        self.seed, self.run = seed, run
        self.people = set(self.seats if people is None else people) & set(self.seats)
        self.odds_runs = odds_runs  # continuations per answer for the odds (0: none)
        self.pause_each_turn = pause_each_turn
        self.terms = Terms(scenario)
        self._views = {
            (seat, umpire): SeatView(scenario, seat, umpire)
            for seat in self.seats
            for umpire in (False, True)
        }
        self.model = one_run(scenario, seed, run, policy=self._policy, policy_actors=self._acting)
        self.history: list[Checkpoint] = [checkpoint(self.model)]  # after each turn played
        self.timelines = [Timeline("", 0)]
        self.actions: list[str] = []  # the umpire's, in order, for the record
        self.due: Due | None = None
        self.ready: set[str] = set()
        self.paused = paused  # no turn starts until the umpire advances
        self.stopped = False
        self._answers: dict[tuple[int, int], Answer] = {}  # (turn, cursor) -> its answer
        self._branches = 0
        self._play_on()

    # --- what the table reads ----------------------------------------------------

    @property
    def turn(self) -> int:
        """The last turn played in full (0 before the first)."""
        return len(self.history) - 1

    @property
    def status(self) -> Status:
        if self.over:
            return "over"
        if self.due is not None:
            return "deciding"
        return "paused" if self.paused else "between-turns"

    @property
    def over(self) -> bool:
        model = self.model
        ended = model.cursor is None and (
            not model.active[0] or model.turn >= model.scenario.horizon
        )
        return self.stopped or ended

    @property
    def turns(self) -> list[TurnRecord]:
        return self.timelines[-1].turns

    @property
    def answers(self) -> tuple[Answer, ...]:
        """Every decision taken on this line of play, in the order taken."""
        return tuple(answer for _, answer in sorted(self._answers.items()))

    def view(self, seat: str, umpire: bool = False) -> SeatPicture:
        """What `seat` sees now (between turns, or as its decision is due); with `umpire`,
        everything, from its chair."""
        last = self.turns[-1].happenings if self.turns else ()
        return self._seen(seat, last, umpire)

    def seat_view(self, seat: str, umpire: bool = False) -> SeatView:
        """The filter of what `seat` may see (everything, with `umpire`)."""
        return self._views[(seat, umpire)]

    def _seen(self, seat: str, last_turn: Sequence[Happening], umpire: bool = False) -> SeatPicture:
        """The one way the game shows a seat anything: `seat_view` of the model as it is."""
        view, model = self._views[(seat, umpire)], self.model
        so_far: tuple[Happening, ...] = ()
        if model.cursor is not None:  # a turn in progress: what happened in it so far
            told = (
                happening_of(self.terms, f) for f in model.journal or () if f.turn == model.turn
            )
            so_far = tuple(h for h in told if h is not None)
        return seat_view(
            self.scenario, model.state, seat, model.turn, last_turn, view, this_turn=so_far
        )

    def truth(self) -> Story:
        """The game as the umpire saw it, turn by turn: every truth and every belief that
        differed from it (told to the seats once the game is over)."""
        scenario, terms, model = self.scenario, self.terms, self.model
        turns: list[Turn] = []
        before: tuple[Misbelief, ...] = ()
        for record in self.turns:
            wrong = record.misbeliefs
            turn = Turn(
                record.number,
                record.level_before,
                record.level_after,
                record.happenings,
                wrong,
                wrong != before,
            )
            turns.append(turn)
            before = wrong
        return Story(
            scenario=scenario.id,
            title=scenario.spec.title,
            turn_length=scenario.spec.turn_length,
            horizon=scenario.horizon,
            seed=self.seed,
            run=self.run,
            start_level=terms.level(scenario.initial_level),
            drawn=tuple(
                (p.name, terms.value(p.key, model.parameters[p.name][0]))
                for p in scenario.sampled_parameters
            ),
            fixed=tuple((name, yaml_value(value)) for name, value in scenario.overrides.items()),
            turns=tuple(turns),
            ending=ending(model),
        )

    def due_for(self, seat: str) -> Due | None:
        """The decision due from `seat`, if any."""
        return self.due if self.due is not None and self.due.seat == seat else None

    def waiting_for(self) -> tuple[str, ...]:
        """The seats the game waits for: the one deciding, or those not yet ready."""
        if self.over or (self.paused and self.due is None):
            return ()
        if self.due is not None:
            return (self.due.seat,)
        return tuple(seat for seat in self.seats if seat in self.people and seat not in self.ready)

    def ending(self) -> Ending:
        return ending(self.model)

    def odds(self) -> OddsFromHere | None:
        """The odds from here of the decision due (computed once, then kept)."""
        due = self.due
        if due is None or self.odds_runs <= 0:
            return None
        if due.odds is None:
            assert due.start is not None
            branch = f"odds/{self.model.branch}/turn:{due.turn}/step:{due.cursor}"
            due.odds = odds_from_here(
                self.scenario, due.start, due.decision.choices, branch, self.odds_runs
            )
        return due.odds

    # --- what the people and the umpire do -----------------------------------------

    def choose(self, seat: str, answer: int | str) -> None:
        """`seat` answers its decision due: a choice's index, or its number or key as typed
        (`read_choice`); `InvalidChoice` for an answer that names no possible choice."""
        due = self.due_for(seat)
        if due is None:
            raise NotYourTurn(f"no decision is due from {self.scenario.actor_name(seat)}")
        if isinstance(answer, str):
            index = read_choice(due.decision, answer)
        else:
            index = answer
            if not 0 <= index < len(due.decision.choices):
                raise NotYourTurn(f"there is no choice {index + 1}")
            if not due.decision.choices[index].available:
                read_choice(due.decision, str(index + 1))  # raises ChoiceNotPossible
        self._answer(due, index, "person", due.odds)
        self._play_on()

    def set_ready(self, seat: str) -> None:
        """`seat` has read the turn and is ready for the next."""
        if seat in self.people:
            self.ready.add(seat)
        self._play_on()

    def take_seat(self, seat: str) -> None:
        """A person takes `seat` from the rules (from its next decision on)."""
        if seat in self.seats:
            self.people.add(seat)

    def advance(self) -> None:
        """The umpire moves the game on: the rules decide the decision due, or the next
        turn starts whoever is not ready; a paused game resumes."""
        self.actions.append(f"turn {self.model.turn}: advanced")
        self.paused = False
        if self.due is not None:
            self._answer(self.due, self.due.decision.rules_choice, "umpire", self.due.odds)
        else:
            self.ready = set(self.people)
        self._play_on()

    def pause(self) -> None:
        """No new turn starts until the umpire advances (a decision due can still be taken)."""
        self.actions.append(f"turn {self.model.turn}: paused")
        self.paused = True

    def end(self) -> None:
        """The umpire ends the game where it stands."""
        self.actions.append(f"turn {self.model.turn}: ended")
        self.stopped = True
        self.due = None

    def rewind(self, turn: int, new_luck: bool = False) -> None:
        """Go back to the end of `turn` (0: the start) and play on from there: with the same
        luck (the same choices replay the same game) or, with `new_luck`, as a branch with
        streams of its own. The turns after `turn` are kept in the record as an earlier
        line of play. The game waits there, paused."""
        if not 0 <= turn <= self.turn:
            raise NotYourTurn(f"turn {turn} has not been played (turns 0 to {self.turn})")
        self.actions.append(
            f"turn {self.model.turn}: rewound to turn {turn}"
            + (" with new luck" if new_luck else "")
        )
        start = self.history[turn]
        branch = None
        if new_luck:
            self._branches += 1
            branch = f"seed:{self.seed}/run:{self.run}/branch:{self._branches}"
        self._release()
        self.model = self._continue(start, branch)
        self.history = self.history[: turn + 1]
        if branch is not None:  # the end of `turn` on the branch's streams
            self.history[turn] = checkpoint(self.model)
        kept = [t for t in self.turns if t.number <= turn]
        self.timelines.append(Timeline(self.model.branch, turn, kept))
        self._answers = {k: a for k, a in self._answers.items() if k[0] <= turn}
        self.due, self.ready, self.paused, self.stopped = None, set(), True, False

    # --- playing on ---------------------------------------------------------------

    def _play_on(self) -> None:
        """Play until a person's decision is due, the game waits between turns, or it ends."""
        while not self.over:
            if self.model.cursor is None:
                if not self._may_start_turn():
                    return
                self.model.begin_turn()
            if not self._play_turn():
                return
            self._end_turn()

    def _may_start_turn(self) -> bool:
        if self.paused:
            return False
        waiting = self.pause_each_turn and self.waiting_for()
        return not waiting

    def _play_turn(self) -> bool:
        """The turn on from where it stands: True once it has ended, False with a decision
        due (the model then stands before the rule that asks it)."""
        try:
            return self.model.play_turn()
        except _Stop as stop:
            due = stop.due
        self._release()
        self.model = self._continue(self.history[-1], None)
        self.model.begin_turn()
        stood = self.model.play_turn(stop=due.cursor)
        assert not stood, "the decision's turn ended before the decision"
        due.start = checkpoint(self.model)
        self.due = due
        return False

    def _end_turn(self) -> None:
        """File the turn just played: its narration, what each seat saw, its decisions."""
        model, terms = self.model, self.terms
        number = model.turn
        told = (happening_of(terms, f) for f in model.journal or () if f.turn == number)
        happenings = tuple(h for h in told if h is not None)
        start = (
            self.turns[-1].level_after if self.turns else terms.level(self.scenario.initial_level)
        )
        answers = tuple(a for (turn, _), a in sorted(self._answers.items()) if turn == number)
        views = {seat: self._seen(seat, happenings) for seat in self.seats}
        level = terms.level(int(model.state["level"][0]))
        wrong = misbeliefs(self.scenario, model.state, terms.value)
        record = TurnRecord(number, start, level, happenings, views, answers, wrong)
        self.turns.append(record)
        self.history.append(checkpoint(model))
        self.ready = set()

    def _continue(self, start: Checkpoint, branch: str | None) -> EscalationModel:
        return continue_from(
            self.scenario,
            start,
            branch=branch,
            policy=self._policy,
            policy_actors=self._acting,
            journal=True,
        )

    @property
    def _acting(self) -> frozenset[str]:
        return frozenset(self.seats)

    def _release(self) -> None:
        self.model.unregister()

    # --- the policy: an answer in place of the draw ----------------------------------

    def _policy(
        self,
        rule: Rule,
        model: EscalationModel,
        eligible: np.ndarray,
        fires: np.ndarray,
        option: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        assert rule.actor is not None and model.cursor is not None
        key = (model.turn, model.cursor)
        answer = self._answers.get(key)
        if answer is None:
            due = Due(rule.actor, model.turn, model.cursor, self._decision(rule, fires, option))
            if rule.actor in self.people:
                raise _Stop(due)
            self._answer(due, due.decision.rules_choice, "rules", None)
            answer = self._answers[key]
        choices = choices_for(self.scenario, rule, _judged_on(model))
        choice = next(c for c in choices if c.key == answer.choice)
        if choice.option is not None:
            option = np.full(model.size, choice.option, dtype=np.int16)
        return eligible & choice.fires, option

    def _answer(self, due: Due, index: int, by: DecidedBy, odds: OddsFromHere | None) -> None:
        decision = due.decision
        self._answers[(due.turn, due.cursor)] = Answer(
            seat=due.seat,
            turn=due.turn,
            rule=decision.rule.id,
            question=decision.question,
            choice=decision.choices[index].key,
            rules_choice=decision.choices[decision.rules_choice].key,
            by=by,
            choices=tuple((c.key, c.text, c.odds) for c in decision.choices),
            odds=odds,
        )
        if self.due is due:
            self.due = None

    def _decision(self, rule: Rule, fires: np.ndarray, option: np.ndarray | None) -> Decision:
        choices = choices_for(self.scenario, rule, _judged_on(self.model))
        drawn = len(choices) - 1  # pass
        if bool(fires[0]):
            drawn = int(option[0]) if rule.options and option is not None else 0
        model = self.model
        situation = Situation(
            turn=model.turn,
            horizon=self.scenario.horizon,
            level=self.terms.level(int(model.state["level"][0])),
            state=(),
            last_turn=(),
        )
        return Decision(
            rule=rule,
            actor_name=self.terms.actor_name(rule.actor),
            question=rule.description or (rule.narration if rule.options else ""),
            choices=choices,
            rules_choice=drawn,
            vote="",
            situation=situation,
        )


def _judged_on(model: EscalationModel) -> Env:
    """What an actor's rule is judged on now: the world, or with simultaneous moves under
    way, the world as the actors' phase began."""
    return model.state if model.start_of_moves is None else model.start_of_moves


def ended_in(session: Session) -> str | None:
    """The outcome id the game ended in, or None if it has not (or was ended early)."""
    index = int(session.model.outcome[0])
    return None if index == NO_OUTCOME else session.scenario.outcomes[index].id
