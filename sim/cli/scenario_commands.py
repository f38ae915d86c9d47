"""`wargame run`, `validate`, `list`, `show` and `schema`."""

from __future__ import annotations

import json
import os
import shlex
import time
from pathlib import Path

import click

from sim import catalog
from sim import schema as scenario_schema
from sim.cli.errors import UserError
from sim.cli.format import percent, table
from sim.compiler import CompiledScenario
from sim.errors import ScenarioError
from sim.loader import compile_data, load_scenario
from sim.output import new_folder, read_incomplete
from sim.results import SCENARIO, Results
from sim.runner import BACKENDS
from sim.runner import run as run_batch
from sim.source import parse_assignment

DEFAULT_RUNS = 10_000
DEFAULT_RESULTS = Path("results")


def _overrides(assignments: tuple[str, ...]) -> dict[str, object]:
    overrides: dict[str, object] = {}
    for text in assignments:
        name, value = parse_assignment(text)
        overrides[name] = value
    return overrides


set_option = click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help="Fix a parameter for this run, e.g. --set carrier_present=false (repeatable).",
)


@click.command()
@click.argument("scenario", required=False)
@click.option(
    "--runs",
    "-n",
    type=click.IntRange(1, 10**9),
    default=DEFAULT_RUNS,
    show_default=True,
    help="Number of runs.",
)
@click.option(
    "--seed",
    "-s",
    type=click.IntRange(0, 2**63 - 1),
    default=0,
    show_default=True,
    help="Seed of the batch.",
)
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(1, 512),
    default=1,
    show_default=True,
    help="Worker processes.",
)
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=None,
    help="serial, or processes (the default when --workers > 1).",
)
@set_option
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Results folder (default: a new one under ./results).",
)
@click.option(
    "--resume",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Finish an interrupted batch in this folder.",
)
@click.option("--no-plots", is_flag=True, help="Skip the charts and the HTML report.")
@click.option("--svg", is_flag=True, help="Also write the charts as SVG.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the results folder.")
def run(
    scenario: str | None,
    runs: int,
    seed: int,
    workers: int,
    backend: str | None,
    assignments: tuple[str, ...],
    out: Path | None,
    resume: Path | None,
    no_plots: bool,
    svg: bool,
    quiet: bool,
) -> None:
    """Play SCENARIO (a file or a bundled name) many times and report the outcomes.

    Results go to a new folder (never over earlier results): summary.json,
    runs.parquet, scenario.yaml as run, plots/ and report.html.

    \b
    Examples:
      wargame run turkish-straits
      wargame run airspace-straying --runs 100000 --seed 7 --workers 2
      wargame run turkish-straits --set carrier_present=false --out results/no-carrier
      wargame run --resume results/turkish-straits-seed0-100000
    """
    backend = backend or ("processes" if workers > 1 else "serial")
    if resume is not None:
        compiled, runs, seed, command = _resumed(resume, scenario, assignments)
        out = resume
    else:
        if scenario is None:
            raise click.UsageError("give a SCENARIO (a file or a bundled name; see `wargame list`)")
        compiled = load_scenario(scenario, _overrides(assignments))
        command = _command(scenario, runs, seed, assignments)
        out = out or new_folder(DEFAULT_RESULTS, f"{compiled.id}-seed{seed}-{runs}")
    if not quiet:
        click.echo(f"{compiled.id}: {compiled.spec.title}", err=True)
    started = time.perf_counter()
    results = run_batch(
        compiled,
        runs,
        seed,
        workers=workers,
        backend=backend,
        out=out,
        resume=resume is not None,
        progress=not quiet,
        command=command,
    )
    elapsed = time.perf_counter() - started
    charts = []
    if not no_plots:
        charts = _draw(out, svg)
    if quiet:
        click.echo(str(out))
        return
    click.echo(outcome_report(results, elapsed))
    files = "summary.json, runs.parquet, scenario.yaml"
    if charts:
        files += f", plots/ ({len(charts)} files), report.html"
    click.echo(f"\nresults: {out}/\n  {files}")


def _draw(folder: Path, svg: bool) -> list[Path]:
    from sim import plots, report

    formats = ("png", "svg") if svg else ("png",)
    charts = plots.write_plots(folder, formats)
    report.write_report(folder)
    return charts


def _resumed(folder: Path, scenario: str | None, assignments: tuple[str, ...]) -> tuple:
    if scenario is not None or assignments:
        raise click.UsageError(
            "--resume takes the scenario and settings saved in the folder; "
            "give no SCENARIO or --set"
        )
    record = read_incomplete(folder)
    import yaml

    data = yaml.safe_load((folder / SCENARIO).read_text(encoding="utf-8"))
    compiled = compile_data(data, record.get("overrides") or {})
    return compiled, record["runs"], record["seed"], record["command"]


def _command(scenario: str, runs: int, seed: int, assignments: tuple[str, ...]) -> str:
    parts = ["wargame", "run", scenario, "--runs", str(runs), "--seed", str(seed)]
    for assignment in assignments:
        parts += ["--set", assignment]
    return shlex.join(parts)


def outcome_report(results: Results, elapsed: float | None = None) -> str:
    """The outcome table a user reads after a batch."""
    summary = results.summary
    runs = summary["runs"]
    head = (
        f"{runs:,} runs, seed {summary['seed']}, "
        f"horizon {summary['horizon']} turns ({summary['turn_length']}s)"
    )
    if elapsed:
        head += f", {elapsed:.1f} s ({runs / elapsed:,.0f} runs/s)"
    if summary.get("overrides"):
        head += "\nset: " + ", ".join(f"{k}={v}" for k, v in summary["overrides"].items())
    rows = [
        [
            o["id"],
            percent(o["probability"]),
            f"{percent(o['ci95'][0])} - {percent(o['ci95'][1])}",
            f"{o['count']:,}",
        ]
        for o in summary["outcomes"]
    ]
    return (
        head
        + "\n\n"
        + table(["outcome", "probability", "95% interval", "runs"], rows, align="lrrr")
    )


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
    overrides = _overrides(assignments)
    failures = []
    for reference in files:
        try:
            compiled = load_scenario(reference, overrides)
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

    click.echo(describe(load_scenario(scenario, _overrides(assignments))))


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
    text = json.dumps(scenario_schema.json_schema(), indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


COMMANDS = [run, validate, list_scenarios, show, schema]
