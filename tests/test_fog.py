"""Fog of war: hidden variables, beliefs, observations with errors and delays, reveals.

Analytic cases against Monte Carlo (tolerance from the interval), the load-time errors
of a rule reading what its actor cannot see, and common random numbers between two
accuracies of one observation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.engine import EscalationModel
from sim.errors import ScenarioError
from sim.exact_analysis.beliefs import NoiseUnsupported
from sim.exact_analysis.crosscheck import against_runs
from sim.results.intervals import wilson

FIXTURES = Path(__file__).parent / "fixtures"
MISPERCEPTION = FIXTURES / "fog-misperception.yaml"
FULL = FIXTURES / "fog-full.yaml"
RUNS = 40_000


def assert_matches(count: int, runs: int, exact: float) -> None:
    low, high = wilson(count, runs, confidence=0.999)
    assert low <= exact <= high, f"{count}/{runs} = {count / runs:.4f}; exact {exact:.4f}"


def variant(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text()
    assert old in text, old
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(("m", "c"), [(0.1, 0.5), (0.3, 0.5), (0.25, 1.0)])
def test_an_accident_misread_with_chance_m_draws_a_response_as_the_formula_says(m, c):
    scenario = sim.load_scenario(MISPERCEPTION, overrides={"m": m, "c": c})
    results = sim.run(scenario, RUNS, seed=5)
    war = next(o for o in results.summary["outcomes"] if o["id"] == "war")
    turns = scenario.horizon  # the incident happens on turn 1, before Blue's first reading
    assert_matches(war["count"], RUNS, 1 - (1 - m * c) ** turns)
    # every strike was taken on a false belief (the incident was an accident)
    runs = results.runs
    assert (runs["false_belief_firings"] == runs["fired.blue-strikes"]).all()
    # turn by turn: still calm after t turns with probability (1 - m c)^t
    calm = results.levels_by_turn()["calm"]
    for turn in (1, 3):
        assert_matches(int(calm[turn]), RUNS, (1 - m * c) ** turn)


def test_a_delayed_reading_arrives_delay_turns_late(tmp_path):
    delay = 2
    path = variant(tmp_path, MISPERCEPTION, "error: m", f"error: m\n            delay: {delay}")
    scenario = sim.load_scenario(path)
    results = sim.run(scenario, RUNS, seed=6)
    war = next(o for o in results.summary["outcomes"] if o["id"] == "war")
    assert_matches(war["count"], RUNS, 1 - (1 - 0.3 * 0.5) ** (scenario.horizon - delay))
    assert (results.runs.loc[results.runs["outcome"] == "war", "end_turn"] > delay).all()


def test_a_confusion_matrix_reads_each_value_with_its_chance(tmp_path):
    # where the incursion was an accident, Blue's analysts read the matrix's row
    scenario = sim.load_scenario(FULL)
    model = EscalationModel(scenario, seed=3, block=0)
    model.step()
    accident = model.state["nature"] == 1
    assert (model.state["blue.belief.nature"] == 0).all()  # the reading is a turn late
    model.step()  # the reading taken on turn 1 arrives on turn 2 (delay 1)
    read = model.state["blue.belief.nature"]
    taken = model.active & accident  # the runs still going read it
    counts = np.bincount(read[taken], minlength=4)
    total = int(taken.sum())
    for code, exact in ((1, 0.7), (2, 0.2), (3, 0.1)):
        assert_matches(int(counts[code]), total, exact)


def test_noise_on_a_number_is_normal_clipped_to_the_bounds():
    scenario = sim.load_scenario(FULL)
    model = EscalationModel(scenario, seed=4, block=0)
    model.step()
    read = model.state["blue.belief.strength"].astype(float)
    assert read.min() >= 0 and read.max() <= 10
    assert (read == np.round(read)).all()  # a whole number stays whole
    assert abs(read.mean() - 5) < 0.05  # the truth, 5, with noise of sd 2 (symmetric clip)
    assert 1.7 < read.std() < 2.1


def test_reveal_gives_the_truth_at_once_and_rules_plant_and_share_beliefs():
    scenario = sim.load_scenario(FULL)
    model = EscalationModel(scenario, seed=7, block=0)
    column = model.columns.index("fired.blue-calls-the-line")
    called_ever = np.zeros(model.size, dtype=bool)
    while model.turn < scenario.horizon:
        before = model.fired[column].copy()
        model.step()
        called = model.fired[column] > before  # (lanes,) the line was called this turn
        truth = model.state["deliberate"][called]
        # nothing after the call in the turn writes these beliefs but with the truth
        assert (model.state["blue.belief.deliberate"][called] == truth).all()
        assert (model.state["green.belief.deliberate"][called] == truth).all()
        called_ever |= called
    assert called_ever.any()
    runs = sim.run(scenario, 2000, seed=5).runs
    assert runs["fired.red-covers-up"].sum() > 0  # planting a belief happens
    assert runs["fired.blue-briefs-green"].sum() > 0  # sharing one happens


# --- who may read what --------------------------------------------------------------


def load_error(tmp_path: Path, old: str, new: str, source: Path = MISPERCEPTION) -> str:
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(variant(tmp_path, source, old, new))
    return str(caught.value)


def test_a_rule_reading_a_hidden_truth_is_an_error_at_its_place(tmp_path):
    message = load_error(tmp_path, "when: belief.deliberate", "when: deliberate")
    text = MISPERCEPTION.read_text().replace("when: belief.deliberate", "when: deliberate")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "when: deliberate" in row)
    assert f"fog-misperception.yaml:{line}:11" in message
    assert "blue cannot see the hidden `deliberate`" in message
    assert "read its belief `belief.deliberate`" in message


def test_a_hidden_truth_without_a_belief_suggests_declaring_one(tmp_path):
    path = variant(tmp_path, MISPERCEPTION, "when: belief.deliberate", "when: deliberate")
    text = path.read_text()
    start, end = text.index("    beliefs:"), text.index("rules:")
    path.write_text(text[:start] + text[end:])
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(path)
    assert "declare a belief about it under `actors.blue.beliefs`" in str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("chance: c", "chance: '0.5 if red.belief.deliberate else c'", "red holds no belief"),
        ("chance: c", "chance: '0.5 if belief.incident else c'", "blue holds no belief about"),
        ("observes: [deliberate]", "observes: [incident]", "`incident` is public"),
        ("observes: [deliberate]", "observes: [deliberat]", "unknown variable 'deliberat'"),
        ("beliefs:\n      deliberate:", "beliefs:\n      incident:", "`incident` is public"),
        ("  - id: incident-happens\n", "  - id: incident-happens\n    reveal: {blue: [incident]}\n",
         "blue holds no belief about `incident`"),
        ("error: m", "noise: m", "`noise` applies to numbers"),
        ("error: m", "confusion: {a: {b: 0.1}}", "`confusion` reads an enum"),
    ],
)  # fmt: skip
def test_fog_mistakes_are_load_time_errors(tmp_path, old, new, expected):
    assert expected in load_error(tmp_path, old, new)


def test_an_actor_cannot_read_another_actors_belief(tmp_path):
    message = load_error(
        tmp_path, "when: belief.nature == 'attack'", "when: green.belief.deliberate", FULL
    )
    assert "blue cannot read green's belief about `deliberate`" in message
    assert "read its own, `belief.deliberate`" in message


def test_nature_names_whose_belief_it_reads(tmp_path):
    message = load_error(tmp_path, "when: turn == 1\n", "when: belief.deliberate\n")
    assert "`belief.deliberate` names no actor" in message
    assert "blue.belief.deliberate" in message


def test_a_vote_reads_each_members_view(tmp_path):
    message = load_error(
        tmp_path, "0.9 if member.belief.deliberate", "0.9 if member.belief.nature == 'attack'", FULL
    )
    assert "green holds no belief about `nature`" in message


def test_an_actor_may_write_a_hidden_variable_and_read_what_it_observes():
    scenario = sim.load_scenario(FULL)  # red writes `red.intent`, reads `deliberate`, `strength`
    assert [r.beliefs_read for r in scenario.rules_of("red")] == [(), ()]


# --- common random numbers ----------------------------------------------------------


def test_one_observations_accuracy_leaves_the_other_draws_as_they_were(tmp_path):
    """Where the belief the changed observation feeds never differed between the two
    versions, every rule fired exactly as before, run by run."""
    base = sim.load_scenario(FULL)
    tweaked = sim.load_scenario(variant(tmp_path, FULL, "error: 0.25", "error: 0.05"))
    models = [EscalationModel(s, seed=11, block=0) for s in (base, tweaked)]
    same = np.ones(models[0].size, dtype=bool)  # runs where blue's intent belief agreed
    same_truths = np.ones(models[0].size, dtype=bool)
    while models[0].turn < base.horizon:
        for model in models:
            model.step()
        key = "blue.belief.red.intent"
        same &= models[0].state[key] == models[1].state[key]
        for other in ("blue.belief.deliberate", "blue.belief.strength"):
            same_truths &= models[0].state[other] == models[1].state[other]
    assert 0 < same.sum() < same.size  # the change mattered in some runs, not all
    assert same_truths[same].all()  # other observations read the same numbers
    assert (models[0].fired[:, same] == models[1].fired[:, same]).all()
    assert (models[0].outcome[same] == models[1].outcome[same]).all()


# --- the exact analysis ---------------------------------------------------------------


def test_exact_analysis_solves_the_misperception_case_by_the_formula():
    scenario = sim.load_scenario(MISPERCEPTION)
    war = next(o for o in sim.exact(scenario).outcomes if o.id == "war")
    assert war.probability == pytest.approx(1 - (1 - 0.3 * 0.5) ** scenario.horizon, abs=1e-12)


def test_exact_analysis_and_monte_carlo_agree_on_a_fog_scenario(tmp_path):
    """Flips, a confusion matrix with a delay, other values, reveals, planted and shared
    beliefs, votes on each member's view, and the false-belief count in measures."""
    path = variant(
        tmp_path, FULL, "- {id: satellites, noise: spread}", '- {id: satellites, when: "turn == 2"}'
    )
    scenario = sim.load_scenario(path)
    check = against_runs(sim.exact(scenario), scenario, 40_000, seed=2026)
    assert check.agree, check
    assert any(m.id == "acted-on-misreading" for m in check.measures)


def test_exact_analysis_refuses_noise_on_a_number_in_one_line():
    with pytest.raises(NoiseUnsupported) as refused:
        sim.exact(sim.load_scenario(FULL))
    message = str(refused.value)
    assert "\n" not in message
    assert "blue's `satellites` of `strength`" in message


# --- show and the JSON Schema -----------------------------------------------------------


def test_show_tells_what_each_actor_sees_believes_and_observes():
    from click.testing import CliRunner

    from sim.cli import main

    out = CliRunner().invoke(main, ["show", str(FULL)]).output
    assert "deliberate: bool (starts false), hidden" in out
    assert "sees the truth of: deliberate, nature, strength" in out
    assert "believes about red.intent (starts press)" in out
    assert "observation analysts: when nature != 'unknown', misread: accident read as" in out
    assert "arriving 1 turn late" in " ".join(out.split())
    assert "-> reveals the truth of deliberate to blue, green" in out
    assert "observations: each actor's readings" in out  # the turn's phase


def test_the_json_schema_knows_every_fog_key():
    from sim.scenario.schema import json_schema

    schema = json_schema()
    definitions = schema["$defs"]
    assert {"observes", "beliefs"} <= set(definitions["ActorSpec"]["properties"])
    assert "hidden" in definitions["VariableSpec"]["properties"]
    assert "reveal" in definitions["RuleSpec"]["properties"]
    assert "reveal" in definitions["OptionSpec"]["properties"]
    observation = definitions["ObservationSpec"]["properties"]
    assert {"id", "when", "error", "confusion", "noise", "delay"} <= set(observation)
    assert {"initial", "observations"} <= set(definitions["BeliefSpec"]["properties"])


# --- simultaneous moves and events after the actors ---------------------------------------


def test_beliefs_work_with_simultaneous_moves_and_events_after_the_actors(tmp_path):
    """With one actor moving, simultaneous moves give the same formula; an event after the
    actors reads Blue's belief of this turn (nature reads every belief)."""
    text = MISPERCEPTION.read_text().replace("horizon: 6\n", "horizon: 6\nmoves: simultaneous\n")
    text = text.replace(
        "outcomes:",
        "  - id: alarm-noted\n    phase: after-actors\n    when: blue.belief.deliberate\n"
        "    effects: {alarmed: true}\noutcomes:",
    )
    text = text.replace("world:\n", "world:\n  alarmed: false\n")
    path = tmp_path / "fog-simultaneous.yaml"
    path.write_text(text)
    scenario = sim.load_scenario(path)
    results = sim.run(scenario, RUNS, seed=8)
    war = next(o for o in results.summary["outcomes"] if o["id"] == "war")
    assert_matches(war["count"], RUNS, 1 - (1 - 0.3 * 0.5) ** scenario.horizon)
    runs = results.runs
    assert (runs["false_belief_firings"] == runs["fired.blue-strikes"]).all()
    # Blue misread at least once in every run that struck, and the event saw it
    struck = runs["fired.blue-strikes"] > 0
    assert (runs.loc[struck, "fired.alarm-noted"] > 0).all()
    # the chance of never misreading in six turns, seen by the event after the actors
    never = int((runs["fired.alarm-noted"] == 0).sum())
    assert_matches(never, RUNS, (1 - 0.3) ** scenario.horizon)
