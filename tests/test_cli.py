"""The `wargame` command as a user meets it, through click's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.scenario import catalog
from sim.text import interval_digits

FIXTURES = Path(__file__).parent / "fixtures"
ONE_RULE = str(FIXTURES / "one-rule.yaml")


def invoke(*args: object, **kwargs):
    result = CliRunner().invoke(main, [str(a) for a in args], **kwargs)
    assert "Traceback" not in result.output
    return result


def test_run_prints_the_outcome_table_and_writes_the_folder(tmp_path):
    out = tmp_path / "r"
    result = invoke("run", ONE_RULE, "--runs", "20000", "--seed", "3", "--out", out, "--no-plots")
    assert result.exit_code == 0, result.output
    assert "20,000 runs, seed 3, horizon 10 turns" in result.output
    assert "probability" in result.output and "95% interval" in result.output
    summary = json.loads((out / "summary.json").read_text())
    crisis = next(o for o in summary["outcomes"] if o["id"] == "crisis")
    # the printed line carries the summary's numbers
    digits = interval_digits(crisis["probability"], *crisis["ci95"])
    shown = f"{crisis['probability'] * 100:.{digits}f}%"
    assert any(line.split()[:2] == ["crisis", shown] for line in result.output.splitlines())
    assert {p.name for p in out.iterdir()} == {"summary.json", "runs.parquet", "scenario.yaml"}
    assert summary["command"] == f"wargame run {ONE_RULE} --runs 20000 --seed 3 --no-plots"


def test_default_folders_never_overwrite_earlier_results(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for _ in range(2):
        result = invoke("run", ONE_RULE, "--runs", "100", "--no-plots", "-q")
        assert result.exit_code == 0, result.output
    folders = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert folders == ["one-rule-seed0-100", "one-rule-seed0-100-2"]


def test_quiet_prints_only_the_folder(tmp_path):
    out = tmp_path / "r"
    result = invoke("run", ONE_RULE, "--runs", "100", "--out", out, "--no-plots", "-q")
    assert result.stdout.strip() == str(out)


def test_validate_reports_ok():
    result = invoke("validate", ONE_RULE, str(FIXTURES / "full-language.yaml"))
    assert result.exit_code == 0
    assert result.output.count("ok  ") == 2


def test_list_names_every_bundled_scenario():
    result = invoke("list")
    assert result.exit_code == 0
    for entry in catalog.bundled():
        assert entry.name in result.output


def test_show_describes_the_scenario():
    result = invoke("show", str(FIXTURES / "full-language.yaml"))
    assert result.exit_code == 0, result.output
    text = result.output
    for expected in [
        "Every construct once",
        "Escalation ladder",
        "Peacetime posture",
        "restraint = uniform(low=0.3, high=0.9), drawn per run",
        "[alliance] alliance-backs-blue",
        "vote   consensus",
        "option strike",
        "after 2 turns: casualties = casualties + 5",
        "war: as soon as level >= 'war'",
        "standoff: otherwise, at the horizon",
    ]:
        assert expected in text, expected


def test_schema_is_json():
    result = invoke("schema")
    schema = json.loads(result.output)
    assert schema["title"] == "Escalation wargame scenario"
    assert "rules" in schema["properties"]


@pytest.mark.parametrize("command", ["run", "validate", "list", "show", "schema"])
def test_every_command_has_help_with_examples(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output


def test_run_without_a_scenario_is_a_usage_error():
    result = invoke("run")
    assert result.exit_code == 2
    assert "give a SCENARIO" in result.output


def test_processes_backend_from_the_cli(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    invoke("run", ONE_RULE, "--runs", "9000", "--out", a, "--no-plots", "-q")
    invoke("run", ONE_RULE, "--runs", "9000", "--out", b, "--no-plots", "-q", "--workers", "2")
    assert (a / "runs.parquet").read_bytes() == (b / "runs.parquet").read_bytes()
