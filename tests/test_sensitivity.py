"""Global sensitivity: Sobol' indices and Morris screening recover what a scenario is built
to show, categorical factors are sampled as such, and the same seed gives the same bytes."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.errors import ScenarioError
from sim.explore import explore
from sim.explore.factors import read_factors
from sim.explore.sensitivity.design import morris_design, morris_levels, problem
from sim.explore.sensitivity.indices import elementary_effects
from sim.explore.sensitivity.responses import responses

pytest.importorskip("SALib")

# `p` decides everything (a rule with chance p over six turns); `q` is read by no rule;
# `mode` decides whether the attack rule can fire at all; `flag` adds a small chance.
SCENARIO = """
    id: built-for-sensitivity
    title: One assumption decides
    horizon: 6
    ladder: [{{id: calm}}, {{id: clash}}, {{id: war}}]
    parameters:
      p: {{value: 0.1}}
      q: {{value: 0.5}}
      mode: {{value: fast, values: [slow, medium, fast]}}
      flag: {{value: false}}
    actors: {{red: {{}}}}
    rules:
      - id: red-attacks
        actor: red
        {condition}
        chance: {chance}
        effects: {{level: war}}
      - id: red-probes
        actor: red
        when: flag
        chance: 0.02
        effects: {{level: clash}}
    outcomes:
      - {{id: war, when: level == 'war', severity: 3}}
      - {{id: clash, when: level == 'clash', severity: 2}}
      - {{id: calm, default: true, severity: 1}}
"""
BY_P = SCENARIO.format(condition="", chance="p")
BY_MODE = SCENARIO.format(condition="when: mode == 'fast'", chance="0.3")


def indices(found: sim.explore.Exploration, response: str, index: str) -> pd.DataFrame:
    assert found.sensitivity is not None
    table = found.sensitivity.indices
    rows = table[(table["response"] == response) & (table["index"] == index)]
    return rows.set_index("parameter")


def test_one_assumption_explains_everything_and_another_nothing(write_scenario):
    scenario = sim.load_scenario(write_scenario(BY_P))
    vary = {"p": "0.02:0.3", "q": "0:1"}
    found = explore(scenario, vary, design="sobol-indices", points=512, runs_per_point=1000)
    assert len(found.points) == 512  # 128 base samples x (2 + 2)
    for index in ("first-order", "total"):
        rows = indices(found, "War", index)
        assert rows.loc["p", "low"] <= 1 <= rows.loc["p", "high"]
        assert rows.loc["p", "value"] > 0.9
        # q is read by no rule: with common random numbers its points play the same runs
        assert rows.loc["q", "value"] == 0 and rows.loc["q", "high"] == 0
    assert 0 < indices(found, "War", "total").loc["p", "noise_share"] < 0.05
    sentence = found.sensitivity.sentences["War"]  # type: ignore[union-attr]
    assert sentence.startswith("War: p matters most") and "q hardly matters" in sentence


def test_morris_ranks_a_categorical_factor_first_and_an_unread_one_last(write_scenario):
    scenario = sim.load_scenario(write_scenario(BY_MODE))
    vary = {"p": "0.02:0.3", "mode": "slow,medium,fast", "flag": "true,false"}
    found = explore(scenario, vary, design="morris", points=400, runs_per_point=1000, seed=5)
    rows = indices(found, "Clash or worse", "mu_star")
    assert rows.loc["mode", "low"] > rows.loc["flag", "high"]
    assert rows.loc["flag", "low"] > 0
    assert rows.loc["p", "value"] == 0  # no rule of this scenario reads p
    assert found.sensitivity is not None and found.sensitivity.levels == 6


def test_a_categorical_factor_takes_each_value_in_equal_shares(write_scenario):
    scenario = sim.load_scenario(write_scenario(BY_MODE))
    vary = {"mode": "slow,medium,fast", "flag": "true,false"}
    found = explore(scenario, vary, design="sobol-indices", points=1024, runs_per_point=400)
    shares = found.points["mode"].value_counts(normalize=True)
    assert set(shares.index) == {"slow", "medium", "fast"}
    assert np.allclose(shares.to_numpy(), 1 / 3, atol=0.03)
    assert set(found.points["flag"]) == {True, False}
    total = indices(found, "War", "total")
    assert total.loc["mode", "low"] <= 1 <= total.loc["mode", "high"]
    factors = read_factors(scenario, vary)
    unit = morris_design(factors, 60, seed=0)
    assert morris_levels(factors) == 6  # a multiple of 3 values and of 2
    values = factors[0].values(unit[:, 0])
    counts = pd.Series(values).value_counts()
    assert counts.max() - counts.min() <= 0.5 * counts.mean()  # equal shares of levels


def test_our_elementary_effects_are_salibs():
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    spec = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0.0, 1.0]] * 3}
    x = morris_sample.sample(spec, 30, num_levels=6, seed=2)
    y = x[:, 0] ** 2 + 0.5 * x[:, 1] * x[:, 2]
    found = morris_analyze.analyze(spec, x, y, num_levels=6, seed=2)
    effects = elementary_effects(x, y, 6)
    assert np.allclose(np.abs(effects).mean(axis=0), found["mu_star"])
    assert np.allclose(effects.std(axis=0, ddof=1), found["sigma"])


def test_each_outcome_has_one_headline_response(write_scenario):
    scenario = sim.load_scenario(write_scenario(BY_P))
    found = [(r.label, r.headline) for r in responses(scenario)]
    assert found == [
        ("Calm", True),
        ("Clash", True),
        ("Clash or worse", False),  # the complement of calm: the same indices
        ("War", True),
    ]
    assert problem(read_factors(scenario, {"p": "0:1"}))["num_vars"] == 1


def test_the_same_seed_gives_the_same_bytes(write_scenario, tmp_path):
    scenario = sim.load_scenario(write_scenario(BY_MODE))
    vary = {"p": "0.02:0.3", "mode": "slow,medium,fast", "flag": "true,false"}
    written = []
    for folder, backend in (("a", "serial"), ("b", "processes")):
        found = explore(
            scenario,
            vary,
            design="morris",
            points=80,
            runs_per_point=200,
            seed=9,
            backend=backend,  # type: ignore[arg-type]
            workers=2,
        )
        written.append(found.save(tmp_path / folder))
    for first, second in zip(*written, strict=True):
        assert first.name == second.name and first.read_bytes() == second.read_bytes()
    assert {p.name for p in written[0]} >= {"sensitivity.csv", "sensitivity.parquet"}


@pytest.mark.parametrize(
    ("design", "points", "message"),
    [
        ("sobol-indices", 10, "need at least 16 points"),
        ("morris", 5, "needs at least 6 points"),
    ],
)
def test_too_few_points_are_refused_with_a_suggestion(write_scenario, design, points, message):
    scenario = sim.load_scenario(write_scenario(BY_P))
    with pytest.raises(ScenarioError) as caught:
        explore(scenario, {"p": "0:1", "q": "0:1"}, design=design, points=points)
    assert message in caught.value.format() and "--points" in caught.value.format()


def test_without_salib_the_design_says_how_to_install_it(write_scenario, monkeypatch):
    scenario = sim.load_scenario(write_scenario(BY_P))
    monkeypatch.setitem(sys.modules, "SALib", None)  # import SALib now raises ImportError
    with pytest.raises(ScenarioError) as caught:
        explore(scenario, {"p": "0:1"}, design="morris", points=20)
    assert "[sensitivity]" in caught.value.format()


@pytest.mark.parametrize("design", ["sobol-indices", "morris"])
def test_the_command_prints_a_sentence_per_outcome_and_draws_the_chart(
    write_scenario, tmp_path, design
):
    path = write_scenario(BY_MODE)
    out = tmp_path / "sweep"
    words = ["explore", str(path), "--vary", "mode=slow,medium,fast", "--vary", "flag=true,false"]
    words += ["--design", design, "--points", "100", "--runs-per-point", "300", "--out", str(out)]
    result = CliRunner().invoke(main, words)
    assert result.exit_code == 0, result.output
    assert "Which assumptions matter" in result.output
    lines = [line.strip() for line in result.output.splitlines()]
    for label in ("Calm:", "Clash:", "War:"):
        assert any(line.startswith(label) and "mode" in line for line in lines), label
    table = pd.read_csv(out / "sensitivity.csv")
    assert set(table["parameter"]) == {"mode", "flag"}
    assert (out / "plots" / "sensitivity.png").stat().st_size > 10_000
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Which assumptions matter" in report and "War: mode" in report
