"""The turn's phases and the meaning of each construct, one lane at a time."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

import sim
from sim.engine import EscalationModel


def play(path, seed: int = 0, lane: int = 0) -> EscalationModel:
    model = EscalationModel(sim.load_scenario(path), seed, 0, lanes=np.array([lane]), journal=[])
    model.run()
    mesa.Agent._ids.pop(model, None)
    return model


CERTAIN = """
id: certain
title: Certain
horizon: 6
ladder: [{id: calm}, {id: tense}, {id: war}]
world:
  counter: {type: int, initial: 0, min: 0, max: 3}
  deployed: false
  stage: [one, two, three]
actors:
  red: {name: Red}
  blue: {name: Blue}
events:
  - id: tick
    effects: {counter: counter + 1}
rules:
  - id: red-deploys
    actor: red
    once: true
    effects: {stage: two}
    delayed:
      - after: 3
        effects: {deployed: true, stage: three}
  - id: blue-sees-red
    actor: blue
    when: stage == 'two' and turn == 1
    effects: {level: tense}
outcomes:
  - {id: deployed, when: deployed, severity: 1}
  - {id: none, default: true, severity: 0}
"""


def test_turn_order_once_delay_and_clipping(write_scenario):
    model = play(write_scenario(CERTAIN))
    state = model.state
    # the delayed effect was scheduled on turn 1 and took hold at the start of turn 4
    assert model.end_turn[0] == 4
    assert model.scenario.outcomes[model.outcome[0]].id == "deployed"
    assert state["deployed"][0]
    # `once`: red deployed on turn 1 only; blue saw it in the same turn (actors move in order)
    fired = dict(zip(model.columns, model.fired[:, 0], strict=True))
    assert fired == {"fired.tick": 4, "fired.red-deploys": 1, "fired.blue-sees-red": 1}
    # the counter is clipped at its max of 3
    assert state["counter"][0] == 3
    assert model.peak[0] == 1
    delayed = [f for f in model.journal if f.delayed is not None]
    assert [f.turn for f in delayed] == [4]


def test_each_actor_holds_its_rules_in_order_and_judges_them_on_its_view(write_scenario):
    model = EscalationModel(sim.load_scenario(write_scenario(CERTAIN)), 0, 0, lanes=np.array([0]))
    rules = {actor.actor_id: [rule.id for rule in actor.rules] for actor in model.actors}
    assert rules == {"red": ["red-deploys"], "blue": ["blue-sees-red"]}
    assert all(actor.view is model.state for actor in model.actors)  # no beliefs of their own yet
    model.release()


def test_level_counts_hold_ended_runs_at_their_last_level(write_scenario):
    results = sim.run(sim.load_scenario(write_scenario(CERTAIN)), 100, seed=0)
    counts = results.levels_by_turn()
    assert len(counts) == 7  # turn 0 to the horizon
    assert (counts.sum(axis=1) == 100).all()
    assert (counts.loc[1:, "tense"] == 100).all()


def test_horizon_outcomes_and_the_default(write_scenario):
    path = write_scenario(
        """
        id: horizon
        title: Horizon
        horizon: 2
        ladder: [{id: calm}, {id: tense}]
        world: {flag: true}
        actors: {red: {name: Red}}
        outcomes:
          - {id: flagged, when: flag, check: at-horizon}
          - {id: never, when: 'false'}
          - {id: other, default: true}
        """
    )
    model = play(path)
    assert model.end_turn[0] == 2
    assert model.scenario.outcomes[model.outcome[0]].id == "flagged"


def test_a_chance_outside_zero_one_stops_with_the_rule_run_and_turn(write_scenario):
    path = write_scenario(
        """
        id: bad-chance
        title: Bad chance
        horizon: 5
        ladder: [{id: calm}, {id: tense}]
        world: {pressure: {type: float, initial: 0.5}}
        actors: {red: {name: Red}}
        events:
          - {id: build-up, effects: {pressure: pressure + 0.3}}
        rules:
          - {id: red-acts, actor: red, chance: pressure, effects: {level: tense}}
        outcomes: [{id: over, default: true}]
        """
    )
    with pytest.raises(sim.SimulationError) as caught:
        sim.run(sim.load_scenario(path), 50, seed=1)
    message = str(caught.value)
    assert "rule 'red-acts'" in message
    assert "run 0 on turn 2" in message
    assert "between 0 and 1" in message


def test_a_negative_weight_is_refused_at_run_time(write_scenario):
    path = write_scenario(
        """
        id: bad-weight
        title: Bad weight
        horizon: 2
        ladder: [{id: calm}, {id: tense}]
        parameters: {w: -1}
        actors: {red: {name: Red}}
        rules:
          - id: red-chooses
            actor: red
            options: [{id: a, weight: w}, {id: b}]
        outcomes: [{id: over, default: true}]
        """
    )
    with pytest.raises(sim.SimulationError, match=r"weight of 'a'.*0 or more"):
        sim.run(sim.load_scenario(path), 10, seed=1)


def test_initial_state_from_a_sampled_parameter(write_scenario):
    path = write_scenario(
        """
        id: initial
        title: Initial
        horizon: 1
        ladder: [{id: calm}, {id: tense}]
        parameters: {n: {distribution: choice, values: [1, 2, 9]}}
        actors:
          blue: {name: Blue, state: {batteries: {type: int, initial: n, min: 0, max: 4}}}
        outcomes: [{id: over, default: true}]
        """
    )
    model = EscalationModel(sim.load_scenario(path), 0, 0)
    np.testing.assert_array_equal(
        model.state["blue.batteries"], np.minimum(model.parameters["n"], 4)
    )
    mesa.Agent._ids.pop(model, None)


def test_finished_models_are_released_by_the_runner():
    before = len(mesa.Agent._ids)
    sim.run(sim.load_scenario("tests/fixtures/one-rule.yaml"), 20_000, seed=0)
    assert len(mesa.Agent._ids) == before


PEAK = """
id: peak
title: Peak, horizon and a default with a condition
horizon: 5
ladder: [{id: calm}, {id: tense}, {id: crisis}]
world:
  settled: false
actors:
  red: {name: Red}
rules:
  - {id: red-escalates, actor: red, when: turn == 1, effects: {level: crisis}}
  - {id: red-calms, actor: red, when: turn == 2, effects: {level: calm}}
  - {id: red-settles, actor: red, when: turn == settle_turn, effects: {settled: true}}
outcomes:
  - {id: flared, when: "peak >= 'crisis' and (settled or turn == horizon)", severity: 1}
  - {id: quiet, when: settled, default: true, severity: 0}
"""


@pytest.mark.parametrize(("settle_turn", "end_turn"), [(3, 3), (99, 5)])
def test_peak_remembers_the_highest_rung_and_horizon_is_the_last_turn(
    write_scenario, settle_turn, end_turn
):
    text = PEAK.replace("settle_turn", str(settle_turn))
    model = play(write_scenario(text))
    assert model.state["level"][0] == 0  # came down again on turn 2...
    assert model.peak[0] == 2  # ...but the peak stays at crisis
    assert model.scenario.outcomes[model.outcome[0]].id == "flared"
    assert model.end_turn[0] == end_turn


def test_a_default_outcome_with_a_condition_ends_runs_early(write_scenario):
    text = PEAK.replace("turn == 1", "false").replace("settle_turn", "2")
    model = play(write_scenario(text))
    assert model.scenario.outcomes[model.outcome[0]].id == "quiet"
    assert model.end_turn[0] == 2


@pytest.mark.parametrize("target", ["peak", "horizon"])
def test_peak_and_horizon_are_read_only(write_scenario, target):
    text = PEAK.replace("effects: {settled: true}", f"effects: {{{target}: 1}}")
    with pytest.raises(sim.ScenarioError, match=f"`{target}` cannot be changed by rules"):
        sim.load_scenario(write_scenario(text))
