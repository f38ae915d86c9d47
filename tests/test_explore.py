"""Sweeps: a known effect recovered, points packed equal to runs done alone, determinism."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.errors import ScenarioError
from sim.explore import explore

HORIZON = 6
ONE_RULE = f"""
    id: one-rule
    title: One rule with chance p
    horizon: {HORIZON}
    ladder: [{{id: calm}}, {{id: war}}]
    parameters:
      p: {{value: 0.1}}
      mode: {{value: slow, values: [slow, fast]}}
    actors: {{red: {{}}}}
    rules:
      - id: red-attacks
        actor: red
        chance: p
        effects: {{level: war}}
    outcomes:
      - {{id: war, when: level == 'war', severity: 2}}
      - {{id: calm, default: true, severity: 1}}
"""


def test_a_sweep_over_a_chance_recovers_its_known_effect(write_scenario):
    scenario = sim.load_scenario(write_scenario(ONE_RULE))
    found = explore(scenario, {"p": "0.02:0.3"}, design="grid", points=6, runs_per_point=4000)
    assert len(found.points) == 6 and found.target == "war"
    for _, row in found.points.iterrows():
        expected = 1 - (1 - row["p"]) ** HORIZON
        # the interval misses the truth 5% of the time each; 6 points: widen to 99.9%-ish
        slack = 0.5 * (row["target.high"] - row["target.low"])
        assert abs(row["target"] - expected) < 2 * slack
    assert found.points["target"].is_monotonic_increasing  # common numbers: no crossing
    assert found.most_influential(1) == ["p"]


def test_point_and_replicate_equal_the_run_done_alone_with_set():
    scenario = sim.load_scenario("turkish-straits")
    vary = {"carrier_present": "true,false", "russian_risk_acceptance": "0.1:0.6"}
    found = explore(scenario, vary, points=3, runs_per_point=40, seed=7, keep_runs=True)
    assert found.runs is not None
    for point in range(3):
        row = found.points.loc[point]
        settings = {
            "carrier_present": bool(row["carrier_present"]),
            "russian_risk_acceptance": float(row["russian_risk_acceptance"]),
        }
        alone = sim.run(sim.load_scenario("turkish-straits", overrides=settings), runs=40, seed=7)
        mine = found.runs[found.runs["point"] == point]
        assert list(mine["replicate"]) == list(range(40))
        assert list(mine["outcome"]) == list(alone.runs["outcome"])
        assert np.array_equal(mine["end_turn"].to_numpy(), alone.runs["end_turn"].to_numpy())


def test_replicates_span_blocks_and_points_share_their_numbers(write_scenario):
    scenario = sim.load_scenario(write_scenario(ONE_RULE))
    found = explore(
        scenario, {"mode": "slow,fast"}, design="grid", runs_per_point=40000, keep_runs=True
    )
    assert found.runs is not None and len(found.runs) == 80000
    slow, fast = (found.runs[found.runs["point"] == p] for p in (0, 1))
    # `mode` changes nothing: with common random numbers both points play the same runs
    assert list(slow["outcome"]) == list(fast["outcome"])
    assert list(slow["replicate"]) == list(range(40000))


def test_the_same_sweep_on_processes_gives_the_same_table():
    scenario = sim.load_scenario("turkish-straits")
    vary = {"turkey_alignment": "beta(2,5)", "patrol_deterrence": "0.2:0.8"}
    serial = explore(scenario, vary, design="sobol", points=4, runs_per_point=300, seed=3)
    pool = explore(
        scenario,
        vary,
        design="sobol",
        points=4,
        runs_per_point=300,
        seed=3,
        backend="processes",
        workers=2,
    )
    assert serial.points.equals(pool.points)


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        ({"nope": "0:1"}, "no parameter 'nope'"),
        ({"p": "0.5:0.2"}, "low < high"),
        ({"mode": "slow,medium"}, "'medium' is not one of slow, fast"),
        ({"p": "beta(0,2)"}, "a > 0"),
    ],
)
def test_ranges_that_do_not_fit_are_named(write_scenario, vary, message):
    scenario = sim.load_scenario(write_scenario(ONE_RULE))
    with pytest.raises(ScenarioError) as caught:
        explore(scenario, vary, points=2, runs_per_point=10)
    assert message in caught.value.format()


def test_the_command_prints_the_influence_and_writes_the_points(tmp_path):
    from click.testing import CliRunner

    from sim.cli import main

    out = tmp_path / "sweep"
    words = [
        "explore",
        "turkish-straits",
        "--vary",
        "carrier_present=true,false",
        "--vary",
        "russian_risk_acceptance=0.1:0.6",
        "--points",
        "8",
        "--runs-per-point",
        "200",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(main, words)
    assert result.exit_code == 0, result.output
    assert "8 points x 200 runs" in result.output and "russian_risk_acceptance" in result.output
    assert (out / "points.parquet").exists() and (out / "summary.json").exists()
    on_two = tmp_path / "on-two-workers"
    result = CliRunner().invoke(main, [*words[:-1], str(on_two), "--workers", "2", "--runs-table"])
    assert result.exit_code == 0, result.output
    assert (on_two / "points.parquet").read_bytes() == (out / "points.parquet").read_bytes()
    wrong = CliRunner().invoke(main, ["explore", "turkish-straits", "--vary", "nope=0:1"])
    assert wrong.exit_code == 2 and "no parameter 'nope'" in wrong.output
