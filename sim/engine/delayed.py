"""Timers of delayed effects: the turn each pending effect takes hold, per lane."""

from __future__ import annotations

import numpy as np

from sim.language.compiled import DelayedEffects


class Timers:
    """The due turn of every delayed effect in every lane (0: none pending)."""

    def __init__(self, delayed: int, lanes: int) -> None:
        self.due = np.zeros((delayed, lanes), dtype=np.int32)  # (delayed, lanes) due turn

    def start(self, delayed: tuple[DelayedEffects, ...], mask: np.ndarray, turn: int) -> None:
        """Start the timers where `mask` holds; one already pending keeps its due turn."""
        for item in delayed:
            timer = self.due[item.slot]  # (lanes,) int32
            self.due[item.slot] = np.where(mask & (timer == 0), turn + item.after, timer)

    def due_now(self, item: DelayedEffects, active: np.ndarray, turn: int) -> np.ndarray:
        """The active lanes where `item` is due this turn: (lanes,) bool."""
        due: np.ndarray = active & (self.due[item.slot] == turn)
        return due

    def stop(self, item: DelayedEffects, lanes: np.ndarray) -> None:
        """Stop the timers of `item` where `lanes` (lanes,) bool holds (it took hold there)."""
        self.due[item.slot][lanes] = 0
