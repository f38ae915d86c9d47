"""Monte Carlo estimates against cases solvable by hand, at fixed seeds.

Each check asks that the exact value lie inside the estimate's 99.9% Wilson
interval: the tolerance comes from the run count, not from a chosen epsilon.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import sim
from sim.results.intervals import wilson

FIXTURES = Path(__file__).parent / "fixtures"
RUNS = 40_000


def assert_matches(count: int, runs: int, exact: float) -> None:
    low, high = wilson(count, runs, confidence=0.999)
    assert low <= exact <= high, f"{count}/{runs} = {count / runs:.4f}; exact {exact:.4f}"


@pytest.mark.parametrize("p", [0.02, 0.1, 0.35])
def test_one_rule_escalates_with_probability_one_minus_one_minus_p_to_the_t(p):
    scenario = sim.load_scenario(FIXTURES / "one-rule.yaml", overrides={"p": p})
    results = sim.run(scenario, RUNS, seed=2)
    horizon = scenario.horizon
    crisis = next(o for o in results.summary["outcomes"] if o["id"] == "crisis")
    assert_matches(crisis["count"], RUNS, 1 - (1 - p) ** horizon)
    # and turn by turn: still calm after t turns with probability (1-p)^t
    calm = results.levels_by_turn()["calm"]
    for turn in (1, 3, horizon):
        assert_matches(int(calm[turn]), RUNS, (1 - p) ** turn)


def test_time_to_escalation_is_geometric():
    p = 0.1
    results = sim.run(
        sim.load_scenario(FIXTURES / "one-rule.yaml", overrides={"p": p}), RUNS, seed=3
    )
    ended = results.runs[results.runs["outcome"] == "crisis"]
    for turn in (1, 2, 5):
        exact = (1 - p) ** (turn - 1) * p
        assert_matches(int((ended["end_turn"] == turn).sum()), RUNS, exact)


def test_two_step_chain_matches_its_markov_chain():
    p, q = 0.2, 0.3
    scenario = sim.load_scenario(FIXTURES / "two-step.yaml")
    results = sim.run(scenario, RUNS, seed=4)
    # states: calm, armed, war. In a turn the event arms (p), then the rule strikes (q).
    step = np.array(
        [
            [1 - p, p * (1 - q), p * q],
            [0.0, 1 - q, q],
            [0.0, 0.0, 1.0],
        ]
    )
    final = np.linalg.matrix_power(step, scenario.horizon)[0]
    exact = {"calm": final[0], "tense": final[1], "war": final[2]}
    for outcome in results.summary["outcomes"]:
        assert_matches(outcome["count"], RUNS, exact[outcome["id"]])


VOTE = """
id: vote
title: A vote
horizon: {horizon}
ladder: [{{id: peace}}, {{id: war}}]
actors:
  a: {{name: A}}
  b: {{name: B}}
  c: {{name: C}}
  pact: {{name: Pact, members: [a, b, c]}}
rules:
  - id: pact-decides
    actor: pact
    when: level == 'peace'
    vote:
      method: {method}
      support: 0.5
      members: {{a: 0.9}}
    effects: {{level: war}}
outcomes:
  - {{id: war, when: level == 'war'}}
  - {{id: peace, default: true}}
"""


@pytest.mark.parametrize(
    ("method", "per_turn"),
    [
        ("consensus", 0.9 * 0.5 * 0.5),
        # majority of three: at least two yes
        ("majority", 0.9 * 0.5 * 0.5 + 0.9 * 0.5 * 0.5 * 2 + 0.1 * 0.5 * 0.5),
        ("threshold\n      threshold: 0.3", 1 - 0.1 * 0.5 * 0.5),
    ],
)
def test_alliance_votes_pass_as_often_as_their_rule_says(write_scenario, method, per_turn):
    horizon = 3
    path = write_scenario(VOTE.format(method=method, horizon=horizon))
    results = sim.run(sim.load_scenario(path), RUNS, seed=5)
    war = next(o for o in results.summary["outcomes"] if o["id"] == "war")
    assert_matches(war["count"], RUNS, 1 - (1 - per_turn) ** horizon)


def test_options_are_chosen_in_proportion_to_their_weights(write_scenario):
    path = write_scenario(
        """
        id: options
        title: Options
        horizon: 1
        ladder: [{id: calm}, {id: tense}]
        actors: {red: {name: Red}}
        rules:
          - id: red-chooses
            actor: red
            options:
              - {id: a, weight: 1}
              - {id: b, weight: 3}
              - {id: c, weight: 0, narration: never}
              - {id: d, weight: 6, when: 'false'}
        outcomes: [{id: over, default: true}]
        """
    )
    runs = sim.run(sim.load_scenario(path), RUNS, seed=6).runs
    assert_matches(int(runs["fired.red-chooses.a"].sum()), RUNS, 0.25)
    assert_matches(int(runs["fired.red-chooses.b"].sum()), RUNS, 0.75)
    assert runs["fired.red-chooses.c"].sum() == 0
    assert runs["fired.red-chooses.d"].sum() == 0


@pytest.mark.parametrize(
    ("spec", "distribution"),
    [
        ("{distribution: uniform, low: 0.2, high: 0.7}", stats.uniform(0.2, 0.5)),
        ("{distribution: beta, a: 2, b: 5}", stats.beta(2, 5)),
        (
            "{distribution: truncnormal, mean: 0.4, sd: 0.3, low: 0, high: 1}",
            stats.truncnorm((0 - 0.4) / 0.3, (1 - 0.4) / 0.3, loc=0.4, scale=0.3),
        ),
    ],
)
def test_sampled_parameters_follow_their_distribution(write_scenario, spec, distribution):
    path = write_scenario(
        f"""
        id: draws
        title: Draws
        horizon: 1
        ladder: [{{id: calm}}, {{id: tense}}]
        parameters: {{x: {spec}}}
        actors: {{red: {{name: Red}}}}
        outcomes: [{{id: over, default: true}}]
        """
    )
    values = sim.run(sim.load_scenario(path), 20_000, seed=7).runs["param.x"]
    assert stats.kstest(values, distribution.cdf).pvalue > 0.001


def test_bernoulli_and_choice_parameters(write_scenario):
    path = write_scenario(
        """
        id: draws
        title: Draws
        horizon: 1
        ladder: [{id: calm}, {id: tense}]
        parameters:
          flag: {distribution: bernoulli, p: 0.3}
          pick: {distribution: choice, values: [low, mid, high], weights: [1, 1, 2]}
        actors: {red: {name: Red}}
        outcomes: [{id: over, default: true}]
        """
    )
    runs = sim.run(sim.load_scenario(path), RUNS, seed=8).runs
    assert_matches(int(runs["param.flag"].sum()), RUNS, 0.3)
    assert_matches(int((runs["param.pick"] == "high").sum()), RUNS, 0.5)
    assert set(runs["param.pick"]) == {"low", "mid", "high"}
