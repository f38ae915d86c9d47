"""An exploration's charts and report: pooled estimates equal counted runs, files written."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.errors import ResultsError
from sim.explore import explore
from sim.views.exploration_report import read_sweep, write_exploration_views
from sim.views.plots.discovery import peeling_trajectory, read_boxes
from sim.views.plots.response import Sweep, response

TWO_FACTORS = """
    id: two-factors
    title: Two factors, one that matters
    horizon: 4
    ladder: [{id: calm}, {id: war}]
    parameters:
      p: {value: 0.1}
      noise: {value: 0.5}
      mode: {value: slow, values: [slow, fast]}
    actors: {red: {}}
    rules:
      - id: red-attacks
        actor: red
        chance: p
        effects: {level: war}
    outcomes:
      - {id: war, when: level == 'war', severity: 2}
      - {id: calm, default: true, severity: 1}
"""


@pytest.fixture
def sweep(write_scenario):
    scenario = sim.load_scenario(write_scenario(TWO_FACTORS))
    vary = {"p": "0.0:0.4", "noise": "0:1", "mode": "slow,fast"}
    return explore(scenario, vary, points=60, runs_per_point=300, seed=3, keep_runs=True)


def test_a_bin_pools_exactly_the_runs_of_its_points(sweep):
    view = Sweep(sweep.points, sweep.summary())
    table = response(view, "mode")
    runs = sweep.runs
    assert runs is not None
    for _, row in table.iterrows():
        chosen = sweep.points.loc[sweep.points["mode"] == row["label"], "point"]
        counted = runs[runs["point"].isin(chosen) & (runs["outcome"] == "war")]
        assert row["count"] == len(counted)
        assert row["runs"] == len(chosen) * 300
        assert row["ci_low"] <= row["probability"] <= row["ci_high"]


def test_the_parameter_that_matters_rises_and_leads_the_heat_map(sweep):
    view = Sweep(sweep.points, sweep.summary())
    rising = response(view, "p")
    assert len(rising) == 10 and rising["runs"].sum() == 60 * 300
    assert np.all(np.diff(rising["probability"]) > -0.05)  # near-monotone: noise is small
    assert rising["probability"].iloc[-1] > rising["ci_high"].iloc[0]
    assert view.most_influential(1) == ["p"]


def test_the_command_writes_charts_and_a_self_contained_report(tmp_path, write_scenario):
    out = tmp_path / "sweep"
    words = ["explore", str(write_scenario(TWO_FACTORS)), "--vary", "p=0:0.4"]
    words += ["--vary", "mode=slow,fast", "--points", "12", "--runs-per-point", "100"]
    result = CliRunner().invoke(main, [*words, "--target", "war", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("target-by-parameter.png", "target-heat-map.png", "discovery.png"):
        assert (out / "plots" / name).read_bytes().startswith(b"\x89PNG")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page  # opens without a network
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 3 and all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert "Which assumptions lead to war?" in page and "<code>p</code>" in page
    assert "--vary p=0:0.4" in page  # the command that makes it again
    assert read_sweep(out).points.equals(pd.read_parquet(out / "points.parquet"))


def test_one_varied_parameter_says_a_heat_map_needs_two(tmp_path, write_scenario):
    scenario = sim.load_scenario(write_scenario(TWO_FACTORS))
    explore(scenario, {"p": "0:0.4"}, points=5, runs_per_point=50).save(tmp_path)
    written = write_exploration_views(tmp_path)
    assert [p.name for p in written] == [
        "target-by-parameter.png",
        "target-heat-map.png",
        "discovery.png",
        "report.html",
    ]


def test_a_folder_without_points_is_named(tmp_path):
    with pytest.raises(ResultsError, match="not a folder written by `wargame explore"):
        write_exploration_views(tmp_path)


def test_the_discovery_chart_names_the_box_in_words(tmp_path, write_scenario):
    """The chosen box's conditions read as the other charts do: `red boldness > 0.2`."""
    text = TWO_FACTORS.replace(" p:", " red_boldness:").replace("chance: p", "chance: red_boldness")
    scenario = sim.load_scenario(write_scenario(text))
    vary = {"red_boldness": "0.0:0.4", "noise": "0:1"}
    explore(scenario, vary, points=40, runs_per_point=200, seed=3).save(tmp_path)
    boxes = read_boxes(tmp_path)
    assert boxes is not None and "red_boldness" in boxes.facts["sentence"]
    figure = peeling_trajectory(read_sweep(tmp_path), boxes)
    note = " ".join(ax.get_title(loc="left") for ax in figure.axes).replace("\n", " ")
    assert "red boldness >" in note and "red_boldness" not in note
