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
    """`--precision`, `--rel-precision` and `--max-runs`."""
    command = click.option(
        "--rel-precision",
        type=click.FloatRange(0, 1, min_open=True),
        default=None,
        metavar="SHARE",
        help="Add blocks until every outcome's 95% interval is within this share of its "
        "estimate (0.1: a 2% outcome to ±0.2 points); outcomes no run reached are left out. "
        "With --precision, an outcome is within when either allows it (their sum).",
    )(command)
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
        help="Add blocks of runs until every outcome's 95% interval is within this many "
        "(0.002 = 0.2 points) of its estimate; replaces --runs.",
    )(command)


def check_precision(ctx: click.Context, resume: object) -> bool:
    """Whether --precision or --rel-precision chooses the run count; neither can be given
    with --runs or --resume."""
    given = [
        f"--{name.replace('_', '-')}"
        for name in ("precision", "rel_precision")
        if ctx.params.get(name) is not None
    ]
    if not given:
        if ctx.get_parameter_source("max_runs") is not click.core.ParameterSource.DEFAULT:
            raise click.UsageError("--max-runs bounds --precision: give --precision too")
        return False
    if ctx.get_parameter_source("runs") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError(f"{given[0]} chooses the number of runs: drop --runs")
    if resume is not None:
        raise click.UsageError(
            f"--resume finishes a batch of the runs it saved: drop {given[0]} (it was "
            "turned into --runs when the batch started)"
        )
    return True


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
        params["precision"] or 0.0,
        params["max_runs"],
        chosen,
        wave,
        progress=not params["quiet"],
        relative=params["rel_precision"] or 0.0,
    )


def precision_note(found: Precise | None) -> str:
    """What --precision took, in words, on a line of its own: the runs, and the widest
    interval it left ("" without --precision)."""
    if found is None:
        return ""
    widest = f"widest: {found.widest} ±{found.half_width * 100:.2f} points"
    if found.relative:
        widest = f"closest to its limit: {found.widest} ±{found.half_width * 100:.3g} points"
    asked = " ".join(
        f"--{name} {value:g}"
        for name, value in (("precision", found.target), ("rel-precision", found.relative))
        if value
    )
    if found.reached:
        return (
            f"\n{asked}: {found.runs:,} runs put every outcome's 95% interval within "
            f"{_tolerance(found)} ({widest})"
        )
    return (
        f"\nwarning: {asked} not reached within --max-runs "
        f"{found.max_runs:,}: {found.runs:,} runs ({widest})"
    )


def _tolerance(found: Precise) -> str:
    """The half-width asked for, in words."""
    absolute = f"±{found.target * 100:.2g} points"
    relative = f"±{found.relative:.0%} of its estimate"
    if found.target and found.relative:
        return f"{absolute} plus {relative}"
    if found.relative:
        return relative + " (outcomes no run reached left out)"
    return absolute
