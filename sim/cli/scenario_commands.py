"""`wargame validate`, `list`, `show` and `schema`: scenarios read, never run."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim.cli.errors import UserError
from sim.cli.files import write_text
from sim.cli.options import (
    out_file_option,
    overrides,
    scenario_path,
    scenario_path_option,
    set_option,
)
from sim.errors import ScenarioError
from sim.scenario import catalog

if TYPE_CHECKING:
    from sim.language.compiled import CompiledScenario

SCENARIO_SUFFIXES = (".yaml", ".yml")


@click.command(short_help="Check scenario files without running them.")
@click.argument("files", nargs=-1, required=True)
@set_option
@scenario_path_option
def validate(files: tuple[str, ...], assignments: tuple[str, ...]) -> None:
    """Check scenario FILES (or bundled names, or folders) without running them.

    Reports every problem found, each with file, line and column. A folder
    stands for the scenario files directly in it (*.yaml, *.yml), as the
    bundled scenarios are laid out: its subfolders hold bases that the
    scenarios `extends`, checked through them.

    \b
    Examples:
      wargame validate my-scenario.yaml
      wargame validate scenarios/*.yaml
      wargame validate scenarios
    """
    from sim.engine.budget import check_memory
    from sim.language.load import load_scenario

    fixed = overrides(assignments)
    failures = []
    files = tuple(file for reference in files for file in _scenario_files(reference))
    for reference in files:
        try:
            compiled = load_scenario(reference, fixed, scenario_path())
            check_memory(compiled)  # a scenario too large to run is not valid either
        except ScenarioError as error:
            failures.append(reference)
            click.echo(click.style("error: ", fg="red", bold=True) + error.format(), err=True)
            continue
        click.echo(f"ok  {reference}  ({_counts(compiled)})")
    if failures:
        raise UserError(
            f"{len(failures)} of {len(files)} scenario{'s' if len(files) > 1 else ''} "
            "failed to validate"
        )


def _scenario_files(reference: str) -> list[str]:
    """A folder's scenario files (directly in it, sorted); any other reference as given."""
    folder = Path(reference)
    try:
        is_folder = folder.is_dir()
    except OSError:  # a name the file system refuses: loading it says why
        is_folder = False
    if not is_folder:
        return [reference]
    found = sorted(
        str(path)
        for path in folder.iterdir()
        if path.suffix in SCENARIO_SUFFIXES and path.is_file() and not path.name.startswith(".")
    )
    if not found:
        raise UserError(
            f"{reference}: no scenario files (*.yaml, *.yml) directly in this folder; "
            "name the files, or the folder that holds them"
        )
    return found


def _counts(compiled: CompiledScenario) -> str:
    return (
        f"{len(compiled.actors)} actors, {len(compiled.rules)} rules, "
        f"{len(compiled.events)} events, {len(compiled.parameters)} parameters, "
        f"{len(compiled.outcomes)} outcomes"
    )


@click.command("list", short_help="List the bundled scenarios.")
def list_scenarios() -> None:
    """List the bundled scenarios and examples: name, title and the question each asks.

    \b
    Example:
      wargame list
    """
    entries, examples = catalog.bundled(), catalog.examples()
    if not entries and not examples:
        click.echo("no bundled scenarios found")
        return
    _list(entries)
    if examples:
        click.echo("\nExamples (models of other projects, translated into this language):")
        _list(examples)
    click.echo("\n`wargame show NAME` describes one in full; `wargame run NAME` plays it.")


def _list(entries: list[catalog.Entry]) -> None:
    width = max((len(e.name) for e in entries), default=0)
    for entry in entries:
        click.echo(f"{entry.name:<{width}}  {entry.title}")
        for line in textwrap.wrap(_question(entry.description), width=84):
            click.echo(f"{'':<{width}}  {line}")


def _question(description: str) -> str:
    """The question a scenario asks: its description's last sentence ending in '?', if any."""
    sentences = re.split(r"(?<=[.?!])\s+", description.strip())
    questions = [s for s in sentences if s.endswith("?")]
    return questions[-1] if questions else sentences[0]


@click.command(short_help="Describe a scenario in readable form.")
@click.argument("scenario")
@set_option
@scenario_path_option
def show(scenario: str, assignments: tuple[str, ...]) -> None:
    """Describe SCENARIO: ladder, parameters, state, actors, rules and outcomes.

    \b
    Examples:
      wargame show turkish-straits
      wargame show my-scenario.yaml --set misperception=0.5
    """
    from sim.cli.describe import describe
    from sim.language.load import load_scenario

    click.echo(describe(load_scenario(scenario, overrides(assignments), scenario_path())))


@click.command(short_help="Print the JSON Schema of scenario files.")
@out_file_option
def schema(out: Path | None) -> None:
    """Print the JSON Schema of scenario files, for editor autocompletion.

    \b
    Examples:
      wargame schema > scenario.schema.json
      (then start a scenario with: # yaml-language-server: $schema=scenario.schema.json)
    """
    from sim.scenario.schema import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        write_text(out, text)
        click.echo(f"wrote {out}", err=True)


COMMANDS = [validate, list_scenarios, show, schema]
