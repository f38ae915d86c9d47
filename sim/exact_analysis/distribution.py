"""A probability distribution over states: one lane per distinct state, with its probability.

Every state slot, the level and peak, sampled parameters, `once` flags and pending
delayed effects are columns of per-lane arrays; `probability` is float64 per lane.
Lanes are split by copying subsets (`take`) and joined (`join`); `merge` folds lanes
with identical states into one, summing their probabilities, so a distribution holds
each state once however many paths reach it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.language.types import Env

Columns = dict[str, np.ndarray]  # column name -> (lanes,) array


@dataclass
class Distribution:
    """Lanes of states with their probabilities (which sum to the mass still in play)."""

    columns: Columns
    probability: np.ndarray  # (lanes,) float64

    def __len__(self) -> int:
        return len(self.probability)

    @property
    def mass(self) -> float:
        return float(self.probability.sum())

    def env(self, turn: int) -> Env:
        """What expressions read: every column, and the turn (one value for every lane)."""
        env = dict(self.columns)
        env["turn"] = turn  # type: ignore[assignment]  # a plain int, as in the engine
        return env

    def take(self, lanes: np.ndarray, probability: np.ndarray | None = None) -> Distribution:
        """The lanes selected by `lanes` (a (lanes,) bool mask or indices), as copies, with
        `probability` (one per selected lane) instead of their own if given."""
        columns = {key: values[lanes] for key, values in self.columns.items()}
        chosen = self.probability[lanes] if probability is None else probability
        return Distribution(columns, np.asarray(chosen, dtype=np.float64))

    def merge(self) -> Distribution:
        """The same distribution with identical states folded into one lane (and lanes of
        probability 0 dropped); lanes come back sorted by state."""
        keep = self.probability > 0
        lanes = self if keep.all() else self.take(keep)
        if len(lanes) < 2:
            return lanes
        records = _records(lanes.columns)  # (lanes,): equal exactly when the states are
        _, first, inverse = np.unique(records, return_index=True, return_inverse=True)
        if len(first) == len(lanes):
            return lanes
        weights = lanes.probability
        probability = np.bincount(inverse.ravel(), weights=weights, minlength=len(first))
        return lanes.take(first, probability)


def join(parts: list[Distribution]) -> Distribution:
    """One distribution holding the lanes of all `parts` (which share their columns)."""
    parts = [part for part in parts if len(part)] or parts[:1]
    if len(parts) == 1:
        return parts[0]
    keys = parts[0].columns
    columns = {key: np.concatenate([part.columns[key] for part in parts]) for key in keys}
    probability = np.concatenate([part.probability for part in parts])
    return Distribution(columns, probability)


def _records(columns: Columns) -> np.ndarray:
    """One sortable record per lane, equal exactly when the lanes' states are: each column
    coded as 0 .. distinct - 1 and the codes packed, mixed-radix, into as few 64-bit words
    as hold them (one word, an integer sort, in most scenarios)."""
    words: list[np.ndarray] = []
    word, capacity = None, 1
    for key in sorted(columns):
        codes, radix = _codes(columns[key])
        if radix == 1:
            continue  # the same value in every lane tells no lanes apart
        if word is None or capacity * radix > 2**63:
            if word is not None:
                words.append(word)
            word, capacity = codes, radix
        else:
            word, capacity = word * np.uint64(radix) + codes, capacity * radix
    if word is None:
        return np.zeros(len(next(iter(columns.values()))), dtype=np.uint64)
    words.append(word)
    if len(words) == 1:
        return words[0]
    matrix = np.ascontiguousarray(np.stack(words, axis=1))  # (lanes, words)
    return matrix.view(np.dtype((np.void, 8 * len(words)))).ravel()


def _codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """A column as codes 0 .. radix - 1 (uint64, (lanes,)) that are equal exactly when the
    values are: booleans as they are, integers less their least, floats by rank."""
    if values.dtype.kind == "b":
        return values.astype(np.uint64), 2
    if values.dtype.kind in "iu" and len(values):
        low = int(values.min())
        return (values.astype(np.int64) - low).astype(np.uint64), int(values.max()) - low + 1
    unique, inverse = np.unique(_bits(values), return_inverse=True)
    return inverse.ravel().astype(np.uint64), max(len(unique), 1)


def _bits(values: np.ndarray) -> np.ndarray:
    """A column as 64-bit patterns that are equal exactly when the values are (-0.0 is 0.0)."""
    if values.dtype.kind == "f":
        return (values.astype(np.float64) + 0.0).view(np.uint64)
    return values.astype(np.int64).view(np.uint64)


def distinct_values(values: np.ndarray) -> int:
    """How many different values a column holds."""
    if values.dtype.kind in "biu" and len(values):
        low = int(values.min())
        if int(values.max()) - low < 10_000_000:
            return int(np.count_nonzero(np.bincount(values.astype(np.int64) - low)))
    return len(np.unique(_bits(values)))


def state_bytes(columns: Columns) -> int:
    """Bytes a lane takes: its columns and probability as stored, and the record, sort
    index and inverse that merging adds beside them."""
    stored = sum(values.dtype.itemsize for values in columns.values()) + 8
    return stored + 24
