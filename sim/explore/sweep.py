"""Running a sweep: the design's points packed into blocks, gathered one row per point."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from sim.batch.backends import BackendName, backend_for
from sim.batch.blocks import BlockResult
from sim.engine.budget import check_memory
from sim.errors import Problem, ScenarioError
from sim.explore.design import DesignName, unit_design
from sim.explore.discovery import MIN_COVERAGE, discover_in
from sim.explore.factors import Factor, read_factors
from sim.explore.folder import SweepFolder, SweepInterrupted
from sim.explore.packing import SweepPlan
from sim.explore.result import Exploration
from sim.explore.rounds import Pieces, Precision, play_rounds
from sim.explore.sensitivity import analyse
from sim.explore.target import Target, read_target
from sim.language.compiled import CompiledScenario, compile_scenario
from sim.results.intervals import wilson
from sim.scenario.validation import validate

DEFAULT_MAX_RUNS_PER_POINT = 1_000_000


def explore(
    scenario: CompiledScenario,
    vary: Mapping[str, object],
    *,
    design: DesignName = "lhs",
    points: int = 64,
    runs_per_point: int = 1000,
    seed: int = 0,
    target: str | None = None,
    keep_runs: bool = False,
    backend: BackendName = "serial",
    workers: int = 1,
    progress: bool = False,
    command: str = "",
    min_coverage: float = MIN_COVERAGE,
    influence_measure: Callable[[pd.Series, pd.Series], float] | None = None,
    precision: float | None = None,
    rel_precision: float | None = None,
    max_runs_per_point: int = DEFAULT_MAX_RUNS_PER_POINT,
    out: str | Path | None = None,
    resume: bool = False,
) -> Exploration:
    """Play `scenario` `runs_per_point` times at each point of a design over `vary`.

    `vary` maps a parameter to its range (text as on the command line, a
    (low, high) pair or a list). `target` is an outcome id, `"<id> or worse"`, or
    a measure's threshold (grammar: `sim.explore.target`); by default the most
    severe outcome. Replicate r of every point is run r of the batch with `seed`
    (common random numbers, see `sim.explore.packing`). The result's `discovery`
    is the PRIM box of the target whose coverage is at least `min_coverage`.
    `influence_measure(values, target)` scores a parameter from its column and the
    points' target probabilities (default: `influence`, the correlation ratio).
    With `precision` or `rel_precision`, each point plays rounds of
    `runs_per_point` replicates until its target's 95% half-width is within
    `precision + rel_precision x its estimate`, or it has `max_runs_per_point`
    (`sim.explore.rounds`). With `out`, finished pieces are kept in that folder
    and the sweep's files written there; `resume` finishes an interrupted sweep
    in it (`sim.explore.folder`).
    """
    # long function: the sweep's options, checked and passed on in one place
    if runs_per_point < 1:
        raise ScenarioError([Problem("--runs-per-point must be at least 1")])
    if not 0 <= min_coverage <= 1:
        raise ScenarioError([Problem(f"--min-coverage {min_coverage}: expected 0 to 1")])
    if design in ("sobol-indices", "morris") and (precision or rel_precision):
        raise ScenarioError(
            [
                Problem(
                    f"--design {design} needs the same runs at every point: drop --precision "
                    "and --rel-precision, and set --runs-per-point"
                )
            ]
        )
    factors = read_factors(scenario, vary)
    wanted = read_target(scenario, target)
    measure = influence_measure or influence
    unit = unit_design(design, factors, points, seed)
    values = {f.name: f.values(unit[:, i]) for i, f in enumerate(factors)}
    swept = sweep_scenario(scenario, factors)
    given = engine_values(swept, factors, values)
    rule = Precision(precision or 0.0, rel_precision or 0.0, max_runs_per_point)
    settings = _settings(factors, design, points, runs_per_point, target, keep_runs, rule)
    check_memory(swept)
    chosen = backend_for(backend, workers, None)
    store = _store(out, resume, scenario, swept, seed, settings, command)
    try:
        pieces, results = play_rounds(
            swept,
            seed,
            given,
            runs_per_point,
            rule,
            wanted,
            chosen,
            store,
            progress,
        )
    except KeyboardInterrupt:
        if isinstance(store, SweepFolder):
            raise SweepInterrupted(store.folder, store.saved()) from None
        raise
    plan = SweepPlan(tuple(pieces), given)
    table = _points_table(swept, factors, values, plan, results, wanted)
    sensitivity = None
    if design == "sobol-indices" or design == "morris":
        sensitivity = analyse(design, swept, factors, unit, plan, results, runs_per_point, seed)
    found = Exploration(
        scenario=scenario.id,
        target=wanted.text,
        design=design,
        seed=seed,
        replicates=runs_per_point,
        factors=factors,
        points=table,
        influence={f.name: measure(table[f.name], table["target"]) for f in factors},
        runs=_runs_table(swept, plan, results) if keep_runs else None,
        command=command,
        sensitivity=sensitivity,
        target_label=wanted.label,
        descriptions={f.name: descriptions(scenario)[f.name] for f in factors},
        discovery=discover_in(
            table, factors, runs_per_point, wanted.label, min_coverage, descriptions(scenario)
        ),
        extra=_extra(scenario, rule),
    )
    if isinstance(store, SweepFolder):
        store.finish(found, scenario)
    return found


def _settings(
    factors: list[Factor],
    design: str,
    points: int,
    runs_per_point: int,
    target: str | None,
    keep_runs: bool,
    rule: Precision,
) -> dict[str, object]:
    """What makes a sweep this sweep (besides its scenario and seed): what `--resume` checks."""
    return {
        "vary": {f.name: f.describe() for f in factors},
        "design": design,
        "points": points,
        "runs_per_point": runs_per_point,
        "target": target,
        "keep_runs": keep_runs,
        "precision": rule.absolute or None,
        "rel_precision": rule.relative or None,
        "max_runs_per_point": rule.max_runs if rule.asked else None,
    }


def _extra(scenario: CompiledScenario, rule: Precision) -> dict[str, object]:
    """The summary's figures beyond the sweep's own: the --set values, the precision asked."""
    extra: dict[str, object] = {"overrides": dict(scenario.overrides)}
    if rule.asked:
        extra["precision"] = {
            "absolute": rule.absolute,
            "relative": rule.relative,
            "max_runs_per_point": rule.max_runs,
        }
    return extra


def _store(
    out: str | Path | None,
    resume: bool,
    scenario: CompiledScenario,
    swept: CompiledScenario,
    seed: int,
    settings: dict[str, object],
    command: str,
) -> Pieces:
    """Where the finished pieces go: memory, a new folder, or the folder being resumed."""
    if out is None:
        if resume:
            raise ValueError("resume needs the folder (out) of the sweep to resume")
        return Pieces()
    if resume:
        return SweepFolder.resume(Path(out), scenario, swept, seed, settings)
    return SweepFolder.start(Path(out), scenario, swept, seed, settings, command)


def descriptions(scenario: CompiledScenario) -> dict[str, str]:
    """Each parameter's description, on one line ("" where the scenario gives none)."""
    return {p.name: " ".join(p.spec.description.split()) for p in scenario.parameters}


def sweep_scenario(scenario: CompiledScenario, factors: list[Factor]) -> CompiledScenario:
    """The scenario with every varied parameter made a per-run array (its values are given
    per lane, never drawn); the other parameters as they were."""
    data = dict(scenario.data)
    parameters = dict(data.get("parameters") or {})
    for factor in factors:
        parameters[factor.name] = factor.sampled_spec(parameters[factor.name])
    data["parameters"] = parameters
    varied = {f.name for f in factors}
    overrides = {k: v for k, v in scenario.overrides.items() if k not in varied}
    return compile_scenario(validate(data, None), data, None, scenario.source, overrides)


def engine_values(
    scenario: CompiledScenario, factors: list[Factor], values: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Each factor's point values as the engine holds them: enum values as codes."""
    given = {}
    by_name = {p.name: p for p in scenario.parameters}
    for factor in factors:
        column = values[factor.name]
        if factor.kind == "enum":
            codes = {v: i for i, v in enumerate(by_name[factor.name].type.values)}
            given[factor.name] = np.asarray([codes[v] for v in column], dtype=np.int16)
        elif factor.kind == "bool":
            given[factor.name] = np.asarray(column, dtype=bool)
        elif factor.kind == "int":
            given[factor.name] = np.asarray(column, dtype=np.int64)
        else:
            given[factor.name] = np.asarray(column, dtype=float)
    return given


def _points_table(
    scenario: CompiledScenario,
    factors: list[Factor],
    values: Mapping[str, np.ndarray],
    plan: SweepPlan,
    results: list[BlockResult],
    target: Target,
) -> pd.DataFrame:
    """One row per point: its values, its runs, each outcome's probability and interval, the
    measures."""
    # long function: one column group after another, in the documented order
    count = len(next(iter(values.values())))
    outcomes = [o.id for o in scenario.outcomes]
    tally = np.zeros((count, len(outcomes)), dtype=np.int64)
    hits = np.zeros(count, dtype=np.int64)
    measure_sum: dict[str, np.ndarray] = {}
    measure_n: dict[str, np.ndarray] = {}
    for piece, result in zip(plan.pieces, results, strict=True):
        point = piece.point_of_lane()
        np.add.at(tally, (point, result.outcome.astype(np.int64)), 1)
        np.add.at(hits, point, target.hits(result.outcome, result.measures))
        for name, column in result.measures.items():
            numbers = np.asarray(column, dtype=float)
            finite = np.isfinite(numbers)
            measure_sum.setdefault(name, np.zeros(count))
            measure_n.setdefault(name, np.zeros(count))
            np.add.at(measure_sum[name], point[finite], numbers[finite])
            np.add.at(measure_n[name], point[finite], 1)
    table = pd.DataFrame({"point": np.arange(count)})
    for factor in factors:
        table[factor.name] = values[factor.name]
    runs = tally.sum(axis=1)
    columns: dict[str, np.ndarray] = {"runs": runs}
    for name, k in [("target", hits)] + [(f"p.{o}", tally[:, i]) for i, o in enumerate(outcomes)]:
        low, high = wilson(k, runs)
        columns[name], columns[f"{name}.low"], columns[f"{name}.high"] = k / runs, low, high
    for name in measure_sum:
        with np.errstate(invalid="ignore", divide="ignore"):
            columns[f"measure.{name}"] = measure_sum[name] / measure_n[name]
    return pd.concat([table, pd.DataFrame(columns)], axis=1)


def _runs_table(
    scenario: CompiledScenario, plan: SweepPlan, results: list[BlockResult]
) -> pd.DataFrame:
    """One row per run, ordered by point then replicate."""
    outcomes = np.asarray([o.id for o in scenario.outcomes], dtype=object)
    parts = []
    for piece, result in zip(plan.pieces, results, strict=True):
        part = {
            "point": piece.point_of_lane(),
            "replicate": piece.replicate_of_lane(),
            "outcome": outcomes[result.outcome],
            "end_turn": result.end_turn,
            "peak_level": result.peak_level,
        }
        part.update({f"measure.{k}": v for k, v in result.measures.items()})
        parts.append(pd.DataFrame(part))
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["point", "replicate"], kind="stable", ignore_index=True)


def influence(values: pd.Series, target: pd.Series) -> float:
    """The share of the variance of `target` across points explained by `values` alone:
    the correlation ratio over its distinct values, or over ten bins of a number."""
    total = float(np.var(target))
    if total == 0 or len(target) < 2:
        return 0.0
    if values.dtype.kind == "f" and values.nunique() > 10:
        groups = pd.qcut(values, 10, labels=False, duplicates="drop")
    else:
        groups = values.astype(str)
    means = target.groupby(groups).transform("mean")
    return float(np.var(means) / total)
