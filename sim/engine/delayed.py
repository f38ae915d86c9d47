"""The queue of delayed effects: how many of each entry fall due on each coming turn, per lane.

Every firing schedules its own copy of its delayed entries, due `after` turns
later. The copies of one entry are identical, so the queue keeps a count per
due turn rather than a list: a ring of `after` rows per entry, row `turn %
after` holding, for every lane, how many copies fall due on that turn. A copy
scheduled on turn t is due on t + after, which maps to the very row that was
emptied at the start of turn t, so the ring never needs more than `after` rows.
"""

from __future__ import annotations

import numpy as np

from sim.language.compiled import DelayedEffects


class Queue:
    """Pending delayed effects: for each entry, (after, lanes) counts indexed by due turn."""

    def __init__(self, delayed: tuple[DelayedEffects, ...], lanes: int) -> None:
        self.rings = [np.zeros((item.after, lanes), dtype=np.int16) for item in delayed]

    def schedule(self, delayed: tuple[DelayedEffects, ...], mask: np.ndarray, turn: int) -> None:
        """One more copy of each entry where `mask` (lanes,) bool holds, due at turn + after."""
        for item in delayed:
            self.rings[item.slot][(turn + item.after) % item.after] += mask

    def due(self, item: DelayedEffects, turn: int) -> np.ndarray:
        """How many copies of `item` fall due this turn in each lane: (lanes,) int16 (a view)."""
        row: np.ndarray = self.rings[item.slot][turn % item.after]
        return row

    def clear(self, item: DelayedEffects, turn: int) -> None:
        """Empty this turn's row of `item` (its copies took hold, or their run has ended)."""
        self.rings[item.slot][turn % item.after] = 0
