"""Fog of war, beliefs in detail: priors read on what their actor sees, a numeric belief's
tolerance, and writes of one belief by two actors under simultaneous moves."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.engine import EscalationModel
from sim.errors import ScenarioError
from sim.language.fog import differs
from sim.results.intervals import wilson
from sim.story.fog import misbeliefs

RUNS = 20_000

PRIORS = """\
id: priors
title: Priors read on what the actor sees
horizon: 3
ladder: [{id: calm}, {id: tense}, {id: war}]
initial_level: tense
parameters:
  p: {distribution: uniform, low: 0, high: 1}
world:
  tension: {type: float, initial: p, min: 0, max: 1}
  deliberate: {initial: false, hidden: true, description: the incident was ordered}
  strength: {type: int, initial: 5, min: 0, max: 10, hidden: true}
actors:
  red: {observes: [deliberate, strength]}
  blue:
    state:
      alert: {initial: true, hidden: true}
    beliefs:
      deliberate:
        initial: PRIOR
      strength: {initial: 2}
rules:
  - {id: blue-waits, actor: blue, when: belief.deliberate, chance: 0}
outcomes:
  - {id: calm, default: true}
"""


def priors(tmp_path: Path, prior: str) -> Path:
    path = tmp_path / "priors.yaml"
    path.write_text(PRIORS.replace("PRIOR", prior))
    return path


def test_a_prior_reads_public_variables_its_own_state_and_the_level(tmp_path):
    path = priors(tmp_path, "\"tension > 0.5 and blue.alert and level == 'tense'\"")
    model = EscalationModel(sim.load_scenario(path), seed=3, block=0)
    tension = model.state["tension"]
    believed = model.state["blue.belief.deliberate"]
    assert (believed == (tension > 0.5)).all()  # per run, from the sampled tension
    assert 0 < believed.mean() < 1


@pytest.mark.parametrize(
    ("prior", "expected"),
    [
        ("strength > 3", "blue's prior cannot read the hidden `strength`: a prior is what blue"),
        ("belief.strength > 3", "a prior cannot read a belief (`blue.belief.strength`)"),
        ("turn > 0", "a prior cannot read `turn`: it has no value before the first turn"),
        ("red.belief.deliberate", "red holds no belief about `deliberate`"),
    ],
)
def test_a_prior_may_not_read_what_its_actor_does_not_see_and_says_why(tmp_path, prior, expected):
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(priors(tmp_path, f'"{prior}"'))
    message = str(caught.value)
    line = PRIORS.splitlines().index("        initial: PRIOR") + 1
    assert f"priors.yaml:{line}:" in message
    assert "actors.blue.beliefs.deliberate.initial" in message
    assert expected in message


def test_the_exact_analysis_starts_beliefs_from_the_same_priors(tmp_path):
    """A prior reading the level and a public variable gives the formula's answer."""
    misperception = Path(__file__).parent / "fixtures" / "fog-misperception.yaml"
    text = misperception.read_text().replace(
        "        initial: false\n", "        initial: \"incident and level == 'war'\"\n"
    )
    path = tmp_path / "fog-misperception.yaml"
    path.write_text(text)
    scenario = sim.load_scenario(path)
    war = next(o for o in sim.exact(scenario).outcomes if o.id == "war")
    assert war.probability == pytest.approx(1 - (1 - 0.3 * 0.5) ** scenario.horizon, abs=1e-12)


# --- a numeric belief's tolerance ---------------------------------------------------

NOISY = """\
id: noisy
title: A noisy number
horizon: 4
ladder: [{id: calm}, {id: alarm}]
world:
  strength: {type: float, initial: 5.0, min: 0, max: 10, hidden: true}
actors:
  blue:
    beliefs:
      strength:
        initial: 5.0
        TOLERANCE
        observations:
          - {id: satellites, noise: 1}
rules:
  - id: blue-counts
    actor: blue
    when: belief.strength >= 0
    effects: {level: alarm}
outcomes:
  - {id: calm, default: true}
"""


def noisy(tmp_path: Path, tolerance: str) -> sim.Results:
    path = tmp_path / "noisy.yaml"
    path.write_text(NOISY.replace("TOLERANCE", tolerance))
    return sim.run(sim.load_scenario(path), RUNS, seed=4)


def test_a_float_reading_within_its_tolerance_is_not_a_false_belief(tmp_path):
    """Blue reads the truth plus N(0, 1) every turn and acts on it: a firing is on a false
    belief when the reading is more than the tolerance from the truth."""
    results = noisy(tmp_path, "tolerance: 1")
    firings = results.runs["false_belief_firings"].to_numpy()
    outside = math.erfc(1 / math.sqrt(2))  # P(|Z| > 1)
    turns = 4
    count = int(firings.sum())
    low, high = wilson(count, RUNS * turns, confidence=0.999)
    assert low <= outside <= high, (count / (RUNS * turns), outside)
    # without a tolerance every noisy reading is a false belief (beyond rounding)
    exact = noisy(tmp_path, "")
    assert (exact.runs["false_belief_firings"] == turns).all()


def test_the_tolerance_decides_what_the_trace_calls_a_false_belief(tmp_path):
    path = tmp_path / "noisy.yaml"
    path.write_text(NOISY.replace("TOLERANCE", "tolerance: 0.5"))
    scenario = sim.load_scenario(path)

    def believed(value: float) -> int:
        values = {"strength": np.array([5.0]), "blue.belief.strength": np.array([value])}
        return len(misbeliefs(scenario, values, lambda key, v: f"{v:g}"))

    assert [believed(v) for v in (5.0, 5.4, 4.5, 5.6, 4.0)] == [0, 0, 0, 1, 1]


def test_differs_compares_numbers_within_a_tolerance_and_the_rest_exactly():
    assert differs(np.array([3, 4, 6]), np.array([4, 4, 4]), 1.0).tolist() == [False, False, True]
    assert differs(np.array([3, 4]), np.array([4, 4]), 0.0).tolist() == [True, False]
    assert not differs(np.array([0.1 + 0.2]), np.array([0.3]), 0.0).any()  # rounding
    assert differs(np.array([True, False]), np.array([True, True]), None).tolist() == [False, True]


def test_a_tolerance_on_a_true_false_belief_is_an_error(tmp_path):
    path = priors(tmp_path, "false\n        tolerance: 1")
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(path)
    assert "`tolerance` applies to a belief about a number, not true/false" in str(caught.value)


def test_show_gives_the_tolerance(tmp_path):
    path = tmp_path / "noisy.yaml"
    path.write_text(NOISY.replace("TOLERANCE", "tolerance: 0.5"))
    out = CliRunner().invoke(main, ["show", str(path)]).output
    assert "believes about strength (starts 5.0), counted true within 0.5 of the truth" in out


# --- simultaneous moves: one belief written by two actors ------------------------------

SIMULTANEOUS = """\
id: both-write
title: Two actors write one belief at once
horizon: 3
moves: simultaneous
COMBINE
ladder: [{id: calm}, {id: war}]
world:
  deliberate: {initial: true, hidden: true}
actors:
  red: {observes: [deliberate]}
  blue:
    beliefs: {deliberate: false}
rules:
  - id: red-tells
    actor: red
    chance: 0.5
    RED
  - id: blue-guesses
    actor: blue
    chance: 0.5
    BLUE
outcomes:
  - {id: calm, default: true}
"""
RED_REVEALS = "reveal: {blue: [deliberate]}"
RED_PLANTS = "effects: {blue.belief.deliberate: false}"
BLUE_WRITES = "effects: {belief.deliberate: false}"
BLUE_REVEALS = "reveal: {blue: [deliberate]}"


def simultaneous(tmp_path: Path, red: str, blue: str, combine: str = "") -> Path:
    path = tmp_path / "both-write.yaml"
    text = SIMULTANEOUS.replace("RED", red).replace("BLUE", blue)
    path.write_text(text.replace("COMBINE", combine))
    return path


@pytest.mark.parametrize(
    ("red", "blue"),
    [(RED_REVEALS, BLUE_WRITES), (RED_PLANTS, BLUE_REVEALS), (RED_REVEALS, BLUE_REVEALS)],
)
def test_two_actors_writing_one_belief_at_once_need_a_combine_rule(tmp_path, red, blue):
    path = simultaneous(tmp_path, red, blue)
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(path)
    message = str(caught.value)
    assert "'blue.belief.deliberate' is written by both 'red' (rule 'red-tells')" in message
    assert "and 'blue' (rule 'blue-guesses')" in message
    line = SIMULTANEOUS.splitlines().index("    BLUE") + 1
    assert f"both-write.yaml:{line}:" in message
    assert "combine: {blue.belief.deliberate: max}" in message


def test_one_actors_own_writes_of_a_belief_need_no_combine_rule(tmp_path):
    path = simultaneous(tmp_path, "effects: {}", BLUE_WRITES + "\n    " + BLUE_REVEALS)
    sim.load_scenario(path)


def test_a_combine_rule_joins_a_reveal_and_a_plant_lane_by_lane(tmp_path):
    """Red reveals the truth (true) to Blue as Blue decides it was nothing (false): with
    `any`, Blue believes it where Red told it this turn, false where Blue alone wrote, and
    keeps its belief where neither did."""
    combine = "combine: {blue.belief.deliberate: any}"
    scenario = sim.load_scenario(simultaneous(tmp_path, RED_REVEALS, BLUE_WRITES, combine))
    model = EscalationModel(scenario, seed=9, block=0)
    red, blue = (model.columns.index(f"fired.{rule}") for rule in ("red-tells", "blue-guesses"))
    believed = np.zeros(model.size, dtype=bool)
    both = np.zeros(model.size, dtype=bool)
    for _ in range(scenario.horizon):
        fired = model.fired.copy()
        model.step()
        told, guessed = (model.fired[c] > fired[c] for c in (red, blue))
        believed = np.where(told | guessed, told, believed)
        both |= told & guessed
        assert (model.state["blue.belief.deliberate"] == believed).all()
    assert both.any() and 0 < believed.mean() < 1
