"""A batch's results: the summary, the per-run table, and reading them back.

The layout of a results folder is documented in `docs/results-format.md`.
Writing happens in `sim.batch.output`; this module only reads and summarises.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import pandas as pd

from sim.errors import ResultsError

SUMMARY = "summary.json"
RUNS = "runs.parquet"
SCENARIO = "scenario.yaml"
INCOMPLETE = "INCOMPLETE"
PLOTS = "plots"
REPORT = "report.html"


def wilson_interval(count: int, runs: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for `count` successes in `runs` trials."""
    from scipy.stats import binomtest  # scipy.stats takes a second to import: only when needed

    if runs == 0:
        return (0.0, 1.0)
    ci = binomtest(int(count), int(runs)).proportion_ci(confidence, method="wilson")
    return (float(ci.low), float(ci.high))


class Results:
    """The outcome of a batch: `summary` (a dict) and `runs` (one row per run).

    `runs` is read lazily from `runs.parquet` when the results live on disk;
    `outcome` and `peak_level` come back as ordered categoricals, least severe
    and lowest first.
    """

    def __init__(
        self, summary: dict, runs: pd.DataFrame | None = None, path: Path | None = None
    ) -> None:
        if runs is None and path is None:
            raise ValueError("Results need a runs table or a folder to read it from")
        self.summary = summary
        self.path = path
        self._runs = runs

    @cached_property
    def runs(self) -> pd.DataFrame:
        table = self._runs if self._runs is not None else pd.read_parquet(self.path / RUNS)
        return categorise(table, self.summary)

    @property
    def scenario(self) -> str:
        return self.summary["scenario"]

    @property
    def outcome_ids(self) -> list[str]:
        """Outcome ids from least to most severe."""
        return [o["id"] for o in self.summary["outcomes"]]

    def probability(self, outcome: str) -> float:
        """Estimated probability of `outcome`."""
        return self._outcome(outcome)["probability"]

    def interval(self, outcome: str) -> tuple[float, float]:
        """95% Wilson interval of `outcome`'s probability."""
        low, high = self._outcome(outcome)["ci95"]
        return (low, high)

    def outcome_table(self) -> pd.DataFrame:
        """One row per outcome: count, probability and its 95% interval."""
        rows = [
            {
                "outcome": o["id"],
                "label": o["label"],
                "count": o["count"],
                "probability": o["probability"],
                "ci_low": o["ci95"][0],
                "ci_high": o["ci95"][1],
            }
            for o in self.summary["outcomes"]
        ]
        return pd.DataFrame(rows).set_index("outcome")

    def levels_by_turn(self) -> pd.DataFrame:
        """Runs at each ladder level (columns, lowest first) at the end of each turn (rows)."""
        table = self.summary["levels_by_turn"]
        frame = pd.DataFrame(table["counts"], columns=table["levels"])
        frame.index.name = "turn"
        return frame

    def _outcome(self, outcome: str) -> dict:
        for entry in self.summary["outcomes"]:
            if entry["id"] == outcome:
                return entry
        known = ", ".join(self.outcome_ids)
        raise KeyError(f"no outcome {outcome!r} in these results (outcomes: {known})")

    def __repr__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        runs, seed = self.summary["runs"], self.summary["seed"]
        return f"<Results {self.scenario}: {runs} runs, seed {seed}{where}>"


def categorise(runs: pd.DataFrame, summary: dict) -> pd.DataFrame:
    """Make `outcome` and `peak_level` ordered categoricals (least severe / lowest first)."""
    runs = runs.copy()
    runs["outcome"] = pd.Categorical(
        runs["outcome"], categories=[o["id"] for o in summary["outcomes"]], ordered=True
    )
    runs["peak_level"] = pd.Categorical(
        runs["peak_level"], categories=[lv["id"] for lv in summary["ladder"]], ordered=True
    )
    return runs


def is_complete(folder: Path) -> bool:
    """A folder is complete once its summary is written and no INCOMPLETE marker is left."""
    return (folder / SUMMARY).is_file() and not (folder / INCOMPLETE).exists()


def read_results(folder: str | Path) -> Results:
    """Read a complete results folder written by `wargame run`."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such results folder")
    if (folder / INCOMPLETE).exists():
        raise ResultsError(
            f"{folder}: this batch did not finish; complete it with `wargame run --resume {folder}`"
        )
    try:
        summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{folder}: not a results folder (no {SUMMARY})") from None
    except json.JSONDecodeError as error:
        raise ResultsError(f"{folder / SUMMARY}: damaged ({error})") from None
    if not (folder / RUNS).is_file():
        raise ResultsError(f"{folder}: {RUNS} is missing")
    return Results(summary, path=folder)
