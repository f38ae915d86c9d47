"""Where a batch's results go: a folder on disk (streamed, resumable) or memory.

A results folder is written so that it never looks complete before it is:
`INCOMPLETE` is created first and removed last, each finished block is saved
under `blocks/` by atomic rename, and `runs.parquet` and `summary.json` are
assembled from the blocks in block order at the end.
"""

from __future__ import annotations

import json
import os
import shutil
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from sim import sampling
from sim.errors import Problem, ScenarioError
from sim.results import INCOMPLETE, RUNS, SCENARIO, SUMMARY, Results
from sim.streams import BLOCK_SIZE
from sim.summary import Summariser

if TYPE_CHECKING:
    from sim.compiler import CompiledScenario
    from sim.runner import BlockResult

BLOCKS = "blocks"


def block_table(scenario: CompiledScenario, result: BlockResult) -> pa.Table:
    """One block's rows of the per-run table."""
    start = result.block * BLOCK_SIZE
    columns: dict[str, pa.Array] = {
        "run": pa.array(np.arange(start, start + result.runs, dtype=np.int64)),
        "outcome": pa.DictionaryArray.from_arrays(
            pa.array(result.outcome, pa.int16()), pa.array([o.id for o in scenario.outcomes])
        ),
        "end_turn": pa.array(result.end_turn, pa.int16()),
        "peak_level": pa.DictionaryArray.from_arrays(
            pa.array(result.peak_level, pa.int16()), pa.array(list(scenario.ladder))
        ),
    }
    for parameter in scenario.sampled_parameters:
        values = sampling.column(parameter, result.parameters[parameter.name])
        columns[f"param.{parameter.name}"] = pa.array(values)
    for name, counts in zip(scenario.fire_columns(), result.fired, strict=True):
        columns[name] = pa.array(counts, pa.int16())
    return pa.table(columns)


class Sink(ABC):
    """Receives block results (in block order) and produces the batch's Results."""

    @abstractmethod
    def has(self, block: int) -> bool: ...

    @abstractmethod
    def add(self, result: BlockResult) -> None: ...

    @abstractmethod
    def finish(self) -> Results: ...


class MemorySink(Sink):
    def __init__(self, scenario: CompiledScenario, seed: int, runs: int, command: str) -> None:
        self.scenario = scenario
        self.summariser = Summariser(scenario, seed, runs, command)
        self.tables: dict[int, pa.Table] = {}

    def has(self, block: int) -> bool:
        return block in self.tables

    def add(self, result: BlockResult) -> None:
        self.summariser.add(result)
        self.tables[result.block] = block_table(self.scenario, result)

    def finish(self) -> Results:
        table = pa.concat_tables([self.tables[b] for b in sorted(self.tables)])
        return Results(self.summariser.summary(), runs=table.to_pandas())


class FolderSink(Sink):
    """Streams blocks to `folder/blocks/`, then assembles the final files."""

    def __init__(
        self, folder: Path, scenario: CompiledScenario, seed: int, runs: int, command: str
    ) -> None:
        self.folder = folder
        self.scenario = scenario
        self.seed = seed
        self.runs = runs
        self.command = command
        self.blocks = folder / BLOCKS

    def has(self, block: int) -> bool:
        return self._block_path(block).is_file()

    def add(self, result: BlockResult) -> None:
        path = self._block_path(result.block)
        temporary = path.with_suffix(".tmp")
        with temporary.open("wb") as handle:
            np.savez(
                handle,
                block=result.block,
                runs=result.runs,
                outcome=result.outcome,
                end_turn=result.end_turn,
                peak_level=result.peak_level,
                fired=result.fired,
                level_counts=result.level_counts,
                **{f"param.{k}": v for k, v in result.parameters.items()},
            )
        os.replace(temporary, path)

    def finish(self) -> Results:
        from sim.runner import BlockResult, blocks_for

        summariser = Summariser(self.scenario, self.seed, self.runs, self.command)
        schema = None
        writer = None
        temporary = self.folder / (RUNS + ".tmp")
        try:
            for block, runs in blocks_for(self.runs):
                with np.load(self._block_path(block)) as saved:
                    result = BlockResult(
                        block=block,
                        runs=runs,
                        outcome=saved["outcome"],
                        end_turn=saved["end_turn"],
                        peak_level=saved["peak_level"],
                        parameters={
                            p.name: saved[f"param.{p.name}"]
                            for p in self.scenario.sampled_parameters
                        },
                        fired=saved["fired"],
                        level_counts=saved["level_counts"],
                    )
                summariser.add(result)
                table = block_table(self.scenario, result)
                if writer is None:
                    schema = table.schema
                    writer = pq.ParquetWriter(temporary, schema, compression="zstd")
                writer.write_table(table.cast(schema), row_group_size=BLOCK_SIZE)
        finally:
            if writer is not None:
                writer.close()
        os.replace(temporary, self.folder / RUNS)
        summary = summariser.summary()
        _write_text(self.folder / SUMMARY, json.dumps(summary, indent=2) + "\n")
        shutil.rmtree(self.blocks, ignore_errors=True)
        (self.folder / INCOMPLETE).unlink()
        return Results(summary, path=self.folder)

    def _block_path(self, block: int) -> Path:
        return self.blocks / f"block-{block:06d}.npz"


def open_folder(
    folder: Path,
    scenario: CompiledScenario,
    seed: int,
    runs: int,
    command: str,
    resume: bool = False,
) -> FolderSink:
    """Prepare a results folder: new and empty, or an interrupted batch to resume."""
    marker = folder / INCOMPLETE
    if resume:
        _check_resumable(folder, scenario, seed, runs)
    elif folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        if marker.exists():
            hint = f"it holds an unfinished batch: finish it with `wargame run --resume {folder}`"
        else:
            hint = "choose another --out, or leave it out to get a new folder"
        raise ScenarioError(
            [
                Problem(
                    f"{folder} already exists and is not empty; results are never overwritten",
                    hint=hint,
                )
            ]
        )
    else:
        folder.mkdir(parents=True, exist_ok=True)
        record = {
            "scenario": scenario.id,
            "seed": seed,
            "runs": runs,
            "command": command,
            "block_size": BLOCK_SIZE,
            "overrides": scenario.overrides,
        }
        _write_text(marker, json.dumps(record, indent=2) + "\n")
        _write_text(folder / SCENARIO, dump_scenario(scenario.data))
    (folder / BLOCKS).mkdir(exist_ok=True)
    return FolderSink(folder, scenario, seed, runs, command)


def _check_resumable(folder: Path, scenario: CompiledScenario, seed: int, runs: int) -> None:
    marker = folder / INCOMPLETE
    if not marker.is_file():
        raise ScenarioError([Problem(f"{folder} holds no unfinished batch to resume")])
    record = json.loads(marker.read_text(encoding="utf-8"))
    if record.get("block_size") != BLOCK_SIZE:
        raise ScenarioError(
            [Problem(f"{folder} was started with another block size; it cannot be resumed")]
        )
    if (record.get("seed"), record.get("runs")) != (seed, runs):
        raise ScenarioError(
            [
                Problem(
                    f"{folder} was started with seed {record.get('seed')} "
                    f"and {record.get('runs')} runs"
                )
            ]
        )
    saved = yaml.safe_load((folder / SCENARIO).read_text(encoding="utf-8"))
    if saved != scenario.data:
        raise ScenarioError([Problem(f"{folder} was started with a different scenario")])


def read_incomplete(folder: Path) -> dict:
    """The record of an unfinished batch: scenario id, seed, runs, command, overrides."""
    marker = folder / INCOMPLETE
    if not marker.is_file():
        raise ScenarioError([Problem(f"{folder} holds no unfinished batch to resume")])
    return json.loads(marker.read_text(encoding="utf-8"))


def dump_scenario(data: dict) -> str:
    """The scenario as run, as YAML that loads back to the same data."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _write_text(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def new_folder(base: Path, name: str) -> Path:
    """A folder under `base` named `name`, or `name-2`, `name-3`... never an existing one."""
    candidate = base / name
    counter = 2
    while candidate.exists():
        candidate = base / f"{name}-{counter}"
        counter += 1
    return candidate
