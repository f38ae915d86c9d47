"""`wargame exact`: a small scenario's outcome probabilities computed without sampling,
optionally beside a Monte Carlo batch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from sim.cli.exact_report import crosscheck_report, exact_report
from sim.cli.files import write_text
from sim.cli.options import json_file_option, overrides, runs_option, seed_option, set_option


@click.command(short_help="Compute a small scenario's outcome probabilities exactly.")
@click.argument("scenario")
@set_option
@click.option(
    "--max-states",
    type=click.IntRange(1, None),
    default=None,
    help="Stop when there are more distinct states than this "
    "(default: as many as fit in about 2 GB).",
)
@click.option(
    "--nodes",
    type=click.IntRange(2, 64),
    default=None,
    help="Gauss-Legendre nodes per continuous parameter (default 8); the answer with "
    "half as many is the error estimate.",
)
@json_file_option
@click.option(
    "--against",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="A results folder of the same scenario and --set: put its batch beside the figures.",
)
@runs_option("Run a Monte Carlo batch of N runs and put it beside the figures.", default=None)
@seed_option("Seed of the --runs batch.")
def exact(
    scenario: str,
    assignments: tuple[str, ...],
    max_states: int | None,
    nodes: int | None,
    json_file: Path | None,
    against: Path | None,
    runs: int | None,
    seed: int,
) -> None:
    """Compute the outcome distribution of SCENARIO exactly, without sampling.

    Every rule splits each state into where it fires and where it does not, and
    identical states are merged, so this suits small scenarios: a few rungs, a
    handful of variables. Continuous parameters are integrated by quadrature.
    With --against or --runs, a Monte Carlo batch is checked against the figures.

    \b
    Examples:
      wargame exact tests/fixtures/two-step.yaml
      wargame exact my-scenario.yaml --set restraint=0.6 --json exact.json
      wargame exact my-scenario.yaml --runs 1000000 --seed 1
      wargame exact my-scenario.yaml --against results/my-scenario-seed0-100000
    """
    from sim.exact_analysis import crosscheck
    from sim.exact_analysis.analysis import exact as analyse
    from sim.language.load import load_scenario

    if against is not None and runs is not None:
        raise click.UsageError("give --against DIR or --runs N, not both")
    compiled = load_scenario(scenario, overrides(assignments))
    click.echo(f"{compiled.id}: {compiled.spec.title}", err=True)
    result = analyse(compiled, nodes=nodes, max_states=max_states, progress=True)
    click.echo(exact_report(result, compiled.spec.turn_length))
    data: dict[str, Any] = result.as_dict()
    check = None
    if against is not None:
        check = crosscheck.against_folder(result, compiled, against)
    elif runs is not None:
        check = crosscheck.against_runs(result, compiled, runs, seed, progress=True)
    if check is not None:
        click.echo("\n" + crosscheck_report(check))
        data["crosscheck"] = {
            "source": check.source,
            "runs": check.runs,
            "outcomes": [vars(o) for o in check.outcomes],
            "chi_square": check.chi_square,
            "degrees_of_freedom": check.degrees,
            "p_value": check.p_value,
            "largest_abs_z": check.largest_z,
            "measures": [vars(f) for f in check.measures],
            "checks": [vars(f) for f in check.checks],
            "largest_abs_z_of_measures_and_checks": check.largest_figure_z,
            "agree": check.agree,
        }
    if json_file is not None:
        write_text(json_file, json.dumps(data, indent=2) + "\n")
        click.echo(f"\nfigures: {json_file}")


COMMANDS = [exact]
