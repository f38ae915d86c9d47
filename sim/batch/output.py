"""Where a batch's results go: a folder on disk (streamed, resumable) or memory.

A results folder is written so that it never looks complete before it is:
`INCOMPLETE` is created first and removed last, each finished block is saved
under `blocks/` by atomic rename (what `--resume` starts from), and the
per-run table and the summary take in the blocks in block order as they
come, so that at the end only their last part is left to write.
"""

from __future__ import annotations

import contextlib
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

from sim.batch.summary import Summariser
from sim.engine import sampling
from sim.engine.streams import BLOCK_SIZE
from sim.errors import Problem, ScenarioError
from sim.results.folder import INCOMPLETE, RUNS, SCENARIO, SUMMARY, Results

if TYPE_CHECKING:
    from sim.batch.runner import BlockResult
    from sim.language.compiled import CompiledScenario

BLOCKS = "blocks"
ROW_GROUP_BLOCKS = 4  # blocks per Parquet row group (131,072 runs)
WAITING_BLOCKS = 4  # blocks held in memory while one before them is still running


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


class RunsWriter:
    """Streams the per-run table to a Parquet file, `ROW_GROUP_BLOCKS` blocks per row group.

    Only one row group's rows are held at a time. Row groups span several blocks
    because a Parquet writer keeps every row group's description (about 1 kB per
    column) in memory until the file is closed: one per block would make that
    grow with the number of runs.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: pq.ParquetWriter | None = None
        self.waiting: list[pa.Table] = []

    def add(self, table: pa.Table) -> None:
        """The rows of the next block."""
        if self.writer is None:
            self.writer = pq.ParquetWriter(
                self.path,
                table.schema,
                compression="zstd",
                use_dictionary=_text_columns(table.schema),
            )
        self.waiting.append(table.cast(self.writer.schema))
        if len(self.waiting) == ROW_GROUP_BLOCKS:
            self._flush()

    def _flush(self) -> None:
        if self.waiting:
            group = pa.concat_tables(self.waiting)
            self.writer.write_table(group, row_group_size=ROW_GROUP_BLOCKS * BLOCK_SIZE)
            self.waiting = []

    def close(self, finished: bool = True) -> None:
        """Write the last row group and close the file; unfinished, just let the file go."""
        if self.writer is not None:
            if finished:
                self._flush()
            self.writer.close()
            self.writer = None
        self.waiting = []

    def __enter__(self) -> RunsWriter:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.close(finished=kind is None)


class Sink(ABC):
    """Receives block results in any order and produces the batch's Results in block order."""

    @abstractmethod
    def has(self, block: int) -> bool: ...

    @abstractmethod
    def add(self, result: BlockResult) -> None: ...

    @abstractmethod
    def finish(self) -> Results: ...

    def close(self) -> None:  # noqa: B027 (most sinks hold nothing open)
        """Let go of what an unfinished batch holds open (nothing to do by default)."""


class MemorySink(Sink):
    """Keeps every block in memory; the per-run table is returned as a DataFrame."""

    def __init__(self, scenario: CompiledScenario, seed: int, runs: int, command: str) -> None:
        self.scenario = scenario
        self.seed = seed
        self.runs = runs
        self.command = command
        self.results: dict[int, BlockResult] = {}

    def has(self, block: int) -> bool:
        return block in self.results

    def add(self, result: BlockResult) -> None:
        self.results[result.block] = result

    def finish(self) -> Results:
        summariser = Summariser(self.scenario, self.seed, self.runs, self.command)
        tables = []
        for block in sorted(self.results):
            result = self.results[block]
            summariser.add(result)
            tables.append(block_table(self.scenario, result))
        table = pa.concat_tables(tables)
        return Results(summariser.summary(), runs=table.to_pandas())


class FolderSink(Sink):
    """Saves each block to `folder/blocks/` and writes the final files in block order.

    A block goes into `runs.parquet` and the summary as soon as every block
    before it has: blocks that finish early (several workers) wait in memory,
    at most `WAITING_BLOCKS` of them, the others only on disk. Memory holds a
    few blocks and a Parquet row group, however many runs the batch has.
    """

    def __init__(
        self, folder: Path, scenario: CompiledScenario, seed: int, runs: int, command: str
    ) -> None:
        self.folder = folder
        self.scenario = scenario
        self.seed = seed
        self.runs = runs
        self.command = command
        self.blocks = folder / BLOCKS
        self.created = False  # whether this batch created the folder (see `discard`)
        from sim.batch.runner import blocks_for

        self._order = [block for block, _ in blocks_for(runs)]
        self._next = 0  # position in `_order` of the next block to write
        self._waiting: dict[int, BlockResult] = {}  # finished early, kept in memory
        self._summariser = Summariser(scenario, seed, runs, command)
        self._writer = RunsWriter(folder / (RUNS + ".tmp"))  # opens the file at its first block

    def has(self, block: int) -> bool:
        # Once summary.json is written the blocks are no longer needed (and may be gone).
        return self._block_path(block).is_file() or (self.folder / SUMMARY).is_file()

    def add(self, result: BlockResult) -> None:
        """Save one block (under a temporary name, then renamed: atomic) and write what
        is now next in block order."""
        path = self._block_path(result.block)
        temporary = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            np.savez(handle, **_block_arrays(result))
        os.replace(temporary, path)
        if len(self._waiting) < WAITING_BLOCKS or result.block == self._next_block():
            self._waiting[result.block] = result
        self._write_ready()

    def finish(self) -> Results:
        if not (self.folder / SUMMARY).is_file():
            self._write_ready()
            if self._next < len(self._order):
                raise RuntimeError(f"block {self._next_block()} of the batch was never saved")
            self._writer.close()
            os.replace(self._writer.path, self.folder / RUNS)
            # summary.json last: once it exists, the folder's results are all written
            summary = self._summariser.summary()
            _write_text(self.folder / SUMMARY, json.dumps(summary, indent=2) + "\n")
        shutil.rmtree(self.blocks, ignore_errors=True)
        (self.folder / INCOMPLETE).unlink()
        summary = json.loads((self.folder / SUMMARY).read_text(encoding="utf-8"))
        return Results(summary, path=self.folder)

    def close(self) -> None:
        """Let go of the part-written table of a stopped batch (`--resume` rewrites it)."""
        self._writer.close(finished=False)
        self._waiting.clear()

    def _next_block(self) -> int | None:
        return self._order[self._next] if self._next < len(self._order) else None

    def _write_ready(self) -> None:
        """Write the blocks that come next in block order, from memory or from `blocks/`
        (where an earlier, interrupted process or a crowded memory left them)."""
        while (block := self._next_block()) is not None:
            result = self._waiting.pop(block, None)
            if result is None:
                if not self._block_path(block).is_file():
                    return
                result = self.load(block)
            self._summariser.add(result)
            self._writer.add(block_table(self.scenario, result))
            self._next += 1

    def load(self, block: int) -> BlockResult:
        """Read back a saved block (fully, so a damaged file fails here)."""
        from sim.batch.runner import BlockResult

        with np.load(self._block_path(block)) as saved:
            arrays = {name: saved[name] for name in saved.files}
        return BlockResult(
            block=int(arrays["block"]),
            runs=int(arrays["runs"]),
            outcome=arrays["outcome"],
            end_turn=arrays["end_turn"],
            peak_level=arrays["peak_level"],
            parameters={
                p.name: arrays[f"param.{p.name}"] for p in self.scenario.sampled_parameters
            },
            fired=arrays["fired"],
            level_counts=arrays["level_counts"],
        )

    def check_blocks(self) -> int:
        """Drop leftovers of an interrupted write and any block that does not read back
        as the block it claims to be; return how many were dropped (they are run again)."""
        from sim.batch.runner import blocks_for

        for leftover in self.blocks.glob("*.tmp"):
            leftover.unlink()
        expected = dict(blocks_for(self.runs))
        dropped = 0
        for path in sorted(self.blocks.glob("block-*.npz")):
            block = _block_number(path)
            try:
                result = self.load(block) if block in expected else None
            except Exception:  # any damage at all: the block is simply run again
                result = None
            if result is None or result.block != block or result.runs != expected[block]:
                path.unlink()
                dropped += 1
        return dropped

    def discard(self) -> None:
        """Undo a batch that never saved a block (its backend failed to start)."""
        self.close()
        shutil.rmtree(self.blocks, ignore_errors=True)
        for name in (SCENARIO, INCOMPLETE, RUNS + ".tmp"):
            (self.folder / name).unlink(missing_ok=True)
        if self.created:
            with contextlib.suppress(OSError):  # only if nothing else was put there
                self.folder.rmdir()

    def _block_path(self, block: int) -> Path:
        return self.blocks / f"block-{block:06d}.npz"


def _block_arrays(result: BlockResult) -> dict[str, np.ndarray]:
    return {
        "block": np.int64(result.block),
        "runs": np.int64(result.runs),
        "outcome": result.outcome,
        "end_turn": result.end_turn,
        "peak_level": result.peak_level,
        "fired": result.fired,
        "level_counts": result.level_counts,
        **{f"param.{k}": v for k, v in result.parameters.items()},
    }


def _text_columns(schema: pa.Schema) -> list[str]:
    """Columns worth a Parquet dictionary: text ones. Numbers come out smaller (and are
    written twice as fast) without one."""
    return [
        field.name
        for field in schema
        if pa.types.is_dictionary(field.type) or pa.types.is_string(field.type)
    ]


def _block_number(path: Path) -> int:
    try:
        return int(path.stem.removeprefix("block-"))
    except ValueError:
        return -1


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
        created = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True)
        record = {
            "scenario": scenario.id,
            "seed": seed,
            "runs": runs,
            "command": command,
            "block_size": BLOCK_SIZE,
            "overrides": scenario.overrides,
        }
        # the marker first: from here on the folder says it is unfinished
        _write_text(marker, json.dumps(record, indent=2) + "\n")
        _write_text(folder / SCENARIO, dump_scenario(scenario.data))
    (folder / BLOCKS).mkdir(exist_ok=True)
    sink = FolderSink(folder, scenario, seed, runs, command)
    if resume:
        sink.check_blocks()
    else:
        sink.created = created
    return sink


def _check_resumable(folder: Path, scenario: CompiledScenario, seed: int, runs: int) -> None:
    """Refuse to resume with anything other than what the batch was started with."""
    record = read_incomplete(folder)
    if record.get("block_size") != BLOCK_SIZE:
        raise ScenarioError(
            [Problem(f"{folder} was started with another block size; it cannot be resumed")]
        )
    hint = f"run `wargame run --resume {folder}` alone to finish it as it was started"
    started = (record.get("seed"), record.get("runs"))
    if started != (seed, runs):
        raise ScenarioError(
            [
                Problem(
                    f"{folder} was started with seed {started[0]} and {_number(started[1])} "
                    f"runs, not seed {seed} and {runs:,} runs; a batch resumes only as started",
                    hint=hint,
                )
            ]
        )
    if saved_scenario(folder) != scenario.data:
        raise ScenarioError(
            [
                Problem(
                    f"{folder} was started with another scenario (or other --set values) "
                    f"than {scenario.source or scenario.id}; a batch resumes only as started",
                    hint=hint,
                )
            ]
        )


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def saved_scenario(folder: Path) -> dict:
    """The scenario data an unfinished batch was started with (its scenario.yaml)."""
    try:
        return yaml.safe_load((folder / SCENARIO).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        raise ScenarioError(
            [
                Problem(
                    f"{folder} has no readable {SCENARIO}; the batch cannot be resumed",
                    hint="start it again in a new folder",
                )
            ]
        ) from None


def read_incomplete(folder: Path) -> dict:
    """The record of an unfinished batch: scenario id, seed, runs, command, overrides."""
    marker = folder / INCOMPLETE
    if not marker.is_file():
        why = "it is complete" if (folder / SUMMARY).is_file() else "it holds no unfinished batch"
        raise ScenarioError([Problem(f"{folder} cannot be resumed: {why}")])
    try:
        return json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise ScenarioError(
            [Problem(f"{marker} is damaged; the batch cannot be resumed", hint="start it again")]
        ) from None


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
