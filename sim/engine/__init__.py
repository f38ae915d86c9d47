"""The engine: actors as Mesa agents, one model simulating a block of runs in lockstep."""

from sim.engine.agents import Actor
from sim.engine.model import EscalationModel, Firing

__all__ = ["Actor", "EscalationModel", "Firing"]
