"""`wargame run`: play a scenario many times, write the results folder, print the table."""

from __future__ import annotations

import shlex
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from sim.batch.backends import BACKENDS, BackendName
from sim.cli.analysis import check_target, draw, target_option
from sim.cli.errors import UserError
from sim.cli.interrupts import Interrupted, sigterm_as_interrupt
from sim.cli.observed import CHECKS_VIOLATED, checks_report, measures_report, rungs_report
from sim.cli.options import (
    overrides,
    runs_option,
    scenario_path,
    scenario_path_option,
    scenario_path_words,
    seed_option,
    set_option,
    set_words,
)
from sim.cli.precision import check_precision, precise, precision_note, precision_options
from sim.results.observations import violated
from sim.text import command_line, interval_digits, percent, table, yaml_value

if TYPE_CHECKING:
    from sim.batch.precision import Precise
    from sim.language.compiled import CompiledScenario
    from sim.results.folder import Results

DEFAULT_RESULTS = Path("results")
NO_PLOTS = "--no-plots"


@click.command(short_help="Play a scenario many times and report the outcomes.")
@click.argument("scenario", required=False)
@runs_option()
@seed_option()
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(1, 512),
    default=1,
    show_default=True,
    help="Worker processes (of the processes backend, or of a local Dask cluster).",
)
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=None,
    help="serial; processes (the default when --workers > 1); or dask "
    "(the default with --scheduler; needs the [dask] extra).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
    "(without it, --backend dask starts a local cluster of --workers processes).",
)
@set_option
@scenario_path_option
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
    help="Finish an interrupted batch in this folder (its scenario, seed and runs are saved).",
)
@click.option("--no-plots", is_flag=True, help="Skip the charts and the HTML report.")
@click.option("--svg", is_flag=True, help="Also write the charts as SVG.")
@target_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the results folder.")
@click.option(
    "--measures",
    "by_outcome",
    is_flag=True,
    help="Show the scenario's measures by outcome too (the overall table is always shown).",
)
@click.option(
    "--strict",
    is_flag=True,
    help=f"Exit with status {CHECKS_VIOLATED} if any run violated one of the scenario's checks "
    "(the results are written all the same).",
)
@precision_options
@click.pass_context
def run(
    ctx: click.Context,
    scenario: str | None,
    runs: int,
    seed: int,
    workers: int,
    backend: str | None,
    scheduler: str | None,
    assignments: tuple[str, ...],
    out: Path | None,
    resume: Path | None,
    no_plots: bool,
    svg: bool,
    target: str | None,
    quiet: bool,
    by_outcome: bool,
    strict: bool,
    precision: float | None,
    rel_precision: float | None,
    max_runs: int,
) -> None:
    """Play SCENARIO (a file or a bundled name) many times and report the outcomes.

    Results go to a new folder (never over earlier results): summary.json,
    runs.parquet, scenario.yaml as run, plots/ and report.html. Stopped midway
    (Ctrl-C, kill), the folder keeps its finished blocks and `--resume` completes
    it with exactly the results of an uninterrupted run (and, like the run it
    finishes, without charts if that run had --no-plots).

    \b
    Examples:
      wargame run turkish-straits
      wargame run airspace-straying --runs 100000 --seed 7 --workers 2
      wargame run turkish-straits --set carrier_present=false --out results/no-carrier
      wargame run turkish-straits --target article5-war
      wargame run turkish-straits --runs 1000000 --backend dask --workers 4
      wargame run turkish-straits --runs 10000000 --scheduler tcp://10.0.0.5:8786
      wargame run --resume results/turkish-straits-seed0-100000
      wargame run tests/fixtures/checks-and-measures.yaml --strict --measures
    """
    # long function: click hands over each of the 16 options and the docstring is the
    # command's help; the body itself is a short sequence of named steps.
    backend = _backend(backend, workers, scheduler)
    by_precision = check_precision(ctx, resume)
    if resume is not None:
        batch = _resumed(ctx, resume, scenario, assignments, out)
    elif by_precision:
        found = precise(ctx.params, backend)
        batch = _new(scenario, found.runs, seed, assignments, out, no_plots)
        batch = replace(batch, precise=found)
    else:
        batch = _new(scenario, runs, seed, assignments, out, no_plots)
    no_plots = no_plots or batch.no_plots
    check_target(target, [o.id for o in batch.compiled.outcomes], batch.compiled.id)
    if not quiet:
        _announce(batch, resumed=resume is not None)
    results, elapsed = _run_batch(
        batch,
        workers=workers,
        backend=backend,
        scheduler=scheduler,
        resume=resume is not None,
        progress=not quiet,
    )
    charts = [] if no_plots else draw(batch.out, svg, target)[0]
    broken = violated(results.summary)
    if quiet:
        click.echo(str(batch.out))
    else:
        _report(results, elapsed, batch.out, len(charts), by_outcome)
    if broken and strict:
        names = ", ".join(c["id"] for c in broken)
        click.echo(f"error: --strict: checks violated: {names}", err=True)
        ctx.exit(CHECKS_VIOLATED)


def _report(results: Results, elapsed: float, out: Path, charts: int, by_outcome: bool) -> None:
    """The outcome table, then the checks and measures, then what the folder holds."""
    click.echo(outcome_report(results, elapsed))
    summary = results.summary
    for part in rungs_report(summary), checks_report(summary), measures_report(summary, by_outcome):
        if part:
            click.echo("\n" + part)
    files = "summary.json, runs.parquet, scenario.yaml"
    if charts:
        files += f", plots/ ({charts} files), report.html"
    click.echo(f"\nresults: {out}/\n  {files}")


@dataclass(frozen=True)
class Batch:
    """What a batch is run with: the scenario, its size and seed, where it goes, and the
    command that starts it (saved in the folder, to reproduce it)."""

    compiled: CompiledScenario
    runs: int
    seed: int
    out: Path
    command: str
    precise: Precise | None = None  # the blocks --precision played to choose `runs`

    @property
    def no_plots(self) -> bool:
        """Whether the batch was started with --no-plots (kept by --resume)."""
        return NO_PLOTS in shlex.split(self.command)


def _new(
    scenario: str | None,
    runs: int,
    seed: int,
    assignments: tuple[str, ...],
    out: Path | None,
    no_plots: bool = False,
) -> Batch:
    """A new batch, in `out` or a new folder under ./results."""
    from sim.batch.folder import new_folder
    from sim.language.load import load_scenario

    if scenario is None:
        raise click.UsageError("give a SCENARIO (a file or a bundled name; see `wargame list`)")
    compiled = load_scenario(scenario, overrides(assignments), scenario_path())
    sets = set_words(assignments)
    sets = [*sets, *scenario_path_words()]
    charts = [NO_PLOTS] if no_plots else []
    command = command_line(
        "wargame", "run", scenario, "--runs", runs, "--seed", seed, *sets, *charts
    )
    out = out or new_folder(DEFAULT_RESULTS, f"{compiled.id}-seed{seed}-{runs}")
    return Batch(compiled, runs, seed, out, command)


def _run_batch(
    batch: Batch,
    *,
    workers: int,
    backend: BackendName,
    scheduler: str | None,
    resume: bool,
    progress: bool,
) -> tuple[Results, float]:
    """Run the batch and time it (seconds, imports excluded); an interruption or a failed
    backend becomes a message saying what is kept and how to finish it."""
    from sim.batch.backends import BackendError
    from sim.batch.runner import BatchInterrupted
    from sim.batch.runner import run as run_batch
    from sim.errors import PathError
    from sim.results.folder import INCOMPLETE

    try:
        with sigterm_as_interrupt():
            started = time.perf_counter() - (batch.precise.seconds if batch.precise else 0.0)
            results = run_batch(
                batch.compiled,
                batch.runs,
                batch.seed,
                workers=workers,
                backend=backend,
                scheduler=scheduler,
                out=batch.out,
                resume=resume,
                progress=progress,
                command=batch.command,
                simulated=batch.precise.blocks if batch.precise else (),
            )
            return results, time.perf_counter() - started
    except BatchInterrupted as stop:
        raise Interrupted(
            f"interrupted: {stop.done} of {stop.blocks} blocks are saved in {stop.folder}/ "
            f"(marked INCOMPLETE)\n  finish the batch with: {_resume_command(stop.folder)}"
        ) from None
    except (BackendError, PathError) as error:  # adds how to finish the blocks already saved
        message = error.format()
        if (batch.out / INCOMPLETE).is_file():
            message += (
                f"\n  the finished blocks are kept in {batch.out}/: finish the batch with: "
                f"{_resume_command(batch.out)}"
            )
        raise UserError(message) from None


def _announce(batch: Batch, resumed: bool) -> None:
    """The title line, and a note when a new batch replaces one that saved nothing."""
    from sim.batch.folder import nothing_saved
    from sim.results.folder import INCOMPLETE

    click.echo(f"{batch.compiled.id}: {batch.compiled.spec.title}{precision_note(batch.precise)}")
    if not resumed and (batch.out / INCOMPLETE).is_file() and nothing_saved(batch.out):
        click.echo(
            f"note: {batch.out}/ held a batch stopped before its first block; "
            "a new batch starts over in it",
            err=True,
        )


def _resume_command(folder: Path) -> str:
    return command_line("wargame", "run", "--resume", folder)


def _backend(backend: str | None, workers: int, scheduler: str | None) -> BackendName:
    if scheduler is not None:
        if backend not in (None, "dask"):
            raise click.UsageError(
                "--scheduler is the address of a Dask cluster: use --backend dask"
            )
        return "dask"
    # click's Choice has already checked the name against the registry
    return cast("BackendName", backend or ("processes" if workers > 1 else "serial"))


def _resumed(
    ctx: click.Context,
    folder: Path,
    scenario: str | None,
    assignments: tuple[str, ...],
    out: Path | None,
) -> Batch:
    """The interrupted batch in `folder`, as it was started.

    A SCENARIO, --set, --runs or --seed given with --resume must match the folder
    (checked when the folder is opened); by default everything comes from it.
    """
    from sim.batch.folder import read_incomplete, saved_scenario
    from sim.language.load import compile_data, load_scenario

    if out is not None and out != folder:
        raise click.UsageError("--resume finishes the batch in its own folder; drop --out")
    given = {
        name: ctx.params[name]
        for name in ("runs", "seed")
        if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
    }
    record = read_incomplete(folder)
    if scenario is not None:
        compiled = load_scenario(scenario, overrides(assignments), scenario_path())
    elif assignments:
        raise click.UsageError("--set with --resume needs the SCENARIO it was started with")
    else:
        compiled = compile_data(saved_scenario(folder), record.get("overrides") or {})
    runs = given.get("runs", record["runs"])
    seed = given.get("seed", record["seed"])
    return Batch(compiled, runs, seed, folder, record["command"])


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
        head += "\nset: " + ", ".join(
            f"{k}={yaml_value(v)}" for k, v in summary["overrides"].items()
        )
    rows = []
    for o in summary["outcomes"]:
        (low, high), probability = o["ci95"], o["probability"]
        digits = interval_digits(probability, low, high)
        shown = [percent(x, digits) for x in (probability, low, high)]
        rows.append([o["id"], shown[0], f"{shown[1]} - {shown[2]}", f"{o['count']:,}"])
    return (
        head
        + "\n\n"
        + table(["outcome", "probability", "95% interval", "runs"], rows, align="lrrr")
    )


COMMANDS = [run]
