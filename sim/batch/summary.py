"""Aggregating a batch: block results added up into the figures of `summary.json`.

Everything here is incremental (a block at a time, in block order), so a
batch of any size is summarised in memory bounded by one block. Besides the
headline figures, the summary keeps what the charts need (outcomes by end
turn, rule firings by outcome, outcomes by parameter bin), so they can be
drawn without reading the per-run table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel
from scipy import stats

from sim.batch.observed import Observed
from sim.engine.streams import BLOCK_SIZE
from sim.results import intervals
from sim.results.columns import actor_end_column, actor_peak_column
from sim.results.summary_format import (
    FORMAT,
    ActorRungsRecord,
    LevelRecord,
    LevelsByTurn,
    OutcomeRecord,
    OutcomesByEndTurn,
    ParameterBinsRecord,
    RuleRecord,
    Summary,
)
from sim.scenario import schema
from sim.version import __version__

if TYPE_CHECKING:
    from sim.batch.blocks import BlockResult
    from sim.language.compiled import CompiledScenario, Parameter
PARAMETER_BINS = 10  # equal-probability bins (deciles) of a continuous parameter


class Summariser:
    """Adds up block results into the figures of `summary.json`."""

    def __init__(self, scenario: CompiledScenario, seed: int, runs: int, command: str) -> None:
        self.scenario = scenario
        self.seed = seed
        self.runs = runs
        self.command = command
        self.outcome_counts = np.zeros(len(scenario.outcomes), dtype=np.int64)
        self.level_counts = np.zeros((scenario.horizon + 1, len(scenario.ladder)), dtype=np.int64)
        self.peak_counts = np.zeros_like(self.level_counts)
        columns = scenario.fire_columns()
        self.runs_fired = np.zeros(len(columns), dtype=np.int64)
        self.times_fired = np.zeros(len(columns), dtype=np.int64)
        outcomes = len(scenario.outcomes)
        # Outcome axes below are in check order (the engine's outcome codes).
        self.fired_by_outcome = np.zeros((len(columns), outcomes), dtype=np.int64)
        self.end_turn_counts = np.zeros((scenario.horizon + 1, outcomes), dtype=np.int64)
        self.bins = {p.name: parameter_bins(p) for p in scenario.sampled_parameters}
        self.bin_counts = {
            name: np.zeros((bins.size, outcomes), dtype=np.int64)
            for name, bins in self.bins.items()
        }
        self.observed = Observed(scenario)
        actors, levels = scenario.positions.actors, len(scenario.ladder)
        self.actor_peaks = {a: np.zeros(levels, dtype=np.int64) for a in actors}
        self.actor_ends = {a: np.zeros(levels, dtype=np.int64) for a in actors}
        self.actor_counts = {a: np.zeros_like(self.level_counts) for a in actors}

    def add(self, result: BlockResult) -> None:
        outcomes = len(self.outcome_counts)
        self.outcome_counts += np.bincount(result.outcome, minlength=outcomes)
        self.level_counts += result.level_counts
        self.peak_counts += result.peak_counts
        fired = result.fired > 0  # (columns, runs)
        self.runs_fired += fired.sum(axis=1)
        self.times_fired += result.fired.sum(axis=1, dtype=np.int64)
        # outcome by outcome: cheaper than a product with a one-hot matrix, and no BLAS
        # call, whose threads would spin beside a worker pinned to its core
        for code in range(outcomes):
            ended = result.outcome == code
            self.fired_by_outcome[:, code] += np.count_nonzero(fired & ended, axis=1)
        self.end_turn_counts += _cross_counts(result.end_turn, result.outcome, self.end_turn_counts)
        for name, bins in self.bins.items():
            index = bins.index(result.parameters[name])
            self.bin_counts[name] += _cross_counts(index, result.outcome, self.bin_counts[name])
        self.observed.add(result)
        levels = len(self.scenario.ladder)
        for actor in self.scenario.positions.actors:
            peaks = result.rungs[actor_peak_column(actor)]
            self.actor_peaks[actor] += np.bincount(peaks, minlength=levels)
            ends = result.rungs[actor_end_column(actor)]
            self.actor_ends[actor] += np.bincount(ends, minlength=levels)
            self.actor_counts[actor] += result.rung_counts[actor]

    def summary(self) -> Summary:
        """The figures of `summary.json`, outcome tables least severe outcome first."""
        summary = self._summary()
        if not self.scenario.positions.actors:
            return summary  # no fields of their own, so the file is as it always was
        return summary.model_copy(
            update={"world_level": self.scenario.positions.world, "actor_rungs": self._rungs()}
        )

    def _rungs(self) -> list[ActorRungsRecord]:
        """Each rung-holding actor's peaks, ends and path, in the order of `actors:`."""
        ladder = list(self.scenario.ladder)
        return [
            ActorRungsRecord(
                actor=actor,
                name=self.scenario.actor_name(actor),
                peak_column=actor_peak_column(actor),
                end_column=actor_end_column(actor),
                peaks=self.actor_peaks[actor].tolist(),
                ends=self.actor_ends[actor].tolist(),
                levels_by_turn=LevelsByTurn(
                    levels=ladder, counts=self.actor_counts[actor].tolist()
                ),
            )
            for actor in self.scenario.positions.actors
        ]

    def _summary(self) -> Summary:
        scenario = self.scenario
        spec = scenario.spec
        return Summary(
            format=FORMAT,
            scenario=scenario.id,
            title=spec.title,
            description=" ".join(spec.description.split()),
            seed=self.seed,
            runs=self.runs,
            block_size=BLOCK_SIZE,
            horizon=scenario.horizon,
            turn_length=spec.turn_length,
            overrides=scenario.overrides,
            command=self.command,
            version=__version__,
            ladder=[
                LevelRecord(id=lv.id, name=lv.label, description=lv.description)
                for lv in spec.ladder
            ],
            outcomes=self._outcomes(),
            levels_by_turn=LevelsByTurn(
                levels=list(scenario.ladder), counts=self.level_counts.tolist()
            ),
            parameters={
                name: _plain(scenario.data.get("parameters", {}).get(name))
                for name in spec.parameters
            },
            sampled_parameters=[p.name for p in scenario.sampled_parameters],
            rules=self._rules(),
            outcomes_by_end_turn=OutcomesByEndTurn(
                outcomes=self._ids(), counts=self.end_turn_counts[:, self._order()].tolist()
            ),
            outcomes_by_parameter={
                name: ParameterBinsRecord(
                    **bins.describe(), counts=self.bin_counts[name][:, self._order()].tolist()
                )
                for name, bins in self.bins.items()
            },
            checks=self.observed.checks(self.runs),
            measures=self.observed.measures(self._order(), self._ids()),
            # --- peaks by turn: how far runs have escalated (the escalation chart) ---
            peaks_by_turn=LevelsByTurn(
                levels=list(scenario.ladder), counts=self.peak_counts.tolist()
            ),
        )

    def _order(self) -> list[int]:
        """From check order (the engine's outcome codes) to least severe first."""
        position = {id(o): i for i, o in enumerate(self.scenario.outcomes)}
        return [position[id(o)] for o in self.scenario.outcomes_by_severity()]

    def _ids(self) -> list[str]:
        return [o.id for o in self.scenario.outcomes_by_severity()]

    def _outcomes(self) -> list[OutcomeRecord]:
        """Each outcome's count and probability, with its 95% Wilson interval."""
        counts = self.outcome_counts[self._order()]
        low, high = intervals.wilson(counts, self.runs)
        return [
            OutcomeRecord(
                id=outcome.id,
                label=outcome.label,
                description=outcome.description,
                severity=outcome.severity,
                count=int(count),
                probability=int(count) / self.runs,
                ci95=[float(low[i]), float(high[i])],
            )
            for i, (outcome, count) in enumerate(
                zip(self.scenario.outcomes_by_severity(), counts, strict=True)
            )
        ]

    def _rules(self) -> list[RuleRecord]:
        """Each rule's and option's firings, overall and by outcome."""
        actor_of = {r.id: r.actor for r in self.scenario.all_rules()}
        by_outcome = self.fired_by_outcome[:, self._order()].tolist()
        rules = []
        for i, column in enumerate(self.scenario.fire_columns()):
            rule_id, _, option_id = column.removeprefix("fired.").partition(".")
            rules.append(
                RuleRecord(
                    id=rule_id,
                    option=option_id or None,
                    actor=actor_of[rule_id],
                    column=column,
                    runs_fired=int(self.runs_fired[i]),
                    times_fired=int(self.times_fired[i]),
                    runs_fired_by_outcome=dict(zip(self._ids(), by_outcome[i], strict=True)),
                )
            )
        return rules


def _cross_counts(rows: np.ndarray, columns: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Counts of (row, column) pairs, shaped like `like`: a two-way table of one block."""
    height, width = like.shape
    flat = rows.astype(np.intp) * width + columns
    return np.bincount(flat, minlength=height * width).reshape(height, width)


@dataclass(frozen=True)
class ParameterBins:
    """How one sampled parameter's values are binned: by value, or between edges.

    Continuous parameters get equal-probability bins (deciles of their
    distribution, from the lower to the upper bound of its support), fixed
    before any run, so every bin holds about the same number of runs whatever
    the distribution's shape, and blocks can be added up bin by bin.
    """

    distribution: str
    edges: np.ndarray | None = None  # (bins + 1,) for continuous parameters
    centres: np.ndarray | None = None  # (bins,) the median value within each bin
    values: tuple[object, ...] | None = None  # for bernoulli and choice: one bin per value

    @property
    def size(self) -> int:
        return len(self.edges) - 1 if self.edges is not None else len(self.values or ())

    def index(self, sampled: np.ndarray) -> np.ndarray:
        """Bin of each sampled value (runs,); enum parameters come as codes."""
        if self.edges is not None:
            return np.searchsorted(self.edges[1:-1], sampled, side="right")
        if sampled.dtype.kind in "iu" and self.values and isinstance(self.values[0], str):
            return sampled.astype(np.intp)  # enum codes are already value indices
        index = np.zeros(len(sampled), dtype=np.intp)
        for i, value in enumerate(self.values or ()):
            index[sampled == value] = i
        return index

    def describe(self) -> dict[str, Any]:
        """The bins as plain data for `summary.json`."""
        if self.edges is None or self.centres is None:
            return {"distribution": self.distribution, "values": list(self.values or ())}
        return {
            "distribution": self.distribution,
            "edges": self.edges.tolist(),
            "centres": self.centres.tolist(),
        }


def parameter_bins(parameter: Parameter, bins: int = PARAMETER_BINS) -> ParameterBins:
    """The bins of a sampled parameter, from its distribution alone (worked out once per
    distribution: scipy's frozen distributions are a fixed cost of every batch otherwise).
    The bins are shared between batches: read them, never change them."""
    spec = parameter.spec
    return _bins(type(spec), spec.model_dump_json(exclude={"description"}), bins)


@lru_cache(maxsize=256)
def _bins(kind: type[BaseModel], written: str, bins: int) -> ParameterBins:
    """`parameter_bins` of the spec of type `kind` written as JSON."""
    spec = kind.model_validate_json(written)
    if isinstance(spec, schema.BernoulliSpec):
        return ParameterBins("bernoulli", values=(False, True))
    if isinstance(spec, schema.ChoiceSpec):
        return ParameterBins("choice", values=tuple(dict.fromkeys(spec.values)))
    quantiles = np.linspace(0.0, 1.0, bins + 1)
    middles = (quantiles[:-1] + quantiles[1:]) / 2
    if isinstance(spec, schema.UniformSpec):
        distribution = stats.uniform(spec.low, spec.high - spec.low)
        low, high = spec.low, spec.high
    elif isinstance(spec, schema.BetaSpec):
        distribution = stats.beta(spec.a, spec.b)
        low, high = 0.0, 1.0
    elif isinstance(spec, schema.TruncNormalSpec):
        a = (spec.low - spec.mean) / spec.sd
        b = (spec.high - spec.mean) / spec.sd
        distribution = stats.truncnorm(a, b, loc=spec.mean, scale=spec.sd)
        low, high = spec.low, spec.high
    else:
        raise TypeError(f"a parameter has no binning for {type(spec).__name__}")
    if high <= low:  # a degenerate range: one bin holding every run
        return ParameterBins(spec.distribution, np.array([low, high]), np.array([low]))
    edges = np.clip(distribution.ppf(quantiles), low, high)
    edges[0], edges[-1] = low, high
    centres = np.clip(distribution.ppf(middles), low, high)
    edges.flags.writeable = centres.flags.writeable = False  # shared between batches
    return ParameterBins(spec.distribution, edges, centres)


def _plain(value: object) -> object:
    return json.loads(json.dumps(value, default=str))
