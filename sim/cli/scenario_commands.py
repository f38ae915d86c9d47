"""`wargame validate`, `list`, `show` and `schema`: scenarios read, never run."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim import catalog
from sim.cli.errors import UserError
from sim.cli.options import overrides, set_option
from sim.errors import ScenarioError

if TYPE_CHECKING:
    from sim.compiler import CompiledScenario


@click.command()
@click.argument("files", nargs=-1, required=True)
@set_option
def validate(files: tuple[str, ...], assignments: tuple[str, ...]) -> None:
    """Check scenario FILES (or bundled names) without running them.

    Reports every problem found, each with file, line and column.

    \b
    Examples:
      wargame validate my-scenario.yaml
      wargame validate scenarios/*.yaml
    """
    from sim.loader import load_scenario

    fixed = overrides(assignments)
    failures = []
    for reference in files:
        try:
            compiled = load_scenario(reference, fixed)
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


def _counts(compiled: CompiledScenario) -> str:
    return (
        f"{len(compiled.actors)} actors, {len(compiled.rules)} rules, "
        f"{len(compiled.events)} events, {len(compiled.parameters)} parameters, "
        f"{len(compiled.outcomes)} outcomes"
    )


@click.command("list")
def list_scenarios() -> None:
    """List the bundled scenarios with a line on each.

    \b
    Example:
      wargame list
    """
    entries = catalog.bundled()
    if not entries:
        click.echo("no bundled scenarios found")
        return
    width = max(len(e.name) for e in entries)
    columns = max(os.get_terminal_size(0).columns if os.isatty(0) else 100, 60)
    for entry in entries:
        line = entry.title
        if entry.description:
            line += ": " + entry.description
        room = columns - width - 4
        if len(line) > room:
            line = line[: room - 3].rstrip() + "..."
        click.echo(f"{entry.name:<{width}}  {line}")


@click.command()
@click.argument("scenario")
@set_option
def show(scenario: str, assignments: tuple[str, ...]) -> None:
    """Describe SCENARIO: ladder, parameters, state, actors, rules and outcomes.

    \b
    Examples:
      wargame show turkish-straits
      wargame show my-scenario.yaml --set misperception=0.5
    """
    from sim.cli.describe import describe
    from sim.loader import load_scenario

    click.echo(describe(load_scenario(scenario, overrides(assignments))))


@click.command()
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to FILE instead of printing.",
)
def schema(out: Path | None) -> None:
    """Print the JSON Schema of scenario files, for editor autocompletion.

    \b
    Examples:
      wargame schema > scenario.schema.json
      (then start a scenario with: # yaml-language-server: $schema=scenario.schema.json)
    """
    from sim.schema import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


COMMANDS = [validate, list_scenarios, show, schema]
