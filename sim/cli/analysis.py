"""`wargame plot`, `compare` and `export`: charts, comparisons and tables of results folders."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim.cli.errors import UserError
from sim.cli.files import writing
from sim.cli.observed import measures_comparison
from sim.errors import did_you_mean
from sim.text import interval_digits, percent, table
from sim.views.formats import ChartFormat, chart_suffixes, is_chart_format

if TYPE_CHECKING:
    from sim.results.compare import Comparison
    from sim.results.folder import Results

WIDTH = 100  # columns of the verdict's paragraphs


def target_option(function: Callable) -> Callable:
    """--target OUTCOME: the outcome the parameter chart follows."""
    return click.option(
        "--target",
        metavar="OUTCOME",
        default=None,
        help="Outcome the parameter chart follows: the probability of it or worse "
        "(default: limited-clash, or the second least severe outcome).",
    )(function)


def check_target(target: str | None, outcomes: list[str], scenario: str) -> None:
    """Refuse a --target that is not an outcome of the scenario, with the closest one."""
    if target is None or target in outcomes:
        return
    hint = did_you_mean(target, outcomes) or "valid: " + ", ".join(outcomes)
    raise click.BadParameter(
        f"{scenario} has no outcome {target!r}; {hint}", param_hint="'--target'"
    )


@click.command(short_help="Redraw the charts and report of a results folder.")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--svg", is_flag=True, help="Also write the charts as SVG.")
@target_option
def plot(folder: Path, svg: bool, target: str | None) -> None:
    """Redraw the charts and report.html of a results FOLDER, without re-running it.

    Writes the same files as `wargame run`: FOLDER/plots/*.png (and *.svg with
    --svg) and FOLDER/report.html.

    \b
    Examples:
      wargame plot results/turkish-straits-seed1-100000
      wargame plot results/no-carrier --svg
      wargame plot results/no-carrier --target article5-war
    """
    from sim.results.folder import read_results

    results = read_results(folder)  # a missing or unfinished folder is a one-line error
    check_target(target, results.outcome_ids, results.scenario)
    charts, report = draw(folder, svg, target)
    for path in [*charts, report]:
        click.echo(str(path))


def draw(folder: Path, svg: bool, target: str | None = None) -> tuple[list[Path], Path]:
    """Draw the charts (PNG, and SVG with --svg) and the report into a results folder;
    return the charts' files and the report's. `target`: see --target."""
    from sim.views import plots, report

    formats: tuple[ChartFormat, ...] = ("png", "svg") if svg else ("png",)
    with writing(folder):
        return plots.write_plots(folder, formats, target), report.write_report(folder, target)


@click.command(short_help="Compare the outcomes of results folders, with a test.")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=f"Also draw the comparison as a chart ({chart_suffixes()}).",
)
def compare(folders: tuple[Path, ...], out: Path | None) -> None:
    """Compare the outcome distributions of two or more results FOLDERS.

    The first folder is the baseline: prints each folder's outcome
    probabilities side by side, each later folder's difference from the
    first with intervals, and whether the difference is statistically
    significant (chi-square test of homogeneity; per outcome, Fisher's exact
    test, Bonferroni-adjusted for the number of comparisons). Folders with
    the same seed and number of runs share their random numbers run for run
    and are compared as pairs: McNemar's exact test per outcome, a paired
    interval, and for two folders the Stuart-Maxwell test. The output names
    the tests used, and warns when paired scenarios differ in more than
    parameters.

    \b
    Examples:
      wargame compare results/turkish-straits-seed1-100000 results/no-carrier
      wargame compare results/base results/tweak-1 results/tweak-2 --out tweaks.png
    """
    if len(folders) < 2:
        raise UserError("give at least two results folders to compare")
    if out is not None and not is_chart_format(out.suffix.lstrip(".").lower()):
        raise UserError(f"--out {out}: give a file ending in {chart_suffixes()}")
    from sim.results.compare import compare_results
    from sim.results.folder import read_results

    batches = [read_results(folder) for folder in folders]
    comparison = compare_results(batches)
    names = [str(folder) for folder in folders]
    click.echo(comparison_report(comparison, batches, names))
    if out is not None:
        from sim.views.plots import save
        from sim.views.plots.comparison import comparison_chart

        figure = comparison_chart(batches, names, comparison).get_figure(root=True)
        with writing(out):
            click.echo(f"\nchart: {save(figure, out)}")


def comparison_report(comparison: Comparison, batches: list[Results], names: list[str]) -> str:
    """The comparison as a user reads it: who is who, the table, the differences, the verdict."""
    from sim.results.compare_measures import compare_measures
    from sim.views.plots.comparison import batch_letters
    from sim.views.plots.style import batch_line

    letters = batch_letters(len(batches))
    who = [
        [letter, name, f"{batch.scenario}, {batch_line(batch)}"]
        for letter, name, batch in zip(letters, names, batches, strict=True)
    ]
    lines = [table(["", "folder", "batch"], who), ""]
    lines += [_probabilities(comparison, letters), ""]
    lines += [_differences(comparison, letters), ""]
    lines += [
        textwrap.fill(line, WIDTH, break_on_hyphens=False)
        for line in _verdict(comparison, letters).splitlines()
    ]
    lines += [
        textwrap.fill(note, WIDTH, break_on_hyphens=False) for note in ["", *comparison.notes]
    ]
    measures = measures_comparison(compare_measures([b.summary for b in batches]), letters)
    if measures:
        lines += ["", measures]
    return "\n".join(lines)


def _probabilities(comparison: Comparison, letters: list[str]) -> str:
    low, high = comparison.intervals()
    rows = []
    for k, outcome in enumerate(comparison.outcomes):
        cells = []
        for i in range(len(letters)):
            shown = (comparison.probabilities[i, k], low[i, k], high[i, k])
            digits = interval_digits(*shown)
            cells.append(
                f"{percent(shown[0], digits)} ({' - '.join(percent(x, digits) for x in shown[1:])})"
            )
        rows.append([outcome, *cells])
    rows.append(["runs", *(f"{n:,}" for n in comparison.runs)])
    header = ["outcome", *(f"{letter}: probability (95% interval)" for letter in letters)]
    return table(header, rows, align="l" + "r" * len(letters))


def _differences(comparison: Comparison, letters: list[str]) -> str:
    confidence = 1 - comparison.alpha
    rows = []
    for d in comparison.differences:
        rows.append(
            [
                d.outcome,
                f"{letters[d.batch]} - {letters[0]}",
                _points(d.estimate),
                f"{_points(d.low)} to {_points(d.high)}",
                _p(d.p_adjusted),
                "significant" if d.significant else "",
            ]
        )
    tests = " and ".join(dict.fromkeys(d.test for d in comparison.differences))
    head = (
        f"Differences from {letters[0]}, in percentage points, with {confidence:.0%} intervals "
        f"and p-values of {tests}, adjusted for {comparison.comparisons} comparisons "
        "(Bonferroni):"
    )
    header = ["outcome", "batches", "difference", "interval", "p (adjusted)", "verdict"]
    return "\n".join(
        [*textwrap.wrap(head, WIDTH, break_on_hyphens=False), table(header, rows, align="llrrrl")]
    )


def _verdict(comparison: Comparison, letters: list[str]) -> str:
    test = (
        f"{comparison.test}: chi2 = {comparison.chi2:.2f}, "
        f"df = {comparison.dof}, p {_p(comparison.p_value, '=')}"
    )
    which = " and ".join(letters) if len(letters) == 2 else "these batches"
    if not comparison.significant:
        return (
            f"No significant difference: the outcome distributions of {which} are consistent "
            f"with chance at the {comparison.alpha:g} level ({test})."
        )
    changed = [
        f"{d.outcome} {_points(d.estimate)} ({letters[d.batch]} - {letters[0]})"
        for d in comparison.differences
        if d.significant
    ]
    verdict = (
        f"Significant difference: the outcome distributions of {which} differ at the "
        f"{comparison.alpha:g} level ({test})."
    )
    if changed:
        verdict += "\nOutcomes that changed significantly: " + ", ".join(changed) + "."
    else:
        verdict += "\nNo single outcome's change is significant once adjusted for the comparisons."
    return verdict


def _points(difference: float) -> str:
    value = difference * 100
    digits = 1 if abs(value) >= 1 else 2 if abs(value) >= 0.1 else 3
    return f"{value:+.{digits}f} pp"


def _p(p_value: float, equals: str = "") -> str:
    """A p-value as printed: `< 0.001`, or three decimals (after `equals`, if given)."""
    if p_value < 0.001:
        return "< 0.001"
    return f"{equals} {p_value:.3f}".lstrip()


@click.command(short_help="Write the per-run table of a results folder as CSV.")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=None,
    help="The CSV file to write, or - for standard output (default: FOLDER/runs.csv).",
)
def export(folder: Path, out: Path | None) -> None:
    """Write the per-run table of a results FOLDER (runs.parquet) as CSV, for spreadsheets.

    One row per run: run, outcome, end_turn, peak_level, each sampled
    parameter (param.NAME) and how often each rule fired (fired.RULE), as
    documented in docs/results-format.md. Outcomes and levels are written as
    their ids; the file is UTF-8 with a header row.

    \b
    Examples:
      wargame export results/turkish-straits-seed1-100000
      wargame export results/no-carrier --out no-carrier.csv
      wargame export results/no-carrier --out - | head
    """
    from sim.results.folder import read_results

    results = read_results(folder)
    table = results.runs
    if out is not None and str(out) == "-":
        click.echo(table.to_csv(index=False, lineterminator="\n"), nl=False)
        return
    target = out or folder / "runs.csv"
    with writing(target):
        table.to_csv(target, index=False, lineterminator="\n")
    click.echo(f"{target}: {len(table):,} runs, {len(table.columns)} columns")


COMMANDS = [plot, compare, export]
