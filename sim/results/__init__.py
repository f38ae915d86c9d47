"""A results folder: its format, reading it back, intervals, comparing batches.

Owns the contract between a batch and everything that reads it: the folder's file
names, `summary.json` and the per-run table, the `Results` reader, Wilson intervals,
and the statistics of comparing two or more batches. The batch stage writes what is
defined here; views and the CLI read it.

May import: `sim.errors`, `sim.text`, `sim.scenario`, `sim.language`.
"""
