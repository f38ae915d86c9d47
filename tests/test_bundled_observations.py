"""The bundled scenarios' checks hold and their measures are reported, through the CLI."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main

RUNS = 100_000
SCENARIOS = ["turkish-straits", "airspace-straying"]
# Checks every bundled scenario inherits from the base: the outcomes' definitions.
SHARED_CHECKS = {
    "de-escalation-means-no-contact",
    "article5-war-follows-invocation",
    "nuclear-use-only-in-war",
    "no-de-escalation-after-war",
    "peak-at-least-level",
}
_folders: dict = {}


def strict_run(name: str, tmp_path_factory: pytest.TempPathFactory):
    """One strict run of 100,000 at seed 1 per scenario, shared by the tests below."""
    if name not in _folders:
        out = tmp_path_factory.mktemp(name) / "r"
        args = ["run", name, "--runs", str(RUNS), "--seed", "1", "--no-plots", "--strict"]
        result = CliRunner().invoke(main, [*args, "--measures", "--out", str(out)])
        _folders[name] = (result, out)
    return _folders[name]


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_check_holds_and_every_measure_is_printed(name, tmp_path_factory):
    result, out = strict_run(name, tmp_path_factory)
    assert result.exit_code == 0, result.output
    scenario = sim.load_scenario(name)
    assert {c.id for c in scenario.spec.checks} >= SHARED_CHECKS
    assert f"checks: all {len(scenario.spec.checks)} held in every run" in result.output
    printed = result.output.split("\nmeasures:\n")[1]
    rows = {line.split()[0] for line in printed.splitlines()[2:] if line.strip()}
    assert {m.id for m in scenario.spec.measures} <= rows
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert all(check["violations"] == 0 for check in summary["checks"])
    columns = pq.read_schema(out / "runs.parquet").names
    assert all(f"measure.{m.id}" in columns for m in scenario.spec.measures)


@pytest.mark.parametrize("name", SCENARIOS)
def test_measures_agree_with_the_outcomes(name, tmp_path_factory):
    """Every Article 5 war was invoked; no de-escalated run had a day of contact."""
    _, out = strict_run(name, tmp_path_factory)
    runs = pq.read_table(out / "runs.parquet").to_pandas()
    war = runs[runs["outcome"] == "article5-war"]
    assert len(war) > 0 and war["measure.article5-invoked"].all()
    assert (war["measure.days-at-war"] >= 1).all()
    calm = runs[runs["outcome"] == "de-escalation"]
    assert (calm["measure.days-of-contact"] == 0).all()
    assert calm["measure.first-contact-day"].isna().all()


def test_acting_on_a_misreading_needs_a_misreading(tmp_path_factory):
    _, out = strict_run("airspace-straying", tmp_path_factory)
    runs = pq.read_table(out / "runs.parquet").to_pandas()
    acted = runs["measure.acted-on-misreading"].astype(bool)
    assert 0 < acted.sum() < len(runs)
    # the allies' misreading of an incursion, or Moscow's of a shoot-down
    allies, moscow = (runs[f"measure.{m}"].astype(bool) for m in ("misread", "moscow-misread"))
    assert (allies | moscow)[acted].all()
    assert (moscow & ~allies)[acted].any()  # Moscow's misreadings alone are acted on too


def test_a_deal_is_struck_only_in_runs_where_turkey_negotiated(tmp_path_factory):
    _, out = strict_run("turkish-straits", tmp_path_factory)
    runs = pq.read_table(out / "runs.parquet").to_pandas()
    deals = runs["measure.deal-struck"].astype(bool)
    assert deals.sum() > 0
    assert runs.loc[deals, "measure.talks-opened"].all()
    assert (
        runs.loc[deals, "outcome"]
        .isin(["de-escalation", "contained-incident", "limited-clash"])
        .all()
    )


@pytest.mark.parametrize("name", SCENARIOS)
def test_show_lists_the_checks_and_measures(name):
    result = CliRunner().invoke(main, ["show", name])
    assert result.exit_code == 0, result.output
    checks = result.output.split("\nChecks")[1].split("\nMeasures")[0]
    measures = result.output.split("\nMeasures")[1]
    scenario = sim.load_scenario(name)
    assert all(f"  {c.id} (" in checks for c in scenario.spec.checks)
    for measure in scenario.spec.measures:
        assert f"  {measure.id} ({measure.label}): " in measures
