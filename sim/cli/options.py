"""Options shared by several commands, defined once so they read the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from click.decorators import FC

from sim.engine.streams import MAX_RUN
from sim.scenario.overrides import parse_assignment

DEFAULT_RUNS = 10_000

set_option = click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=VALUE",
    help="Fix a parameter, e.g. --set carrier_present=false, or redraw it, e.g. "
    "--set turkey_alignment=beta(2,5) (repeatable).",
)


def seed_option(help: str = "Seed of the batch.") -> Callable[[FC], FC]:
    """`--seed/-s`: the batch's seed (run i depends only on the scenario, seed and i)."""
    return click.option(
        "--seed",
        "-s",
        type=click.IntRange(0, 2**63 - 1),
        default=0,
        show_default=True,
        help=help,
    )


def runs_option(
    help: str = "Number of runs.", default: int | None = DEFAULT_RUNS
) -> Callable[[FC], FC]:
    """`--runs/-n`: how many runs of the batch (`default` None: only if asked for)."""
    return click.option(
        "--runs",
        "-n",
        type=click.IntRange(1, 10**9),
        default=default,
        show_default=default is not None,
        help=help,
    )


json_file_option = click.option(
    "--json",
    "json_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the figures to FILE as JSON.",
)

out_file_option = click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to FILE instead of printing.",
)


def _keep_scenario_path(ctx: click.Context, _: click.Parameter, folders: tuple[Path, ...]) -> None:
    ctx.meta["scenario_path"] = folders


scenario_path_option = click.option(
    "--scenario-path",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    metavar="DIR",
    expose_value=False,
    callback=_keep_scenario_path,
    help="A folder `extends` may also read from, besides the scenario's own folder and the "
    "bundled scenarios (repeatable; also WARGAME_PATH, folders separated by ':').",
)


def scenario_path() -> tuple[Path, ...]:
    """The folders named with --scenario-path in the running command."""
    return tuple(click.get_current_context().meta.get("scenario_path", ()))


def scenario_path_words() -> list[str]:
    """--scenario-path options as words of a command line that repeats them."""
    return [word for folder in scenario_path() for word in ("--scenario-path", str(folder))]


def overrides(assignments: tuple[str, ...]) -> dict[str, object]:
    """`--set name=value` assignments as a mapping (later ones win)."""
    return dict(parse_assignment(text) for text in assignments)


def set_words(assignments: tuple[str, ...]) -> list[str]:
    """`--set` assignments as words of a command line that repeats them."""
    return [word for assignment in assignments for word in ("--set", assignment)]


game_run_option = click.option(
    "--run",
    "-r",
    "run_index",
    type=click.IntRange(0, MAX_RUN),
    default=0,
    show_default=True,
    help="The run of the batch to play: its chance events and parameter draws.",
)


def odds_option(help_text: str) -> Callable[[FC], FC]:
    """`--odds N`: continuations per answer for the odds from here of a game's decision."""
    return click.option(
        "--odds",
        "odds_runs",
        type=click.IntRange(0, 10**6),
        default=4096,
        show_default=True,
        help=help_text,
    )
