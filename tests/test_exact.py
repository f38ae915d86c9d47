"""The exact analysis (`sim.exact`, `wargame exact`): hand-solvable cases to 1e-12, the
fixtures against Monte Carlo batches, the state limit, and the command."""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.errors import SimulationError
from sim.exact_analysis.crosscheck import CHI_SQUARE_LEVEL, Z_LIMIT, against_runs, compare
from sim.exact_analysis.limits import StateSpaceTooLarge
from sim.exact_analysis.result import ExactResult

FIXTURES = Path(__file__).parent / "fixtures"
EXACT_FIXTURES = ["exact-decisions", "exact-votes", "exact-delayed"]
CROSSCHECKED = [*EXACT_FIXTURES, "one-rule", "two-step", "full-language"]


def fixture(name: str) -> sim.CompiledScenario:
    return sim.load_scenario(FIXTURES / f"{name}.yaml")


def invoke(*args: str) -> object:
    return CliRunner().invoke(main, ["exact", *args])


# --- hand-solvable cases ---------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.37, 0.9])
def test_one_rule_escalates_by_the_horizon_with_one_minus_the_chance_of_never(p):
    result = sim.exact(fixture("one-rule").with_overrides({"p": p}))
    assert abs(result.probability("crisis") - (1 - (1 - p) ** 10)) < 1e-12
    assert abs(result.probability("calm") - (1 - p) ** 10) < 1e-12
    for turn in range(1, 10):  # the crisis ends a run on the turn it happens
        assert abs(result.end_turns[turn] - (1 - p) ** (turn - 1) * p) < 1e-12
    assert abs(result.end_turns[10] - (1 - p) ** 9) < 1e-12  # the crisis or the horizon


def test_two_step_chain_matches_its_markov_chain():
    p, q, horizon = 0.2, 0.3, 8
    unarmed, armed, war = 1.0, 0.0, 0.0
    for _ in range(horizon):  # the event arms, then the rule attacks, in the same turn
        armed_now = armed + unarmed * p
        unarmed *= 1 - p
        war += armed_now * q
        armed = armed_now * (1 - q)
    result = sim.exact(fixture("two-step"))
    assert abs(result.probability("war") - war) < 1e-12
    assert abs(result.probability("tense") - armed) < 1e-12
    assert abs(result.probability("calm") - unarmed) < 1e-12


VOTE = """
    id: vote
    title: One vote
    horizon: 1
    ladder: [{{id: calm}}, {{id: war}}]
    actors:
      a: {{state: {{resolve: {{type: float, initial: 0.9}}}}}}
      b: {{state: {{resolve: {{type: float, initial: 0.6}}}}}}
      c: {{}}
      pact: {{members: [a, b, c]}}
    rules:
      - id: pact-fights
        actor: pact
        chance: 0.8
        vote: {{method: {method}, support: member.resolve, members: {{c: 0.5}}}}
        effects: {{level: war}}
    outcomes:
      - {{id: war, when: level == 'war'}}
      - {{id: calm, default: true}}
"""


def test_consensus_needs_every_member_with_their_own_support(write_scenario):
    result = sim.exact(sim.load_scenario(write_scenario(VOTE.format(method="consensus"))))
    assert abs(result.probability("war") - 0.8 * 0.9 * 0.6 * 0.5) < 1e-12


def test_threshold_vote_is_the_poisson_binomial_tail(write_scenario):
    text = VOTE.format(method="threshold, threshold: 0.6")  # 2 of 3 members
    result = sim.exact(sim.load_scenario(write_scenario(text)))
    a, b, c = 0.9, 0.6, 0.5
    two_or_more = a * b + a * c + b * c - 2 * a * b * c
    assert abs(result.probability("war") - 0.8 * two_or_more) < 1e-12


def test_option_weights_follow_the_state_and_conditions_drop_options(write_scenario):
    path = write_scenario("""
        id: options
        title: Weighted options
        horizon: 2
        ladder: [{id: calm}, {id: war}]
        world: {x: 0}
        actors: {red: {}}
        rules:
          - id: red-acts
            actor: red
            options:
              - {id: small, weight: 1 + x, effects: {x: x + 1}}
              - {id: big, when: x < 5, weight: 2, effects: {x: x + 10}}
        outcomes:
          - {id: two, when: x == 2, check: at-horizon}
          - {id: eleven, when: x == 11, check: at-horizon}
          - {id: other, default: true}
        """)
    result = sim.exact(sim.load_scenario(path))
    # turn 1: small 1/3 (x=1), big 2/3 (x=10); turn 2 from x=1: weights 2 and 2;
    # from x=10 only `small` is allowed
    assert abs(result.probability("two") - 1 / 6) < 1e-12
    assert abs(result.probability("eleven") - 5 / 6) < 1e-12
    assert result.probability("other") < 1e-15


def test_every_firing_of_a_repeatable_rule_schedules_its_own_delayed_effect(write_scenario):
    path = write_scenario("""
        id: delayed
        title: Delayed, repeatable
        horizon: 6
        ladder: [{id: calm}, {id: hit}]
        parameters: {p: 0.3}
        world: {hits: 0}
        actors: {red: {}}
        rules:
          - id: red-fires
            actor: red
            chance: p
            delayed: [{after: 2, effects: {hits: hits + 1}}]
        outcomes:
          - {id: many, when: hits >= 2, check: at-horizon}
          - {id: one, when: hits == 1, check: at-horizon}
          - {id: none, default: true}
        """)
    result = sim.exact(sim.load_scenario(path))
    p, landed = 0.3, 4  # firings on turns 1 to 4 land by turn 6, each on its own
    none, one = (1 - p) ** landed, landed * p * (1 - p) ** (landed - 1)
    assert abs(result.probability("none") - none) < 1e-12
    assert abs(result.probability("one") - one) < 1e-12
    assert abs(result.probability("many") - (1 - none - one)) < 1e-12


def test_figures_are_distributions_and_the_result_is_typed():
    result = sim.exact(fixture("exact-decisions"))
    assert isinstance(result, ExactResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.seconds = 0.0  # type: ignore[misc]
    assert abs(sum(o.probability for o in result.outcomes) - 1) < 1e-12
    assert abs(sum(result.end_turns) - 1) < 1e-12
    assert np.allclose(np.sum(result.levels_by_turn, axis=1), 1.0, atol=1e-12)
    table = result.outcome_table()
    batch = sim.run(fixture("exact-decisions"), runs=200, seed=0).outcome_table()
    assert list(table.index) == list(batch.index)  # least severe first, like a batch
    assert list(table.columns) == ["label", "probability", "change"]


def test_quadrature_reports_its_nodes_and_the_change_from_half_as_many():
    result = sim.exact(fixture("full-language"), nodes=6)
    assert result.nodes == 6
    assert set(result.integrated) == {"restraint", "hawkishness", "readiness"}
    changes = [abs(o.change) for o in result.outcomes if o.change is not None]
    assert len(changes) == 4 and max(changes) < 1e-3
    assert sim.exact(fixture("one-rule")).nodes is None


def test_a_chance_out_of_range_names_the_rule_value_and_turn(write_scenario):
    path = write_scenario("""
        id: bad
        title: Bad chance
        horizon: 3
        ladder: [{id: calm}, {id: war}]
        world: {x: 0}
        actors: {red: {}}
        rules:
          - {id: red-grows, actor: red, effects: {x: x + 1}}
          - {id: red-attacks, actor: red, chance: 0.4 * x, effects: {level: war}}
        outcomes:
          - {id: war, when: level == 'war'}
          - {id: calm, default: true}
        """)
    with pytest.raises(SimulationError, match=r"red-attacks.*0\.4 \* x.*1\.2 on turn 3"):
        sim.exact(sim.load_scenario(path))


# --- against Monte Carlo ----------------------------------------------------


def _agrees(name: str, runs: int) -> None:
    scenario = fixture(name)
    check = against_runs(sim.exact(scenario), scenario, runs, seed=2026)
    assert check.largest_z < Z_LIMIT, check
    assert check.p_value > CHI_SQUARE_LEVEL, check
    assert check.agree


@pytest.mark.parametrize("name", CROSSCHECKED)
def test_fixture_agrees_with_a_monte_carlo_batch(name):
    _agrees(name, 200_000)


@pytest.mark.slow
@pytest.mark.parametrize("name", CROSSCHECKED)
def test_fixture_agrees_with_a_million_runs(name):
    _agrees(name, 1_000_000)


def test_a_wrong_answer_is_called_a_disagreement():
    result = sim.exact(fixture("one-rule"))
    exact = result.probability("crisis")
    shifted = {"crisis": round(1_000_000 * (exact + 0.002)), "calm": 0}
    shifted["calm"] = 1_000_000 - shifted["crisis"]
    check = compare(result, shifted, 1_000_000, "shifted")
    assert not check.agree and check.largest_z > Z_LIMIT


# --- the state limit ----------------------------------------------------------


def test_an_exploding_state_space_stops_quickly_in_bounded_memory():
    scenario = fixture("exact-explodes")
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(StateSpaceTooLarge) as stop:
        sim.exact(scenario, max_states=100_000)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 10
    assert peak < 200 * 2**20  # 100,000 states of ~60 bytes, a few copies
    message = str(stop.value)
    assert "131,072 distinct states on turn 1" in message
    assert "17 of the state's" in message and "alarm_00" in message
    assert "many independent counters" in message


def test_the_limit_names_the_float_that_accumulates_and_the_parameters_to_fix(write_scenario):
    path = write_scenario("""
        id: drifting
        title: A float that drifts
        horizon: 30
        ladder: [{id: calm}, {id: war}]
        parameters:
          push: {distribution: uniform, low: 0.1, high: 0.3}
          mood: {distribution: choice, values: [0.5, 1.5, 2.5]}
        world: {tension: 0.0}
        actors: {red: {}}
        events:
          - {id: jolt, chance: 0.5, effects: {tension: tension * 1.1 + push * mood * turn}}
        outcomes:
          - {id: war, when: tension > 100}
          - {id: calm, default: true}
        """)
    result = invoke(str(path), "--max-states", "5000")
    assert result.exit_code == 2
    assert "more than --max-states 5,000" in result.output
    lines = result.output.splitlines()
    first = next(line for line in lines if line.strip().startswith(("tension", "parameter")))
    assert first.strip().startswith("tension")
    assert "--set push=0.2" in result.output and "--set mood=0.5" in result.output
    assert "fewer quadrature nodes (now --nodes 8)" in result.output
    assert "Traceback" not in result.output


# --- the command --------------------------------------------------------------


def test_command_prints_the_table_turns_and_size(tmp_path):
    out = tmp_path / "exact.json"
    result = invoke(str(FIXTURES / "two-step.yaml"), "--json", str(out))
    assert result.exit_code == 0, result.output
    assert "3 states at the widest" in result.output
    assert "war          67.8054%" in result.output
    assert "by turn: the chance a run ends on it" in result.output
    data = json.loads(out.read_text())
    assert data["method"] == "exact" and data["widest_states"] == 3
    assert abs(data["outcomes"][2]["probability"] - 0.67805403) < 1e-12
    assert set(data["end_turn"]) == {str(t) for t in range(1, 9)}
    assert len(data["levels_by_turn"]["probabilities"]) == 9


def test_command_checks_against_a_batch_it_runs():
    result = invoke(str(FIXTURES / "exact-votes.yaml"), "--runs", "20000", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "Monte Carlo: 20,000 runs, seed 3" in result.output
    assert "they agree: every |z| < 4 and p > 0.001" in result.output


def test_command_checks_against_a_results_folder(tmp_path):
    scenario = fixture("exact-delayed").with_overrides({"eager": True})
    folder = tmp_path / "batch"
    sim.run(scenario, runs=5000, seed=1, out=folder)
    path = str(FIXTURES / "exact-delayed.yaml")
    result = invoke(path, "--set", "eager=true", "--against", str(folder))
    assert result.exit_code == 0, result.output
    assert f"Monte Carlo: {folder} (5,000 runs)" in result.output
    assert "they agree" in result.output
    other = invoke(path, "--against", str(folder))  # without the --set the batch ran with
    assert other.exit_code == 2
    assert "these results are of other parameters" in other.output


def test_command_refuses_both_kinds_of_batch(tmp_path):
    result = invoke(str(FIXTURES / "one-rule.yaml"), "--runs", "10", "--against", str(tmp_path))
    assert result.exit_code == 2
    assert "give --against DIR or --runs N, not both" in result.output


def test_the_readme_example_is_what_the_command_prints():
    """The README's exact figures are measured (all but the time taken, which varies)."""
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    match = re.search(
        r"<!-- exact-example -->\n```\n\$ wargame (exact [^\n]*)\n(.*?)```", text, re.S
    )
    assert match is not None
    shown = match.group(2).rstrip("\n").splitlines()
    result = CliRunner().invoke(main, shlex.split(match.group(1)))
    assert result.exit_code == 0, result.output
    printed = result.stdout.rstrip("\n").splitlines()
    timing = re.compile(r", [\d.]+ s$")
    assert [timing.sub("", line) for line in printed] == [timing.sub("", line) for line in shown]


# --- checks and measures -------------------------------------------------------


@pytest.mark.parametrize("p", [0.3, 0.55])
def test_measures_and_checks_of_a_one_rung_climb_are_exact(p):
    result = sim.exact(fixture("checks-and-measures").with_overrides({"p": p}))
    q, horizon = 1 - p, 5
    ever = 1 - q**horizon
    assert abs(result.measure("ever-crisis").overall.value - ever) < 1e-12
    # a run is in crisis at the end of turn t exactly when one of t draws climbed
    turns = sum(t * p * q ** (t - 1) for t in range(1, horizon + 1))
    assert abs(result.measure("days-in-crisis").overall.value - turns) < 1e-12
    first = result.measure("first-crisis")
    assert abs(first.overall.probability - ever) < 1e-12  # held only where it ever held
    mean_first = sum(t * p * q ** (t - 1) for t in range(1, horizon + 1)) / ever
    assert abs(first.overall.value - mean_first) < 1e-12
    assert abs(result.measure("ended-in-war").overall.value - result.probability("war")) < 1e-12
    assert result.measure("ended-in-war").by_outcome["calm"].value == 0.0
    violated = {c.id: c.probability for c in result.checks}
    assert violated["war-means-war"] == 0.0 and violated["counter-follows-level"] == 0.0
    # a calm run that climbed once: exactly one climb in the five turns
    assert abs(violated["calm-runs-never-climbed"] - horizon * p * q ** (horizon - 1)) < 1e-12
    table = result.measure_table()
    assert list(table.index) == [m.id for m in result.measures]
    assert table.loc["first-crisis", "has a value"] == pytest.approx(ever, abs=1e-12)
    assert result.check_table().loc["calm-runs-never-climbed", "checked"] == "at-end"


def test_measures_and_checks_agree_with_a_monte_carlo_batch():
    scenario = fixture("checks-and-measures")
    check = against_runs(sim.exact(scenario), scenario, 200_000, seed=7)
    names = {f.id for f in check.measures}
    assert {m.id for m in scenario.measures} | {"first-crisis held"} == names
    assert {f.id for f in check.checks} == {c.id for c in scenario.checks}
    assert check.largest_figure_z < Z_LIMIT, check
    assert check.agree


def test_a_wrong_measure_is_called_a_disagreement():
    scenario = fixture("checks-and-measures")
    result = sim.exact(scenario)
    ever = result.measure("ever-crisis")
    shifted = dataclasses.replace(
        ever, overall=dataclasses.replace(ever.overall, value=ever.overall.value + 0.01)
    )
    wrong = dataclasses.replace(
        result, measures=tuple(shifted if m.id == ever.id else m for m in result.measures)
    )
    check = against_runs(wrong, scenario, 100_000, seed=3)
    assert not check.agree and check.largest_figure_z > Z_LIMIT


def test_command_prints_measures_and_checks_and_writes_them(tmp_path):
    out = tmp_path / "exact.json"
    path = str(FIXTURES / "checks-and-measures.yaml")
    result = invoke(path, "--json", str(out), "--runs", "20000")
    assert result.exit_code == 0, result.output
    assert re.search(r"ever-crisis\s+ever, share\s+83\.1930%", result.output)
    assert re.search(r"first-crisis\s+first turn, mean\s+2\.3232\s+83\.1930%", result.output)
    assert re.search(r"calm-runs-never-climbed\s+at-end\s+36\.0150%", result.output)
    assert "they agree" in result.output
    data = json.loads(out.read_text())
    assert data["checks"][2]["probability"] == pytest.approx(0.36015, abs=1e-12)
    assert data["measures"][0]["by_outcome"]["war"]["value"] == pytest.approx(1.0)
    assert len(data["crosscheck"]["measures"]) == 8
