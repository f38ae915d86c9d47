"""Random streams: one per rule, event, vote ballot and parameter, per block.

Block *b* of a batch with seed *s* is seeded by `SeedSequence(s, spawn_key=(b,))`;
a stream named `rule:russia-probes` is its child keyed by a stable hash of the
name. Every stream hands out rows of `BLOCK_SIZE` numbers, one entry per
lane of the block, whether or not a lane needs it, so run *i* sees the same
numbers whatever else is simulated beside it. (A model of a few lanes jumps
over the numbers no lane of it uses, which leaves the others as they were.)

Rules and votes draw rows of 32-bit numbers: "fires with chance p" is
`number < p * 2**32`, exact to within 2**-32 (a bias far below the noise of
any batch), and each 64-bit output of the generator serves two lanes, which
halves the cost of the numbers, the largest single cost of a batch.
Parameters draw rows of 53-bit floats, one output per lane, because their
inverse CDFs need the resolution in the tails.
"""

from __future__ import annotations

import hashlib
import math
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from sim.language.types import Value

BLOCK_SIZE = 32768  # runs per block; part of the determinism contract: never change lightly
MAX_RUN = 10**12  # the highest run index accepted: far beyond any batch anyone will run
WORDS = BLOCK_SIZE // 2  # 64-bit outputs per row of 32-bit numbers (two lanes per output)
SCALE = 2.0**32  # a row of 32-bit numbers read as uniforms: number / SCALE is in [0, 1)
_LITTLE_ENDIAN = sys.byteorder == "little"


def stream_key(name: str) -> int:
    """A stable 64-bit key for a stream name (the same on every machine and Python)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def block_seed(seed: int, block: int) -> np.random.SeedSequence:
    """The seed sequence of block `block` of a batch seeded with `seed`."""
    return np.random.SeedSequence(seed, spawn_key=(block,))


class Stream:
    """Rows of uniform numbers for one named stream, restricted to the lanes simulated.

    `row()` draws the next row of 32-bit numbers and returns the entries of
    the simulated lanes; `skip()` moves past such a row without drawing it (no
    lane needs it), which leaves every later row exactly as if it had been
    drawn. `below(chance)` says where the next number falls below a chance and
    `uniform()` reads the next row as uniforms in [0, 1) (rules, options, votes);
    `fine_row()` draws a row of floats instead (for parameters).

    The generator is made at the first draw, and skips before it are owed and
    paid then in one jump: many rules never fire in a block, and their
    streams then cost next to nothing.
    """

    def __init__(self, seed: int, block: int, name: str, lanes: np.ndarray | None) -> None:
        self.name = name
        self.key = (seed, block, stream_key(name))
        self.lanes = lanes  # lane indices within the block; None means all of them
        # rows are drawn up to the last lane simulated, the rest skipped: a short last
        # block of a batch draws only what its runs use
        self._span = BLOCK_SIZE if lanes is None or not len(lanes) else int(lanes.max()) + 1
        self.size = BLOCK_SIZE if lanes is None else len(lanes)  # lanes simulated
        # the first lanes of the block, in order (a short last block): a slice, not a gather
        self._first = lanes is not None and self.size == self._span and _in_order(lanes)
        self._generator: np.random.Generator | None = None
        self._bits: np.random.PCG64 | None = None  # the generator's bits, which can jump
        self._owed = 0  # generator steps skipped and not yet taken
        # the last chance array compared and, from its second use, its 32-bit thresholds
        self._chance: np.ndarray | None = None
        self._thresholds: tuple[np.ndarray, np.ndarray | None] | None = None

    @property
    def generator(self) -> np.random.Generator:
        """The stream's generator, at the position of its next row."""
        bits = self.bits
        if self._generator is None:
            self._generator = np.random.Generator(bits)
        return self._generator

    @property
    def bits(self) -> np.random.PCG64:
        """The generator's bits (PCG64, which can jump ahead), at the position of its next row."""
        if self._bits is None:
            seed, block, key = self.key
            self._bits = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block, key)))
        if self._owed:
            self._bits.advance(self._owed)
            self._owed = 0
        return self._bits

    def row(self) -> np.ndarray:
        """The next row for the simulated lanes: (lanes,) uint32, uniform on 0 .. 2**32 - 1."""
        bits = self.bits
        if self.lanes is not None and len(self.lanes) == 1:
            # one lane (trace, play): jump to its word instead of drawing the whole row
            word, half = divmod(int(self.lanes[0]), 2)
            bits.advance(word)
            value = (int(bits.random_raw()) >> (32 * half)) & 0xFFFFFFFF
            self._owed = WORDS - word - 1
            return np.array([value], dtype=np.uint32)
        drawn = (self._span + 1) // 2
        words = bits.random_raw(drawn)
        self._owed = WORDS - drawn
        # lane 2k is the low half of word k on every machine, whatever its byte order
        numbers = words.view(np.uint32) if _LITTLE_ENDIAN else words.astype("<u8").view("<u4")
        return numbers if self.lanes is None else self._of_lanes(numbers)

    def uniform(self) -> np.ndarray:
        """The next row read as uniforms: (lanes,) float64 in [0, 1), a multiple of 2**-32."""
        return self.row() * (1.0 / SCALE)

    def below(self, chance: Value) -> np.ndarray:
        """Where the next number falls below `chance` (a scalar or (lanes,) float64):
        (lanes,) bool, True with probability `chance` in each lane.

        The row holds 32-bit numbers n, so a lane is below where n < chance * 2**32.
        A chance of 0 or 1 everywhere needs no numbers: the row is skipped, not drawn,
        and the answer is a shared read-only array (combine it, never write into it).
        """
        if not isinstance(chance, np.ndarray) or chance.ndim == 0:
            p = float(chance)
            if p >= 1 or p <= 0:
                self.skip()
                return _everywhere(self.size, p >= 1)
            # n < x for an integer n means n < ceil(x): an integer comparison, the cheapest
            return self.row() < math.ceil(p * SCALE)
        thresholds = self._thresholds_of(chance)
        if thresholds is None:
            return self.row() < chance * SCALE
        below, certain = thresholds
        fires = self.row() < below
        if certain is not None:
            fires |= certain
        return fires

    def _thresholds_of(self, chance: np.ndarray) -> tuple[np.ndarray, np.ndarray | None] | None:
        """(below, certain) if this very chance array was compared last time, else None
        (comparing the 32-bit numbers with floats is then cheaper than working these out).

        n < chance * 2**32 holds exactly where n < below (uint32), or where `certain`
        holds (chance 1, a threshold uint32 cannot hold). Most chance arrays are a
        parameter's values, drawn against turn after turn; arrays are never changed in
        place (effects replace them), so the same array has the same thresholds.
        """
        if chance is not self._chance:
            self._chance, self._thresholds = chance, None
            return None
        if self._thresholds is None:
            scaled = np.ceil(chance * SCALE)  # (lanes,) float64
            certain = scaled >= SCALE  # (lanes,) bool
            below = np.minimum(scaled, SCALE - 1).astype(np.uint32)  # (lanes,) uint32
            self._thresholds = (below, certain if certain.any() else None)
        return self._thresholds

    def skip(self, rows: int = 1) -> None:
        """Move past `rows` rows of 32-bit numbers (a row is `WORDS` steps of PCG64)."""
        self._owed += rows * WORDS

    def place(self) -> Place:
        """Where the stream stands: its generator's state (None before its first draw) and
        the steps owed, for `move_to` to put a stream of the same name back there."""
        state = None if self._bits is None else self._bits.state
        return Place(state, self._owed)

    def move_to(self, place: Place) -> None:
        """Stand where `place` says a stream of the same seed, block and name stood."""
        self._bits = None
        if place.state is not None:
            self._owed = 0
            self.bits.state = place.state
        self._generator = None
        self._owed = place.owed

    def fine_row(self) -> np.ndarray:
        """The next row as floats for the simulated lanes: (lanes,) float64 in [0, 1)."""
        generator = self.generator
        if self.lanes is not None and len(self.lanes) == 1:
            lane = int(self.lanes[0])
            self.bits.advance(lane)
            value = generator.random(1)
            self._owed = BLOCK_SIZE - lane - 1
            return value
        values = generator.random(self._span)
        self._owed = BLOCK_SIZE - self._span
        return values if self.lanes is None else self._of_lanes(values)

    def _of_lanes(self, row: np.ndarray) -> np.ndarray:
        """The entries of a drawn row for the simulated lanes."""
        return row[: self.size] if self._first else row[self.lanes]


def _in_order(lanes: np.ndarray) -> bool:
    """Whether `lanes` is 0, 1, ..., n - 1."""
    return bool(lanes[0] == 0 and (np.diff(lanes) == 1).all()) if len(lanes) else False


@dataclass(frozen=True)
class Place:
    """A stream's position: its PCG64 state (None: never drawn) and the steps owed on it."""

    state: Any  # PCG64 state (a dict), or None: never drawn
    owed: int


@lru_cache(maxsize=8)
def _everywhere(lanes: int, value: bool) -> np.ndarray:
    """A read-only (lanes,) bool array of `value`: a chance of 0 or 1 made once, not per draw."""
    flags = np.full(lanes, value)
    flags.flags.writeable = False
    return flags
