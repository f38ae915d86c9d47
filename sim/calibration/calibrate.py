"""Running the incidents and scoring the model against what happened.

Per incident: the probability the model gave to the outcome that happened, to
each recorded measure's value, and its most probable outcome. Over all: the
mean Brier and log scores of the model and of two naive forecasts (`scoring`),
and the share of crises reaching war against the ICB base rates (`icb`).

A recorded measure's probability is the share of runs whose measure took the
recorded value: for true/false, equal to it; for a number, equal to it once
both are rounded to the nearest integer (the bundled measures count days, so
this is the value itself); for null (a `first` that never held), missing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

from sim.batch.runner import run
from sim.calibration import icb, scoring
from sim.calibration.incidents import Incident
from sim.results.intervals import wilson
from sim.scenario.history import RecordedValue


@dataclass(frozen=True)
class MeasureCheck:
    """One recorded measure: the value that happened and the model's probability of it."""

    id: str
    recorded: RecordedValue
    probability: float


@dataclass(frozen=True)
class IncidentScore:
    """What the model said of one incident, beside what happened."""

    id: str
    title: str
    date: str
    runs: int
    happened: str
    forecast: dict[str, float]  # outcome id -> the model's probability
    most_probable: str
    measures: list[MeasureCheck]
    scores: dict[str, dict[str, float]] = field(default_factory=dict)  # forecaster -> score

    @property
    def probability(self) -> float:
        return self.forecast.get(self.happened, 0.0)


@dataclass(frozen=True)
class WarShare:
    """A share of crises reaching full-scale war, with its 95% Wilson interval."""

    name: str
    crises: int
    wars: int

    @property
    def share(self) -> float:
        return self.wars / self.crises

    @property
    def interval(self) -> tuple[float, float]:
        low, high = wilson(float(self.wars), float(self.crises))
        return (float(low), float(high))


@dataclass(frozen=True)
class Calibration:
    """The whole check: every incident, the mean scores, the war shares."""

    incidents: list[IncidentScore]
    outcomes: list[str]  # least severe first
    mean_scores: dict[str, dict[str, float]]
    violence: dict[str, float]  # ICB violence level -> the model's share, incidents pooled
    war_shares: list[WarShare]  # the model's first, then ICB's rows

    def to_json(self) -> dict:
        data = asdict(self)
        for row, share in zip(data["war_shares"], self.war_shares, strict=True):
            row.update(share=share.share, interval=list(share.interval))
        return data


FORECASTERS = ("model", "nothing happens", "base rates (leave one out)")


def calibrate(incidents: Sequence[Incident], runs: int, seed: int) -> Calibration:
    """Run every incident `runs` times with `seed` and score the model against history."""
    tables = [run(i.scenario, runs=runs, seed=seed).runs for i in incidents]
    outcomes = _outcomes(tables)
    scored = [_score(i, t, outcomes) for i, t in zip(incidents, tables, strict=True)]
    happened = [s.happened for s in scored]
    for index, score in enumerate(scored):
        # The incident has happened: "nothing happens" is "nothing more happens", the least
        # severe outcome still open to it (the first the model's runs reach at all).
        least = next(k for k in outcomes if score.forecast[k] > 0)
        forecasts = {
            "model": score.forecast,
            "nothing happens": scoring.nothing_happens(outcomes, least),
            "base rates (leave one out)": scoring.leave_one_out_shares(happened, index, outcomes),
        }
        for name, forecast in forecasts.items():
            score.scores[name] = {
                "brier": scoring.brier(forecast, score.happened, outcomes),
                "log": scoring.log_score(forecast, score.happened),
            }
    means = {
        name: {
            kind: scoring.mean([s.scores[name][kind] for s in scored]) for kind in ("brier", "log")
        }
        for name in FORECASTERS
    }
    pooled = pd.concat([t["outcome"].astype(str) for t in tables], ignore_index=True)
    violence = pooled.map(icb.VIOLENCE_OF).fillna("unmapped").value_counts()
    shares = {level: float(violence.get(level, 0)) / len(pooled) for level in icb.VIOLENCE}
    model_row = WarShare(
        f"model, {len(incidents)} incidents pooled",
        len(pooled),
        int(violence.get("full-scale war", 0)),
    )
    icb_rows = [WarShare(r.name, r.crises, r.count("full-scale war")) for r in icb.ROWS]
    return Calibration(scored, outcomes, means, shares, [model_row, *icb_rows])


def _outcomes(tables: Sequence[pd.DataFrame]) -> list[str]:
    """Every incident's outcome ids, least severe first (the order of the first that has each)."""
    ordered: list[str] = []
    for table in tables:
        for outcome in table["outcome"].cat.categories:
            if outcome not in ordered:
                ordered.append(str(outcome))
    return ordered


def _score(incident: Incident, table: pd.DataFrame, outcomes: list[str]) -> IncidentScore:
    counts = table["outcome"].astype(str).value_counts()
    forecast = {k: float(counts.get(k, 0)) / len(table) for k in outcomes}
    most_probable = max(outcomes, key=lambda k: (forecast[k], -outcomes.index(k)))
    measures = [
        MeasureCheck(name, value, _share_equal(table[f"measure.{name}"], value))
        for name, value in incident.history.measures.items()
    ]
    return IncidentScore(
        id=incident.scenario.id,
        title=incident.scenario.spec.title,
        date=incident.history.date.isoformat(),
        runs=len(table),
        happened=incident.history.outcome,
        forecast=forecast,
        most_probable=most_probable,
        measures=measures,
    )


def _share_equal(column: pd.Series, value: RecordedValue) -> float:
    """The share of runs whose measure took `value` (see the module's docstring)."""
    if value is None:
        return float(column.isna().mean())
    if isinstance(value, bool):
        return float((column.astype(bool) == value).mean())
    numbers = pd.to_numeric(column, errors="coerce")
    return float((numbers.round() == math.floor(value + 0.5)).mean())
