"""Running a batch: blocks of runs, backends, the incremental summary, and sinks.

Owns `run` (`runner`): cutting a batch into fixed-size blocks (`blocks`),
simulating them on a backend (`backends`: serial, worker processes or Dask),
summarising them as they finish (`summary`), and filing them (`sinks`) in memory
or in a results folder (`folder`, with the per-run table in `parquet`) that can
be resumed.

May import: `sim.errors`, `sim.text`, `sim.scenario`, `sim.language`, `sim.engine`,
`sim.results`.
"""
