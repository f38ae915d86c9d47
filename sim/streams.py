"""Random streams: one per rule, event, vote ballot and parameter, per block.

Block *b* of a batch with seed *s* is seeded by `SeedSequence(s, spawn_key=(b,))`;
a stream named `rule:russia-probes` is its child keyed by a stable hash of the
name. Every stream hands out whole rows of `BLOCK_SIZE` numbers, one entry
per lane of the block, whether or not a lane needs it, so run *i* sees the
same numbers whatever else is simulated beside it.
"""

from __future__ import annotations

import hashlib

import numpy as np

BLOCK_SIZE = 8192  # runs per block; part of the determinism contract: never change lightly
MAX_RUN = 10**12  # the highest run index accepted: far beyond any batch anyone will run


def stream_key(name: str) -> int:
    """A stable 64-bit key for a stream name (the same on every machine and Python)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def block_seed(seed: int, block: int) -> np.random.SeedSequence:
    """The seed sequence of block `block` of a batch seeded with `seed`."""
    return np.random.SeedSequence(seed, spawn_key=(block,))


class Stream:
    """Rows of uniform numbers for one named stream, restricted to the lanes simulated.

    `row()` draws the next row and returns the entries of the simulated lanes;
    `skip()` moves past a row without drawing it (no lane needs it), which
    leaves every later row exactly as if it had been drawn.
    """

    def __init__(self, seed: int, block: int, name: str, lanes: np.ndarray | None) -> None:
        sequence = np.random.SeedSequence(seed, spawn_key=(block, stream_key(name)))
        self.generator = np.random.Generator(np.random.PCG64(sequence))
        self.bits = self.generator.bit_generator
        self.lanes = lanes  # lane indices within the block; None means all of them

    def row(self, out: np.ndarray | None = None) -> np.ndarray:
        """The next row's numbers for the simulated lanes: (lanes,) float64 in [0, 1).

        `out`, a (BLOCK_SIZE,) buffer, saves an allocation when all lanes are
        simulated; the row is then only valid until the buffer is used again.
        """
        if self.lanes is None:
            return self.generator.random(BLOCK_SIZE, out=out)
        if len(self.lanes) == 1:
            # one lane (trace, play): jump to it instead of drawing the whole row
            lane = int(self.lanes[0])
            self.bits.advance(lane)
            value = self.generator.random(1)
            self.bits.advance(BLOCK_SIZE - lane - 1)
            return value
        return self.generator.random(BLOCK_SIZE)[self.lanes]

    def skip(self, rows: int = 1) -> None:
        """Move past `rows` rows (one float64 per lane is one step of PCG64)."""
        self.bits.advance(rows * BLOCK_SIZE)
