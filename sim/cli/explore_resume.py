"""`wargame explore`'s per-point precision and `--resume`: the options, and a sweep's settings
read back from its folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from sim.cli.interrupts import Interrupted, sigterm_as_interrupt
from sim.cli.options import overrides
from sim.text import command_line

FC = TypeVar("FC", bound=Callable[..., object])
DEFAULT_MAX_RUNS_PER_POINT = 1_000_000
# the explore options a folder's record holds, by their name in click's parameters
RECORDED = {
    "ranges": "vary",
    "design": "design",
    "points": "points",
    "runs_per_point": "runs_per_point",
    "target": "target",
    "runs_table": "keep_runs",
    "precision": "precision",
    "rel_precision": "rel_precision",
    "max_runs_per_point": "max_runs_per_point",
    "seed": "seed",
}


def sweep_options(command: FC) -> FC:
    """`--precision`, `--rel-precision` and `--max-runs-per-point` per point, and `--resume`."""
    options = [
        click.option(
            "--resume",
            type=click.Path(path_type=Path, file_okay=False, exists=True),
            default=None,
            help="Finish an interrupted sweep in this folder (its scenario and settings are "
            "saved there).",
        ),
        click.option(
            "--max-runs-per-point",
            type=click.IntRange(1, 10**9),
            default=DEFAULT_MAX_RUNS_PER_POINT,
            show_default=True,
            help="With --precision or --rel-precision: the most runs at any one point.",
        ),
        click.option(
            "--rel-precision",
            type=click.FloatRange(0, 1, min_open=True),
            default=None,
            metavar="SHARE",
            help="Per point: add rounds of --runs-per-point runs until the target's 95% "
            "interval is within this share of its estimate (points where it never happened "
            "stop; add --precision to bound them).",
        ),
        click.option(
            "--precision",
            type=click.FloatRange(0, 0.5, min_open=True),
            default=None,
            metavar="HALF-WIDTH",
            help="Per point: add rounds of --runs-per-point runs until the target's 95% "
            "interval is within this many (0.01 = 1 point) of its estimate.",
        ),
    ]
    for option in options:
        command = option(command)
    return command


def resumed(ctx: click.Context, folder: Path) -> dict[str, Any]:
    """The arguments of `sim.explore` for the sweep saved in `folder`: its record's, with any
    option given on the command line in their place (a different one is refused when the
    folder is opened). `scenario` is the compiled scenario."""
    from sim.explore.folder import read_record
    from sim.language.load import compile_data, load_scenario

    if ctx.params["out"] is not None and ctx.params["out"] != folder:
        raise click.UsageError("--resume finishes the sweep in its own folder; drop --out")
    record = read_record(folder)
    settings = {**record["settings"], "seed": record["seed"]}
    for name, key in RECORDED.items():
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE:
            given = ctx.params[name]
            settings[key] = dict(_split(text) for text in given) if name == "ranges" else given
    if ctx.params["scenario"] is not None:
        scenario = load_scenario(ctx.params["scenario"], overrides(ctx.params["assignments"]))
    elif ctx.params["assignments"]:
        raise click.UsageError("--set with --resume needs the SCENARIO it was started with")
    else:
        scenario = compile_data(record["data"], record["overrides"])
    settings["max_runs_per_point"] = settings["max_runs_per_point"] or DEFAULT_MAX_RUNS_PER_POINT
    return {**settings, "scenario": scenario, "command": record["command"]}


def _split(text: str) -> tuple[str, str]:
    from sim.explore.factors import parse_vary

    return parse_vary(text)


@contextmanager
def interruptible(out: Path | None) -> Iterator[None]:
    """Ctrl-C or a TERM signal during a sweep into a folder: say what is kept and how to
    finish it (exit status 130)."""
    from sim.explore.folder import SweepInterrupted

    try:
        with sigterm_as_interrupt():
            yield
    except SweepInterrupted as stop:
        raise Interrupted(
            f"interrupted: {stop.saved} pieces of the sweep are saved in {stop.folder}/ "
            f"(marked INCOMPLETE)\n  finish the sweep with: "
            + command_line("wargame", "explore", "--resume", stop.folder)
        ) from None


def precision_words(params: Mapping[str, Any]) -> list[object]:
    """The per-point precision options as words of the command that repeats the sweep."""
    words: list[object] = []
    for name in ("precision", "rel_precision"):
        if params.get(name) is not None:
            words += [f"--{name.replace('_', '-')}", params[name]]
    if words and params.get("max_runs_per_point") != DEFAULT_MAX_RUNS_PER_POINT:
        words += ["--max-runs-per-point", params["max_runs_per_point"]]
    return words
