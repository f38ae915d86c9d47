"""An actor's beliefs: the observations that update them, with their errors and delays.

Each observation reads the true value of a hidden variable into the actor's belief
where its condition holds, wrong with the chance the scenario gives. Its errors
come from a stream of its own, `observe:<actor>/<variable>/<id>`, one row per
turn whether or not a lane observes, so changing one observation's accuracy
leaves every other stream as it was (common random numbers) and run i reads
the same numbers alone as among others. A reading with a delay waits in a ring
of `delay` rows, the row of its due turn (as delayed effects do, `delayed`).

The belief arrays themselves live in the model's state under `actor.belief.x`
(so that effects plant, share and reveal them like any variable); an actor's
`Beliefs` is what updates them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from sim.engine.chances import Chances, OutOfRange
from sim.engine.effects import clip, masked
from sim.engine.journal import Firing
from sim.engine.lanes import State, some
from sim.engine.streams import Stream
from sim.engine.variates import HALF_STEP
from sim.errors import SimulationError
from sim.language.compiled import Observation
from sim.language.types import Compiled, Env


@dataclass
class Reading:
    """The readings of one observation still on their way: (delay, lanes) values and flags,
    row `turn % delay` holding those due on that turn."""

    values: np.ndarray  # (delay, lanes) of the belief's dtype
    waiting: np.ndarray  # (delay, lanes) bool
    taken: np.ndarray  # (delay, lanes) int16: the turn each was taken on


class Beliefs:
    """The observations of one actor, their streams and their readings on the way."""

    def __init__(
        self,
        observations: tuple[Observation, ...],
        stream: Callable[[str], Stream],
        chances: Chances,
    ) -> None:
        """`stream(name)` opens the block's stream `name` (a continuation's own, if any)."""
        self.observations = observations
        self.chances = chances
        size = chances.size
        self.streams = [stream(o.stream) for o in observations]
        self.waiting = [
            Reading(
                np.zeros((o.delay, size), dtype=o.slot.dtype),
                np.zeros((o.delay, size), dtype=bool),
                np.zeros((o.delay, size), dtype=np.int16),
            )
            if o.delay
            else None
            for o in observations
        ]

    def observe(
        self, state: State, active: np.ndarray, turn: int, journal: list[Firing] | None
    ) -> None:
        """Each observation in order: the readings due today arrive, then a reading is
        taken where its condition holds (arriving at once, or `delay` turns later)."""
        for observation, stream, waiting in zip(
            self.observations, self.streams, self.waiting, strict=True
        ):
            if waiting is not None:
                self._arrive(observation, waiting, state, active, turn, journal)
            seen = active & _per_lane(observation.when.evaluate(state), active.size)
            if not some(seen):
                stream.skip(2 if observation.misreading == "noise" else 1)
                continue
            reading = self._read(observation, stream, state, seen, turn)
            if waiting is None:
                self._update(observation, state, seen, reading, turn, turn, journal)
            else:
                row = turn % observation.delay
                np.copyto(waiting.values[row], reading, where=seen, casting="unsafe")
                waiting.waiting[row] |= seen
                waiting.taken[row][seen] = turn

    def _arrive(
        self,
        observation: Observation,
        waiting: Reading,
        state: State,
        active: np.ndarray,
        turn: int,
        journal: list[Firing] | None,
    ) -> None:
        """The readings taken `delay` turns ago reach the belief (in runs still going)."""
        row = turn % observation.delay
        due = active & waiting.waiting[row]
        if some(due):
            taken = int(waiting.taken[row][np.flatnonzero(due)[0]])
            values = waiting.values[row].copy()
            self._update(observation, state, due, values, turn, taken, journal)
        waiting.waiting[row] = False

    def _update(
        self,
        observation: Observation,
        state: State,
        where: np.ndarray,
        reading: np.ndarray,
        turn: int,
        taken: int,
        journal: list[Firing] | None,
    ) -> None:
        """The belief takes the reading where `where` (lanes,) bool holds."""
        before = state[observation.belief]
        after = masked(before, where, reading, observation.slot.dtype)
        state[observation.belief] = after
        if journal is not None:
            journal.append(
                Firing(
                    turn,
                    None,
                    where,
                    changes=[(observation.belief, before, after)],
                    observation=observation,
                    taken=taken,
                )
            )

    def _read(
        self, observation: Observation, stream: Stream, state: State, seen: np.ndarray, turn: int
    ) -> np.ndarray:
        """The value read in every lane: (lanes,), the truth or, by the draw, a misreading."""
        truth = np.broadcast_to(state[observation.about], seen.shape)
        kind = observation.misreading
        if kind == "none":
            return truth
        if kind == "noise":
            assert observation.noise is not None
            sd = np.maximum(observation.noise.evaluate(state), 0.0)
            drawn = truth + sd * ndtri(stream.fine_row() + HALF_STEP)
            value = clip(drawn, observation.slot.low, observation.slot.high)
            if observation.slot.type.kind == "int":
                value = np.round(value)
            return np.asarray(value)
        if kind == "flip":
            assert observation.error is not None
            wrong = stream.below(self._chance(observation, observation.error, state, seen, turn))
            return np.asarray(truth ^ wrong)
        uniform = stream.uniform()
        if kind == "other":
            assert observation.error is not None
            chance = self._chance(observation, observation.error, state, seen, turn)
            return _other(truth, uniform, chance, len(observation.slot.type.values))
        return self._confused(observation, truth, uniform, state, seen, turn)

    def _confused(
        self,
        observation: Observation,
        truth: np.ndarray,
        uniform: np.ndarray,
        state: State,
        seen: np.ndarray,
        turn: int,
    ) -> np.ndarray:
        """A reading by the confusion matrix: reading j where the uniform falls in j's share
        of the true value's row (the truth where it falls beyond them all)."""
        values = len(observation.slot.type.values)
        reading = truth.astype(np.int16)
        lower = np.zeros(truth.shape)  # (lanes,) float64: the shares of readings before j
        for j in range(values):
            share = np.zeros(truth.shape)  # (lanes,) float64: the chance of reading j
            for t, row in enumerate(observation.confusion):
                entry = row[j]
                if entry is not None:
                    where = seen & (truth == t)
                    chance = self._chance(observation, entry, state, where, turn)
                    share = np.where(truth == t, chance, share)
            upper = lower + share
            reading = np.where((uniform >= lower) & (uniform < upper), j, reading)
            lower = upper
        if (seen & (lower > 1 + 1e-12)).any():
            lane = int(np.flatnonzero(seen & (lower > 1 + 1e-12))[0])
            raise self._error(observation, f"its misreadings add up to {lower[lane]:g}", turn)
        return reading.astype(np.int16)

    def _chance(
        self, observation: Observation, chance: Compiled, env: Env, where: np.ndarray, turn: int
    ) -> np.ndarray:
        """A chance of misreading, held to [0, 1] where `where` holds."""
        try:
            return np.asarray(self.chances.evaluate(chance, env, where))
        except OutOfRange as problem:
            what = f"the chance `{problem.source}` evaluated to {problem.value:g}"
            raise self._error(observation, what, turn) from None

    def _error(self, observation: Observation, what: str, turn: int) -> SimulationError:
        return SimulationError(
            f"observation {observation.id!r} of {observation.actor}'s belief about "
            f"`{observation.about}`: {what} on turn {turn}; it must be between 0 and 1"
        )


def _other(truth: np.ndarray, uniform: np.ndarray, chance: np.ndarray, values: int) -> np.ndarray:
    """With chance `chance` a reading among the other `values - 1` values, equally likely
    (the same uniform says whether and which); else the truth."""
    if values < 2:
        return truth
    wrong = uniform < chance
    with np.errstate(divide="ignore", invalid="ignore"):
        pick = np.floor(np.where(wrong, uniform / chance, 0.0) * (values - 1))
    pick = np.clip(pick, 0, values - 2).astype(np.int16)
    other = pick + (pick >= truth)
    return np.where(wrong, other, truth).astype(np.int16)


def _per_lane(value: object, size: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=bool), (size,))
