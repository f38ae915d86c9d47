"""`wargame calibrate`: the model scored against real incidents (see sim/calibration)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim.cli.files import write_text
from sim.cli.options import json_file_option, runs_option, seed_option
from sim.text import percent, table

if TYPE_CHECKING:
    from sim.calibration.calibrate import Calibration

DEFAULT_CALIBRATION_RUNS = 100_000


@click.command(short_help="Score the model against real incidents.")
@click.argument("incidents", nargs=-1, type=click.Path(path_type=Path))
@runs_option("Runs per incident.", default=DEFAULT_CALIBRATION_RUNS)
@seed_option("Seed of every incident's batch.")
@json_file_option
def calibrate(incidents: tuple[Path, ...], runs: int, seed: int, json_file: Path | None) -> None:
    """Run real incidents and score what the model said against what happened.

    INCIDENTS are scenario files with a `history:` block, or folders of them
    (default: the bundled scenarios/history/). For each: the probability the
    model gave to the outcome that happened and to each recorded measure, and
    its most probable outcome; over all, the Brier and log scores of the model
    and of naive forecasts, and the share of crises reaching war beside the
    International Crisis Behavior base rates.

    \b
    Examples:
      wargame calibrate
      wargame calibrate --runs 100000 --seed 1 --json calibration.json
      wargame calibrate my-incidents/ other-incident.yaml
    """
    from sim.calibration.calibrate import calibrate as score
    from sim.calibration.incidents import incident_files, load_incident

    loaded = [load_incident(path) for path in incident_files(list(incidents))]
    loaded.sort(key=lambda incident: incident.history.date)
    click.echo(f"{len(loaded)} incidents, {runs:,} runs each, seed {seed}", err=True)
    result = score(loaded, runs, seed)
    click.echo(report(result))
    if json_file is not None:
        write_text(json_file, json.dumps(result.to_json(), indent=2) + "\n")
        click.echo(f"\nfigures: {json_file}")


def report(result: Calibration) -> str:
    """The four tables: incidents, measures, scores, and war against ICB."""
    return "\n\n".join([_incidents(result), _measures(result), _scores(result), _war(result)])


def _incidents(result: Calibration) -> str:
    rows = [
        [
            s.id,
            s.date,
            s.happened,
            percent(s.probability),
            s.most_probable + (" (= history)" if s.most_probable == s.happened else ""),
            percent(s.forecast[s.most_probable]),
        ]
        for s in result.incidents
    ]
    header = ["incident", "date", "happened", "P(happened)", "model's most probable", "P"]
    return "outcomes:\n" + table(header, rows, "lllrlr")


def _measures(result: Calibration) -> str:
    rows = [
        [s.id, m.id, _recorded(m.recorded), percent(m.probability)]
        for s in result.incidents
        for m in s.measures
    ]
    if not rows:
        return "measures: none recorded"
    return "measures (P: the model's probability of the recorded value):\n" + table(
        ["incident", "measure", "recorded", "P"], rows, "lllr"
    )


def _recorded(value: object) -> str:
    if value is None:
        return "never"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _scores(result: Calibration) -> str:
    rows = [
        [name, f"{scores['brier']:.3f}", f"{scores['log']:.3f}"]
        for name, scores in result.mean_scores.items()
    ]
    return f"scores, mean over {len(result.incidents)} incidents (lower is better):\n" + table(
        ["forecast", "Brier", "log score (nats)"], rows, "lrr"
    )


def _war(result: Calibration) -> str:
    from sim.calibration import icb

    model = result.war_shares[0]
    rows = [
        [model.name, f"{model.crises:,}"]
        + [percent(result.violence[level], 1) for level in icb.VIOLENCE]
        + [_interval(model.interval)]
    ]
    for share, row in zip(result.war_shares[1:], icb.ROWS, strict=True):
        rows.append(
            [row.name, str(row.crises)]
            + [percent(s, 1) for s in row.shares]
            + [_interval(share.interval)]
        )
    header = ["crises", "n", *icb.VIOLENCE, "war, 95% interval"]
    mapping = "\n".join(f"    {k} -> {v}" for k, v in icb.VIOLENCE_OF.items())
    return (
        "highest violence, the model's runs against the ICB base rates:\n"
        + table(header, rows, "lrrrrrr")
        + "\n  the model's interval is its sampling noise only; outcomes read as ICB levels:\n"
        + mapping
    )


def _interval(bounds: tuple[float, float]) -> str:
    return f"{percent(bounds[0], 1)} - {percent(bounds[1], 1)}"


COMMANDS = [calibrate]
