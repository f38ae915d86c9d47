"""Chance events after the actors: resolved once both sides have moved, in the same turn.

Blue moves on turn 1; red moves on each turn with chance 1/2. An event after the actors
records the first turn on which both have moved; the same event before the actors can
only see the moves of earlier turns, so it records that turn plus one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from click.testing import CliRunner

import sim
from sim.cli import main

SCENARIO = """\
id: phases
title: Events before and after the actors
horizon: 6
ladder: [{id: calm}, {id: crisis}]
parameters:
  p: 0.5
world:
  seen_after: {type: int, initial: 0}
  seen_before: {type: int, initial: 0}
actors:
  blue: {state: {moved: false}}
  red: {state: {moved: false}}
events:
  - id: reaction
    phase: after-actors
    when: blue.moved and red.moved and seen_after == 0
    effects: {seen_after: turn}
  - id: early
    when: blue.moved and red.moved and seen_before == 0
    effects: {seen_before: turn}
rules:
  - {id: blue-moves, actor: blue, effects: {blue.moved: true}}
  - {id: red-moves, actor: red, chance: p, effects: {red.moved: true}}
outcomes:
  - id: same-turn
    when: seen_after > 0 and seen_before == seen_after + 1
  - id: never
    default: true
"""


def write(tmp_path: Path, text: str = SCENARIO) -> Path:
    path = tmp_path / "phases.yaml"
    path.write_text(text)
    return path


def test_an_event_after_the_actors_sees_both_moves_of_the_same_turn(tmp_path):
    path = write(tmp_path, SCENARIO.replace("p: 0.5", "p: 1.0"))
    results = sim.run(sim.load_scenario(path), 500, seed=4)
    runs = results.runs
    assert (runs["outcome"] == "same-turn").all()
    assert (runs["end_turn"] == 2).all()  # reaction on turn 1, the early event on turn 2
    assert (runs["fired.reaction"] == 1).all() and (runs["fired.early"] == 1).all()


def test_the_phases_agree_with_the_exact_analysis(tmp_path):
    path = write(tmp_path)
    scenario = sim.load_scenario(path)
    exact = sim.exact(scenario)
    # red first moves on turn k with chance 2^-k; the run ends on turn k + 1 <= 6
    assert np.isclose(exact.probability("same-turn"), 1 - 0.5**5)
    runs = sim.run(scenario, 20_000, seed=2).runs
    share = float((runs["outcome"] == "same-turn").mean())
    assert abs(share - (1 - 0.5**5)) < 4 * np.sqrt(0.5**5 * (1 - 0.5**5) / 20_000)


def test_show_lists_the_turn_in_order(tmp_path):
    result = CliRunner().invoke(main, ["show", str(write(tmp_path))])
    assert result.exit_code == 0, result.output
    turn = result.output.split("Each turn, in order:")[1].split("\n\n")[0]
    assert [line.strip() for line in turn.strip().splitlines()] == [
        "1. delayed effects due this turn",
        "2. chance events",
        "3. actors in turn order: blue, red",
        "4. chance events after the actors",
        "5. outcomes, in the order listed",
    ]
    after = result.output.split("Chance events after the actors:")[1]
    assert "reaction" in after and "early" not in after


def test_a_phase_on_an_actors_rule_is_an_error(tmp_path):
    text = SCENARIO.replace(
        "{id: blue-moves, actor: blue,", "{id: blue-moves, actor: blue, phase: after-actors,"
    )
    result = CliRunner().invoke(main, ["show", str(write(tmp_path, text))])
    assert result.exit_code == 2
    assert "only chance events have a `phase`" in result.output
    assert "phases.yaml:" in result.output and "Traceback" not in result.output


def test_an_unknown_phase_is_an_error(tmp_path):
    text = SCENARIO.replace("phase: after-actors", "phase: after-everyone")
    result = CliRunner().invoke(main, ["show", str(write(tmp_path, text))])
    assert result.exit_code == 2
    assert "after-actors" in result.output and "Traceback" not in result.output


BASE = """\
id: base
title: Two sides
horizon: 3
ladder: [{id: calm}, {id: crisis}]
actors:
  nato: {}
  russia: {state: {answered: {type: int, initial: 0}}}
rules:
  - {id: russia-answers, actor: russia, when: "ukraine_moved and russia.answered == 0",
     effects: {russia.answered: turn}}
world:
  ukraine_moved: {type: bool, initial: false}
outcomes:
  - {id: end, default: true}
measures:
  - {id: answered, value: russia.answered}
"""

THIRD_PARTY = """\
extends: base.yaml
id: with-ukraine
title: A third party
actors:
  ukraine:
    PLACE
    state: {mobilised: false}
rules:
  - {id: ukraine-mobilises, actor: ukraine,
     effects: {ukraine.mobilised: true, ukraine_moved: true}}
"""


def test_a_third_party_added_by_extends_takes_its_place_in_the_turn(tmp_path):
    """Ukraine, added by `extends` before Russia, moves before it: Russia answers on turn
    1; added without a place it moves last, and Russia answers on turn 2."""
    (tmp_path / "base.yaml").write_text(BASE)
    answered = {}
    for place, name in (("before: russia", "before"), ("", "last")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(THIRD_PARTY.replace("PLACE", place))
        runs = sim.run(sim.load_scenario(path), 100, seed=1).runs
        answered[name] = set(runs["measure.answered"])
        shown = CliRunner().invoke(main, ["show", str(path)]).output
        order = "nato, ukraine, russia" if name == "before" else "nato, russia, ukraine"
        assert f"actors in turn order: {order}" in shown
    assert answered == {"before": {1}, "last": {2}}
