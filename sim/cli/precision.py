"""`wargame run --precision`: as many runs as the outcome table's precision needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sim.batch.backends import BackendName
from sim.cli.options import overrides, scenario_path

if TYPE_CHECKING:
    from sim.batch.precision import Precise

FC = TypeVar("FC", bound=Callable[..., object])
DEFAULT_MAX_RUNS = 10_000_000


def precision_options(command: FC) -> FC:
    """`--precision` and `--max-runs`."""
    command = click.option(
        "--max-runs",
        type=click.IntRange(1, 10**9),
        default=DEFAULT_MAX_RUNS,
        show_default=True,
        help="With --precision: the most runs to play, whether or not it is reached.",
    )(command)
    return click.option(
        "--precision",
        type=click.FloatRange(0, 0.5, min_open=True),
        default=None,
        metavar="HALF-WIDTH",
        help="Add blocks of runs until every outcome's 95%% interval is within this many "
        "(0.002 = 0.2 points) of its estimate; replaces --runs.",
    )(command)


def check_precision(ctx: click.Context, precision: float | None, resume: object) -> None:
    """--precision chooses the run count: it cannot be given with --runs or --resume."""
    if precision is None:
        if ctx.get_parameter_source("max_runs") is not click.core.ParameterSource.DEFAULT:
            raise click.UsageError("--max-runs bounds --precision: give --precision too")
        return
    if ctx.get_parameter_source("runs") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("--precision chooses the number of runs: drop --runs")
    if resume is not None:
        raise click.UsageError(
            "--resume finishes a batch of the runs it saved: drop --precision (it was "
            "turned into --runs when the batch started)"
        )


def precise(params: Mapping[str, Any], backend: BackendName) -> Precise:
    """The first blocks of the batch `wargame run` was given (its click `params`) that reach
    its --precision, or its --max-runs."""
    from sim.batch.backends import backend_for
    from sim.batch.precision import blocks_to_precision
    from sim.language.load import load_scenario

    if params["scenario"] is None:
        raise click.UsageError("give a SCENARIO (a file or a bundled name; see `wargame list`)")
    compiled = load_scenario(params["scenario"], overrides(params["assignments"]), scenario_path())
    chosen = backend_for(backend, params["workers"], params["scheduler"])
    wave = 1 if backend == "serial" else params["workers"]
    return blocks_to_precision(
        compiled,
        params["seed"],
        params["precision"],
        params["max_runs"],
        chosen,
        wave,
        progress=not params["quiet"],
    )


def precision_note(found: Precise | None) -> str:
    """What --precision took, in words, on a line of its own: the runs, and the widest
    interval it left ("" without --precision)."""
    if found is None:
        return ""
    widest = f"widest: {found.widest} ±{found.half_width * 100:.2f} points"
    if found.reached:
        return (
            f"\n--precision {found.target:g}: {found.runs:,} runs put every outcome's 95% "
            f"interval within ±{found.target * 100:.2g} points ({widest})"
        )
    return (
        f"\nwarning: --precision {found.target:g} not reached within --max-runs "
        f"{found.max_runs:,}: {found.runs:,} runs ({widest})"
    )
