"""The game behind the web table: one session, a token per seat and for the umpire, and
what each token may be shown, as plain data for the pages and the JSON API.

Every request reads or changes the session under one lock (uvicorn serves requests on
several threads); every change bumps `version`, which the live-update streams watch.
A seat is held by the rules until its page is first opened; the game starts when the
umpire starts it, or when every seat is open and ready.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sim.language.compiled import CompiledScenario
from sim.story.decision import InvalidChoice
from sim.story.odds import DEFAULT_RUNS
from sim.table.record import after_action, game_record, odds_record
from sim.table.session import NotYourTurn, Session
from sim.table.view import SeatPicture, every_belief, in_words, truth


class Refused(Exception):
    """A request the game cannot take now: the message says why, in a line."""


class WebTable:
    """A game for the web: the session, the tokens, and the views each token may read."""

    def __init__(
        self,
        scenario: CompiledScenario,
        seats: Sequence[str],
        seed: int = 0,
        run: int = 0,
        odds_runs: int = DEFAULT_RUNS,
    ) -> None:
        # paused until the umpire starts it, or every seat is open and ready
        self.session = Session(
            scenario, seats, seed, run, people=(), odds_runs=odds_runs, paused=True
        )
        self.scenario = scenario
        self.tokens = {secrets.token_urlsafe(18): seat for seat in self.session.seats}
        self.umpire_token = secrets.token_urlsafe(18)
        self.lock = threading.RLock()
        self.version = 0
        self.started = False

    # --- who a token is ---------------------------------------------------------------

    def seat_of(self, token: str) -> str | None:
        """The seat a token opens, or None (compared in constant time)."""
        for known, seat in self.tokens.items():
            if secrets.compare_digest(known, token):
                return seat
        return None

    def is_umpire(self, token: str) -> bool:
        return secrets.compare_digest(self.umpire_token, token)

    def token_of(self, seat: str) -> str:
        return next(token for token, s in self.tokens.items() if s == seat)

    # --- what a seat may see, and do ------------------------------------------------------

    def seat_state(self, seat: str) -> dict[str, Any]:
        """Everything the seat's page shows: its view, its decision due, the game's state."""
        with self.lock:
            session = self.session
            if seat not in session.people:
                session.take_seat(seat)  # its page is open: a person holds it from now on
                self._changed()
            view = session.view(seat)
            due = session.due_for(seat)
            names = self.scenario.actor_name
            return {
                "version": self.version,
                "seat": seat,
                "status": self._status(),
                "view": _view(view),
                "due": None if due is None else _decision(due.decision),
                "waiting_for": [names(s) for s in session.waiting_for()],
                "ready": seat in session.ready,
                "over": session.over,
                "ending": self._ending() if session.over else None,
            }

    def choose(self, seat: str, answer: str) -> None:
        with self.lock:
            try:
                self.session.choose(seat, answer)
            except (NotYourTurn, InvalidChoice) as problem:
                raise Refused(str(problem)) from None
            self._changed()

    def set_ready(self, seat: str) -> None:
        with self.lock:
            session = self.session
            session.take_seat(seat)
            session.ready.add(seat)
            everyone = set(session.seats) <= session.people and session.ready >= session.people
            if not self.started and everyone:
                self._start()
            else:
                session.set_ready(seat)
            self._changed()

    # --- the umpire -------------------------------------------------------------------

    def umpire_state(self, with_odds: bool = True) -> dict[str, Any]:
        """The truth, every seat's view and decision due, the odds from here."""
        with self.lock:
            session = self.session
            due = session.due
            odds = session.odds() if with_odds and due is not None else None
            return {
                "version": self.version,
                "status": self._status(),
                "started": self.started,
                "turn": session.model.turn,  # the turn under way, or the last played
                "horizon": self.scenario.horizon,
                "level": session.view(session.seats[0]).level,
                "truth": [asdict(f) for f in truth(self.scenario, session.model.state)],
                "beliefs": [asdict(f) for f in every_belief(self.scenario, session.model.state)],
                "seats": [self._seat_summary(seat) for seat in session.seats],
                "due": None
                if due is None
                else {
                    "seat": due.seat,
                    "name": self.scenario.actor_name(due.seat),
                    **_decision(due.decision),
                    "rules_choice": due.decision.choices[due.decision.rules_choice].key,
                },
                "odds": None if odds is None else odds_record(odds),
                "turns_played": session.turn,
                "waiting_for": [self.scenario.actor_name(s) for s in session.waiting_for()],
                "over": session.over,
                "ending": self._ending() if session.over else None,
                "umpire": list(session.actions),
            }

    def control(self, action: str, turn: int | None = None) -> None:
        """The umpire's controls: start, pause, advance, rewind, branch, end."""
        with self.lock:
            session = self.session
            if action == "start":
                if self.started:
                    raise Refused("the game has started already")
                self._start()
            elif action == "pause":
                session.pause()
            elif action == "advance":
                self.started = True
                session.advance()
            elif action in ("rewind", "branch"):
                if turn is None:
                    raise Refused(f"{action} needs the turn to go back to")
                try:
                    session.rewind(turn, new_luck=action == "branch")
                except NotYourTurn as problem:
                    raise Refused(str(problem)) from None
            elif action == "end":
                session.end()
            else:
                raise Refused(f"no control {action!r}: start, pause, advance, rewind, branch, end")
            self._changed()

    def record(self) -> dict[str, Any]:
        with self.lock:
            return game_record(self.session)

    def report_markdown(self) -> str:
        return after_action(self.record())

    # --- inside -------------------------------------------------------------------------

    def _start(self) -> None:
        """The first turn begins, whoever is not yet there (the rules hold their seats)."""
        if not self.started:
            self.started = True
            self.session.advance()

    def _seat_summary(self, seat: str) -> dict[str, Any]:
        session = self.session
        due = session.due_for(seat)
        return {
            "seat": seat,
            "name": self.scenario.actor_name(seat),
            "held": seat in session.people,
            "ready": seat in session.ready,
            "due": None if due is None else due.decision.rule.id,
            "view": _view(session.view(seat)),
        }

    def _status(self) -> str:
        if not self.started and not self.session.over:
            return "waiting to start"
        return self.session.status

    def _ending(self) -> dict[str, Any]:
        end = self.session.ending()
        return {
            "stopped": self.session.stopped,
            "outcome": end.outcome,
            "label": end.outcome_label or "ended by the umpire",
            "description": end.outcome_description,
            "turn": end.turn,
            "peak": end.peak,
        }

    def _changed(self) -> None:
        self.version += 1


def _view(view: SeatPicture) -> dict[str, Any]:
    data = asdict(view)
    data["level"] = view.level
    return data


def _decision(decision: Any) -> dict[str, Any]:
    rule = decision.rule
    return {
        "rule": rule.id,
        "question": decision.question or f"{in_words(rule.id)}: act now, or not this turn?",
        "choices": [
            {
                "number": i + 1,
                "key": c.key,
                "text": c.text,
                "available": c.available,
                "requires": c.requires,
                "effects": c.effects,
                "rules_odds": c.odds,
            }
            for i, c in enumerate(decision.choices)
        ],
    }
