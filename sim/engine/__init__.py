"""The engine: actors as Mesa agents, one model simulating a block of runs in lockstep.

Owns the Mesa model and agents, the random streams of the determinism contract and
the sampling of parameters. It never writes files, plots or prints.

May import: `sim.errors`, `sim.text`, `sim.scenario`, `sim.language`.
"""

from sim.engine.agents import Actor
from sim.engine.journal import Firing
from sim.engine.model import EscalationModel

__all__ = ["Actor", "EscalationModel", "Firing"]
