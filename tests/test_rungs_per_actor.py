"""Rungs of their own: actors on the ladder, the world's level derived from theirs, the
per-actor columns of runs.parquet against traces, the summary, the chart, and the errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.batch.blocks import simulate_block
from sim.batch.saved_blocks import BatchIdentity, block_arrays, read_block
from sim.cli import main
from sim.errors import ScenarioError
from sim.story.replay import replay
from sim.story.story import story_of
from sim.text import percent

SCENARIO = """\
id: duel
title: Two sides, each on its own rung
horizon: 8
MOVES
ladder: [{id: calm}, {id: tense}, {id: clash}, {id: war}]
actors:
  ACTORS
rules:
  - id: blue-raises
    actor: blue
    chance: 0.4
    effects: {blue.level: red.level + 1}
  - id: blue-backs-down
    actor: blue
    when: blue.level >= 'clash'
    chance: 0.3
    effects: {blue.level: blue.level - 2}
  - id: red-raises
    actor: red
    when: red.level <= blue.level
    chance: 0.5
    effects: {red.level: "max(blue.level, red.level) + 1"}
outcomes:
  - {id: war, when: "level >= 'war'"}
  - {id: standoff, default: true}
measures:
  - {id: blue-clash, turns: "blue.level >= 'clash'"}
"""
BLUE = "blue: {name: Blue, rung: calm}"
RED = "red: {name: Red, rung: tense}"


def write(tmp_path: Path, text: str, name: str = "duel.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def duel(tmp_path: Path, moves: str = "", first: str = BLUE, second: str = RED) -> Path:
    text = SCENARIO.replace("MOVES", moves).replace("ACTORS", f"{first}\n  {second}")
    return write(tmp_path, text, f"duel-{first[:3]}-{len(moves)}.yaml")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    path = duel(tmp_path_factory.mktemp("rungs"))
    scenario = sim.load_scenario(path)
    return scenario, sim.run(scenario, 3_000, seed=5)


def test_runs_parquet_has_each_actors_peak_and_end_rung(batch):
    _, results = batch
    runs = results.runs
    for column in ("peak_level.blue", "end_level.blue", "peak_level.red", "end_level.red"):
        assert list(runs[column].cat.categories) == ["calm", "tense", "clash", "war"]
    codes = {c: runs[c].cat.codes for c in runs.columns if c.startswith(("peak_l", "end_l"))}
    assert (codes["peak_level.blue"] >= codes["end_level.blue"]).all()
    assert codes["peak_level.blue"].nunique() > 1  # the test has teeth: rungs differ by run
    # the world's level is the highest rung: its peak is the higher of the actors' peaks
    highest = np.maximum(codes["peak_level.blue"], codes["peak_level.red"])
    assert (codes["peak_level"] == highest).all()
    # a turn ended on clash or above means the peak is there too (the peak also counts a
    # rung held only within a turn, as when Blue raises and backs down on one turn)
    assert (codes["peak_level.blue"][runs["measure.blue-clash"] > 0] >= 2).all()


def test_per_actor_peaks_in_runs_parquet_agree_with_traces(batch):
    scenario, results = batch
    runs = results.runs
    for run in (0, 1, 7, 100, 2_999):
        story = story_of(replay(scenario, 5, run), run)
        row = runs.iloc[run]
        assert story.ending.rungs == (
            ("Blue", row["end_level.blue"], row["peak_level.blue"]),
            ("Red", row["end_level.red"], row["peak_level.red"]),
        )


def test_the_summary_keeps_each_actors_peaks_ends_and_path(batch):
    _, results = batch
    summary = results.summary
    assert summary["world_level"] == "highest"
    for record in summary["actor_rungs"]:
        counts = results.runs[record["peak_column"]].value_counts().sort_index()
        assert record["peaks"] == counts.tolist()
        ends = results.runs[record["end_column"]].value_counts().sort_index()
        assert record["ends"] == ends.tolist()
        path = np.array(record["levels_by_turn"]["counts"])
        assert (path.sum(axis=1) == 3_000).all()
        assert path[-1].tolist() == record["ends"]  # ended runs stay on their last rung
    assert summary["actor_rungs"][0]["levels_by_turn"]["counts"][0] == [3_000, 0, 0, 0]


def test_lowest_derives_the_world_level_from_the_lower_rung(tmp_path):
    path = duel(tmp_path, "world_level: lowest")
    runs = sim.run(sim.load_scenario(path), 2_000, seed=3).runs
    ends = np.minimum(runs["end_level.blue"].cat.codes, runs["end_level.red"].cat.codes)
    war = runs["outcome"] == "war"
    assert war.any()
    assert (ends[war] == 3).all()  # war: both sides on the top rung


@pytest.mark.parametrize("world", ["highest", "lowest", "separate"])
def test_simultaneous_moves_with_rungs_do_not_depend_on_the_order_of_actors(tmp_path, world):
    moves = f"moves: simultaneous\nworld_level: {world}"
    if world == "separate":
        moves += "\nevents: [{id: world-follows, phase: after-actors, effects: "
        moves += "{level: 'max(blue.level, red.level)'}}]"
    blue_first = sim.run(sim.load_scenario(duel(tmp_path, moves)), 4_000, seed=2).runs
    red_first = sim.run(sim.load_scenario(duel(tmp_path, moves, RED, BLUE)), 4_000, seed=2).runs
    columns = sorted(blue_first.columns)
    pd.testing.assert_frame_equal(blue_first[columns], red_first[columns])
    assert blue_first["outcome"].nunique() == 2


def test_scenarios_without_rungs_keep_their_columns_and_summary(tmp_path):
    text = SCENARIO.replace("MOVES", "").replace("ACTORS", "blue: {}\n  red: {}")
    text = text.split("rules:")[0] + "rules: []\noutcomes: [{id: standoff, default: true}]\n"
    results = sim.run(sim.load_scenario(write(tmp_path, text)), 100, seed=1)
    assert not [c for c in results.runs.columns if c.startswith(("peak_level.", "end_level."))]
    assert "actor_rungs" not in results.summary and "world_level" not in results.summary


def test_a_saved_block_keeps_the_rungs(tmp_path, batch):
    scenario, _ = batch
    result = simulate_block(scenario, 5, 0, 500)
    identity = BatchIdentity("digest", 5, 32_768)
    np.savez(tmp_path / "block.npz", **block_arrays(result, identity))
    back = read_block(tmp_path / "block.npz", 0, 500, scenario, identity)
    for name, values in result.rungs.items():
        assert (back.rungs[name] == values).all()
    for actor, counts in result.rung_counts.items():
        assert (back.rung_counts[actor] == counts).all()


def test_trace_and_show_name_each_actors_rung(tmp_path):
    path = duel(tmp_path)
    traced = CliRunner().invoke(main, ["trace", str(path), "--run", "3", "--seed", "5"])
    assert traced.exit_code == 0, traced.output
    assert "Rungs: Blue on " in traced.output and "; Red on " in traced.output
    shown = CliRunner().invoke(main, ["show", str(path)]).output
    assert "blue.level: its own rung (starts on calm)" in shown
    assert "the highest of the rungs of blue, red" in shown
    assert "actors in turn order: blue (on its own rung), red (on its own rung)" in shown


def test_the_escalation_chart_draws_each_actors_path(tmp_path):
    from sim.views.plots.escalation import escalation_over_time

    results = sim.run(sim.load_scenario(duel(tmp_path)), 500, seed=1, out=tmp_path / "out")
    figure = escalation_over_time(sim.read_results(tmp_path / "out"))
    titles = [ax.get_title(loc="left") for ax in figure.get_axes()]
    assert any(title.startswith("Each actor's rung") for title in titles)
    paths = next(ax for ax in figure.get_axes() if ax.get_title(loc="left").startswith("Each"))
    assert [line.get_label().split(" (")[0] for line in paths.get_lines()] == ["Blue", "Red"]
    assert results.summary["runs"] == 500


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("effects: {red.level:", "the world's level is the highest of the actors' rungs"),
        ("effects: {blue.level: red.level + 1}", "`blue.peak` cannot be changed by rules"),
        ("rung: tense}", "unknown ladder level 'tnese'"),
        ("horizon: 8", "so it starts where they start"),
        ("blue: {name: Blue, rung: calm}", "`blue.level` is its rung"),
    ],
)
def test_mistakes_with_rungs_are_load_errors(tmp_path, change, message):
    text = SCENARIO.replace("MOVES", "").replace("ACTORS", f"{BLUE}\n  {RED}")
    replacement = {
        "effects: {red.level:": "effects: {level: 'war', red.level:",
        "effects: {blue.level: red.level + 1}": "effects: {blue.peak: red.level}",
        "rung: tense}": "rung: tnese}",
        "horizon: 8": "horizon: 8\ninitial_level: tense",
        "blue: {name: Blue, rung: calm}": "blue: {name: Blue, rung: calm, state: {level: 0}}",
    }[change]
    path = write(tmp_path, text.replace(change, replacement))
    with pytest.raises(ScenarioError) as error:
        sim.load_scenario(path)
    assert message in str(error.value)
    assert "duel.yaml:" in str(error.value)


def test_world_level_without_rungs_is_an_error(tmp_path):
    text = SCENARIO.replace("MOVES", "world_level: lowest").replace("ACTORS", "blue: {}\n  red: {}")
    text = text.split("rules:")[0] + "outcomes: [{id: standoff, default: true}]\n"
    result = CliRunner().invoke(main, ["validate", str(write(tmp_path, text))])
    assert result.exit_code == 2
    assert "`world_level` applies only when actors hold rungs of their own" in result.output


def test_a_rung_counts_as_its_index_in_arithmetic(tmp_path):
    text = SCENARIO.replace("MOVES", "").replace("ACTORS", f"{BLUE}\n  {RED}")
    text = text.replace("measures:", "measures:\n  - {id: gap, value: red.level - blue.level}")
    runs = sim.run(sim.load_scenario(write(tmp_path, text)), 500, seed=1).runs
    gap = runs["end_level.red"].cat.codes - runs["end_level.blue"].cat.codes
    assert (runs["measure.gap"] == gap).all()


def test_the_exact_analysis_refuses_rungs_per_actor(tmp_path):
    result = CliRunner().invoke(main, ["exact", str(duel(tmp_path))])
    assert result.exit_code == 2
    assert "actors with rungs of their own (blue, red)" in result.output


def test_run_prints_each_actors_highest_and_last_rung(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "run",
            str(duel(tmp_path)),
            "--runs",
            "1000",
            "--seed",
            "5",
            "--no-plots",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = result.output.split(
        "rungs of the actors (share of runs: the highest reached / at the end):"
    )[1]
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines()[3:7] if line.strip()}
    runs = sim.read_results(out).runs
    for rung, cells in rows.items():
        blue_peak = (runs["peak_level.blue"] == rung).mean()
        blue_end = (runs["end_level.blue"] == rung).mean()
        assert cells[:3] == [percent(blue_peak), "/", percent(blue_end)]
    assert "the world's level is the highest of these rungs" in text
