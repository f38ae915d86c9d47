"""A batch's results: the summary, the per-run table, and reading them back.

The layout of a results folder is documented in `docs/results-format.md`.
Writing happens in `sim.batch` (its sinks and folder modules); this module only
reads. `summary.json` is read into its typed model (`sim.results.summary_format`).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.errors import ResultsError
from sim.results.columns import categorise
from sim.results.summary_format import OutcomeRecord, Summary

SUMMARY = "summary.json"
RUNS = "runs.parquet"
SCENARIO = "scenario.yaml"
INCOMPLETE = "INCOMPLETE"
PLOTS = "plots"
REPORT = "report.html"


class Results:
    """The outcome of a batch: `summary_model` (typed), `summary` (the same as plain data,
    as in summary.json) and `runs` (one row per run).

    `runs` is read lazily from `runs.parquet` when the results live on disk;
    `outcome` and `peak_level` come back as ordered categoricals, least severe
    and lowest first.
    """

    def __init__(
        self, summary: Summary, runs: pd.DataFrame | None = None, path: Path | None = None
    ) -> None:
        if runs is None and path is None:
            raise ValueError("Results need a runs table or a folder to read it from")
        self.summary_model = summary
        self.path = path
        self._runs = runs

    @cached_property
    def summary(self) -> dict[str, Any]:
        """summary.json as plain data (what the charts, the report and `compare` read)."""
        return self.summary_model.as_dict()

    @cached_property
    def runs(self) -> pd.DataFrame:
        table = self._runs
        if table is None:
            table = pd.read_parquet(Path(str(self.path)) / RUNS)  # __init__ saw one of the two
        return categorise(table, self.summary_model)

    @property
    def scenario(self) -> str:
        return self.summary_model.scenario

    @property
    def outcome_ids(self) -> list[str]:
        """Outcome ids from least to most severe."""
        return [o.id for o in self.summary_model.outcomes]

    def probability(self, outcome: str) -> float:
        """Estimated probability of `outcome`."""
        return self._outcome(outcome).probability

    def interval(self, outcome: str) -> tuple[float, float]:
        """95% Wilson interval of `outcome`'s probability."""
        low, high = self._outcome(outcome).ci95
        return (low, high)

    def outcome_table(self) -> pd.DataFrame:
        """One row per outcome: count, probability and its 95% interval."""
        rows = [
            {
                "outcome": o.id,
                "label": o.label,
                "count": o.count,
                "probability": o.probability,
                "ci_low": o.ci95[0],
                "ci_high": o.ci95[1],
            }
            for o in self.summary_model.outcomes
        ]
        return pd.DataFrame(rows).set_index("outcome")

    def levels_by_turn(self) -> pd.DataFrame:
        """Runs at each ladder level (columns, lowest first) at the end of each turn (rows)."""
        table = self.summary_model.levels_by_turn
        frame = pd.DataFrame(table.counts, columns=table.levels)
        frame.index.name = "turn"
        return frame

    def _outcome(self, outcome: str) -> OutcomeRecord:
        for entry in self.summary_model.outcomes:
            if entry.id == outcome:
                return entry
        known = ", ".join(self.outcome_ids)
        raise KeyError(f"no outcome {outcome!r} in these results (outcomes: {known})")

    def __repr__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        runs, seed = self.summary_model.runs, self.summary_model.seed
        return f"<Results {self.scenario}: {runs} runs, seed {seed}{where}>"


def read_summary(folder: Path) -> Summary:
    """A folder's summary.json, checked: its format version, then its fields."""
    try:
        text = (folder / SUMMARY).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(f"{folder}: not a results folder (no {SUMMARY})") from None
    return Summary.from_json(text, str(folder / SUMMARY))


def read_scenario(folder: Path) -> dict[str, Any] | None:
    """The scenario a folder's batch ran (its `scenario.yaml`), or None if it is missing
    or unreadable."""
    try:
        data = yaml.safe_load((folder / SCENARIO).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def read_results(folder: str | Path) -> Results:
    """Read a complete results folder written by `wargame run`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such results folder")
    if (folder / INCOMPLETE).exists():
        raise ResultsError(
            f"{folder}: this batch did not finish; complete it with `wargame run --resume {folder}`"
        )
    summary = read_summary(folder)
    if not (folder / RUNS).is_file():
        raise ResultsError(f"{folder}: {RUNS} is missing")
    return Results(summary, path=folder)
