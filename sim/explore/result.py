"""The result of a sweep: one row per design point, and the per-run table on request."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.explore.discovery import Discovery, save_discovery
from sim.explore.factors import Factor
from sim.explore.sensitivity import Sensitivity

SENSITIVITY = "sensitivity"  # sensitivity.parquet and sensitivity.csv


@dataclass
class Exploration:
    """A sweep's answer as tidy tables.

    `points`: one row per design point: `point`, each varied parameter, its
    `runs` (`replicates` each, unless a precision chose them per point), then for
    each outcome `p.<id>`, `p.<id>.low`, `p.<id>.high` (the 95% Wilson interval),
    the same for the target (`target`, `target.low`, `target.high`) and each
    measure's mean (`measure.<id>`). `runs` (if kept): one row per run with
    `point`, `replicate` (its run index), `outcome`, `end_turn`, `peak_level` and
    the measures. `influence`: per parameter, the share of the spread of the
    target probability across points that its value alone explains.
    `sensitivity` (designs sobol-indices and morris): the indices of every outcome,
    see `sim.explore.sensitivity.Sensitivity`.
    `discovery`: the box of assumptions where the target is most likely (PRIM,
    `sim.explore.discovery`); its tables are `boxes` and `box`.
    """

    scenario: str
    target: str
    design: str
    seed: int
    replicates: int
    factors: list[Factor]
    points: pd.DataFrame
    influence: dict[str, float]
    runs: pd.DataFrame | None = None
    command: str = ""
    # further figures for summary.json: the --set values, the precision asked
    extra: dict[str, object] = field(default_factory=dict)
    sensitivity: Sensitivity | None = None  # for the sobol-indices and morris designs
    target_label: str = ""  # the target in the scenario's words
    discovery: Discovery | None = None
    descriptions: dict[str, str] = field(default_factory=dict)  # parameter -> its description

    @property
    def boxes(self) -> pd.DataFrame:
        """The PRIM trajectory and the chosen box, one row per box (`Discovery.boxes`)."""
        return self.discovery.boxes() if self.discovery else pd.DataFrame()

    @property
    def box(self) -> pd.DataFrame:
        """The chosen box's conditions, one row per parameter (`Discovery.limits`)."""
        return self.discovery.limits() if self.discovery else pd.DataFrame()

    def most_influential(self, count: int = 2) -> list[str]:
        """The `count` parameters with the largest influence, largest first."""
        return sorted(self.influence, key=lambda n: -self.influence[n])[:count]

    def summary(self) -> dict[str, object]:
        """What `summary.json` holds."""
        return {
            "scenario": self.scenario,
            "command": self.command,
            "design": self.design,
            "seed": self.seed,
            "points": len(self.points),
            "replicates_per_point": self.replicates,
            "runs": int(self.points["runs"].sum()),
            "target": self.target,
            "target_label": self.target_label or self.target,
            "factors": [
                {
                    "name": f.name,
                    "kind": f.kind,
                    "range": f.describe(),
                    "description": self.descriptions.get(f.name, ""),
                }
                for f in self.factors
            ],
            "influence": {k: round(v, 6) for k, v in self.influence.items()},
            "target_overall": float(np.mean(self.points["target"])),
            "target_min": float(self.points["target"].min()),
            "target_max": float(self.points["target"].max()),
            **self.extra,
            **({"sensitivity": self.sensitivity.summary()} if self.sensitivity else {}),
        }

    def save(self, folder: Path) -> list[Path]:
        """Write `points.parquet`, `summary.json` and, if kept, `runs.parquet` into `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        written = [folder / "points.parquet", folder / "summary.json"]
        self.points.to_parquet(written[0], index=False)
        written[1].write_text(json.dumps(self.summary(), indent=2) + "\n", encoding="utf-8")
        if self.discovery is not None:
            written += save_discovery(self.discovery, folder)
        if self.runs is not None:
            written.append(folder / "runs.parquet")
            self.runs.to_parquet(written[-1], index=False)
        if self.sensitivity is not None:
            written += [folder / f"{SENSITIVITY}.parquet", folder / f"{SENSITIVITY}.csv"]
            self.sensitivity.indices.to_parquet(written[-2], index=False)
            self.sensitivity.indices.to_csv(written[-1], index=False)
        return written
