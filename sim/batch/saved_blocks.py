"""A block as saved under `blocks/` for `--resume`: its arrays, its identity, and the checks
that it belongs to this batch and holds what a block of it can hold.

A saved block is an `.npz` of its per-run columns, fire counts, level counts and
sampled parameters, plus its identity: the digest of the scenario as run, the
seed, the block size and its index. Reading one back checks the identity first
(a block of another batch is refused, never mixed in), then every array's
shape, type and range, so a block that reads back is one this batch could have
made.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.batch.blocks import BlockResult
from sim.batch.identity import refused
from sim.errors import ResultsError
from sim.language.compiled import CompiledScenario
from sim.results.columns import (
    FALSE_BELIEF_FIRINGS,
    PER_RUN,
    fog_columns,
    measure_column,
    parameter_column,
    rung_columns,
    violated_column,
)
from sim.scenario.support import numeric_support


@dataclass(frozen=True)
class BatchIdentity:
    """What every block of one batch shares: the scenario as run, the seed, the block size."""

    scenario_digest: str
    seed: int
    block_size: int


def block_arrays(result: BlockResult, identity: BatchIdentity) -> dict[str, Any]:
    """A block as saved: its identity, per-run columns, fire and level counts, parameters."""
    return {
        "scenario_digest": np.str_(identity.scenario_digest),
        "seed": np.uint64(identity.seed),
        "block_size": np.int64(identity.block_size),
        "block": np.int64(result.block),
        "runs": np.int64(result.runs),
        **{column.name: getattr(result, column.name) for column in PER_RUN},
        "fired": result.fired,
        FALSE_BELIEF_FIRINGS: result.false_belief_firings,
        "level_counts": result.level_counts,
        "peak_counts": result.peak_counts,
        **{parameter_column(name): values for name, values in result.parameters.items()},
        **{violated_column(check): values for check, values in result.violated.items()},
        **{measure_column(measure): values for measure, values in result.measures.items()},
        **result.rungs,
        **{f"rungs_by_turn.{actor}": counts for actor, counts in result.rung_counts.items()},
    }


def read_block(
    path: Path, block: int, runs: int, scenario: CompiledScenario, identity: BatchIdentity
) -> BlockResult:
    """The block saved at `path`, checked to be block `block` (of `runs` runs) of this batch.

    Anything else (damaged, of another batch, inconsistent) is a ResultsError naming
    the file and what is wrong with it.
    """
    try:
        with np.load(path, allow_pickle=False) as saved:
            arrays = {name: saved[name] for name in saved.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise _bad(path, f"it is damaged and cannot be read ({_reason(error)})") from None
    _check_identity(path, arrays, block, runs, identity)
    result = BlockResult(
        block=block,
        runs=runs,
        **{column.name: _array(path, arrays, column.name) for column in PER_RUN},
        parameters={
            p.name: _array(path, arrays, parameter_column(p.name))
            for p in scenario.sampled_parameters
        },
        fired=_array(path, arrays, "fired"),
        level_counts=_array(path, arrays, "level_counts"),
        peak_counts=_array(path, arrays, "peak_counts"),
        violated={c.id: _array(path, arrays, violated_column(c.id)) for c in scenario.checks},
        measures={m.id: _array(path, arrays, measure_column(m.id)) for m in scenario.measures},
        rungs={
            name: _array(path, arrays, name) for name in rung_columns(scenario.positions.actors)
        },
        rung_counts={
            actor: _array(path, arrays, f"rungs_by_turn.{actor}")
            for actor in scenario.positions.actors
        },
    )
    for name in fog_columns(scenario):
        setattr(result, name, _array(path, arrays, name))
    problem = inconsistency(result, scenario)
    if problem:
        raise _bad(path, f"its arrays do not fit a block of this batch: {problem}")
    return result


def _check_identity(
    path: Path, arrays: dict[str, np.ndarray], block: int, runs: int, identity: BatchIdentity
) -> None:
    """Refuse a block of another batch, or under another block's name."""
    names = ("scenario_digest", "seed", "block_size", "block", "runs")
    if any(name not in arrays or arrays[name].shape != () for name in names):
        raise _bad(path, "it carries no batch identity (damaged, or not saved by this batch)")
    saved = {name: arrays[name].item() for name in names}
    if saved["scenario_digest"] != identity.scenario_digest:
        raise _bad(path, "it was made by a batch of another scenario (or other --set values)")
    if saved["seed"] != identity.seed:
        raise _bad(path, f"it was made by a batch with seed {saved['seed']}, not {identity.seed}")
    if saved["block_size"] != identity.block_size:
        raise _bad(path, f"it was made with blocks of {saved['block_size']} runs")
    if saved["block"] != block:
        raise _bad(path, f"it holds block {saved['block']}, not block {block}")
    if saved["runs"] != runs:
        raise _bad(path, f"it holds {saved['runs']} runs; block {block} of this batch has {runs}")


def inconsistency(result: BlockResult, scenario: CompiledScenario) -> str | None:
    """What in a block's arrays no block of `scenario` could hold, or None."""
    runs = result.runs
    expected: dict[str, tuple[np.ndarray, tuple[int, ...], str, int]] = {
        "outcome": (result.outcome, (runs,), "i", len(scenario.outcomes) - 1),
        "end_turn": (result.end_turn, (runs,), "i", scenario.horizon),
        "peak_level": (result.peak_level, (runs,), "i", len(scenario.ladder) - 1),
        "fired": (result.fired, (len(scenario.fire_columns()), runs), "i", scenario.horizon),
        "level_counts": (
            result.level_counts,
            (scenario.horizon + 1, len(scenario.ladder)),
            "i",
            runs,
        ),
        "peak_counts": (
            result.peak_counts,
            (scenario.horizon + 1, len(scenario.ladder)),
            "i",
            runs,
        ),
    }
    top = len(scenario.ladder) - 1
    for name in rung_columns(scenario.positions.actors):
        expected[name] = (result.rungs[name], (runs,), "i", top)
    for actor in scenario.positions.actors:
        table = (scenario.horizon + 1, len(scenario.ladder))
        expected[f"rungs_by_turn.{actor}"] = (result.rung_counts[actor], table, "i", runs)
    for name, (values, shape, kind, highest) in expected.items():
        if values.shape != shape:
            return f"{name} has shape {values.shape}, not {shape}"
        if values.dtype.kind != kind:
            return f"{name} holds {values.dtype}, not whole numbers"
        if values.size and (values.min() < 0 or values.max() > highest):
            return f"{name} holds values outside 0 to {highest}"
    for name in ("level_counts", "peak_counts"):
        if (getattr(result, name).sum(axis=1) != runs).any():
            return f"{name} do not add up to the block's {runs} runs at every turn"
    for name in fog_columns(scenario):
        values = getattr(result, name)
        if values.shape != (runs,) or values.dtype.kind != "i" or (values < 0).any():
            return f"{name} is not {runs} counts"
    for kind, columns in (("violated", result.violated), ("measure", result.measures)):
        for key, values in columns.items():
            if values.shape != (runs,):
                return f"{kind}.{key} has shape {values.shape}, not {(runs,)}"
    for parameter in scenario.sampled_parameters:
        problem = _parameter_problem(parameter, result.parameters[parameter.name], runs)
        if problem:
            return f"{parameter_column(parameter.name)} {problem}"
    return None


def _parameter_problem(parameter: Any, values: np.ndarray, runs: int) -> str | None:
    """What is wrong with a sampled parameter's saved values, or None."""
    if values.shape != (runs,):
        return f"has shape {values.shape}, not ({runs},)"
    kind = parameter.type.kind
    if kind == "bool":
        return None if values.dtype.kind == "b" else f"holds {values.dtype}, not true/false"
    if kind == "enum":
        if values.dtype.kind != "i":
            return f"holds {values.dtype}, not value codes"
        highest = len(parameter.type.values) - 1
        fits = values.size == 0 or (values.min() >= 0 and values.max() <= highest)
        return None if fits else f"holds codes outside 0 to {highest}"
    if values.dtype.kind not in "iuf":
        return f"holds {values.dtype}, not numbers"
    listed = getattr(parameter.spec, "values", None)
    if isinstance(listed, list):
        fits = bool(np.isin(values, np.asarray(listed)).all())
        return None if fits else "holds values the parameter's choice does not list"
    spec = parameter.spec
    low, high = (spec.low, spec.high) if hasattr(spec, "low") else numeric_support(spec)
    fits = bool(np.isfinite(values).all() and (values >= low).all() and (values <= high).all())
    return None if fits else f"holds values outside its support [{low}, {high}]"


def _array(path: Path, arrays: dict[str, np.ndarray], name: str) -> np.ndarray:
    if name not in arrays:
        raise _bad(path, f"it lacks the array {name!r}")
    return arrays[name]


def _bad(path: Path, why: str) -> ResultsError:
    return refused(
        f"{path} cannot be used to resume the batch: {why}",
        hint=f"if it is not needed, delete it and resume again (the block is run again): rm {path}",
    )


def _reason(error: Exception) -> str:
    return str(error).splitlines()[0][:120] if str(error) else type(error).__name__
