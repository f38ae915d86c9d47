"""The numbers behind random variates in expressions (`normal(0, sd)`): a stream per call
site, per turn and per evaluation within the turn.

A site's k-th evaluation on turn t reads the row of the stream named
`variate:<site>/turn:<t>/<k>`: a row of 53-bit floats, one per lane of the block,
whatever lanes are simulated. So a run draws the same values alone (trace, play) as
among others, a site's numbers do not depend on any other rule (common random numbers
between variants of a scenario), and a site evaluated only on some turns (an effect where
a rule fires) leaves every other turn's numbers as they were.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.engine.streams import Stream

HALF_STEP = 2.0**-54  # half the spacing of 53-bit floats: moves [0, 1) into (0, 1)


class SiteDraws:
    """Uniform rows for the variates' call sites of one block (a `Draws` of the language)."""

    def __init__(
        self,
        seed: int,
        block: int,
        lanes: np.ndarray | None,
        turn: Callable[[], int],
        prefix: str = "",
    ) -> None:
        self.seed, self.block, self.lanes = seed, block, lanes
        self.prefix = prefix  # a continuation's branch, before every stream name
        self.turn = turn  # the model's current turn (0 while the initial state is set)
        self._counted_turn = -1
        self._evaluations: dict[str, int] = {}  # site -> evaluations so far this turn

    def counts(self) -> tuple[int, dict[str, int]]:
        """The evaluations counted so far: (the turn they count, site -> evaluations)."""
        return self._counted_turn, dict(self._evaluations)

    def recount(self, counts: tuple[int, dict[str, int]]) -> None:
        """Take up the count where `counts` left it (a continuation of a turn in progress)."""
        self._counted_turn, self._evaluations = counts[0], dict(counts[1])

    def uniform(self, site: str) -> np.ndarray:
        """The site's next row: (lanes,) float64 strictly between 0 and 1."""
        turn = self.turn()
        if turn != self._counted_turn:
            self._counted_turn = turn
            self._evaluations.clear()
        k = self._evaluations.get(site, 0) + 1
        self._evaluations[site] = k
        name = f"{self.prefix}variate:{site}/turn:{turn}/{k}"
        stream = Stream(self.seed, self.block, name, self.lanes)
        return stream.fine_row() + HALF_STEP


class World(dict[str, np.ndarray]):
    """The state of a scenario with random variates: its variables, and the draws the
    variates read (the language finds them as the state's `draws`)."""

    def __init__(self, draws: SiteDraws) -> None:
        super().__init__()
        self.draws = draws

    def snapshot(self) -> World:
        """A copy of the state as it is now that draws from the same streams (the start of
        simultaneous moves, on which every actor's expressions are evaluated)."""
        copy = World(self.draws)
        copy.update(self)
        return copy
