"""The per-run table: a block's rows as Arrow, streamed to `runs.parquet` a row group at a time.

The columns are those declared in `sim.results.columns`; coded text columns
(outcome, peak level) become Arrow dictionaries of their labels.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.engine import sampling
from sim.engine.streams import BLOCK_SIZE
from sim.results.columns import (
    PER_RUN,
    RUN,
    fog_columns,
    measure_column,
    parameter_column,
    rung_columns,
    violated_column,
)

if TYPE_CHECKING:
    from sim.batch.blocks import BlockResult
    from sim.language.compiled import CompiledScenario

ROW_GROUP_BLOCKS = 4  # blocks per Parquet row group (131,072 runs)


def block_table(scenario: CompiledScenario, result: BlockResult) -> pa.Table:
    """One block's rows of the per-run table."""
    start = result.block * BLOCK_SIZE
    columns: dict[str, pa.Array] = {
        RUN: pa.array(np.arange(start, start + result.runs, dtype=np.int64))
    }
    for column in PER_RUN:
        codes = pa.array(getattr(result, column.name), pa.int16())
        if column.labels is not None:
            labels = pa.array(column.labels(scenario))
            codes = pa.DictionaryArray.from_arrays(codes, labels)
        columns[column.name] = codes
    rungs = pa.array(list(scenario.ladder))
    for name in rung_columns(scenario.positions.actors):
        codes = pa.array(result.rungs[name], pa.int16())
        columns[name] = pa.DictionaryArray.from_arrays(codes, rungs)
    for name in fog_columns(scenario):
        columns[name] = pa.array(getattr(result, name), pa.int32())
    for parameter in scenario.sampled_parameters:
        values = sampling.column(parameter, result.parameters[parameter.name])
        columns[parameter_column(parameter.name)] = pa.array(values)
    for name, counts in zip(scenario.fire_columns(), result.fired, strict=True):
        columns[name] = pa.array(counts, pa.int16())
    for check in scenario.checks:
        columns[violated_column(check.id)] = pa.array(result.violated[check.id], pa.bool_())
    for measure in scenario.measures:
        values = result.measures[measure.id]  # NaN (a `first` that never held) is written null
        mask = np.isnan(values) if values.dtype.kind == "f" else None
        columns[measure_column(measure.id)] = pa.array(values, mask=mask)
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
        if self.waiting and self.writer is not None:
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


def _text_columns(schema: pa.Schema) -> list[str]:
    """Columns worth a Parquet dictionary: text ones. Numbers come out smaller (and are
    written twice as fast) without one."""
    return [
        field.name
        for field in schema
        if pa.types.is_dictionary(field.type) or pa.types.is_string(field.type)
    ]
