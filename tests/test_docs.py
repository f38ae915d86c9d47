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
from sim.scenario import catalog

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


def test_the_readme_shows_every_bundled_table():
    names = {entry.name for entry in catalog.bundled() + catalog.examples()}
    assert {p.id for p in scenario_tables()} == names


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


# --- the README's steps, in order ------------------------------------------------------------

# the timing of a batch differs from machine to machine: it is compared as a shape
TIMING = re.compile(r"\d[\d.,]* s \([\d,]+ runs/s\)")
STEPS_FROM, STEPS_TO = "## A tour of the command line", "## Reading the charts"


def readme_steps() -> list[tuple[str, list[str]]]:
    """The README's commands from the tour to the tweak, in order, with the output it shows.

    A `yaml` block that names its file (`# my-straits.yaml`) becomes a step that
    writes it. `wargame play` is interactive and left to tests/test_play.py; `wargame serve`
    serves until stopped and is left to tests/test_web.py and tests/test_browser.py.
    """
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = text[text.index(STEPS_FROM) : text.index(STEPS_TO)]
    steps: list[tuple[str, list[str]]] = []
    for kind, block in re.findall(r"```(\w*)\n(.*?)```", text, re.S):
        if kind == "yaml":
            named = re.match(r"# ([\w.-]+\.yaml)\n", block)
            if named:
                steps.append((f"write {named.group(1)}", block.splitlines()))
        elif kind == "bash":
            for line in block.splitlines():
                if line.startswith("wargame "):
                    steps.append((line.split("  #")[0].strip(), []))
        elif kind == "console":
            for line in block.splitlines():
                if line.startswith("$ "):
                    steps.append((line[2:], []))
                elif steps:
                    steps[-1][1].append(line)
    return [step for step in steps if not step[0].startswith(("wargame play", "wargame serve"))]


def test_the_readme_steps_are_found():
    commands = [command for command, _ in readme_steps()]
    assert commands[0] == "wargame list"
    assert "write my-straits.yaml" in commands
    assert sum(c.startswith("wargame compare") for c in commands) == 2


@pytest.mark.slow
def test_the_readme_steps_run_in_order_and_print_what_it_shows(tmp_path, monkeypatch):
    """Every command of the tour and of the tweak section, in order in one folder: none
    fails or collides with an earlier one, and every line of output the README shows
    (bar `...` and the timing) is printed, in that order."""
    monkeypatch.chdir(tmp_path)
    for command, shown in readme_steps():
        if command.startswith("write "):
            Path(command.split()[1]).write_text("\n".join(shown) + "\n", encoding="utf-8")
            continue
        words = shlex.split(command, comments=True)
        target = None
        if ">" in words:
            words, target = words[: words.index(">")], words[words.index(">") + 1]
        result = CliRunner().invoke(main, words[1:])
        assert result.exit_code == 0, f"{command}\n{result.output}"
        if target:
            Path(target).write_text(result.stdout, encoding="utf-8")
        printed = [TIMING.sub("TIME", line) for line in click.unstyle(result.output).splitlines()]
        expected = [TIMING.sub("TIME", line) for line in shown if line != "..."]
        position = 0
        for line in expected:
            assert line in printed[position:], f"{command}: not printed (in order): {line!r}"
            position = printed.index(line, position) + 1


@pytest.mark.slow
def test_the_readme_sweep_prints_what_it_shows(tmp_path, monkeypatch):
    """The sweep of "Which assumptions lead to war?": every line the README shows of its
    output (bar `...`), the influence table and the box, is printed, in that order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"<!-- explore-example -->\n```bash\n(.*?)```\n\n```\n(.*?)```", text, re.S)
    command = shown.group(1).replace("\\\n", " ")
    expected = [line for line in shown.group(2).splitlines() if line != "..."]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, shlex.split(command)[1:])
    assert result.exit_code == 0, result.output
    printed = click.unstyle(result.output).splitlines()
    position = 0
    for line in expected:
        assert line in printed[position:], f"not printed (in order): {line!r}"
        position = printed.index(line, position) + 1
