"""One run of a batch on its own, and finding runs of a batch that ended a given way.

Run *i* of a batch is lane `i % BLOCK_SIZE` of block `i // BLOCK_SIZE`; the
engine simulates that lane alone exactly as it does among the others (the
determinism contract), so a trace or a game is the batch's own run *i*.
Searching a batch is vectorised: whole blocks are simulated at once and the
matching runs picked out of their final state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.batch.blocks import blocks_for
from sim.engine import EscalationModel
from sim.engine.model import Policy
from sim.engine.streams import BLOCK_SIZE, MAX_RUN
from sim.errors import Suggestion, WargameError, suggest
from sim.language.compiled import CompiledScenario
from sim.language.expressions import compile_expression
from sim.language.observations import observing
from sim.language.types import BOOL, Compiled, ExpressionError


def one_run(
    scenario: CompiledScenario,
    seed: int,
    run: int,
    *,
    policy: Policy | None = None,
    policy_actors: frozenset[str] = frozenset(),
) -> EscalationModel:
    """A model of run `run` alone (one lane), with a journal; call `.run()` or `.step()`."""
    if not 0 <= run <= MAX_RUN:
        raise ValueError(f"run must be between 0 and {MAX_RUN}")
    block, lane = divmod(run, BLOCK_SIZE)
    return EscalationModel(
        scenario,
        seed,
        block,
        lanes=np.array([lane]),
        policy=policy,
        policy_actors=policy_actors,
        journal=[],
    )


def replay(scenario: CompiledScenario, seed: int, run: int) -> EscalationModel:
    """Run `run` of the batch with `seed`, played to its end by the rules alone."""
    model = one_run(scenario, seed, run)
    model.run()
    model.unregister()
    return model


# --- finding runs ------------------------------------------------------------------


class TargetError(WargameError):
    """A `--find` target that is neither an outcome id nor a valid condition.

    `source` is the target as given and `offset` where in it the condition went
    wrong (None when it reads as a mistyped outcome id); `suggestion` is the
    closest outcome id, and `hint` the expression language's own hint.
    """

    def __init__(
        self,
        message: str,
        source: str,
        offset: int | None,
        hint: str | None = None,
        suggestion: Suggestion | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.offset = offset
        self.hint = hint
        self.suggestion = suggestion
        super().__init__(message)

    def format(self) -> str:
        lines = [self.message]
        if self.offset is not None:
            lines += [f"    {self.source}", "    " + " " * self.offset + "^"]
        if self.suggestion is not None and self.suggestion.closest is not None:
            lines.append(f"  hint: {self.suggestion}")
        elif self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    """What runs to look for: an outcome id, or a condition on a run's final state."""

    text: str
    outcome: int | None = None  # index into scenario.outcomes
    condition: Compiled | None = None

    def describe(self) -> str:
        if self.outcome is not None:
            return f"ended in {self.text}"
        return f"ended with `{self.text}`"


def target(scenario: CompiledScenario, text: str) -> Target:
    """Read OUTCOME_OR_CONDITION: an outcome id if it is one, else a condition (typed bool)."""
    text = text.strip()
    ids = [o.id for o in scenario.outcomes]
    if text in ids:
        return Target(text, outcome=ids.index(text))
    try:
        names = observing(scenario.namespace)  # the truth, every belief, the false-belief count
        return Target(text, condition=compile_expression(text, names, BOOL))
    except ExpressionError as error:
        if _looks_like_an_id(text):
            message = (
                f"{text!r} is not an outcome of {scenario.id} (outcomes: {', '.join(ids)}), "
                f"nor a condition: {error.message}"
            )
            raise TargetError(message, text, None, error.hint, suggest(text, ids)) from None
        message = (
            f"not a valid condition: {error.message} "
            f"(the scenario's expression language; an outcome is given by its id)"
        )
        raise TargetError(message, text, error.offset, error.hint) from None


def _looks_like_an_id(text: str) -> bool:
    return bool(text) and all(c.isalnum() or c in "-_" for c in text)


def matches(model: EscalationModel, wanted: Target) -> np.ndarray:
    """(lanes,) bool: the runs of a finished block that ended the way `wanted` says.

    A condition is evaluated on each run's final state, with `turn` its end turn.
    """
    if wanted.outcome is not None:
        return np.asarray(model.outcome == wanted.outcome)
    if wanted.condition is None:
        raise ValueError("a target is an outcome or a condition")
    state = dict(model.state)
    state["turn"] = model.end_turn.astype(np.int64)
    with np.errstate(all="ignore"):
        value = wanted.condition(state)
    return np.broadcast_to(np.asarray(value, dtype=bool), (model.size,)).copy()


def find_runs(
    scenario: CompiledScenario,
    seed: int,
    runs: int,
    wanted: Target,
    count: int,
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """The first `count` runs among 0..runs-1 of the batch with `seed` that match `wanted`.

    Blocks are simulated whole, in order, stopping at the first block that
    completes the count; `progress` is told how many runs have been searched.
    """
    found: list[int] = []
    searched = 0
    for block, size in blocks_for(runs):
        lanes = None if size == BLOCK_SIZE else np.arange(size)
        model = EscalationModel(scenario, seed, block, lanes)
        try:
            model.run()
            hits = np.flatnonzero(matches(model, wanted))
        finally:
            model.unregister()
        found += [block * BLOCK_SIZE + int(lane) for lane in hits[: count - len(found)]]
        searched += size
        if progress is not None:
            progress(searched)
        if len(found) >= count:
            break
    return found
