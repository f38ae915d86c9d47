"""Running a batch: blocks of runs, backends, the incremental summary, and sinks.

Owns `run`: splitting a batch into fixed-size blocks, simulating them on a backend
(serial, worker processes or Dask; see `backends`), summarising them as they finish,
and filing them in memory or in a results folder that can be resumed.

May import: `sim.errors`, `sim.text`, `sim.scenario`, `sim.language`, `sim.engine`,
`sim.results`.
"""
