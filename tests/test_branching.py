"""Branching from a state: a block that starts where one run stood, on a later turn.

A continuation that keeps the source run's streams replays that run to the last number;
one with streams of its own, from the initial state, is a batch in all but its numbers.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.batch.runner import run as run_batch
from sim.engine import EscalationModel
from sim.engine.branching import checkpoint, continue_from, outcome_counts
from sim.results.intervals import difference
from sim.story.replay import replay

ROUGH = """\
id: rough
title: Variates, simultaneous moves and a measure
moves: simultaneous
horizon: 12
ladder: [{id: calm}, {id: tense}, {id: war}]
world:
  heat: {type: float, initial: 0.0}
  coins: {type: int, initial: 0}
actors:
  blue: {state: {rung: {type: int, initial: 0}}}
  red: {state: {rung: {type: int, initial: 0}}}
rules:
  - id: blue-raises
    actor: blue
    chance: 0.3
    effects: {blue.rung: "min(red.rung + 1, 5)", heat: "heat + normal(0.5, 0.3)"}
  - id: red-answers
    actor: red
    when: blue.rung > red.rung
    options:
      - {id: match, weight: 2, effects: {red.rung: blue.rung}}
      - {id: back-down, weight: 1, effects: {red.rung: "max(red.rung - 1, 0)"}}
events:
  - id: toss
    phase: after-actors
    when: bernoulli(0.5)
    effects: {coins: coins + 1}
  - id: boil
    phase: after-actors
    when: heat > 2
    chance: 0.4
    effects: {level: war}
outcomes:
  - {id: war, when: level == 'war'}
  - {id: cold, default: true}
measures:
  - {id: heat, value: heat}
  - {id: coins, value: coins}
  - {id: tense-turns, turns: blue.rung >= 2}
"""


@pytest.fixture(scope="module")
def rough(tmp_path_factory):
    path = tmp_path_factory.mktemp("branching") / "rough.yaml"
    path.write_text(ROUGH, encoding="utf-8")
    return sim.load_scenario(path)


def scenarios(rough):
    return {
        "turkish-straits": sim.load_scenario("turkish-straits"),
        "airspace-straying": sim.load_scenario("airspace-straying"),  # votes, delayed effects
        "full-language": sim.load_scenario("tests/fixtures/full-language.yaml"),
        "rough": rough,
    }


def finished(model: EscalationModel) -> EscalationModel:
    model.run()
    model.unregister()
    return model


def assert_same_run(model: EscalationModel, lane: int, alone: EscalationModel) -> None:
    """Lane `lane` of `model` ended exactly as the one-lane model `alone`."""
    assert model.outcome[lane] == alone.outcome[0]
    assert model.end_turn[lane] == alone.end_turn[0]
    assert model.peak[lane] == alone.peak[0]
    np.testing.assert_array_equal(model.fired[:, lane], alone.fired[:, 0])
    for slot in alone.scenario.slots:
        np.testing.assert_array_equal(model.state[slot.key][lane], alone.state[slot.key][0])
    for name, values in alone.observers.measure_columns().items():
        np.testing.assert_array_equal(model.observers.measure_columns()[name][lane], values[0])


@pytest.mark.parametrize("name", ["turkish-straits", "airspace-straying", "full-language", "rough"])
@pytest.mark.parametrize("turns", [0, 1, 3, 7])
def test_keeping_the_streams_replays_the_run(rough, name, turns):
    """A block of 40 runs stepped some turns; each of a few of its runs, continued alone
    from there with its own streams, ends exactly as the run replayed from the start."""
    scenario = scenarios(rough)[name]
    seed = 11
    block = EscalationModel(scenario, seed, 0, lanes=np.arange(40))
    for _ in range(turns):
        if block.active.any():
            block.step()
    start = checkpoint(block)
    block.unregister()
    for lane in (0, 5, 39):
        alone = replay(scenario, seed, lane)
        assert_same_run(finished(continue_from(scenario, start, lane)), 0, alone)


@pytest.mark.parametrize("name", ["turkish-straits", "airspace-straying", "rough"])
def test_a_turn_in_progress_resumes_at_its_next_rule(rough, name):
    """Stopped between any two rules of a turn, a run continues exactly as it would have."""
    scenario = scenarios(rough)[name]
    seed, run = 3, 17
    alone = replay(scenario, seed, run)
    source = EscalationModel(scenario, seed, 0, lanes=np.array([run]))
    for stop in range(len(source.order) + 1):
        model = EscalationModel(scenario, seed, 0, lanes=np.array([run]))
        model.step()
        model.begin_turn()
        assert model.play_turn(stop) == (stop == len(model.order))
        assert_same_run(finished(continue_from(scenario, checkpoint(model), 0)), 0, alone)
        model.unregister()
    source.unregister()


def test_a_continuation_of_many_lanes_repeats_its_run(rough):
    """Keeping run i's streams in every lane: every lane is run i."""
    scenario = rough
    model = EscalationModel(scenario, 5, 0, lanes=np.array([8]))
    model.step()
    many = finished(continue_from(scenario, checkpoint(model), 0, runs=6))
    alone = replay(scenario, 5, 8)
    for lane in range(6):
        assert_same_run(many, lane, alone)
    model.unregister()


def agree(scenario, counts_a, counts_b) -> None:
    """Every outcome's difference between two sets of runs has a 99% interval holding 0."""
    runs_a, runs_b = counts_a.sum(), counts_b.sum()
    _, low, high = difference(counts_a, runs_a, counts_b, runs_b, confidence=0.99)
    ids = [o.id for o in scenario.outcomes]
    assert np.all(low <= 0) and np.all(high >= 0), (ids, counts_a, counts_b)


def test_continuations_from_the_start_agree_with_a_batch(rough):
    """4,096 continuations of turn 0 on streams of their own, and a batch of 4,096 runs
    (a scenario without sampled parameters): the same distribution of outcomes."""
    fresh = EscalationModel(rough, 2, 0, lanes=np.array([0]))
    branch = finished(continue_from(rough, checkpoint(fresh), 0, 4096, branch="test"))
    fresh.unregister()
    batch = run_batch(rough, 4096, 2)
    counts = np.array([o["count"] for o in batch.summary["outcomes"]])
    assert outcome_counts(branch).sum() == 4096
    agree(rough, counts, outcome_counts(branch))
    # the continuations are not the batch's own runs: their numbers are the branch's
    assert not np.array_equal(branch.outcome, batch.runs["outcome"].to_numpy())


@pytest.mark.parametrize("name", ["turkish-straits", "airspace-straying", "full-language"])
def test_continuations_play_on_in_the_world_of_their_run(rough, name):
    """A continuation carries its run's sampled parameters: from turn 0, 4,096 of them agree
    with a block of 4,096 runs given those same parameter values."""
    scenario = scenarios(rough)[name]
    fresh = EscalationModel(scenario, 2, 0, lanes=np.array([0]))
    branch = finished(continue_from(scenario, checkpoint(fresh), 0, 4096, branch="test"))
    given = {name: np.repeat(values, 4096) for name, values in fresh.parameters.items()}
    fresh.unregister()
    batch = finished(EscalationModel(scenario, 2, 0, lanes=np.arange(4096), given=given))
    for name, values in fresh.parameters.items():
        np.testing.assert_array_equal(branch.parameters[name], np.repeat(values, 4096))
    agree(scenario, outcome_counts(batch), outcome_counts(branch))


def test_branches_are_reproducible_and_keyed_by_name(rough):
    """The same branch name gives the same runs; another name, other runs."""
    scenario = sim.load_scenario("turkish-straits")
    model = EscalationModel(scenario, 0, 0, lanes=np.array([4]))
    for _ in range(3):
        model.step()
    start = checkpoint(model)
    model.unregister()
    first = finished(continue_from(scenario, start, 0, 512, branch="a"))
    again = finished(continue_from(scenario, start, 0, 512, branch="a"))
    other = finished(continue_from(scenario, start, 0, 512, branch="b"))
    np.testing.assert_array_equal(first.outcome, again.outcome)
    np.testing.assert_array_equal(first.end_turn, again.end_turn)
    assert not np.array_equal(first.end_turn, other.end_turn)
    # every continuation starts on turn 3: none ends before turn 4
    assert first.end_turn.min() >= 4 or not start.active[0]
    counts = first.level_counts()
    assert counts.shape == (scenario.horizon + 1, len(scenario.ladder))
    assert (counts.sum(axis=1) == 512).all()


def test_a_continuation_has_at_most_a_block_of_runs():
    scenario = sim.load_scenario("turkish-straits")
    model = EscalationModel(scenario, 0, 0, lanes=np.array([0]))
    with pytest.raises(ValueError, match="1 to"):
        continue_from(scenario, checkpoint(model), 0, 0, branch="x")
    model.unregister()


SHARED = """\
id: shared
title: Simultaneous moves that write one variable, two rules each
moves: simultaneous
combine: {x: sum}
horizon: 8
ladder: [{id: calm}, {id: crisis}]
world:
  x: {type: int, initial: 0, min: 0, max: 30}
actors:
  blue: {}
  red: {}
rules:
  - {id: blue-adds, actor: blue, chance: 0.5, effects: {x: x + 1}}
  - {id: blue-adds-more, actor: blue, chance: 0.5, effects: {x: x + 2}}
  - {id: red-adds, actor: red, chance: 0.5, effects: {x: x + 3}}
  - {id: red-adds-more, actor: red, when: x > 2, chance: 0.5, effects: {x: x + 1}}
outcomes:
  - {id: crisis, when: x >= 25}
  - {id: calm, default: true}
measures:
  - {id: x, value: x}
"""


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    path = tmp_path_factory.mktemp("branching") / "shared.yaml"
    path.write_text(SHARED, encoding="utf-8")
    return sim.load_scenario(path)


@pytest.mark.parametrize(
    "name",
    [
        "tests/fixtures/fog-full.yaml",  # beliefs, observations with errors and a delay
        "scenarios/examples/swarm-escalation-sandbox.yaml",  # rungs, simultaneous moves
        "shared",  # simultaneous writes combined by `combine:`
    ],
)
def test_a_turn_in_progress_carries_beliefs_readings_rungs_and_combined_writes(shared, name):
    """Stopped before any resolution of a later turn (observations made or not, an
    actor's writes to combine kept or not), a run continues exactly as it would have:
    beliefs, readings on their way, each actor's rung and the writes still to combine
    are carried with the rest."""
    scenario = shared if name == "shared" else sim.load_scenario(name)
    rungs = [k for a in scenario.positions.actors for k in (f"{a}.level", f"{a}.peak")]
    for seed, run in ((3, 17), (4, 2)):
        alone = replay(scenario, seed, run)
        source = EscalationModel(scenario, seed, 0, lanes=np.array([run]))
        for stop in range(len(source.order) + 1):
            model = EscalationModel(scenario, seed, 0, lanes=np.array([run]))
            for _ in range(2):
                model.step()
            model.begin_turn()
            model.play_turn(stop)
            resumed = finished(continue_from(scenario, checkpoint(model), 0))
            assert_same_run(resumed, 0, alone)
            for key in rungs:
                assert resumed.state[key][0] == alone.state[key][0], (stop, key)
            model.unregister()
        source.unregister()
