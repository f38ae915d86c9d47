"""Random variates in expressions: their distributions, their streams, replay, and refusal
by the exact analysis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.story.replay import replay

RUNS = 40_000  # more than one block of 32,768 lanes
SEED = 7
Z = 4.5  # interval half-width in standard errors: a false alarm about once in 150,000

SCENARIO = """\
id: variates
title: Random variates in expressions
horizon: 3
ladder: [{id: calm}, {id: crisis}]
parameters:
  mu: {distribution: uniform, low: 0.0, high: 10.0}
world:
  noise: {type: float, initial: 0.0}
  shifted: {type: float, initial: 0.0}
  spread: {type: float, initial: 0.0}
  coin: {type: bool, initial: false}
  pick: {type: int, initial: 0}
  coins: {type: int, initial: 0}
actors:
  blue: {}
  red: {}
rules:
  # EXTRA
  - id: draw
    actor: blue
    effects:
      noise: normal(2.0, 1.5)
      shifted: normal(mu, 0.5 * turn) - mu
      spread: uniform(-1, 3)
      coin: bernoulli(0.3)
      pick: choice([1, 2, 5], [1, 2, 1])
  - id: toss
    actor: red
    when: bernoulli(0.5)
    effects: {coins: coins + 1}
outcomes:
  - {id: end, default: true}
measures:
  - {id: noise, value: noise}
  - {id: shifted, value: shifted}
  - {id: spread, value: spread}
  - {id: coin, value: coin}
  - {id: pick, value: pick}
  - {id: coins, value: coins}
"""

EXTRA_RULE = """\
  - id: unrelated
    actor: red
    chance: 0.4
    effects: {coins: "coins + round(normal(0, 1))"}
"""


def write(tmp_path: Path, text: str, name: str = "variates.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    path = write(tmp_path_factory.mktemp("variates"), SCENARIO)
    return sim.run(sim.load_scenario(path), RUNS, seed=SEED).runs


def within_mean(values: np.ndarray, mean: float, sd: float) -> None:
    assert abs(values.mean() - mean) < Z * sd / np.sqrt(len(values))


def within_variance(values: np.ndarray, variance: float, kurtosis: float = 3.0) -> None:
    """The sample variance against `variance`; its standard error from the kurtosis."""
    n = len(values)
    error = variance * np.sqrt((kurtosis - (n - 3) / (n - 1)) / n)
    assert abs(values.var(ddof=1) - variance) < Z * error


def test_normal_has_its_mean_and_variance(runs):
    noise = runs["measure.noise"].to_numpy()
    within_mean(noise, 2.0, 1.5)
    within_variance(noise, 1.5**2)


def test_arguments_may_be_per_run_parameters_and_the_turn(runs):
    shifted = runs["measure.shifted"].to_numpy()  # normal(mu, 0.5 * 3) - mu on the last turn
    within_mean(shifted, 0.0, 1.5)
    within_variance(shifted, 1.5**2)


def test_uniform_has_its_mean_and_variance(runs):
    spread = runs["measure.spread"].to_numpy()
    within_mean(spread, 1.0, 4 / np.sqrt(12))
    within_variance(spread, 16 / 12, kurtosis=1.8)
    assert spread.min() >= -1 and spread.max() <= 3


def test_bernoulli_and_choice_have_their_frequencies(runs):
    coin = runs["measure.coin"].to_numpy().astype(float)
    within_mean(coin, 0.3, np.sqrt(0.3 * 0.7))
    pick = runs["measure.pick"].to_numpy()
    assert set(np.unique(pick)) == {1, 2, 5}
    for value, share in ((1, 0.25), (2, 0.5), (5, 0.25)):
        within_mean((pick == value).astype(float), share, np.sqrt(share * (1 - share)))


def test_a_variate_in_a_condition_is_drawn_each_turn(runs):
    coins = runs["measure.coins"].to_numpy()  # Binomial(3, 1/2)
    within_mean(coins, 1.5, np.sqrt(0.75))
    within_variance(coins, 0.75, kurtosis=3 - 2 / 3)


def test_common_random_numbers_hold_when_an_unrelated_rule_changes(tmp_path, runs):
    changed = SCENARIO.replace("  # EXTRA\n", EXTRA_RULE)
    other = sim.run(sim.load_scenario(write(tmp_path, changed)), RUNS, seed=SEED).runs
    for column in ("noise", "shifted", "spread", "coin", "pick"):
        assert (other[f"measure.{column}"] == runs[f"measure.{column}"]).all(), column
    assert (other["measure.coins"] != runs["measure.coins"]).any()  # the new rule did act


def test_one_run_replayed_draws_what_it_drew_in_the_batch(tmp_path, runs):
    scenario = sim.load_scenario(write(tmp_path, SCENARIO))
    for run in (0, 5, 32_767, 33_001):
        model = replay(scenario, SEED, run)
        for column in ("noise", "shifted", "spread", "pick", "coins"):
            assert model.state[column][0] == runs[f"measure.{column}"][run], (run, column)


def test_trace_shows_the_drawn_values_of_the_run(tmp_path, runs):
    path = write(tmp_path, SCENARIO)
    result = CliRunner().invoke(main, ["trace", str(path), "--seed", str(SEED), "--run", "9"])
    assert result.exit_code == 0, result.output
    last_turn = result.output.split("Turn 3")[1]
    assert f"-> {runs['measure.noise'][9]:.3g}\n" in last_turn
    assert "pick: " in last_turn and f"-> {int(runs['measure.pick'][9])}\n" in last_turn


def test_the_exact_analysis_refuses_variates(tmp_path):
    result = CliRunner().invoke(main, ["exact", str(write(tmp_path, SCENARIO))])
    assert result.exit_code == 2
    assert "cannot enumerate random variates" in result.output
    assert "normal() at rules[draw].effects.noise#1" in result.output
    assert "Traceback" not in result.output


def test_the_exact_analysis_refuses_discrete_variates_too(tmp_path):
    text = SCENARIO.replace("normal(2.0, 1.5)", "0.0").replace("normal(mu, 0.5 * turn) - mu", "0")
    text = text.replace("uniform(-1, 3)", "0.0")
    result = CliRunner().invoke(main, ["exact", str(write(tmp_path, text))])
    assert result.exit_code == 2
    assert "bernoulli() at rules[draw].effects.coin#1" in result.output
    assert "continuous" not in result.output


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("normal(1)", "normal() takes 2 value(s), got 1"),
        ("choice(1, 2)", "choice() takes a list of values"),
        ("choice([1, 2], [1])", "choice() needs one weight per value"),
        ("uniform(0, 'calm')", "uniform() takes numbers"),
        ("normall(0, 1)", "did you mean 'normal'"),
        ("bernoulli(p=0.5) + 0.0", "takes no keyword arguments"),
    ],
)
def test_a_wrong_call_is_a_located_error(tmp_path, expression, message):
    text = SCENARIO.replace("noise: normal(2.0, 1.5)", f'noise: "{expression}"')
    result = CliRunner().invoke(main, ["show", str(write(tmp_path, text))])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "variates.yaml:" in result.output and "Traceback" not in result.output
