"""`--set NAME=DIST(...)`: a parameter redrawn from another distribution, on every command that
takes --set, recorded in the batch, refused clearly when it does not fit the parameter."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

import sim
from sim.batch.blocks import simulate_block
from sim.batch.folder import open_folder
from sim.cli import main
from sim.engine.streams import BLOCK_SIZE
from sim.errors import ScenarioError

FIXTURES = Path(__file__).parent / "fixtures"
FULL = str(FIXTURES / "full-language.yaml")
RUNS = 4000
OUTCOME_LINE = re.compile(
    r"^Outcome: .* \((?P<id>[a-z0-9_-]+)\), turn (?P<turn>\d+) of \d+\. ", re.M
)


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def batch(tmp_path: Path, *assignments: str) -> tuple[pd.DataFrame, dict]:
    out = tmp_path / "results"
    sets = [word for a in assignments for word in ("--set", a)]
    result = invoke(
        "run", FULL, "--runs", RUNS, "--seed", 3, "--out", out, "--no-plots", "-q", *sets
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    return pd.read_parquet(out / "runs.parquet"), summary


def test_a_beta_redraws_the_parameter_and_the_batch_records_it(tmp_path):
    runs, summary = batch(tmp_path, "restraint=beta(2,5)")
    drawn = runs["param.restraint"].to_numpy()
    # the mean of beta(2, 5) is 2/7: within five standard errors of the sample mean
    assert abs(drawn.mean() - 2 / 7) < 5 * stats.beta(2, 5).std() / np.sqrt(RUNS)
    assert stats.kstest(drawn, stats.beta(2, 5).cdf).pvalue > 1e-3
    assert summary["overrides"] == {"restraint": "beta(2,5)"}
    assert "--set 'restraint=beta(2,5)'" in summary["command"]


@pytest.mark.parametrize(
    ("assignment", "column", "check"),
    [
        (
            "restraint=uniform(0.1,0.3)",
            "param.restraint",
            lambda v: (v >= 0.1).all() and (v <= 0.3).all(),
        ),
        (
            "readiness=truncnormal(0.4,0.05,0.3,0.5)",
            "param.readiness",
            lambda v: (v >= 0.3).all() and (v <= 0.5).all() and abs(v.mean() - 0.4) < 0.01,
        ),
        ("fog=bernoulli(0.9)", "param.fog", lambda v: 0.85 < v.mean() < 0.95),
        ("posture=choice(high)", "param.posture", lambda v: set(v) == {"high"}),
        ("hawkishness=choice(0.2,0.6)", "param.hawkishness", lambda v: set(v) == {0.2, 0.6}),
    ],
)
def test_each_distribution_of_the_schema_can_be_given(tmp_path, assignment, column, check):
    runs, summary = batch(tmp_path, assignment)
    assert check(runs[column].to_numpy())
    name, _, text = assignment.partition("=")
    assert summary["overrides"][name] == text


def test_a_fixed_parameter_can_be_drawn_and_a_drawn_one_fixed(tmp_path):
    runs, _ = batch(tmp_path, "batteries=choice(1,3)", "fog=false")
    assert set(runs["param.batteries"]) == {1, 3}
    assert "param.fog" not in runs


def test_an_enum_choice_keeps_the_values_it_leaves_out():
    """The scenario compares posture with 'high' and 'low': both must stay values of its type."""
    scenario = sim.load_scenario(FULL, overrides={"posture": "choice(low)"})
    spec = scenario.data["parameters"]["posture"]
    assert spec["values"] == ["low", "high"]
    assert spec["weights"] == [1.0, 0.0]
    assert scenario.overrides == {"posture": "choice(low)"}


def test_applying_the_same_distribution_again_changes_nothing():
    scenario = sim.load_scenario(
        FULL, overrides={"restraint": " beta( 2 , 5 ) ", "posture": "choice(low)"}
    )
    again = sim.load_scenario(FULL).with_overrides(dict(scenario.overrides))
    assert again.data == scenario.data
    assert again.with_overrides(dict(scenario.overrides)).data == scenario.data
    assert scenario.overrides["restraint"] == "beta(2,5)"


def test_python_callers_may_give_a_distribution_as_data():
    scenario = sim.load_scenario(
        FULL, overrides={"restraint": {"distribution": "beta", "a": 2, "b": 5}}
    )
    assert scenario.data["parameters"]["restraint"]["distribution"] == "beta"
    assert scenario.overrides == {"restraint": "beta(2,5)"}


@pytest.mark.parametrize(
    ("assignment", "message", "hint"),
    [
        (
            "restraint=normal(0.5,0.1)",
            "unknown distribution 'normal'",
            "did you mean truncnormal(mean,sd,low,high)?",
        ),
        ("restraint=btea(2,5)", "unknown distribution 'btea'", "did you mean 'beta'?"),
        ("restraint=beta(2)", "beta takes 2 numbers, got 1", "write beta(a,b)"),
        ("restraint=uniform(0.1,0.2,0.3)", "uniform takes 2 numbers, got 3", "uniform(low,high)"),
        ("restraint=beta(two,5)", "a must be a number, not 'two'", None),
        ("restraint=uniform(0.3,0.1)", "low (0.3) is greater than high (0.1)", None),
        ("restraint=beta(0,5)", "a must be at least 0.001", None),
        (
            "restraint=uniform(0.5,1.5)",
            "its values must lie between 0 and 1 (drawn from 0.3 to 0.9, it is a share",
            "this one ranges from 0.5 to 1.5",
        ),
        ("hawkishness=truncnormal(0.5,0.2,-1,1)", "its values must lie between 0 and 1", None),
        ("fog=uniform(0,1)", "uniform does not give true or false", "bernoulli(p) or choice"),
        ("fog=bernoulli(1.5)", "p must be at most 1", None),
        ("batteries=beta(2,5)", "beta does not give whole numbers", "choice(v1,v2,...)"),
        ("batteries=choice(1,2.5)", "choice value '2.5' is not whole numbers", None),
        ("posture=choice(low,mid)", "'mid' is not one of its values: low, high", None),
        ("posture=choice(low,low)", "choice(...) lists a value twice", None),
        ("posture=choice()", "choice(...) needs its values", None),
    ],
)
def test_a_distribution_that_does_not_fit_is_refused_in_one_line(
    tmp_path, assignment, message, hint
):
    out = tmp_path / "results"
    result = invoke("run", FULL, "--runs", 50, "--out", out, "-q", "--set", assignment)
    assert result.exit_code == 2
    first = result.output.splitlines()[0]
    assert f"--set {assignment}: {message}" in first, result.output
    if hint:
        assert hint in result.output
    assert not out.exists()


def test_trace_and_play_take_a_distribution_and_trace_replays_the_batch(tmp_path):
    runs, _ = batch(tmp_path, "restraint=beta(2,5)")
    for index in (0, 17, RUNS - 1):
        told = invoke("trace", FULL, "--seed", 3, "--run", index, "--set", "restraint=beta(2,5)")
        assert told.exit_code == 0, told.output
        ending = OUTCOME_LINE.search(told.stdout)
        assert ending["id"] == runs["outcome"].iloc[index]
        assert int(ending["turn"]) == runs["end_turn"].iloc[index]
    played = CliRunner().invoke(
        main, ["play", FULL, "--as", "red", "--set", "restraint=beta(2,5)"], input="\n" * 200
    )
    assert played.exit_code == 0, played.output
    assert "Set: restraint = beta(2,5)" in told.stdout


def test_resume_refuses_another_distribution(tmp_path):
    scenario = sim.load_scenario(FULL, overrides={"restraint": "beta(2,5)"})
    out = tmp_path / "results"
    runs = 3 * BLOCK_SIZE
    command = f"wargame run {FULL} --runs {runs} --seed 6 --set 'restraint=beta(2,5)' --no-plots"
    open_folder(out, scenario, 6, runs, command).add(simulate_block(scenario, 6, 0, BLOCK_SIZE))
    base = ["run", FULL, "--runs", runs, "--seed", 6, "--resume", out, "--no-plots", "-q"]
    refused = invoke(*base, "--set", "restraint=beta(2,6)")
    assert refused.exit_code == 2
    assert "was started with another scenario (or other --set values)" in refused.output
    with pytest.raises(ScenarioError):
        sim.run(
            sim.load_scenario(FULL, overrides={"restraint": "beta(5,2)"}),
            runs,
            seed=6,
            out=out,
            resume=True,
        )
