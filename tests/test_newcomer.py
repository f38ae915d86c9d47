"""Rough edges a new user meets in the README's first steps, each smoothed and kept so."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.batch.sinks import FolderSink
from sim.cli import main
from sim.engine.streams import BLOCK_SIZE
from sim.text import interval_digits, percent

FIXTURES = Path(__file__).parent / "fixtures"
FULL = FIXTURES / "full-language.yaml"
ONE_RULE = FIXTURES / "one-rule.yaml"


def invoke(*args: object, **kwargs):
    result = CliRunner().invoke(main, [str(a) for a in args], **kwargs)
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("newcomer") / "full"
    result = invoke("run", FULL, "--runs", 4000, "--seed", 3, "--out", out)
    assert result.exit_code == 0, result.output
    return out


# --- the outcome table shows an interval's width ---------------------------------------------


@pytest.mark.parametrize(
    ("probability", "low", "high", "shown"),
    [
        (0.01845, 0.01764, 0.01930, "1.85%  1.76% - 1.93%"),  # was 1.8%  1.8% - 1.9%
        (0.656, 0.653, 0.659, "65.6%  65.3% - 65.9%"),
        (0.00097, 0.00080, 0.00118, "0.097%  0.080% - 0.118%"),
        (0.5, 0.4999, 0.5001, "50.000%  49.990% - 50.010%"),
    ],
)
def test_digits_follow_the_interval_width(probability, low, high, shown):
    digits = interval_digits(probability, low, high)
    assert f"{percent(probability, digits)}  {percent(low, digits)} - {percent(high, digits)}" == (
        shown
    )


def test_every_row_of_the_outcome_table_shows_its_interval_apart(tmp_path):
    result = invoke("run", FULL, "--runs", 4000, "--seed", 3, "--no-plots", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    rows = re.findall(r"^  (\S+)\s+([\d.]+)%\s+([\d.]+)% - ([\d.]+)%", result.output, re.M)
    assert len(rows) >= 3
    for _, estimate, low, high in rows:
        assert low != high, rows
        assert len(estimate.split(".")[1]) == len(low.split(".")[1]) == len(high.split(".")[1])


# --- --target chooses the parameter chart's outcome ------------------------------------------


def test_target_chooses_the_parameter_charts_outcome(batch):
    report = (batch / "report.html").read_text(encoding="utf-8")
    assert "probability of standoff or worse" in report  # the second least severe
    before = (batch / "plots" / "parameters.png").read_bytes()
    result = invoke("plot", batch, "--target", "clash")
    assert result.exit_code == 0, result.output
    report = (batch / "report.html").read_text(encoding="utf-8")
    assert "probability of clash or worse" in report and "standoff or worse" not in report
    assert (batch / "plots" / "parameters.png").read_bytes() != before


@pytest.mark.parametrize("command", ["run", "plot"])
def test_an_unknown_target_is_refused_with_a_suggestion(batch, command, tmp_path):
    where = [FULL, "--runs", 100, "--out", tmp_path / "r"] if command == "run" else [batch]
    result = invoke(command, *where, "--target", "wr")
    assert result.exit_code == 2
    assert "has no outcome 'wr'; did you mean 'war'?" in result.output
    assert not (tmp_path / "r").exists()  # refused before anything runs


# --- the title line, --resume and --no-plots -------------------------------------------------


def test_the_title_line_goes_to_standard_output(tmp_path):
    result = invoke("run", ONE_RULE, "--runs", 100, "--no-plots", "--out", tmp_path / "r")
    assert result.stdout.startswith("one-rule: One rule, solvable by hand\n")


def stopped(out: Path, monkeypatch, *options: str) -> None:
    """A CLI batch of two blocks, stopped after its first block is saved."""
    original = FolderSink.add

    def add_then_stop(self, result):
        original(self, result)
        raise KeyboardInterrupt

    monkeypatch.setattr(FolderSink, "add", add_then_stop)
    result = invoke("run", ONE_RULE, "--runs", BLOCK_SIZE + 10, "--out", out, "-q", *options)
    assert result.exit_code == 130, result.output
    monkeypatch.undo()


@pytest.mark.parametrize("no_plots", [True, False])
def test_resume_keeps_the_original_runs_no_plots(tmp_path, monkeypatch, no_plots):
    out = tmp_path / "r"
    stopped(out, monkeypatch, *(["--no-plots"] if no_plots else []))
    result = invoke("run", "--resume", out, "-q")
    assert result.exit_code == 0, result.output
    assert (out / "plots").exists() is not no_plots
    assert (out / "report.html").exists() is not no_plots


# --- validate a folder -----------------------------------------------------------------------


def test_validate_a_folder_checks_every_scenario_directly_in_it(tmp_path):
    (tmp_path / "a.yaml").write_text(ONE_RULE.read_text(), encoding="utf-8")
    (tmp_path / "b.yml").write_text(ONE_RULE.read_text().replace("p: 0.1", "p: [1"), "utf-8")
    (tmp_path / "notes.txt").write_text("not a scenario", encoding="utf-8")
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "partial.yaml").write_text("horizon: 3\n", encoding="utf-8")
    result = invoke("validate", tmp_path)
    assert result.exit_code == 2
    assert f"ok  {tmp_path / 'a.yaml'}" in result.stdout
    assert "b.yml:" in result.output and "1 of 2 scenarios failed to validate" in result.output
    assert "partial" not in result.output and "notes" not in result.output


def test_validate_the_bundled_folder_passes():
    result = invoke("validate", Path(__file__).resolve().parent.parent / "scenarios")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("ok  ") == 2


def test_validate_a_folder_without_scenarios_says_so(tmp_path):
    result = invoke("validate", tmp_path)
    assert result.exit_code == 2
    assert "no scenario files (*.yaml, *.yml) directly in this folder" in result.output


# --- CSV export of the per-run table ---------------------------------------------------------


def test_export_writes_the_per_run_table_as_csv(batch, tmp_path):
    result = invoke("export", batch)
    assert result.exit_code == 0, result.output
    assert "runs.csv: 4,000 runs" in result.output
    exported = pd.read_csv(batch / "runs.csv")
    stored = pd.read_parquet(batch / "runs.parquet")
    assert list(exported.columns) == list(stored.columns)
    assert list(exported["outcome"]) == list(stored["outcome"].astype(str))
    pd.testing.assert_frame_equal(
        exported.select_dtypes("number"), stored.select_dtypes("number"), check_dtype=False
    )


def test_export_to_a_named_file_or_standard_output(batch, tmp_path):
    target = tmp_path / "runs.csv"
    assert invoke("export", batch, "--out", target).exit_code == 0
    piped = invoke("export", batch, "--out", "-")
    assert piped.stdout == target.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(piped.stdout)))
    assert rows[0][:4] == ["run", "outcome", "end_turn", "peak_level"] and len(rows) == 4001


def test_export_reports_mistakes_in_one_line(tmp_path):
    result = invoke("export", tmp_path / "nothing")
    assert result.exit_code == 2 and "no such results folder" in result.output


# --- the notebook extra ----------------------------------------------------------------------


def test_the_notebook_extra_installs_jupyter_and_the_readme_says_how_to_open_it():
    import tomllib

    root = Path(__file__).resolve().parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = project["optional-dependencies"]["notebook"]
    assert any(re.match(r"jupyterlab\b", requirement) for requirement in extra)
    assert any(re.match(r"ipykernel\b", requirement) for requirement in extra)
    readme = (root / "README.md").read_text(encoding="utf-8")
    command = re.search(r'pip install -e "\.\[notebook\]" && jupyter lab (\S+)', readme)
    assert command and (root / command.group(1)).is_file()
