"""An exploration folder while its sweep runs: the record, the finished pieces, `--resume`.

A new folder gets an `INCOMPLETE` marker first: the record of how the sweep was
started (the scenario as run and its `--set` values, the seed, the sweep's
settings: ranges, design, points, replicates, target, precision) sealed by a
digest. Each finished piece is saved under `pieces/` as a block is for `wargame
run --resume` (`sim.batch.saved_blocks`), with the record's digest as its
identity, so a piece of another sweep is refused, never mixed in. Resumed, the
sweep plays only the pieces not saved and ends with the same files, byte for
byte; a resume asked with other settings is refused, naming the one that
differs. The final files are written, then the pieces and the marker removed;
`scenario.yaml` among them, so `swept_point` can replay any point's runs.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.batch.blocks import BlockResult
from sim.batch.folder import dump_scenario
from sim.batch.identity import digest, refused
from sim.batch.saved_blocks import BatchIdentity, block_arrays, read_block
from sim.batch.sinks import write_text, writing
from sim.engine.streams import BLOCK_SIZE
from sim.errors import PathError, Problem, ResultsError, ScenarioError
from sim.explore.rounds import Pieces
from sim.language.compiled import CompiledScenario
from sim.results.folder import INCOMPLETE, SCENARIO, SUMMARY

if TYPE_CHECKING:
    from sim.explore.result import Exploration

PIECES = "pieces"
KIND = "exploration"
RECORD_KEYS = ("kind", "scenario", "seed", "settings", "command", "overrides", "data")
# settings as the command line names them, for messages
OPTION_NAMES = {
    "vary": "--vary",
    "design": "--design",
    "points": "--points",
    "runs_per_point": "--runs-per-point",
    "target": "--target",
    "keep_runs": "--runs-table",
    "precision": "--precision",
    "rel_precision": "--rel-precision",
    "max_runs_per_point": "--max-runs-per-point",
}


class SweepInterrupted(KeyboardInterrupt):
    """A sweep into a folder stopped by Ctrl-C: its finished pieces are kept for `--resume`."""

    def __init__(self, folder: Path, saved: int) -> None:
        super().__init__(f"{folder}: {saved} pieces saved")
        self.folder = folder
        self.saved = saved


def new_record(
    scenario: CompiledScenario, seed: int, settings: Mapping[str, Any], command: str
) -> dict[str, Any]:
    """The record of a sweep as `INCOMPLETE` holds it, sealed by its identity."""
    record: dict[str, Any] = {
        "kind": KIND,
        "scenario": scenario.id,
        "seed": seed,
        "settings": dict(settings),
        "command": command,
        "overrides": dict(scenario.overrides),
        "data": scenario.data,
    }
    record["identity"] = digest(record)
    return record


def read_record(folder: Path) -> dict[str, Any]:
    """The record of the unfinished sweep in `folder`, checked whole and unedited."""
    marker = folder / INCOMPLETE
    if not marker.is_file():
        why = "it is complete" if (folder / "points.parquet").is_file() else "it holds no sweep"
        raise ScenarioError([Problem(f"{folder} cannot be resumed: {why}")])
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        record = None
    if not isinstance(record, dict) or record.get("kind") != KIND:
        raise refused(f"{marker} is not the record of an exploration (damaged, or a batch's)")
    if any(key not in record for key in RECORD_KEYS) or record.get("identity") != digest(
        {key: record[key] for key in RECORD_KEYS}
    ):
        raise refused(f"{marker} was edited or damaged after the sweep started")
    return record


class SweepFolder(Pieces):
    """The pieces of a sweep saved in a folder as they finish, and the final files."""

    def __init__(self, folder: Path, scenario: CompiledScenario, record: dict[str, Any]) -> None:
        self.folder = folder
        self.scenario = (
            scenario  # the scenario the pieces were played with (varied parameters drawn per lane)
        )
        self.identity = BatchIdentity(record["identity"], int(record["seed"]), BLOCK_SIZE)
        self.pieces = folder / PIECES

    @classmethod
    def start(
        cls,
        folder: Path,
        scenario: CompiledScenario,
        swept: CompiledScenario,
        seed: int,
        settings: Mapping[str, Any],
        command: str,
    ) -> SweepFolder:
        """A new folder (refusing one that holds anything), marked unfinished."""
        _check_new(folder)
        record = new_record(scenario, seed, settings, command)
        with writing(folder):
            folder.mkdir(parents=True, exist_ok=True)
            write_text(folder / INCOMPLETE, json.dumps(record, indent=2) + "\n")
            (folder / PIECES).mkdir(exist_ok=True)
        return cls(folder, swept, record)

    @classmethod
    def resume(
        cls,
        folder: Path,
        scenario: CompiledScenario,
        swept: CompiledScenario,
        seed: int,
        settings: Mapping[str, Any],
    ) -> SweepFolder:
        """The unfinished sweep in `folder`, if it was started with exactly these settings."""
        record = read_record(folder)
        hint = f"run `wargame explore --resume {folder}` alone to finish it as it was started"
        started = {**record["settings"], "seed": record["seed"]}
        asked = json.loads(json.dumps({**settings, "seed": seed}))
        for name, value in asked.items():
            if started.get(name) != value:
                option = OPTION_NAMES.get(name, f"--{name}")
                raise ScenarioError(
                    [
                        Problem(
                            f"{folder} was started with {option} {_shown(started.get(name))}, "
                            f"not {_shown(value)}; a sweep resumes only as started",
                            hint=hint,
                        )
                    ]
                )
        if digest(scenario.data) != digest(record["data"]):
            raise ScenarioError(
                [
                    Problem(
                        f"{folder} was started with another scenario (or other --set values); "
                        "a sweep resumes only as started",
                        hint=hint,
                    )
                ]
            )
        return cls(folder, swept, record)

    def has(self, task: int) -> bool:
        return self._path(task).is_file()

    def load(self, task: int, lanes: int) -> BlockResult:
        return read_block(self._path(task), task, lanes, self.scenario, self.identity)

    def add(self, task: int, result: BlockResult) -> None:
        """Save a finished piece whole or not at all (a temporary name, then renamed)."""
        path = self._path(task)
        temporary = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        with writing(self.folder):
            with temporary.open("wb") as handle:
                np.savez(handle, **block_arrays(result, self.identity))
            os.replace(temporary, path)

    def saved(self) -> int:
        return sum(1 for path in self.pieces.glob("piece-*.npz"))

    def finish(self, found: Exploration, scenario: CompiledScenario) -> list[Path]:
        """Write the sweep's files, then let go of the pieces and the marker (last)."""
        with writing(self.folder):
            written = found.save(self.folder)
            write_text(self.folder / SCENARIO, dump_scenario(scenario.data))
            shutil.rmtree(self.pieces, ignore_errors=True)
            (self.folder / INCOMPLETE).unlink()
        return [*written, self.folder / SCENARIO]

    def _path(self, task: int) -> Path:
        return self.pieces / f"piece-{task:06d}.npz"


def _check_new(folder: Path) -> None:
    """Refuse a folder that holds anything: earlier results are never overwritten."""
    if folder.exists() and not folder.is_dir():
        raise PathError(folder, "it is a file, not a folder")
    if not folder.exists() or not any(folder.iterdir()):
        return
    if (folder / INCOMPLETE).is_file() and _nothing_saved(folder):
        return  # a sweep stopped before its first piece: starting over loses nothing
    hint = (
        f"it holds an unfinished sweep: finish it with `wargame explore --resume {folder}`"
        if (folder / INCOMPLETE).is_file()
        else "choose another --out"
    )
    raise ScenarioError(
        [
            Problem(
                f"{folder} already exists and is not empty; results are never overwritten",
                hint=hint,
            )
        ]
    )


def _nothing_saved(folder: Path) -> bool:
    """Whether an unfinished sweep's folder holds only its record and no finished piece."""
    pieces = folder / PIECES
    return not (pieces.is_dir() and any(pieces.glob("*.npz"))) and all(
        path.name in (INCOMPLETE, PIECES) or path.name.endswith(".tmp") for path in folder.iterdir()
    )


def _shown(value: object) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items()) or "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    return "none" if value is None else str(value)


@dataclass(frozen=True)
class SweptPoint:
    """One design point of a finished exploration, ready to replay: the scenario with the
    point's values fixed (as `--set` would), the seed, and the point's runs."""

    scenario: CompiledScenario
    seed: int
    settings: dict[str, object]  # varied parameter -> the point's value
    runs: int


def swept_point(folder: Path, point: int) -> SweptPoint:
    """Design point `point` of the exploration in `folder` (its `summary.json`,
    `points.parquet` and `scenario.yaml`); a ResultsError says what is missing."""
    import pandas as pd
    import yaml

    from sim.language.load import compile_data

    try:
        summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
        points = pd.read_parquet(folder / "points.parquet")
        names = [factor["name"] for factor in summary["factors"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ResultsError(f"{folder} is not a finished exploration ({_reason(error)})") from None
    if not 0 <= point < len(points):
        raise ResultsError(f"{folder} has points 0 to {len(points) - 1}, not {point}")
    row = points.iloc[point]
    settings = {name: _plain(row[name]) for name in names}
    runs = int(row["runs"]) if "runs" in points else int(summary["replicates_per_point"])
    path = folder / SCENARIO
    if not path.is_file():
        sets = " ".join(f"--set {k}={_shown(v)}" for k, v in settings.items())
        raise ResultsError(
            f"{path} is missing (an exploration written by an older version)\n  hint: tell the "
            f"same run with: wargame trace {summary.get('scenario')} --seed {summary.get('seed')} "
            f"{sets} --run REPLICATE"
        )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenario = compile_data(data, summary.get("overrides") or {}).with_overrides(settings)
    return SweptPoint(scenario, int(summary["seed"]), settings, runs)


def _plain(value: object) -> object:
    """A value read from a table as plain Python (a numpy bool as a bool)."""
    return value.item() if isinstance(value, np.generic) else value


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
