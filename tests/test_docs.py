"""The documentation's examples load and run, so the docs never drift from the code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def scenario_blocks():
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for number, block in enumerate(re.findall(r"```yaml\n(.*?)```", text, re.S)):
            if re.match(r"(#.*\n)*(extends: .*\n)?id: ", block):
                yield pytest.param(block, id=f"{doc.name}-{number}")


@pytest.mark.parametrize("block", list(scenario_blocks()))
def test_documented_scenarios_load_and_run(write_scenario, block):
    scenario = sim.load_scenario(write_scenario(block))
    results = sim.run(scenario, 2000, seed=1)
    assert sum(o["count"] for o in results.summary["outcomes"]) == 2000


def scenario_tables():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    pattern = r"<!-- scenario-table: ([\w-]+) -->\n```\n\$ (wargame run [^\n]*)\n(.*?)```"
    for name, command, table in re.findall(pattern, text, re.S):
        yield pytest.param(command, table.rstrip("\n").splitlines(), id=name)


@pytest.mark.parametrize(("command", "table"), list(scenario_tables()))
def test_readme_outcome_tables_are_what_the_command_prints(tmp_path, command, table):
    """The README's headline numbers are measured, and stay measured."""
    args = shlex.split(command)[1:] + ["--no-plots", "--out", str(tmp_path / "r")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    printed = result.stdout.splitlines()
    start = printed.index(table[0])
    assert printed[start : start + len(table)] == table


def test_the_readme_shows_both_bundled_tables():
    assert {p.id for p in scenario_tables()} == {"turkish-straits", "airspace-straying"}


def test_the_readme_validate_example_is_real(tmp_path, monkeypatch):
    """The README's error message is what `wargame validate` prints for its typo."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    scenario = re.search(r"```yaml\n(# my-straits.yaml\n.*?)```", text, re.S).group(1)
    shown = re.search(r"<!-- validate-example -->\n```\n\$ (.*?)\n(.*?)```", text, re.S)
    command, expected = shown.group(1), shown.group(2)
    typo = scenario.replace("russian_risk_acceptance", "russian_risk_acceptence")
    (tmp_path / "my-straits.yaml").write_text(typo, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, shlex.split(command)[1:])
    assert result.exit_code == 2
    assert click.unstyle(result.output) == expected
