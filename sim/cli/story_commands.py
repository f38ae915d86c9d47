"""`wargame trace`: the story of one run, found by its index or by what happened in it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import click

from sim.cli.errors import UserError
from sim.cli.files import write_text
from sim.cli.options import (
    out_file_option,
    overrides,
    runs_option,
    scenario_path,
    scenario_path_option,
    scenario_path_words,
    seed_option,
    set_option,
    set_words,
)
from sim.engine.streams import MAX_RUN
from sim.text import command_line, yaml_value

if TYPE_CHECKING:
    from sim.language.compiled import CompiledScenario

EXIT_NOT_FOUND = 1  # `trace --find` found no run, like grep
TraceFormat = Literal["text", "markdown"]


def _width() -> int:
    """Wrap to the terminal when printing to one (within reason), else to the standard width."""
    from sim.story.render.text import WIDTH

    if not sys.stdout.isatty():
        return WIDTH
    return max(60, min(shutil.get_terminal_size((WIDTH, 24)).columns - 1, 100))


def _command(name: str, scenario: str, seed: int, assignments: tuple[str, ...], *extra: str) -> str:
    """The command that tells (or plays) the same run again."""
    words = [*extra, *set_words(assignments), *scenario_path_words()]
    return command_line("wargame", name, scenario, "--seed", seed, *words)


# --- trace ---------------------------------------------------------------------------


@click.command(short_help="Tell one run turn by turn.")
@click.argument("scenario", required=False)
@seed_option("Seed of the batch the run belongs to.")
@click.option(
    "--run",
    "-r",
    "run_index",
    type=click.IntRange(0, MAX_RUN),
    default=None,
    help="The run to tell, 0-based, as numbered in runs.parquet.  [default: 0]",
)
@click.option(
    "--find",
    "wanted",
    metavar="OUTCOME_OR_CONDITION",
    default=None,
    help="Tell the first run that ended in this outcome, or whose final state meets this "
    "condition (the scenario's expression language).",
)
@click.option(
    "--count",
    "-k",
    type=click.IntRange(1, 100),
    default=1,
    show_default=True,
    help="With --find: how many matching runs to tell, in run order.",
)
@runs_option("With --find: search runs 0 to N-1 of the batch.")
@set_option
@scenario_path_option
@click.option(
    "--format",
    "-f",
    "style",
    type=click.Choice(get_args(TraceFormat)),
    default=None,
    help="text for the terminal, or markdown for an after-action report "
    "[default: markdown for an --out FILE ending in .md, else text].",
)
@out_file_option
@click.option(
    "--from",
    "swept",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    metavar="EXPLORE_DIR",
    help="Tell a run of an exploration's folder (with --point and --replicate) instead of "
    "SCENARIO's.",
)
@click.option(
    "--point", type=click.IntRange(0), default=None, help="With --from: the design point."
)
@click.option(
    "--replicate",
    type=click.IntRange(0, MAX_RUN),
    default=None,
    help="With --from: the replicate of the point (its run index).  [default: 0]",
)
@click.pass_context
def trace(
    ctx: click.Context,
    scenario: str | None,
    seed: int,
    run_index: int | None,
    wanted: str | None,
    count: int,
    runs: int,
    assignments: tuple[str, ...],
    style: TraceFormat | None,
    out: Path | None,
    swept: Path | None,
    point: int | None,
    replicate: int | None,
) -> None:
    """Tell one run of SCENARIO turn by turn: what fired, what it changed, how it ended.

    Run I is exactly run I of `wargame run SCENARIO --seed S` with the same
    --set: same outcome, same end turn. With --find, the runs 0 to N-1 of
    that batch are searched (a block of 32,768 at a time) for ones that ended
    in an outcome, or whose final state meets a condition (with `turn` the
    run's end turn), and the first K found are told; the exit status is 1 if
    none is found.

    \b
    Examples:
      wargame trace turkish-straits --seed 1 --run 20000
      wargame trace airspace-straying --find article5-war
      wargame trace airspace-straying --find "peak >= 'incident' and not settled" --count 3
      wargame trace turkish-straits --run 7 --format markdown --out run7.md

    With --from DIR --point P --replicate R, the run is replicate R of design
    point P of the `wargame explore` folder DIR: the point's values fixed as
    --set would, with the sweep's scenario and seed, so it is the row (P, R) of
    the sweep's runs.parquet; the point's values are printed on standard error.
    """
    # long function: click hands over each option and the docstring is the command's help;
    # the body is a short sequence of named steps.
    from sim.story.render.markdown import MarkdownRenderer
    from sim.story.render.text import WIDTH, TextRenderer
    from sim.story.replay import replay
    from sim.story.story import story_of

    _check_search_options(ctx, wanted, run_index)
    if swept is not None:
        scenario, compiled, seed, run_index = _from_sweep(ctx, swept, point, replicate)
    else:
        compiled = _scenario(scenario, assignments, point, replicate)
        scenario = scenario or compiled.id
    if style is None:
        style = "markdown" if out is not None and out.suffix.lower() == ".md" else "text"
    found = [run_index or 0] if wanted is None else _find(compiled, seed, runs, wanted, count)
    width = _width() if out is None else WIDTH
    renderer = MarkdownRenderer() if style == "markdown" else TextRenderer(width)
    texts = []
    for index in found:
        command = _command("trace", scenario, seed, assignments, "--run", str(index))
        if swept is not None:
            command = command_line(
                "wargame", "trace", "--from", swept, "--point", point, "--replicate", index
            )
        texts.append(renderer.story(story_of(replay(compiled, seed, index), index, command)))
    separator = "\n---\n\n" if style == "markdown" else "\n" + "=" * 40 + "\n\n"
    _write(separator.join(texts), out)


def _scenario(
    scenario: str | None, assignments: tuple[str, ...], point: int | None, replicate: int | None
) -> CompiledScenario:
    """The scenario to trace, with its --set values (without --from)."""
    from sim.language.load import load_scenario

    if scenario is None:
        raise click.UsageError("give a SCENARIO, or --from an exploration's folder")
    if point is not None or replicate is not None:
        raise click.UsageError("--point and --replicate go with --from EXPLORE_DIR")
    return load_scenario(scenario, overrides(assignments), scenario_path())


def _from_sweep(
    ctx: click.Context, folder: Path, point: int | None, replicate: int | None
) -> tuple[str, CompiledScenario, int, int]:
    """(scenario name, scenario with the point's values, seed, run index) of replicate
    `replicate` of design point `point` of the exploration in `folder`."""
    from sim.explore.folder import swept_point

    if point is None:
        raise click.UsageError("--from needs --point P (and --replicate R, 0 by default)")
    clashing = [
        option
        for option, name in (("--run", "run_index"), ("--find", "wanted"), ("--seed", "seed"))
        if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE
    ] + (["--set"] if ctx.params["assignments"] else [])
    if clashing:
        raise click.UsageError(
            f"--from takes the run, seed and settings from the folder: drop {clashing[0]}"
        )
    chosen = swept_point(folder, point)
    replicate = replicate or 0
    if replicate >= chosen.runs:
        raise UserError(
            f"point {point} of {folder} has replicates 0 to {chosen.runs - 1}, not {replicate}"
        )
    sets = ", ".join(f"{k}={yaml_value(v)}" for k, v in chosen.settings.items())
    click.echo(f"point {point} ({sets}), replicate {replicate}", err=True)
    return chosen.scenario.source or chosen.scenario.id, chosen.scenario, chosen.seed, replicate


def _check_search_options(ctx: click.Context, wanted: str | None, run_index: int | None) -> None:
    """--run and --find exclude each other; --count and --runs only mean something with --find."""
    if wanted is not None:
        if run_index is not None:
            raise click.UsageError("give either --run or --find, not both")
        return
    given = [
        f"--{name}"
        for name in ("count", "runs")
        if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE
    ]
    if given:
        verb = "goes" if len(given) == 1 else "go"
        raise click.UsageError(f"{' and '.join(given)} only {verb} with --find")


def _write(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    write_text(out, text)
    click.echo(f"wrote {out}", err=True)


def _find(compiled: CompiledScenario, seed: int, runs: int, wanted: str, count: int) -> list[int]:
    from tqdm import tqdm

    from sim.story.replay import TargetError, find_runs, target

    try:
        goal = target(compiled, wanted)
    except TargetError as error:  # the message names the option it came from
        raise UserError("--find: " + error.format()) from None
    span = f"runs 0-{runs - 1:,}" if runs > 1 else "run 0"
    # a progress bar on a terminal only (tqdm's disable=None), as `wargame run` shows
    with tqdm(
        total=runs, unit="run", unit_scale=True, disable=None, leave=False, file=sys.stderr
    ) as bar:
        found = find_runs(compiled, seed, runs, goal, count, lambda done: bar.update(done - bar.n))
    if not found:
        click.echo(
            f"No run among {span} of {compiled.id} with seed {seed} {goal.describe()}. "
            "Search more runs with --runs, or try another seed.",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_NOT_FOUND)
    listed = ", ".join(str(i) for i in found)
    if len(found) < count:
        click.echo(
            f"Only {len(found)} of the {count} runs asked for among {span} {goal.describe()}: "
            f"{listed}.",
            err=True,
        )
    else:
        noun = "run" if count == 1 else f"{count} runs"
        click.echo(f"The first {noun} that {goal.describe()}: {listed}.", err=True)
    return found


COMMANDS = [trace]
