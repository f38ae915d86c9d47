"""The charts are drawn from the data they claim, and `wargame plot` redraws them from a folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

import sim
from sim.cli import main
from sim.results.folder import read_results
from sim.views import plots
from sim.views.plots import style
from sim.views.plots.drivers import (
    decided_by_outcome,
    fire_differences,
    shown_rows,
    what_drives_outcomes,
    words,
)
from sim.views.plots.escalation import level_shares, reached_shares
from sim.views.plots.parameters import default_threshold, influence
from sim.views.plots.timing import ended_by_turn

FIXTURES = Path(__file__).parent / "fixtures"
FULL = FIXTURES / "full-language.yaml"
RUNS = 3000
SEED = 5
# the fixture that uses every construct, and a bundled scenario with the standard outcomes
SCENARIOS = [str(FULL), "turkish-straits"]


@pytest.fixture(scope="module", params=SCENARIOS)
def results(request, tmp_path_factory) -> sim.Results:
    folder = tmp_path_factory.mktemp("plots") / "batch"
    return sim.run(sim.load_scenario(request.param), RUNS, SEED, out=folder)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory) -> Path:
    """A folder written by `wargame run` with its charts and report."""
    folder = tmp_path_factory.mktemp("drawn") / "batch"
    result = CliRunner().invoke(
        main, ["run", str(FULL), "--runs", "2000", "--seed", "3", "--out", str(folder), "-q"]
    )
    assert result.exit_code == 0, result.output
    return folder


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


# --- the aggregates in summary.json ------------------------------------------


def test_summary_aggregates_agree_with_the_runs_table(results):
    runs = results.runs
    summary = results.summary
    outcomes = results.outcome_ids

    by_turn = pd.crosstab(runs["end_turn"], runs["outcome"], dropna=False)
    by_turn = by_turn.reindex(index=range(summary["horizon"] + 1), columns=outcomes, fill_value=0)
    assert summary["outcomes_by_end_turn"]["outcomes"] == outcomes
    assert summary["outcomes_by_end_turn"]["counts"] == by_turn.to_numpy().tolist()

    for rule in summary["rules"]:
        fired = runs[rule["column"]] > 0
        counted = fired.groupby(runs["outcome"], observed=False).sum()
        assert rule["runs_fired_by_outcome"] == {o: int(counted[o]) for o in outcomes}
        assert sum(rule["runs_fired_by_outcome"].values()) == rule["runs_fired"]


def test_parameter_bins_agree_with_the_runs_table(results):
    runs = results.runs
    outcomes = results.outcome_ids
    binned = results.summary["outcomes_by_parameter"]
    assert set(binned) == set(results.summary["sampled_parameters"])
    for name, bins in binned.items():
        values = runs[f"param.{name}"]
        if "edges" in bins:
            edges = np.asarray(bins["edges"])
            assert values.min() >= edges[0] and values.max() <= edges[-1]
            index = np.searchsorted(edges[1:-1], values.to_numpy(), side="right")
        else:
            index = np.array([bins["values"].index(v) for v in values])
        expected = pd.crosstab(index, runs["outcome"], dropna=False)
        expected = expected.reindex(
            index=range(len(bins["counts"])), columns=outcomes, fill_value=0
        )
        assert bins["counts"] == expected.to_numpy().tolist(), name


def test_continuous_parameters_get_bins_of_equal_probability(results):
    for bins in results.summary["outcomes_by_parameter"].values():
        if "edges" in bins:
            per_bin = np.asarray(bins["counts"]).sum(axis=1)
            # ten bins of probability 0.1 each: every one near a tenth of the runs
            expected = RUNS / len(per_bin)
            assert np.all(np.abs(per_bin - expected) < 5 * np.sqrt(expected))


# --- each chart draws what it claims -------------------------------------------


def test_outcome_bars_are_the_summary_probabilities(results):
    fig = plots.outcome_distribution(results)
    ax = fig.axes[0]
    bars = ax.patches
    heights = [bar.get_height() for bar in bars]
    assert heights == pytest.approx([o["probability"] for o in results.summary["outcomes"]])
    colours = style.outcome_colours(results.outcome_ids)
    for bar, outcome in zip(bars, results.outcome_ids, strict=True):
        assert bar.get_facecolor()[:3] == pytest.approx(_rgb(colours[outcome]))
    # every bar is labelled with its value, so a rare outcome can still be read
    texts = [t.get_text() for t in ax.texts]
    for outcome in results.summary["outcomes"]:
        shown, low, high = style.percent_interval(outcome["probability"], *outcome["ci95"])
        assert f"{shown}\n({low} to {high})" in texts


def test_escalation_bands_are_the_level_shares_and_stack_to_one(results):
    shares = level_shares(results)
    assert np.allclose(shares.sum(axis=1), 1)
    fig = plots.escalation_over_time(results)
    bands = fig.axes[0].collections
    peaks = np.asarray(results.summary["peaks_by_turn"]["counts"])
    ever = (shares.max() > 0).to_numpy() | (peaks.max(axis=0) > 0)
    shown = [level for level, seen in zip(shares.columns, ever, strict=True) if seen]
    assert len(bands) == len(shown)
    turns = shares.index.to_numpy()
    for band, level in zip(bands, shown, strict=True):
        vertices = band.get_paths()[0].vertices
        thickness = [np.ptp(vertices[vertices[:, 0] == t, 1]) for t in turns]
        assert thickness == pytest.approx(shares[level].to_numpy(), abs=1e-9)
    top = bands[-1].get_paths()[0].vertices
    assert top[:, 1].max() == pytest.approx(1)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    names = {lv["id"]: lv["name"] for lv in results.summary["ladder"]}
    # highest level first, as stacked, every level some run was on named, no other
    assert [text.split(":")[0] for text in legend] == [names[lv] for lv in reversed(shown)]


def test_escalation_reached_panel_is_the_share_at_or_above_each_rung(results):
    """The right panel's last turn is the distribution of runs.parquet's peak_level."""
    reached = reached_shares(results)
    peak = results.runs["peak_level"].value_counts().reindex(reached.columns, fill_value=0)
    at_or_above = peak[::-1].cumsum()[::-1] / len(results.runs)
    assert reached.iloc[-1].to_numpy() == pytest.approx(at_or_above.to_numpy())
    assert (np.diff(reached.to_numpy(), axis=0) >= 0).all()  # a peak never falls
    fig = plots.escalation_over_time(results)
    lines = fig.axes[1].lines
    assert len(lines) == len(fig.axes[0].collections)
    assert {line.get_ydata()[-1] for line in lines} <= set(reached.iloc[-1])


def test_escalation_leaves_out_rungs_no_run_reaches(tmp_path, write_scenario):
    """A ladder whose top rung nobody reaches, and whose runs start above its first rung."""
    scenario = write_scenario(
        """
        id: short-ladder
        title: Short ladder
        horizon: 5
        ladder: [{id: calm, name: Calm}, {id: tense, name: Tense}, {id: crisis, name: Crisis},
                 {id: war, name: War}]
        initial_level: tense
        actors: {red: {name: Red}}
        rules:
          - {id: red-escalates, actor: red, when: level == 'tense', chance: 0.3,
             effects: {level: crisis}}
        outcomes:
          - {id: crisis, when: level >= 'crisis', check: at-horizon, severity: 1}
          - {id: calm, default: true, severity: 0}
        """
    )
    results = sim.run(sim.load_scenario(scenario), 2000, seed=1, out=tmp_path / "r")
    fig = plots.escalation_over_time(results)
    legend = [t.get_text().split(":")[0] for t in fig.legends[0].get_texts()]
    assert legend == ["Crisis", "Tense"]


def test_escalation_of_a_folder_without_peaks_draws_the_current_rung_only(results):
    older = sim.Results(
        results.summary_model.model_copy(update={"peaks_by_turn": None}), runs=results.runs
    )
    fig = plots.escalation_over_time(older)
    assert len(fig.axes) == 1 and fig.axes[0].collections


def test_time_to_outcome_curves_accumulate_the_end_turns(results):
    runs = results.runs
    fig = plots.time_to_outcome(results)
    panels = [ax for ax in fig.axes if ax.lines]
    assert len(panels) == len(results.outcome_ids)
    for ax, outcome in zip(panels, results.outcome_ids, strict=True):
        ended = runs.loc[runs["outcome"] == outcome, "end_turn"]
        counts = ended.value_counts().reindex(range(results.summary["horizon"] + 1), fill_value=0)
        expected = counts.cumsum().to_numpy() / RUNS
        assert ax.lines[0].get_ydata() == pytest.approx(expected)
        assert expected[-1] == pytest.approx(results.probability(outcome))
    assert ended_by_turn(results).iloc[-1].sum() == RUNS


def test_heat_map_cells_are_recomputed_from_the_runs_table(results):
    runs = results.runs
    fig = what_drives_outcomes(results)
    ax = fig.axes[0]
    shown, _ = shown_rows(results, fire_differences(results))
    reached = [o for o in results.outcome_ids if (runs["outcome"] == o).any()]
    image = ax.images[0].get_array()
    assert image.shape == (len(shown), len(reached))
    for i, row in enumerate(shown):
        fired = runs[row.column] > 0
        for j, outcome in enumerate(reached):
            expected = fired[runs["outcome"] == outcome].mean() - fired.mean()
            assert image[i, j] == pytest.approx(expected * 100)
    assert [t.get_text() for t in ax.get_yticklabels()] == [r.label for r in shown]
    # centred on "no difference": white is zero
    assert ax.images[0].norm(0) == pytest.approx(0.5)


def test_heat_map_leaves_out_uninformative_rules_and_keeps_the_strongest(results):
    runs = results.runs
    differences = fire_differences(results)
    every, informative = shown_rows(results, differences)
    for row in every:
        assert 0 < (runs[row.column] > 0).sum() < RUNS
    three, total = shown_rows(results, differences, limit=3)
    assert total == informative and len(three) == min(3, informative)
    spread = differences.abs().max(axis=1)
    weakest_kept = min(spread[r.column] for r in three)
    left_out = [r for r in every if r not in three]
    assert all(spread[r.column] <= weakest_kept for r in left_out)
    fig = what_drives_outcomes(results, limit=3)
    assert len(fig.axes[0].get_yticklabels()) == len(three)


def test_parameter_influence_is_recomputed_from_the_runs_table(results):
    threshold = default_threshold(results)
    table = influence(results, threshold)
    runs = results.runs
    worse = runs["outcome"] >= threshold  # ordered categorical: at least as severe
    binned = results.summary["outcomes_by_parameter"]
    for name, bins in binned.items():
        values = runs[f"param.{name}"]
        if "edges" in bins:
            index = np.searchsorted(np.asarray(bins["edges"])[1:-1], values, side="right")
        else:
            index = np.array([bins["values"].index(v) for v in values])
        expected = worse.groupby(index).mean()
        rows = table[(table["parameter"] == name) & (table["runs"] > 0)]
        assert rows["probability"].to_numpy() == pytest.approx(expected.to_numpy())
        assert (rows["ci_low"] <= rows["probability"]).all()
        assert (rows["probability"] <= rows["ci_high"]).all()
    fig = plots.parameter_influence(results)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == list(binned)
    for ax, name in zip(panels, binned, strict=True):
        plotted = ax.containers[0].lines[0].get_ydata()  # the errorbar's data line
        rows = table[(table["parameter"] == name) & (table["runs"] > 0)]
        assert plotted == pytest.approx(rows["probability"].to_numpy())


def test_parameter_influence_threshold_defaults_and_can_be_chosen(results):
    outcomes = results.outcome_ids
    expected = "limited-clash" if "limited-clash" in outcomes else outcomes[1]
    assert default_threshold(results) == expected
    worst = influence(results, outcomes[-1])
    assert (worst["count"] <= influence(results)["count"]).all()
    with pytest.raises(KeyError):
        influence(results, "no-such-outcome")


def test_convergence_ends_at_the_summary_estimates(results):
    fig = plots.convergence(results)
    panels = [ax for ax in fig.axes if ax.lines]
    assert len(panels) == len(results.outcome_ids)
    for ax, outcome in zip(panels, results.outcome_ids, strict=True):
        assert ax.get_xscale() == "log"
        line = ax.lines[0]
        assert line.get_xdata()[-1] == RUNS
        assert line.get_ydata()[-1] == pytest.approx(results.probability(outcome))
        # the running estimate at n is the share among the first n runs
        n = int(line.get_xdata()[len(line.get_xdata()) // 2])
        first = results.runs["outcome"].iloc[:n]
        assert line.get_ydata()[len(line.get_xdata()) // 2] == pytest.approx(
            (first == outcome).mean()
        )


def test_every_chart_is_titled_and_wide_enough(results):
    runs = f"{RUNS:,} runs"
    for chart in plots.charts_for(results):
        fig = chart.draw(results)
        title = fig.get_suptitle()
        assert results.summary["title"] in title, chart.name
        assert runs in title and f"seed {SEED}" in title, chart.name
        assert fig.get_size_inches()[0] * fig.dpi >= 1000, chart.name


def test_single_axes_charts_draw_into_a_given_axes(results):
    for draw in (plots.outcome_distribution, plots.escalation_over_time, what_drives_outcomes):
        fig = Figure()
        ax = fig.add_subplot()
        assert draw(results, ax=ax) is fig
        assert ax.has_data()


# --- colours ---------------------------------------------------------------------


def test_standard_outcomes_have_fixed_colours_in_any_scenario():
    standard = ["de-escalation", "contained-incident", "limited-clash", "article5-war"]
    full = style.outcome_colours([*standard, "nuclear-use"])
    fewer = style.outcome_colours(["de-escalation", "article5-war", "nuclear-use"])
    mixed = style.outcome_colours(["de-escalation", "stalemate", "nuclear-use"])
    for colours in (fewer, mixed):
        for outcome, colour in colours.items():
            if outcome in full:
                assert colour == full[outcome]
    assert mixed["stalemate"] not in full.values()
    assert len(set(full.values())) == 5


def test_other_outcomes_are_coloured_by_severity_rank():
    colours = style.outcome_colours(["calm", "standoff", "clash", "war"])
    assert len(set(colours.values())) == 4
    assert colours["calm"] == style.GREEN and colours["war"] == style.BLACK
    many = style.outcome_colours([f"o{i}" for i in range(12)])
    assert len(many) == 12


# --- files ---------------------------------------------------------------------------


def test_run_writes_every_chart_as_a_wide_png(drawn):
    names = {p.name for p in (drawn / "plots").iterdir()}
    expected = {f"{chart.name}.png" for chart in plots.charts_for(read_results(drawn))}
    assert names == expected and len(names) == 6
    for name in names:
        with Image.open(drawn / "plots" / name) as image:
            assert image.width >= 1000, name


def test_wargame_plot_redraws_the_same_files_from_a_saved_folder(drawn, tmp_path):
    before = {p.name: p.read_bytes() for p in (drawn / "plots").iterdir()}
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("summary.json", "runs.parquet", "scenario.yaml"):
        (copy / name).write_bytes((drawn / name).read_bytes())
    result = invoke("plot", copy)
    assert result.exit_code == 0, result.output
    after = {p.name: p.read_bytes() for p in (copy / "plots").iterdir()}
    assert after.keys() == before.keys()
    assert after == before  # the same results give byte-identical charts
    assert (copy / "report.html").is_file()
    printed = {Path(line).name for line in result.output.split()}
    assert printed == {*before, "report.html"}


def test_wargame_plot_svg_writes_both_formats(drawn, tmp_path):
    result = invoke("plot", drawn, "--svg")
    assert result.exit_code == 0, result.output
    names = {p.name for p in (drawn / "plots").iterdir()}
    for chart in plots.charts_for(read_results(drawn)):
        assert {f"{chart.name}.png", f"{chart.name}.svg"} <= names
    assert not [n for n in names if n.endswith(".tmp")]


def test_svg_charts_are_the_same_files_when_redrawn(drawn, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("summary.json", "runs.parquet", "scenario.yaml"):
        (copy / name).write_bytes((drawn / name).read_bytes())
    for folder in (drawn, copy):
        result = invoke("plot", folder, "--svg")
        assert result.exit_code == 0, result.output
    for svg in (drawn / "plots").glob("*.svg"):
        assert (copy / "plots" / svg.name).read_bytes() == svg.read_bytes(), svg.name


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda folder: None, "no such results folder"),
        (lambda folder: (folder.mkdir(), (folder / "INCOMPLETE").write_text("{}")), "did not"),
        (lambda folder: folder.mkdir(), "not a results folder"),
    ],
    ids=["missing", "incomplete", "empty"],
)
def test_wargame_plot_reports_a_bad_folder_in_one_line(tmp_path, make, message):
    folder = tmp_path / "results"
    make(folder)
    result = invoke("plot", folder)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_wargame_plot_explains_a_summary_without_chart_data(drawn, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    summary = json.loads((drawn / "summary.json").read_text())
    del summary["outcomes_by_end_turn"]
    (old / "summary.json").write_text(json.dumps(summary))
    (old / "runs.parquet").write_bytes((drawn / "runs.parquet").read_bytes())
    result = invoke("plot", old)
    assert result.exit_code == 2
    assert "earlier version" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_scenario_without_sampled_parameters_has_no_parameter_chart(write_scenario, tmp_path):
    path = write_scenario(
        """
        id: fixed
        title: Nothing sampled
        horizon: 3
        ladder: [{id: calm}, {id: crisis}]
        parameters: {p: 0.3}
        actors: {red: {name: Red}}
        events:
          - {id: spark, chance: p, effects: {level: crisis}}
        outcomes:
          - {id: crisis, when: level >= 'crisis', severity: 1}
          - {id: calm, default: true, severity: 0}
        """
    )
    folder = tmp_path / "batch"
    sim.run(sim.load_scenario(path), 500, 1, out=folder)
    written = plots.write_plots(folder)
    assert {p.stem for p in written} == {c.name for c in plots.CHARTS} - {"parameters"}


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))


def test_the_readme_charts_exist_and_are_a_slide_wide():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\((docs/images/[^)]+\.png)\)", readme)
    assert images
    for image in images:
        with Image.open(Path(__file__).resolve().parent.parent / image) as png:
            assert png.width >= 1000, image


def test_heat_map_leaves_out_rules_the_outcome_decides(results, tmp_path):
    """A rule that fired in all runs of some outcomes and none of the others is left out."""
    runs = results.runs
    shown, _ = shown_rows(results, fire_differences(results))
    columns = {row.column for row in shown}
    for column in decided_by_outcome(results):
        fired = runs[column] > 0
        share = fired.groupby(runs["outcome"], observed=True).mean()
        assert set(share.unique()) <= {0.0, 1.0}
        assert column not in columns
    # one-rule: its only rule fires exactly in the runs that end in crisis
    one = sim.run(sim.load_scenario(FIXTURES / "one-rule.yaml"), 2000, 1, out=tmp_path / "r")
    assert decided_by_outcome(one) == ["fired.red-escalates"]
    assert shown_rows(one, fire_differences(one))[0] == []


def test_heat_map_speaks_of_association_in_the_scenarios_words(tmp_path):
    results = sim.run(sim.load_scenario("turkish-straits"), 3000, 1, out=tmp_path / "r")
    fig = what_drives_outcomes(results)
    texts = " ".join(t.get_text() for t in fig.findobj(Text))
    assert "associated with" in texts.lower() and "not a cause" in texts
    assert "drives" not in texts.lower()
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert (
        "NATO invokes article5" in labels and "United States flies patrols from carrier" in labels
    )
    assert not any("-" in label for label in labels)
    groups = {t.get_text() for t in fig.axes[0].texts if t.get_fontweight() == "bold"}
    assert {"Russia", "NATO", "Turkey", "United States"} <= groups


def test_ids_in_words():
    assert words("nato-invokes-article5", {"nato": "NATO"}) == "NATO invokes article5"
    assert words("war_clock", {}) == "War clock"
