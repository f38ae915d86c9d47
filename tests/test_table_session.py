"""A game at the table: seats, decisions due, the umpire's controls, the record and report."""

from __future__ import annotations

import json

import numpy as np
import pytest

import sim
from sim.story.decision import NotAChoice
from sim.story.replay import replay
from sim.table.record import after_action, game_record
from sim.table.session import NotYourTurn, Session


@pytest.fixture(scope="module")
def straits():
    return sim.load_scenario("turkish-straits")


def play_out(session: Session, answer=None) -> None:
    """Every person ready each turn; each decision answered by `answer(due)` (default: what
    the rules drew)."""
    while not session.over:
        due = session.due
        if due is not None:
            choice = due.decision.rules_choice if answer is None else answer(due)
            session.choose(due.seat, choice)
        else:
            for seat in session.waiting_for():
                session.set_ready(seat)


@pytest.mark.parametrize("run", [0, 3, 11])
def test_answering_what_the_rules_drew_replays_the_batch_run(straits, run):
    session = Session(straits, ["turkey", "russia"], seed=7, run=run, odds_runs=0)
    play_out(session)
    alone = replay(straits, 7, run)
    assert session.model.outcome[0] == alone.outcome[0]
    assert session.model.end_turn[0] == alone.end_turn[0]
    np.testing.assert_array_equal(session.model.fired[:, 0], alone.fired[:, 0])
    people = [a for t in session.turns for a in t.answers if a.by == "person"]
    assert people and all(a.choice == a.rules_choice for a in people)


def test_seats_nobody_holds_are_played_by_the_rules(straits):
    session = Session(straits, ["turkey", "russia"], seed=7, run=3, people=[], odds_runs=0)
    assert session.over  # nobody to wait for: the rules played it through
    alone = replay(straits, 7, 3)
    assert session.model.outcome[0] == alone.outcome[0]
    assert all(a.by == "rules" for t in session.turns for a in t.answers)


def test_the_game_waits_for_every_person_between_turns(straits):
    session = Session(straits, ["turkey", "russia"], seed=0, run=0, odds_runs=0)
    assert session.status == "between-turns" and session.turn == 0
    assert session.waiting_for() == ("turkey", "russia")
    session.set_ready("turkey")
    assert session.turn == 0 and session.waiting_for() == ("russia",)
    session.set_ready("russia")
    assert session.status == "deciding"  # turn 1 began, and a decision is due
    assert session.waiting_for() == (session.due.seat,)


def test_answers_by_name_and_the_errors_of_a_wrong_one(straits):
    session = Session(straits, ["turkey"], seed=4, run=2, odds_runs=0)
    while session.due is None or session.due.decision.rule.id != "turkey-turns-to-nato":
        play_one(session)
    with pytest.raises(NotYourTurn, match="Russia"):
        session.choose("russia", "pass")
    with pytest.raises(NotAChoice, match="request-support"):
        session.choose("turkey", "request-suport")
    session.choose("turkey", "negotiate")
    answer = next(a for a in session.answers if a.rule == "turkey-turns-to-nato")
    assert answer.choice == "negotiate" and answer.by == "person"
    assert session.model.state["turkey.negotiating"][0]


def play_one(session: Session) -> None:
    if session.due is not None:
        session.choose(session.due.seat, session.due.decision.rules_choice)
    else:
        for seat in session.waiting_for():
            session.set_ready(seat)


def test_a_choice_is_recorded_beside_the_rules_and_its_odds(straits):
    session = Session(straits, ["turkey"], seed=4, run=2, odds_runs=512)
    while session.due is None or session.due.decision.rule.id != "turkey-turns-to-nato":
        play_one(session)
    odds = session.odds()  # shown, so kept in the record with the answer
    assert odds is not None and odds.runs == 512
    assert {o.key for o in odds.choices} == {"request-support", "negotiate", "pass"}
    session.choose("turkey", "request-support")
    assert session.model.state["turkey.requested_support"][0]
    play_out(session)
    record = game_record(session)
    json.dumps(record)  # JSON types only
    decision = next(
        a for t in record["turns"] for a in t["decisions"] if a["rule"] == "turkey-turns-to-nato"
    )
    assert decision["choice"] == "request-support" and decision["by"] == "person"
    assert decision["rules_choice"] in {"request-support", "negotiate", "pass"}
    assert decision["odds"]["runs"] == 512
    assert len(record["turns"]) == session.model.end_turn[0]
    assert set(record["turns"][0]["views"]) == {"turkey"}
    report = after_action(record)
    assert "the rules would have chosen" in report
    assert "Turkey asks its allies for support" in report
    question = "Ankara chooses between its allies and a deal with Moscow."
    assert f"| {decision['turn']} | Turkey | {question} | request-support |" in report


def test_rewind_with_the_same_luck_replays_and_keeps_the_earlier_line(straits):
    session = Session(straits, ["turkey", "russia"], seed=7, run=3, odds_runs=0)
    play_out(session)
    first = (int(session.model.outcome[0]), int(session.model.end_turn[0]))
    assert session.turn >= 3
    session.rewind(2)
    assert session.turn == 2 and session.status == "paused" and len(session.turns) == 2
    session.advance()
    play_out(session)
    assert (int(session.model.outcome[0]), int(session.model.end_turn[0])) == first
    record = game_record(session)
    assert record["earlier_lines"][0]["turns"][-1]["turn"] == first[1]
    assert "rewound to turn 2" in " ".join(record["umpire"])


def test_a_branch_has_new_luck_and_is_reproducible(straits):
    def branched():
        session = Session(straits, ["turkey"], seed=7, run=3, people=[], odds_runs=0)
        session.rewind(1, new_luck=True)
        session.advance()
        play_out(session)
        return session

    one, two = branched(), branched()
    assert one.model.branch and one.model.branch == two.model.branch
    assert [t.happenings for t in one.turns] == [t.happenings for t in two.turns]
    # many branches from one state end in more than one way
    ends = set()
    for _ in range(6):
        one.rewind(1, new_luck=True)
        one.advance()
        play_out(one)
        ends.add((int(one.model.outcome[0]), int(one.model.end_turn[0])))
    assert len(ends) > 1


def test_pause_advance_and_end(straits):
    session = Session(straits, ["turkey", "russia"], seed=0, run=0, odds_runs=0)
    session.pause()
    session.set_ready("turkey")
    session.set_ready("russia")
    assert session.turn == 0 and session.status == "paused"
    session.advance()  # resumes: turn 1 starts
    assert session.status == "deciding"
    due = session.due
    session.advance()  # the rules decide for the seat
    assert session.due is not due
    answers = [a for a in session.answers if a.by == "umpire"]
    assert answers and answers[0].choice == answers[0].rules_choice
    session.end()
    assert session.over and session.status == "over"
    assert game_record(session)["ending"]["stopped"]
    with pytest.raises(NotYourTurn):
        session.rewind(99)
