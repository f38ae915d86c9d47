"""The engine: actors as Mesa agents, one model simulating a block of runs in lockstep.

Owns the Mesa model and agents, the random streams of the determinism contract and
the sampling of parameters. It never writes files, plots or prints.

May import: `sim.errors`, `sim.text`, `sim.scenario`, `sim.language`.

The model and agents are imported on first use, so that what needs only the
engine's light parts (streams, sampling, the memory budget) does not wait for Mesa.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "Actor": "sim.engine.agents",
    "EscalationModel": "sim.engine.model",
    "Firing": "sim.engine.journal",
}

__all__ = ["Actor", "EscalationModel", "Firing"]

if TYPE_CHECKING:
    from sim.engine.agents import Actor
    from sim.engine.journal import Firing
    from sim.engine.model import EscalationModel


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim.engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
