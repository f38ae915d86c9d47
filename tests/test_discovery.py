"""Scenario discovery: PRIM finds a planted box, categories are restricted to subsets, the
target grammar and its errors, the command, and the same box from the same seed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.errors import ScenarioError
from sim.explore import explore
from sim.explore.discovery import discover
from sim.explore.prim import space_of
from sim.explore.target import read_target
from sim.results.intervals import wilson

IN_BOX = 0.1  # the rule's daily chance inside the planted box
OUTSIDE = 0.004  # and outside it
PLANTED = f"""
    id: planted
    title: A box planted in two numbers and a category
    horizon: 5
    ladder: [{{id: calm}}, {{id: clash}}, {{id: war}}]
    parameters:
      x: {{value: 0.5, description: "judgement: how bold red is."}}
      y: {{value: 0.5}}
      noise: {{value: 0.5}}
      mode: {{value: slow, values: [slow, fast, steady]}}
      flag: {{value: true}}
    actors: {{red: {{}}}}
    rules:
      - id: red-attacks
        actor: red
        chance: "{IN_BOX} if x > 0.6 and y < 0.5 and mode != 'slow' else {OUTSIDE}"
        effects: {{level: war}}
    measures:
      - {{id: war-day, label: Day the war began, first: "level == 'war'"}}
      - {{id: at-war, label: War broke out, ever: "level == 'war'"}}
    outcomes:
      - {{id: war, label: War, when: "level == 'war'", severity: 3}}
      - {{id: clash, when: "level == 'clash'", severity: 2}}
      - {{id: calm, default: true, severity: 1}}
"""
INSIDE = {"x": 0.8, "y": 0.2, "mode": "fast"}
OUTSIDE_POINT = {"x": 0.2, "y": 0.8, "mode": "slow"}
REPLICATES = 400
VARY = {"x": "0:1", "y": "0:1", "noise": "0:1", "mode": "slow,fast,steady", "flag": "true,false"}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    path = tmp_path_factory.mktemp("planted") / "planted.yaml"
    path.write_text(PLANTED.replace("\n    ", "\n").strip() + "\n", encoding="utf-8")
    scenario = sim.load_scenario(path)
    found = explore(scenario, VARY, points=400, runs_per_point=REPLICATES, seed=5, keep_runs=True)
    return path, found


def test_prim_finds_the_planted_box(planted):
    path, found = planted
    box = found.discovery
    assert box is not None
    assert set(box.conditions) == {"x", "y", "mode"}  # noise and flag are left free
    x_low, y_high = box.box.limits["x"], box.box.limits["y"]
    # one peel removes 5% of a box's points: the bounds land within a few peels of the truth
    assert abs(x_low[0] - 0.6) < 0.05 and x_low[1] == np.inf  # type: ignore[index]
    assert abs(y_high[1] - 0.5) < 0.05 and y_high[0] == -np.inf  # type: ignore[index]
    assert box.box.limits["mode"] == frozenset({"fast", "steady"})
    points = found.points
    truly = (points["x"] > 0.6) & (points["y"] < 0.5) & (points["mode"] != "slow")
    chosen = (points["x"] > x_low[0]) & (points["y"] < y_high[1]) & (points["mode"] != "slow")
    assert (truly & chosen).sum() >= 0.85 * truly.sum()  # most of the planted box is found
    assert (truly & chosen).sum() >= 0.85 * chosen.sum()  # and little else
    # the box's density is what its mix of planted and other points predicts, with the war
    # rates inside and outside the planted box measured by plain batches at one setting each
    inside, outside = (_war_rate(path, settings) for settings in (INSIDE, OUTSIDE_POINT))
    share = (truly & chosen).sum() / chosen.sum()
    # replicate r of every point shares its random numbers, so the box's runs are as precise
    # as one point's replicates, not as all of them: the interval is over REPLICATES runs
    low, high = _interval(box.box.density * REPLICATES, REPLICATES)
    assert low < share * inside + (1 - share) * outside < high


def test_coverage_and_density_count_the_runs_inside_the_box(planted):
    _, found = planted
    box, runs, points = found.discovery, found.runs, found.points
    assert box is not None and runs is not None
    x_low, y_high = box.box.limits["x"][0], box.box.limits["y"][1]  # type: ignore[index]
    chosen = points[(points["x"] > x_low) & (points["y"] < y_high) & (points["mode"] != "slow")]
    war = runs["outcome"] == "war"
    hits = int((runs["point"].isin(chosen["point"]) & war).sum())
    assert box.box.hits == hits and box.box.runs == len(chosen) * REPLICATES
    assert box.box.density == hits / (len(chosen) * REPLICATES)
    assert box.box.coverage == hits / int(war.sum())
    assert box.overall == war.mean()


def test_the_tables_and_the_sentence_say_the_same_box(planted):
    _, found = planted
    boxes, limits = found.boxes, found.box
    assert list(boxes["stage"]).count("chosen") == 1 and boxes["chosen"].sum() == 2
    peeled = boxes[boxes["stage"] == "peeled"]
    assert peeled["coverage"].is_monotonic_decreasing and peeled["density"].iloc[0] == (
        found.discovery.overall  # type: ignore[union-attr]
    )
    assert set(limits["parameter"]) == {"x", "y", "mode"}
    assert limits.set_index("parameter").loc["mode", "values"] == "fast,steady"
    assert limits.set_index("parameter").loc["x", "description"] == "judgement: how bold red is."
    sentence = found.discovery.sentence()  # type: ignore[union-attr]
    assert "mode in {fast, steady}" in sentence and "war in " in sentence
    # without any one of its conditions the box is less dense
    assert (limits["density_without"] < found.boxes["density"].iloc[-1]).all()


def test_a_higher_min_coverage_gives_a_wider_box(planted):
    path, _ = planted
    scenario = sim.load_scenario(path)
    wide = explore(scenario, VARY, points=400, runs_per_point=REPLICATES, seed=5, min_coverage=0.95)
    assert wide.discovery is not None and wide.discovery.box.coverage >= 0.95
    assert wide.discovery.box.mass > 0.2


def test_categories_are_restricted_to_subsets_of_their_values():
    rng = np.random.default_rng(0)
    count, replicates = 300, 100
    flag = rng.random(count) < 0.5
    mode = rng.choice(["a", "b", "c", "d"], count)
    size = rng.integers(1, 7, count)  # a whole number from 1 to 6
    chance = np.where(flag & np.isin(mode, ["b", "d"]) & (size >= 3), 0.5, 0.01)
    points = pd.DataFrame({"flag": flag, "mode": mode, "size": size})
    points["target"] = rng.binomial(replicates, chance) / replicates
    space = space_of(points, ["flag", "mode", "size"], {"flag", "mode"}, replicates)
    found = discover(space, "war", integers=frozenset({"size"}))
    assert found.box.limits["flag"] == frozenset({True})
    assert found.box.limits["mode"] == frozenset({"b", "d"})
    assert sorted(found.conditions.values()) == ["flag = true", "mode in {b, d}", "size >= 3"]


def test_a_flat_target_gives_no_box():
    rng = np.random.default_rng(1)
    points = pd.DataFrame({"x": rng.random(50)})
    points["target"] = 0.0
    found = discover(space_of(points, ["x"], set(), 100), "war")
    assert found.conditions == {} and "in no run" in found.sentence()


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        (None, ["war"]),
        ("clash", ["clash"]),
        ("clash or worse", ["clash", "war"]),
        ("clash or better", ["calm", "clash"]),
        ("calm or war", ["calm", "war"]),
    ],
)
def test_outcome_targets_count_their_outcomes(write_scenario, text, hits):
    scenario = sim.load_scenario(write_scenario(PLANTED))
    target = read_target(scenario, text)
    ids = [o.id for o in scenario.outcomes]
    codes = np.arange(len(ids), dtype=np.int16)
    assert [ids[i] for i in codes[target.hits(codes, {})]] == sorted(hits, key=ids.index)


def test_measure_targets_compare_each_run(write_scenario):
    scenario = sim.load_scenario(write_scenario(PLANTED))
    day = np.array([1.0, 3.0, np.nan, 5.0])
    late = read_target(scenario, "war-day >= 3")
    assert late.hits(np.zeros(4), {"war-day": day}).tolist() == [False, True, False, True]
    assert late.label == "day the war began >= 3"
    ever = read_target(scenario, "at-war")
    assert ever.hits(np.zeros(3), {"at-war": np.array([1.0, 0.0, 1.0])}).tolist() == [
        True,
        False,
        True,
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("wr or worse", "'wr' is neither an outcome nor a measure"),
        ("wr or worse", "did you mean 'war'?"),
        ("peace", "outcomes: calm, clash, war; measures: war-day, at-war"),
        ("calm or clash or worse", "'or worse' follows one outcome"),
        ("war-day", "war-day is a number: compare it"),
        ("war-day > soon", "expected a number after >, not 'soon'"),
        ("war-dya > 2", "did you mean 'war-day'?"),
    ],
)
def test_target_mistakes_name_what_would_be_right(write_scenario, text, message):
    scenario = sim.load_scenario(write_scenario(PLANTED))
    with pytest.raises(ScenarioError) as caught:
        read_target(scenario, text)
    assert message in caught.value.format()
    assert caught.value.format().startswith(f"--target {text!r}: ")


def test_a_measure_target_drives_the_sweep(write_scenario):
    scenario = sim.load_scenario(write_scenario(PLANTED))
    vary = {"x": "0:1", "mode": "slow,fast"}
    by_outcome = explore(scenario, vary, points=8, runs_per_point=100, seed=2, target="war")
    by_measure = explore(scenario, vary, points=8, runs_per_point=100, seed=2, target="at-war")
    assert by_measure.points["target"].equals(by_outcome.points["target"])
    assert by_measure.target_label == "war broke out"


def test_the_command_prints_and_saves_the_box(tmp_path, planted):
    path, _ = planted
    out = tmp_path / "sweep"
    words = ["explore", str(path), "--points", "200", "--runs-per-point", "100", "--seed", "3"]
    for name, given in VARY.items():
        words += ["--vary", f"{name}={given}"]
    result = CliRunner().invoke(main, [*words, "--target", "war", "--out", str(out)])
    assert result.exit_code == 0, result.output
    facts = json.loads((out / "discovery.json").read_text(encoding="utf-8"))
    assert f"  {facts['sentence']}" in result.output.splitlines()
    assert "Where war is most likely (coverage at least 50%):" in result.output
    assert "the box without it" in result.output
    assert pd.read_csv(out / "boxes.csv")["stage"].iloc[-1] == "chosen"
    assert set(pd.read_csv(out / "box.csv")["parameter"]) == {"x", "y", "mode"}
    assert (out / "plots" / "discovery.png").read_bytes().startswith(b"\x89PNG")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Where war is most likely" in page and "judgement: how bold red is." in page
    wrong = CliRunner().invoke(main, [*words, "--target", "wr or worse"])
    assert wrong.exit_code == 2 and "did you mean 'war'?" in wrong.output
    assert "Traceback" not in wrong.output
    bad = CliRunner().invoke(main, [*words, "--min-coverage", "1.5"])
    assert bad.exit_code == 2 and "--min-coverage" in bad.output


def test_the_same_seed_finds_the_same_box(planted):
    path, found = planted
    again = explore(sim.load_scenario(path), VARY, points=400, runs_per_point=REPLICATES, seed=5)
    assert again.boxes.equals(found.boxes) and again.box.equals(found.box)
    other = explore(sim.load_scenario(path), VARY, points=400, runs_per_point=REPLICATES, seed=6)
    assert not other.boxes.equals(found.boxes)


def _war_rate(path, settings: dict[str, object]) -> float:
    results = sim.run(sim.load_scenario(path, overrides=settings), runs=20_000, seed=11)
    return float((results.runs["outcome"] == "war").mean())


def _interval(hits: float, runs: int) -> tuple[float, float]:
    """A 99.9% Wilson interval: several tests share the fixture's one fixed seed."""
    low, high = wilson(np.asarray([hits]), np.asarray([runs]), confidence=0.999)
    return float(low[0]), float(high[0])


def test_the_heat_map_ranks_parameters_by_the_influence_it_is_given(planted):
    from sim.views.plots.response import Sweep, target_heat_map

    _, found = planted
    view = Sweep(found.points, found.summary())
    assert view.most_influential(2) == ["x", "y"] or view.most_influential(2) == ["y", "x"]
    chosen = target_heat_map(view, influence={"noise": 0.9, "flag": 0.5, "x": 0.1}).axes[0]
    assert chosen.get_xlabel() == "noise (most influential)" and chosen.get_ylabel() == "flag"


def test_an_influence_measure_can_be_given(planted):
    path, _ = planted

    def spread(values: pd.Series, target: pd.Series) -> float:
        """The range of the target's means over the parameter's halves."""
        means = target.groupby(values > values.median()).mean()
        return float(means.max() - means.min())

    vary = {"x": "0:1", "noise": "0:1"}
    found = explore(
        sim.load_scenario(path),
        vary,
        points=40,
        runs_per_point=100,
        seed=1,
        influence_measure=spread,
    )
    points = found.points
    assert found.influence["x"] == spread(points["x"], points["target"])
    assert found.most_influential(1) == ["x"]


def test_panels_name_parameters_in_words_with_their_description(planted):
    from sim.views.plots.response import Sweep, target_by_parameter

    _, found = planted
    view = Sweep(found.points, found.summary())
    assert view.gist("x") == "how bold red is"  # the provenance tag is left out
    axes = target_by_parameter(view).axes
    assert axes[0].get_title() == "x" and axes[0].get_xlabel() == "how bold red is\nvaried over 0:1"


def test_trimming_drops_conditions_that_only_cut_unlucky_points_and_keeps_the_planted():
    spurious = {"peeled": 0, "trimmed": 0}
    for seed in range(8):
        rng = np.random.default_rng(seed)
        count, replicates = 1000, 1000
        points = pd.DataFrame({f"x{i}": rng.random(count) for i in range(5)})
        points["mode"] = rng.choice(list("abcd"), count)
        planted = (points["x0"] > 0.6) & (points["x1"] < 0.5) & (points["mode"] != "a")
        points["target"] = rng.binomial(replicates, np.where(planted, 0.3, 0.02)) / replicates
        space = space_of(points, [*(f"x{i}" for i in range(5)), "mode"], {"mode"}, replicates)
        untrimmed = set(discover(space, "war", trim_level=1.0).conditions)
        trimmed = set(discover(space, "war").conditions)
        assert {"x0", "x1", "mode"} <= trimmed <= untrimmed
        spurious["peeled"] += len(untrimmed) - 3
        spurious["trimmed"] += len(trimmed) - 3
    # measured: 11 conditions on noise after peeling, 5 after trimming
    assert spurious["trimmed"] <= spurious["peeled"] / 2
