"""Checks and measures: from the scenario to runs.parquet, summary.json, the terminal,
the report and compare, with load-time errors for the expressions that cannot work."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.cli.observed import CHECKS_VIOLATED
from sim.results.intervals import wilson

FIXTURE = Path(__file__).parent / "fixtures" / "checks-and-measures.yaml"
RUNS = 6_000


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("batch") / "results"
    result = invoke("run", FIXTURE, "--runs", RUNS, "--seed", 1, "--out", folder, "--measures")
    assert result.exit_code == 0, result.output
    return folder, result.stdout


def summary_of(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def test_every_check_and_measure_is_a_column_of_runs_parquet(batch):
    folder, _ = batch
    runs = pd.read_parquet(folder / "runs.parquet")
    for check in ("war-means-war", "counter-follows-level", "calm-runs-never-climbed"):
        assert runs[f"violated.{check}"].dtype == bool
    assert runs["measure.ever-crisis"].dtype == bool
    assert runs["measure.days-in-crisis"].dtype == np.int32
    assert runs["measure.first-crisis"].dtype == np.float64
    # a `first` that never held is missing, exactly where the run never reached crisis
    never = ~runs["measure.ever-crisis"]
    assert never.any()
    assert (runs["measure.first-crisis"].isna() == never).all()
    # the end-of-run items read each run's own end: its end turn and its outcome
    assert (runs["measure.end-turn"] == runs["end_turn"]).all()
    assert (runs["measure.ended-in-war"] == (runs["outcome"] == "war")).all()
    assert (runs["measure.final-counter"] == runs["fired.red-escalates"]).all()
    # a run at war climbed twice, on two turns: one day in crisis at least
    war = runs[runs["outcome"] == "war"]
    assert (war["measure.days-in-crisis"] >= 1).all()
    assert (war["measure.first-crisis"] < war["end_turn"]).all()
    # the violated check is violated exactly where its condition fails on the final state
    calm_climbed = (runs["outcome"] == "calm") & (runs["measure.final-counter"] >= 1)
    assert (runs["violated.calm-runs-never-climbed"] == calm_climbed).all()


def test_summary_counts_violations_and_gives_each_measure_overall_and_by_outcome(batch):
    folder, _ = batch
    summary = summary_of(folder)
    runs = pd.read_parquet(folder / "runs.parquet")
    assert summary["format"] == 2
    checks = {c["id"]: c for c in summary["checks"]}
    broken = runs.loc[runs["violated.calm-runs-never-climbed"], "run"]
    record = checks["calm-runs-never-climbed"]
    assert record["violations"] == len(broken) > 0
    assert record["first_runs"] == broken.head(5).tolist()
    assert record["share"] == len(broken) / RUNS
    assert (
        checks["war-means-war"]["violations"] == 0 and checks["war-means-war"]["first_runs"] == []
    )

    measures = {m["id"]: m for m in summary["measures"]}
    ever = measures["ever-crisis"]
    assert ever["statistic"] == "share"
    count = int(runs["measure.ever-crisis"].sum())
    assert ever["overall"]["count"] == count
    low, high = wilson(count, RUNS)
    assert ever["overall"]["ci95"] == pytest.approx([float(low), float(high)])
    days = measures["days-in-crisis"]
    values = runs["measure.days-in-crisis"]
    assert days["statistic"] == "mean"
    assert days["overall"]["value"] == pytest.approx(values.mean())
    assert days["overall"]["sd"] == pytest.approx(values.std(ddof=1))
    half = 1.96 * values.std(ddof=1) / np.sqrt(RUNS)  # t with 5,999 df is 1.9604
    assert days["overall"]["ci95"] == pytest.approx(
        [values.mean() - half, values.mean() + half], rel=1e-3
    )
    for outcome in ("calm", "war"):
        own = runs.loc[runs["outcome"] == outcome, "measure.days-in-crisis"]
        assert days["by_outcome"][outcome]["value"] == pytest.approx(own.mean())
        assert days["by_outcome"][outcome]["runs"] == len(own)
    first = measures["first-crisis"]
    assert first["overall"]["runs"] == int(runs["measure.first-crisis"].notna().sum())
    assert first["overall"]["value"] == pytest.approx(runs["measure.first-crisis"].mean())


def test_ever_matches_the_exact_probability():
    p, horizon, runs = 0.3, 5, 100_000
    results = sim.run(sim.load_scenario(FIXTURE), runs, seed=4)
    ever = next(m for m in results.summary["measures"] if m["id"] == "ever-crisis")
    exact = 1 - (1 - p) ** horizon
    sigma = np.sqrt(exact * (1 - exact) / runs)
    assert abs(ever["overall"]["value"] - exact) <= 4 * sigma


def test_run_prints_violations_with_a_trace_command_and_the_measures_by_outcome(batch):
    _, out = batch
    assert "checks: 1 of 3 violated" in out
    assert "calm-runs-never-climbed: A calm run never climbed" in out
    assert "see one: wargame trace" in out and "--seed 1 --run " in out
    assert "measures:" in out
    line = next(line for line in out.splitlines() if line.strip().startswith("ever-crisis"))
    assert "ever, share" in line and "100.0%" in line  # every war run was in crisis first
    assert out.index("outcome   probability") < out.index("\nchecks:") < out.index("\nmeasures:")


def test_the_printed_trace_command_shows_the_violation(batch):
    _, out = batch
    command = next(line for line in out.splitlines() if "see one:" in line)
    words = command.split("see one: wargame ")[1].split()
    result = invoke(*words)
    assert result.exit_code == 0, result.output
    assert "Check violated: calm-runs-never-climbed" in result.output
    assert "Outcome: Calm (calm)" in result.output


def test_strict_exits_with_its_own_status_on_a_violation_and_zero_without(tmp_path):
    result = invoke("run", FIXTURE, "--runs", 500, "--no-plots", "--strict", "-o", tmp_path / "a")
    assert result.exit_code == CHECKS_VIOLATED == 3
    assert "--strict: checks violated: calm-runs-never-climbed" in result.output
    assert (tmp_path / "a" / "summary.json").is_file()  # the results are written all the same
    held = invoke(
        "run",
        FIXTURE,
        "--runs",
        500,
        "--no-plots",
        "--strict",
        "--set",
        "p=0",
        "-o",
        tmp_path / "b",
    )
    assert held.exit_code == 0, held.output
    assert "checks: all 3 held in every run" in held.output


def test_report_has_a_section_for_checks_and_one_for_measures(batch):
    folder, _ = batch
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "<h2>Checks</h2>" in report and "<h2>Measures</h2>" in report
    assert "1 of 3 checks were violated" in report
    assert "calm-runs-never-climbed" in report and "wargame trace" in report
    assert "Reached crisis at some turn." in report


def test_compare_gives_each_measure_a_difference_with_its_interval(batch, tmp_path):
    folder, _ = batch
    other = tmp_path / "other"
    result = invoke(
        "run",
        FIXTURE,
        "--runs",
        RUNS,
        "--seed",
        1,
        "--set",
        "p=0.5",
        "-q",
        "--no-plots",
        "-o",
        other,
    )
    assert result.exit_code == 0, result.output
    compared = invoke("compare", folder, other)
    assert compared.exit_code == 0, compared.output
    text = compared.output
    assert "Measures: each later batch against the first" in text
    line = next(x for x in text.splitlines() if x.strip().startswith("ever-crisis"))
    assert "B - A" in line and "pp to" in line and "significant" in line
    line = next(x for x in text.splitlines() if x.strip().startswith("days-in-crisis"))
    assert " to " in line


def test_show_lists_checks_and_measures():
    result = invoke("show", FIXTURE)
    assert result.exit_code == 0, result.output
    assert "Checks (counted in every run" in result.output
    assert "counter-follows-level (on every turn): counter >= 1 or level == 'calm'" in result.output
    assert "days-in-crisis: turns on which level == 'crisis'" in result.output


def test_schema_offers_checks_and_measures():
    result = invoke("schema")
    schema = json.loads(result.stdout)
    assert {"checks", "measures"} <= set(schema["properties"])
    assert set(schema["$defs"]["CheckSpec"]["properties"]) >= {"id", "holds", "checked", "message"}
    assert {"value", "ever", "turns", "max", "first"} <= set(
        schema["$defs"]["MeasureSpec"]["properties"]
    )


BAD = """\
id: bad
title: Bad
horizon: 3
ladder: [{id: calm}, {id: crisis}]
actors: {red: {name: Red}}
rules:
  - id: red-acts
    actor: red
    when: {when}
    effects: {level: crisis}
outcomes:
  - {id: crisis, when: level >= 'crisis'}
  - {id: calm, default: true}
{tail}
"""


def bad_scenario(tmp_path: Path, tail: str, when: str = "true") -> Path:
    path = tmp_path / "bad.yaml"
    text = BAD.replace("{when}", when).replace("{tail}", textwrap.dedent(tail))
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("tail", "when", "where", "message"),
    [
        (
            'checks:\n  - {id: c, holds: "levl >= 1"}',
            "true",
            "bad.yaml:15:",
            "checks[c].holds: unknown name 'levl'",
        ),
        (
            "measures:\n  - {id: m, max: level}",
            "true",
            "bad.yaml:15:",
            "measures[m].max: a measure's `max` must be true/false or a number",
        ),
        (
            "measures:\n  - {id: m, ever: \"outcome == 'calm'\"}",
            "true",
            "bad.yaml:15:",
            "measures[m].ever: 'outcome' cannot be used here",
        ),
        (
            "checks:\n  - {id: c, holds: \"outcome == 'calm'\", checked: every-turn}",
            "true",
            "bad.yaml:15:",
            "checks[c].holds: 'outcome' cannot be used here",
        ),
        ("", "\"outcome == 'calm'\"", "bad.yaml:9:", "rules[red-acts].when: 'outcome' cannot"),
    ],
)
def test_a_bad_check_or_measure_expression_is_a_load_time_error_with_its_place(
    tmp_path, tail, when, where, message
):
    path = bad_scenario(tmp_path, tail, when)
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert where in result.output and message in result.output, result.output
    assert "Traceback" not in result.output
    if "outcome" in message:
        assert "known only once a run has ended" in result.output


def test_a_measure_needs_exactly_one_kind(tmp_path):
    path = bad_scenario(tmp_path, 'measures:\n  - {id: m, ever: "true", turns: "true"}')
    result = invoke("validate", path)
    assert result.exit_code == 2
    assert "exactly one of `value`, `ever`, `turns`, `max`, `first` (found: ever, turns)" in (
        result.output
    )


def test_a_summary_of_format_1_still_reads_without_checks_or_measures(batch, tmp_path):
    folder, _ = batch
    old = tmp_path / "old"
    old.mkdir()
    for name in ("runs.parquet", "scenario.yaml"):
        (old / name).write_bytes((folder / name).read_bytes())
    summary = summary_of(folder)
    summary["format"] = 1
    del summary["checks"], summary["measures"]
    (old / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    results = sim.read_results(old)
    assert results.summary["format"] == 1 and "checks" not in results.summary
    shown = invoke("compare", old, folder)
    assert shown.exit_code == 0, shown.output
    assert "Measures:" not in shown.output  # the old batch has none to compare


def test_the_checks_and_measures_survive_a_resumed_batch(tmp_path, monkeypatch):
    from sim.batch.runner import BatchInterrupted
    from sim.batch.sinks import FolderSink

    scenario = sim.load_scenario(FIXTURE)
    runs, command = 3 * 32_768 + 10, "wargame run checks-and-measures --runs 98314 --seed 3"
    sim.run(scenario, runs, seed=3, out=tmp_path / "whole", command=command)
    original = FolderSink.add

    def add_then_stop(self, result):
        original(self, result)
        raise KeyboardInterrupt

    monkeypatch.setattr(FolderSink, "add", add_then_stop)
    with pytest.raises(BatchInterrupted):
        sim.run(scenario, runs, seed=3, out=tmp_path / "resumed", command=command)
    monkeypatch.undo()
    sim.run(scenario, runs, seed=3, out=tmp_path / "resumed", command=command, resume=True)
    for name in ("summary.json", "runs.parquet"):
        whole = (tmp_path / "whole" / name).read_bytes()
        assert (tmp_path / "resumed" / name).read_bytes() == whole, name
    assert summary_of(tmp_path / "resumed")["measures"]
