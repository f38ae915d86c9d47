"""`wargame explore`: a scenario played at many settings of its parameters."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim.cli.explore_resume import interruptible, precision_words, resumed, sweep_options
from sim.cli.options import overrides, seed_option, set_option, set_words
from sim.cli.sensitivity import sensitivity_lines
from sim.text import command_line, percent, table

if TYPE_CHECKING:
    from sim.explore.discovery import Discovery


@click.command(short_help="Sweep parameters over ranges and see where the target is likely.")
@click.argument("scenario", required=False)
@click.option(
    "--vary",
    "ranges",
    multiple=True,
    metavar="NAME=RANGE",
    help="A parameter and its range: 0.2:0.8, a list true,false or a,b, or beta(2,5).",
)
@click.option(
    "--design",
    type=click.Choice(["lhs", "sobol", "grid", "sobol-indices", "morris"]),
    default="lhs",
    show_default=True,
    help="How the points are placed: lhs, sobol (a Sobol' sequence) or grid; sobol-indices "
    "and morris also measure which assumptions matter (needs the sensitivity extra).",
)
@click.option(
    "--points",
    type=click.IntRange(1, 10**6),
    default=64,
    show_default=True,
    help="Design points (a grid rounds to whole levels).",
)
@click.option(
    "--runs-per-point",
    type=click.IntRange(1, 10**9),
    default=1000,
    show_default=True,
    help="Replicates per point; replicate r is run r of the seed's batch at every point.",
)
@click.option(
    "--target", default=None, help="An outcome, or 'OUTCOME or worse' (default: the most severe)."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder for points.parquet, summary.json, plots/ and report.html.",
)
@click.option(
    "--min-coverage",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="The box found must hold at least this share of the target's runs.",
)
@click.option("--runs-table", is_flag=True, help="Also write runs.parquet (one row per run).")
@click.option(
    "--workers",
    "-w",
    type=click.IntRange(1, 512),
    default=1,
    show_default=True,
    help="Processes to play the sweep's pieces on (the results are the same for any number).",
)
@set_option
@seed_option("Seed of the design and of the runs.")
@sweep_options
@click.pass_context
def explore(
    ctx: click.Context,
    scenario: str | None,
    ranges: tuple[str, ...],
    design: str,
    points: int,
    runs_per_point: int,
    target: str | None,
    out: Path | None,
    min_coverage: float,
    runs_table: bool,
    assignments: tuple[str, ...],
    seed: int,
    precision: float | None,
    rel_precision: float | None,
    max_runs_per_point: int,
    resume: Path | None,
    workers: int,
) -> None:
    """Play SCENARIO RUNS-PER-POINT times at each point of a design over the --vary ranges.

    With --precision or --rel-precision, each point plays rounds of
    RUNS-PER-POINT runs until its target's interval is that narrow. Stopped
    midway (Ctrl-C, kill), an --out folder keeps the finished pieces and
    `--resume DIR` completes it, byte for byte as if never stopped.

    \b
    Examples:
      wargame explore turkish-straits --vary carrier_present=true,false \\
        --vary russian_risk_acceptance=0.1:0.6 --points 32 --runs-per-point 2000
      wargame explore --resume results/sweep
    """
    # long function: a command's options and its printed answer
    from sim.explore import explore as sweep
    from sim.explore.factors import parse_vary
    from sim.language.load import load_scenario

    if resume is not None:
        arguments = resumed(ctx, resume)
        out = resume
    elif scenario is None or not ranges:
        raise click.UsageError("give a SCENARIO and at least one --vary NAME=RANGE")
    else:
        arguments = {
            "scenario": load_scenario(scenario, overrides(assignments)),
            "vary": dict(parse_vary(text) for text in ranges),
            **{k: v for k, v in ctx.params.items() if k in SETTINGS},
            "keep_runs": runs_table,
            "command": _command(
                scenario, ranges, design, points, runs_per_point, target, seed, assignments
            ),
        }
        if precision_words(ctx.params):
            arguments["command"] += " " + command_line(*precision_words(ctx.params))
        if min_coverage != 0.5:
            arguments["command"] += f" --min-coverage {min_coverage:g}"
    compiled = arguments.pop("scenario")
    vary = arguments.pop("vary")
    click.echo(f"{compiled.id}: {compiled.spec.title}", err=True)
    with interruptible(out):
        found = sweep(
            compiled,
            vary,
            **arguments,
            min_coverage=min_coverage,
            backend="processes" if workers > 1 else "serial",
            workers=workers,
            progress=True,
            out=out,
            resume=resume is not None,
        )
    overall = float(found.points["target"].mean())
    each = _runs_each(list(found.points["runs"]))
    click.echo(
        f"{len(found.points)} points x {each}; target {found.target}: "
        f"{percent(overall)} on average, {percent(found.points['target'].min())} "
        f"to {percent(found.points['target'].max())} across points"
    )
    rows = [[name, f"{found.influence[name]:.2f}"] for name in found.most_influential(len(vary))]
    click.echo(table(["parameter", "influence"], rows))
    if found.discovery is not None:
        click.echo(_box_lines(found.discovery))
    for line in sensitivity_lines(found, points):
        click.echo(line)
    if out is not None:
        from sim.views.exploration_report import write_exploration_views

        files = sorted(path for path in out.iterdir() if path.is_file())
        for path in [*files, *write_exploration_views(out)]:
            click.echo(f"wrote {path}")


def _box_lines(found: Discovery) -> str:
    """The box PRIM chose, as a sentence, and what each of its conditions is worth."""
    lines = [f"\nWhere {found.target} is most likely (coverage at least {found.min_coverage:.0%}):"]
    lines.append(f"  {found.sentence()}")
    if found.conditions:
        rows = [
            [
                condition,
                f"{percent(found.without[name].density)} of runs, covering "
                f"{percent(found.without[name].coverage)}",
            ]
            for name, condition in found.conditions.items()
        ]
        lines.append(table(["condition", "the box without it"], rows))
    return "\n".join(lines)


def _runs_each(runs: Sequence[int]) -> str:
    """`1000 runs`, or `1000 to 8000 runs` when a precision chose them per point."""
    least, most = min(runs), max(runs)
    return f"{least} runs" if least == most else f"{least} to {most} runs ({sum(runs):,} in all)"


def _command(
    scenario: str,
    ranges: tuple[str, ...],
    design: str,
    points: int,
    runs_per_point: int,
    target: str | None,
    seed: int,
    assignments: tuple[str, ...],
) -> str:
    """The command that makes the same sweep again (without its --out folder)."""
    words: list[object] = ["wargame", "explore", scenario]
    for text in ranges:
        words += ["--vary", text]
    words += ["--design", design, "--points", points, "--runs-per-point", runs_per_point]
    words += ["--target", target] if target else []
    return command_line(*words, "--seed", seed, *set_words(assignments))


# options passed to the sweep as they are
SETTINGS: tuple[str, ...] = ("design", "points", "runs_per_point", "target", "seed")
SETTINGS += ("precision", "rel_precision", "max_runs_per_point")

COMMANDS = [explore]
