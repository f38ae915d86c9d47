"""Exploration: many settings of a scenario's parameters, each played many times.

A design (`design.py`) places points in the space of the varied parameters
(`factors.py`); the points are packed into the lanes of blocks (`packing.py`)
so a sweep of N points x R replicates costs about one batch of N x R runs;
`sweep.py` runs it, in rounds when a precision chooses each point's runs
(`rounds.py`), and gathers one row per point (`result.py`); `folder.py` keeps
a sweep's finished pieces for `--resume` and replays a point of a finished one.
With the
sobol-indices and morris designs, `sensitivity/` also says which assumptions
matter for each outcome (Sobol' indices, Morris screening; SALib).
"""

from sim.explore.result import Exploration
from sim.explore.sweep import explore

__all__ = ["Exploration", "explore"]
