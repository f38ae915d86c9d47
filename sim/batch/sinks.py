"""Where a batch's block results go: memory, or a results folder on disk (streamed, resumable).

A results folder is written so that it never looks complete before it is:
`INCOMPLETE` is created first and removed last (see `sim.batch.folder`), each
finished block is saved under `blocks/` by atomic rename (what `--resume` starts
from), and the per-run table and the summary take in the blocks in block order
as they come, so that at the end only their last part is left to write.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from sim.batch import parquet
from sim.batch.blocks import BlockResult, blocks_for
from sim.batch.identity import digest, refused
from sim.batch.saved_blocks import BatchIdentity, block_arrays, read_block
from sim.batch.summary import Summariser
from sim.engine.streams import BLOCK_SIZE
from sim.errors import PathError
from sim.language.compiled import CompiledScenario
from sim.results.folder import INCOMPLETE, RUNS, SCENARIO, SUMMARY, Results, read_summary
from sim.text import command_line

BLOCKS = "blocks"
WAITING_BLOCKS = 4  # blocks held in memory while one before them is still running


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
            tables.append(parquet.block_table(self.scenario, result))
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
        self.identity = BatchIdentity(digest(scenario.data), seed, BLOCK_SIZE)
        self._runs_in = dict(blocks_for(runs))  # block -> runs in it
        self._order = [block for block, _ in blocks_for(runs)]
        self._next = 0  # position in `_order` of the next block to write
        self._waiting: dict[int, BlockResult] = {}  # finished early, kept in memory
        self._summariser = Summariser(scenario, seed, runs, command)
        # opens the file at its first block
        self._writer = parquet.RunsWriter(folder / (RUNS + ".tmp"))

    def has(self, block: int) -> bool:
        # Once summary.json is written the blocks are no longer needed (and may be gone).
        return self._block_path(block).is_file() or (self.folder / SUMMARY).is_file()

    def add(self, result: BlockResult) -> None:
        """Save one block (under a temporary name, then renamed: atomic) and write what
        is now next in block order. A batch of one block saves none: stopped before its
        block is done it has nothing to keep, and after, it is all but finished; `--resume`
        plays the block again, to the same bytes."""
        if len(self._order) > 1:
            self._save(result)
        if len(self._waiting) < WAITING_BLOCKS or result.block == self._next_block():
            self._waiting[result.block] = result
        self._write_ready()

    def _save(self, result: BlockResult) -> None:
        path = self._block_path(result.block)
        temporary = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
        with writing(self.folder):
            try:
                with temporary.open("wb") as handle:
                    np.savez(handle, **block_arrays(result, self.identity))
                os.replace(temporary, path)
            except OSError:  # no room, say: leave no partial file behind
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)
                raise

    def finish(self) -> Results:
        with writing(self.folder):
            if not (self.folder / SUMMARY).is_file():
                self._write_ready()
                if self._next < len(self._order):
                    raise RuntimeError(f"block {self._next_block()} of the batch was never saved")
                self._writer.close()
                os.replace(self._writer.path, self.folder / RUNS)
                # summary.json last: once it exists, the folder's results are all written
                write_text(self.folder / SUMMARY, self._summariser.summary().to_json())
            shutil.rmtree(self.blocks, ignore_errors=True)
            (self.folder / INCOMPLETE).unlink()
        return Results(read_summary(self.folder), path=self.folder)

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
            with writing(self.folder):
                self._writer.add(parquet.block_table(self.scenario, result))
            self._next += 1

    def load(self, block: int) -> BlockResult:
        """Read back a saved block, checked to be that block of this batch (see `saved_blocks`)."""
        path = self._block_path(block)
        return read_block(path, block, self._runs_in[block], self.scenario, self.identity)

    def check_blocks(self) -> int:
        """Drop leftovers of interrupted writes, then check every saved block before any is
        used: one of another batch, damaged or inconsistent is refused, never mixed in.
        Return how many blocks are saved."""
        with writing(self.folder):
            for leftover in self.blocks.glob("*.tmp"):
                leftover.unlink()
        saved = 0
        for path in sorted(self.blocks.iterdir()):
            block = _block_number(path)
            if block not in self._runs_in or path != self._block_path(block):
                raise refused(
                    f"{path} is not a block of this batch of {self.runs:,} runs "
                    "(it was put there by hand, or by another batch)",
                    hint="if it is not needed, delete it and resume again: "
                    + command_line("rm", path),
                )
            self.load(block)
            saved += 1
        return saved

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


def _block_number(path: Path) -> int:
    """The block a file under `blocks/` is named for, or -1 for a name no block has."""
    digits = path.name.removeprefix("block-").removesuffix(".npz")
    return int(digits) if digits.isdigit() and path.name.startswith("block-") else -1


@contextlib.contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Report a results folder that cannot be written (no room, no permission, a file or a
    dangling link in the way) as a PathError naming the file and the system's reason."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        path = error.filename if isinstance(error.filename, str | Path) else folder
        raise PathError(path, reason[:1].lower() + reason[1:]) from None


def write_text(path: Path, text: str) -> None:
    """Write a file whole or not at all: to a temporary name, then renamed."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
