"""Branching from a state: a block whose lanes all start where one lane of another stood.

A `Checkpoint` is everything a block's runs carry from one moment to the next: the
turn (and, for a turn in progress, the next rule to resolve), the state (each actor's
beliefs and rung among it), the queue of delayed effects, the readings of observations
still on their way, simultaneous moves under way (their start and the writes to
combine), the records of the runs (outcome, peak, firings, spent rules, checks and
measures) and where each random stream stands. `continue_from` starts a new block
from one lane of a checkpoint, every lane of it a copy of that lane:

- with `branch` (a name), the continuation draws from its own streams, keyed by the
  branch as well as the seed, so each branch is reproducible and branches with the
  same name share their numbers (common random numbers between the options of one
  decision);
- without, it keeps the source run's streams where they stood: a continuation of the
  state reached in run i, with the same choices, replays run i to the last number.

The sampled parameters are carried over, not drawn again: a continuation plays on in
the same world as the run it branched from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.engine.combine import Combiner
from sim.engine.model import EscalationModel, Policy
from sim.engine.streams import BLOCK_SIZE, Place
from sim.engine.variates import World
from sim.language.compiled import CompiledScenario


@dataclass(frozen=True)
class Checkpoint:
    """A block's runs at one moment, with the positions of its random streams.

    Per-lane arrays are copies, (lanes,) each (`fired` is (columns, lanes), the delayed
    rings (after, lanes)); `lanes` are the source block's lane indices (None: all).
    """

    seed: int
    block: int
    lanes: np.ndarray | None  # (lanes,) int64 lane indices within the source block
    branch: str  # the source's own branch ("" for a batch's streams)
    turn: int
    cursor: int | None  # the next resolution of a turn in progress; None between turns
    state: dict[str, np.ndarray]  # variable key -> (lanes,) values (the peak included)
    active: np.ndarray
    outcome: np.ndarray
    end_turn: np.ndarray
    fired: np.ndarray  # (columns, lanes) int16
    spent: dict[str, np.ndarray]  # `once` rule id -> (lanes,) bool
    rings: tuple[np.ndarray, ...]  # delayed effects: (after, lanes) counts per entry
    violated: dict[str, np.ndarray]  # check id -> (lanes,) bool
    measures: dict[str, np.ndarray]  # measure id -> (lanes,) running value
    parameters: dict[str, np.ndarray]  # sampled parameter -> (lanes,) values
    played: np.ndarray | None  # (lanes,) bool: the runs playing the turn in progress
    start_of_moves: dict[str, np.ndarray] | None  # simultaneous moves under way: their start
    # simultaneous moves under way with `combine`: each variable's writes so far, (lanes
    # written, values) per actor, and the lanes the moving actor has written
    writes: dict[str, tuple[tuple[np.ndarray, np.ndarray], ...]] | None
    marks: dict[str, np.ndarray] | None
    # observations with a delay, actor by actor: (values, waiting, taken), (delay, lanes) each
    readings: tuple[tuple[tuple[np.ndarray, np.ndarray, np.ndarray] | None, ...], ...]
    belief_log: tuple[dict[str, np.ndarray], ...]  # with a journal: each turn's beliefs
    streams: dict[str, Place]  # stream name -> where it stood
    variate_counts: tuple[int, dict[str, int]]  # variates: (turn counted, site -> evaluations)

    def run_lane(self, lane: int) -> int:
        """The source block's lane index of checkpoint lane `lane`."""
        return lane if self.lanes is None else int(self.lanes[lane])


def checkpoint(model: EscalationModel) -> Checkpoint:
    """Where `model`'s runs stand now: between two turns, or within one (see `play_turn`)."""
    state = _copied(model.state)
    moves = model.start_of_moves
    combiner = model.combiner
    draws = model.state.draws if isinstance(model.state, World) else None
    return Checkpoint(
        seed=model.seed,
        block=model.block,
        lanes=None if model.lanes is None else model.lanes.copy(),
        branch=model.branch,
        turn=model.turn,
        cursor=model.cursor,
        state=state,
        active=model.active.copy(),
        outcome=model.outcome.copy(),
        end_turn=model.end_turn.copy(),
        fired=model.fired.copy(),
        spent={k: v.copy() for k, v in model.spent.items()},
        rings=tuple(ring.copy() for ring in model.queue.rings),
        violated={k: v.copy() for k, v in model.observers.violated.items()},
        measures={k: v.copy() for k, v in model.observers.values.items()},
        parameters={k: v.copy() for k, v in model.parameters.items()},
        played=None if model.cursor is None else model.played.copy(),
        start_of_moves=None if moves is None else _copied(moves),
        writes=None
        if combiner is None
        else {
            key: tuple((mask.copy(), values.copy()) for mask, values in writes)
            for key, writes in combiner.writes.items()
        },
        marks=None if combiner is None else {k: v.copy() for k, v in combiner.marks.items()},
        readings=tuple(
            tuple(
                None if r is None else (r.values.copy(), r.waiting.copy(), r.taken.copy())
                for r in actor.beliefs.waiting
            )
            for actor in model.actors
        ),
        belief_log=tuple({k: v.copy() for k, v in log.items()} for log in model.belief_log),
        streams={name: stream.place() for name, stream in model.streams().items()},
        variate_counts=(-1, {}) if draws is None else draws.counts(),
    )


def continue_from(
    scenario: CompiledScenario,
    start: Checkpoint,
    lane: int = 0,
    runs: int = 1,
    *,
    branch: str | None = None,
    policy: Policy | None = None,
    policy_actors: frozenset[str] = frozenset(),
    journal: bool = False,
) -> EscalationModel:
    """A block of `runs` lanes, each starting from lane `lane` of `start`; call `.run()`.

    With `branch`, the block draws from streams keyed by (the checkpoint's seed, the
    branch); without, it keeps the streams of the source run, exactly where they stood.
    A turn in progress at the checkpoint resumes at its next rule.
    """
    if not 1 <= runs <= BLOCK_SIZE:
        raise ValueError(f"a continuation has 1 to {BLOCK_SIZE} runs")
    if branch is None:
        block, lanes, name = start.block, np.full(runs, start.run_lane(lane)), start.branch
    else:
        block, lanes, name = 0, np.arange(runs), branch
    given = {k: np.repeat(v[lane], runs) for k, v in start.parameters.items()}
    model = EscalationModel(
        scenario,
        start.seed,
        block,
        lanes=lanes,
        policy=policy,
        policy_actors=policy_actors,
        journal=[] if journal else None,
        given=given,
        branch=name,
    )
    _place(model, start, lane)
    if branch is None:
        streams = model.streams()
        for stream_name, place in start.streams.items():
            streams[stream_name].move_to(place)
    return model


def _place(model: EscalationModel, start: Checkpoint, lane: int) -> None:
    """Put every lane of `model` where lane `lane` of `start` stood."""
    runs = model.size

    def copies(values: np.ndarray) -> np.ndarray:
        return np.repeat(values[..., lane : lane + 1], runs, axis=-1)

    for key, values in start.state.items():
        model.state[key] = copies(values)
    model.turn = model.first_turn = start.turn
    model.state["turn"] = start.turn  # type: ignore[assignment]  # one value for every lane
    model.cursor = start.cursor
    model.active, model.outcome = copies(start.active), copies(start.outcome)
    model.end_turn, model.fired = copies(start.end_turn), copies(start.fired)
    model.spent = {k: copies(v) for k, v in start.spent.items()}
    model.queue.rings = [copies(ring) for ring in start.rings]
    model.observers.violated = {k: copies(v) for k, v in start.violated.items()}
    model.observers.values = {k: copies(v) for k, v in start.measures.items()}
    if start.played is not None:
        model.played = copies(start.played)
    if start.start_of_moves is not None:
        moves: dict[str, np.ndarray] = {}
        if isinstance(model.state, World):
            moves = World(model.state.draws)
        moves.update((k, copies(v)) for k, v in start.start_of_moves.items())
        moves["turn"] = start.turn  # type: ignore[assignment]  # one value for every lane
        model.start_of_moves = moves
    _place_moves_and_readings(model, start, copies)
    if model.journal is not None:
        model.belief_log = [{k: copies(v) for k, v in log.items()} for log in start.belief_log]
    if isinstance(model.state, World):
        model.state.draws.recount(start.variate_counts)
    for rows in model.datacollector.model_vars.values():
        rows.clear()
    model.datacollector.collect(model)


def _place_moves_and_readings(
    model: EscalationModel, start: Checkpoint, copies: Callable[[np.ndarray], np.ndarray]
) -> None:
    """The writes of simultaneous moves under way, to be combined at the phase's end, and
    the readings of observations still on their way."""
    if start.writes is not None:
        assert model.start_of_moves is not None and start.marks is not None
        bounds = {s.key: (s.low, s.high) for s in model.scenario.slots}
        combiner = Combiner(model.scenario.spec.combine, model.start_of_moves, bounds)
        for key, writes in start.writes.items():
            combiner.writes[key] = [(copies(mask), copies(values)) for mask, values in writes]
        combiner.marks = {k: copies(v) for k, v in start.marks.items()}
        model.combiner = combiner
    for actor, readings in zip(model.actors, start.readings, strict=True):
        for reading, carried in zip(actor.beliefs.waiting, readings, strict=True):
            if reading is not None and carried is not None:
                reading.values, reading.waiting, reading.taken = (copies(a) for a in carried)


def _copied(state: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A copy of a state's per-lane arrays (the turn, one number, is the checkpoint's own)."""
    return {key: np.array(values, copy=True) for key, values in state.items() if key != "turn"}


def outcome_counts(model: EscalationModel) -> np.ndarray:
    """How many of a finished block's runs ended in each outcome: (outcomes,) int64."""
    return np.bincount(model.outcome, minlength=len(model.scenario.outcomes))
