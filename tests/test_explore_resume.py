"""Sweeps that stop and resume, points chosen by precision, and a point's run told alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.batch.precision import within
from sim.cli import main
from sim.explore import explore
from sim.explore.folder import SweepFolder

VARY = ["--vary", "russian_risk_acceptance=0.1:0.6", "--vary", "carrier_present=true,false"]
# 12 points x 6,000 runs: 5 points a piece, so three pieces (enough to stop between them)
SWEEP = ["explore", "turkish-straits", *VARY, "--points", "12", "--runs-per-point", "6000"]
SWEEP += ["--seed", "2", "--runs-table"]
FILES = ("points.parquet", "summary.json", "runs.parquet", "scenario.yaml")
OUTCOME_LINE = re.compile(
    r"^Outcome: .* \((?P<id>[a-z0-9_-]+)\), turn (?P<turn>\d+) of \d+\. ", re.M
)


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "whole"
    result = invoke(*SWEEP, "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def stopped(tmp_path, monkeypatch) -> Path:
    """The same sweep, stopped by Ctrl-C after its first piece was saved."""
    out = tmp_path / "stopped"
    saved = SweepFolder.add

    def add_then_stop(self, task, result):
        saved(self, task, result)
        raise KeyboardInterrupt

    monkeypatch.setattr(SweepFolder, "add", add_then_stop)
    result = invoke(*SWEEP, "--out", out)
    monkeypatch.undo()
    assert result.exit_code == 130, result.output
    assert f"finish the sweep with: wargame explore --resume {out}" in result.output
    assert (out / "INCOMPLETE").is_file() and len(list((out / "pieces").glob("*.npz"))) == 1
    return out


def test_a_stopped_sweep_resumes_to_the_same_bytes(stopped, uninterrupted):
    result = invoke("explore", "--resume", stopped)
    assert result.exit_code == 0, result.output
    for name in FILES:
        assert (stopped / name).read_bytes() == (uninterrupted / name).read_bytes(), name
    assert not (stopped / "INCOMPLETE").exists() and not (stopped / "pieces").exists()


def test_resuming_with_the_same_command_line_is_accepted(stopped, uninterrupted):
    result = invoke(*SWEEP, "--resume", stopped)
    assert result.exit_code == 0, result.output
    assert (stopped / "points.parquet").read_bytes() == (
        uninterrupted / "points.parquet"
    ).read_bytes()


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        (["--design", "grid"], "was started with --design lhs, not grid"),
        (["--points", "16"], "was started with --points 12, not 16"),
        (["--seed", "3"], "was started with --seed 2, not 3"),
        (["--runs-per-point", "5000"], "was started with --runs-per-point 6000, not 5000"),
        (
            ["--vary", "russian_risk_acceptance=0.2:0.6"],
            "was started with --vary russian_risk_acceptance=0.1:0.6 carrier_present=true,false, "
            "not russian_risk_acceptance=0.2:0.6",
        ),
        (["--precision", "0.01"], "was started with --precision none, not 0.01"),
        (
            ["turkish-straits", "--set", "nato_cohesion=0.5"],
            "was started with another scenario (or other --set values)",
        ),
    ],
)
def test_resuming_with_other_settings_is_refused(stopped, changed, message):
    before = sorted(p.name for p in (stopped / "pieces").iterdir())
    result = invoke("explore", *changed, "--resume", stopped)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert f"wargame explore --resume {stopped}` alone" in result.output
    assert sorted(p.name for p in (stopped / "pieces").iterdir()) == before


def test_finished_and_unfinished_folders_are_never_overwritten(stopped, uninterrupted):
    finished = invoke("explore", "--resume", uninterrupted)
    assert finished.exit_code == 2 and "cannot be resumed: it is complete" in finished.output
    again = invoke(*SWEEP, "--out", stopped)
    assert again.exit_code == 2 and "holds an unfinished sweep" in again.output


def test_a_piece_of_another_sweep_is_refused(stopped, tmp_path):
    other = tmp_path / "other"
    words = [w if w != "2" else "5" for w in SWEEP]  # the same sweep with seed 5
    result = invoke(*words, "--out", other)
    assert result.exit_code == 0, result.output
    piece = next((stopped / "pieces").glob("*.npz"))
    (stopped / "pieces" / "piece-000001.npz").write_bytes(piece.read_bytes())
    refused = invoke("explore", "--resume", stopped)
    assert refused.exit_code == 2 and "it holds block 0, not block 1" in refused.output


def test_trace_from_the_folder_tells_the_row_of_the_runs_table(uninterrupted):
    runs = pd.read_parquet(uninterrupted / "runs.parquet")
    for point, replicate in ((0, 0), (7, 4321), (11, 5999)):
        told = invoke("trace", "--from", uninterrupted, "--point", point, "--replicate", replicate)
        assert told.exit_code == 0, told.output
        row = runs[(runs["point"] == point) & (runs["replicate"] == replicate)].iloc[0]
        ending = OUTCOME_LINE.search(told.stdout)
        assert ending["id"] == row["outcome"] and int(ending["turn"]) == row["end_turn"]
    beyond = invoke("trace", "--from", uninterrupted, "--point", 3, "--replicate", 6000)
    assert beyond.exit_code == 2 and "has replicates 0 to 5999, not 6000" in beyond.output
    clash = invoke("trace", "--from", uninterrupted, "--point", 3, "--seed", 1)
    assert clash.exit_code == 2 and "drop --seed" in clash.output


PRECISE = {"russian_risk_acceptance": "0.1:0.6", "carrier_present": "true,false"}


@pytest.mark.parametrize(("absolute", "relative"), [(0.01, 0.0), (0.0, 0.25), (0.005, 0.1)])
def test_each_point_plays_rounds_until_its_target_is_precise(absolute, relative):
    scenario = sim.load_scenario("turkish-straits")
    found = explore(
        scenario,
        PRECISE,
        points=8,
        runs_per_point=500,
        seed=4,
        target="article5-war or worse",
        precision=absolute or None,
        rel_precision=relative or None,
        max_runs_per_point=16_000,
        keep_runs=True,
    )
    table = found.points
    hits = np.rint(table["target"] * table["runs"]).astype(int).to_numpy()
    runs = table["runs"].to_numpy()
    assert (runs % 500 == 0).all() and len(set(runs)) > 1  # rounds of 500; points differ
    met = within(hits, runs, absolute, relative)
    assert (met | (runs == 16_000)).all()
    # one round fewer falls short: the runs table holds the point's first runs
    assert found.runs is not None
    for point in np.flatnonzero(runs > 500):
        mine = found.runs[found.runs["point"] == point]
        assert list(mine["replicate"]) == list(range(runs[point]))
        earlier = mine[mine["replicate"] < runs[point] - 500]
        count = int(earlier["outcome"].isin(["article5-war", "nuclear-use"]).sum())
        assert not within(np.array([count]), len(earlier), absolute, relative)[0]
    summary = found.summary()
    assert summary["runs"] == runs.sum()
    assert summary["precision"] == {
        "absolute": absolute,
        "relative": relative,
        "max_runs_per_point": 16_000,
    }


def test_precise_points_are_the_same_on_any_backend():
    scenario = sim.load_scenario("turkish-straits")
    options = {"points": 6, "runs_per_point": 400, "seed": 1, "precision": 0.015}
    serial = explore(scenario, PRECISE, **options)
    pool = explore(scenario, PRECISE, **options, backend="processes", workers=2)
    assert serial.points.equals(pool.points)


def test_the_command_says_how_many_runs_each_point_took(tmp_path):
    out = tmp_path / "precise"
    words = ["explore", "turkish-straits", *VARY, "--points", "6", "--runs-per-point", "500"]
    words += ["--target", "article5-war or worse", "--rel-precision", "0.3", "--out", out]
    result = invoke(*words, "--max-runs-per-point", "8000")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    least, most = summary["runs"], 0
    points = pd.read_parquet(out / "points.parquet")
    least, most = points["runs"].min(), points["runs"].max()
    assert f"6 points x {least} to {most} runs ({summary['runs']:,} in all)" in result.output
    assert "--rel-precision 0.3 --max-runs-per-point 8000" in summary["command"]


def test_a_sweep_stopped_before_its_first_piece_starts_over_in_place(tmp_path, monkeypatch):
    out = tmp_path / "early"

    def stop(self, task, result):
        raise KeyboardInterrupt

    monkeypatch.setattr(SweepFolder, "add", stop)
    words = ["explore", "turkish-straits", *VARY, "--points", "2", "--runs-per-point", "50"]
    assert invoke(*words, "--out", out).exit_code == 130
    monkeypatch.undo()
    assert (out / "INCOMPLETE").is_file()
    again = invoke(*words, "--out", out)
    assert again.exit_code == 0, again.output
    assert (out / "points.parquet").is_file() and not (out / "INCOMPLETE").exists()
