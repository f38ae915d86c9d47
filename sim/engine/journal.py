"""The journal: what each rule did on each turn, kept for traces and play (never for batches)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from sim.language.compiled import DelayedEffects, Observation, Rule

DecidedBy = Literal["rules", "player"]  # who decided a firing: the draw, or a person at play
Change = tuple[str, np.ndarray, np.ndarray]  # (variable key, (lanes,) before, (lanes,) after)


@dataclass
class Firing:
    """What one rule did on one turn, for the lanes where it fired (traces and play); also
    a delayed effect taking hold, or an observation's reading reaching a belief."""

    turn: int
    rule: Rule | None
    fired: np.ndarray  # (lanes,) bool
    option: np.ndarray | None = None  # (lanes,) int16, index of the chosen option
    votes: dict[str, np.ndarray] = field(default_factory=dict)  # member -> (lanes,) bool yes
    vote_held: np.ndarray | None = None  # (lanes,) bool: a vote was taken
    changes: list[Change] = field(default_factory=list)
    delayed: DelayedEffects | None = None  # set when this is a delayed effect taking hold
    decided_by: DecidedBy = "rules"
    # fog of war: where the rule's condition, chance or weights read a false belief
    misread: np.ndarray | None = None  # (lanes,) bool
    observation: Observation | None = None  # set when this is a reading reaching a belief
    taken: int = 0  # for a reading: the turn it was taken on
