"""`wargame run --precision`: reaches its target with the fewest whole blocks, deterministically."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.batch.precision import half_widths, within
from sim.cli import main
from sim.engine.streams import BLOCK_SIZE

TARGET = 0.004


def _run(out, *words: str):
    result = CliRunner().invoke(
        main, ["run", "turkish-straits", "--no-plots", "--out", str(out), *words]
    )
    assert result.exit_code == 0, result.output
    return result.output, json.loads((out / "summary.json").read_text())


def _widest(summary: dict) -> float:
    return max((o["ci95"][1] - o["ci95"][0]) / 2 for o in summary["outcomes"])


def test_precision_reaches_its_target_with_the_fewest_blocks(tmp_path):
    output, summary = _run(tmp_path / "a", "--precision", str(TARGET))
    runs = summary["runs"]
    assert runs % BLOCK_SIZE == 0 and _widest(summary) <= TARGET
    assert f"--precision {TARGET:g}: {runs:,} runs" in output
    # one block fewer (the same runs, since blocks are fixed by seed and index) falls short
    fewer = sim.run(sim.load_scenario("turkish-straits"), runs=runs - BLOCK_SIZE, seed=0)
    assert half_widths(fewer.outcome_table()["count"].to_numpy()).max() > TARGET
    # the runs are those of a plain batch of that size: the command it saves makes them again
    assert f"--runs {runs}" in summary["command"]


def test_the_same_seed_and_target_give_the_same_runs_on_any_backend(tmp_path):
    _, first = _run(tmp_path / "a", "--precision", str(TARGET), "--seed", "4")
    _, again = _run(tmp_path / "b", "--precision", str(TARGET), "--seed", "4", "--workers", "2")
    assert first["runs"] == again["runs"]
    assert [o["count"] for o in first["outcomes"]] == [o["count"] for o in again["outcomes"]]
    a = pd.read_parquet(tmp_path / "a" / "runs.parquet")
    b = pd.read_parquet(tmp_path / "b" / "runs.parquet")
    assert a.equals(b)


def test_max_runs_stops_short_and_says_so(tmp_path):
    output, summary = _run(tmp_path / "a", "--precision", "0.0005", "--max-runs", "40000")
    assert summary["runs"] == 40_000 and _widest(summary) > 0.0005
    assert "not reached within --max-runs 40,000" in output
    assert np.isclose(sum(o["probability"] for o in summary["outcomes"]), 1)


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["--precision", "0.01", "--runs", "1000"], "drop --runs"),
        (["--max-runs", "1000"], "give --precision too"),
        (["--precision", "0.7"], "0.7 is not in the range"),
        (["--rel-precision", "0.1", "--runs", "1000"], "--rel-precision chooses the number"),
        (["--rel-precision", "0.1", "--resume", "."], "drop --rel-precision"),
        (["--rel-precision", "0"], "0 is not in the range"),
    ],
)
def test_precision_mistakes_are_named(words, message):
    result = CliRunner().invoke(main, ["run", "turkish-straits", *words])
    assert result.exit_code == 2 and message in result.output


def _outcome_counts(summary: dict) -> np.ndarray:
    return np.array([o["count"] for o in summary["outcomes"]])


@pytest.mark.parametrize(
    ("words", "absolute", "relative"),
    [
        (["--rel-precision", "0.2"], 0.0, 0.2),
        (["--rel-precision", "0.05", "--precision", "0.0005"], 0.0005, 0.05),
    ],
)
def test_relative_precision_holds_each_outcome_to_a_share_of_its_estimate(
    tmp_path, words, absolute, relative
):
    output, summary = _run(tmp_path / "a", *words)
    counts, runs = _outcome_counts(summary), summary["runs"]
    assert runs % BLOCK_SIZE == 0 and within(counts, runs, absolute, relative).all()
    for o in summary["outcomes"]:
        half = (o["ci95"][1] - o["ci95"][0]) / 2
        assert o["count"] == 0 or half <= absolute + relative * o["probability"] + 1e-12
    assert f"{runs:,} runs put every outcome's 95% interval within" in output
    assert runs > BLOCK_SIZE  # so that one block fewer falls short
    fewer = sim.run(sim.load_scenario("turkish-straits"), runs=runs - BLOCK_SIZE, seed=0)
    counts = fewer.outcome_table()["count"].to_numpy()
    assert not within(counts, counts.sum(), absolute, relative).all()


def test_an_outcome_no_run_reached_is_left_out_of_a_relative_target_alone():
    counts = np.array([900, 100, 0])
    assert within(counts, 1000, 0.0, 0.5).tolist() == [True, True, True]
    assert within(counts, 1000, 0.001, 0.5).tolist() == [True, True, False]
    assert within(np.array([0]), 10**6, 0.001)[0]  # its half-width is 1.9e-6
