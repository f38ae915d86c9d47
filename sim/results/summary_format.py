"""`summary.json`: one typed model, written from and read back into, with its format version.

The file is `Summary.to_json()`, so the same figures always give the same bytes
(fields in the order declared here). A folder written in a `format` this
version does not read is refused with the versions named, rather than misread.
Format 2 added `checks` and `measures`; a format 1 summary still reads, without
them (as a scenario with neither). Two chart tables came after the first folders
of format 1; a summary without them still reads, and `as_dict()` then lacks them
too (the charts say which version is needed).
"""

from __future__ import annotations

import json
import math
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from sim.errors import ResultsError

FORMAT = 2  # the version of summary.json this package writes
READS = (1, 2)  # the versions it reads
Number = int | float  # kept as written: an int stays an int, so the bytes do not change


class SummaryFormatError(ResultsError):
    """A summary.json of another format version than this package reads."""

    def __init__(self, path: str, found: object, reads: tuple[int, ...] = READS) -> None:
        self.path = path
        self.found = found
        self.reads = reads
        formats = " and ".join(str(r) for r in reads)
        super().__init__(
            f"{path}: written in format {found!r}, but this version of escalation-wargame "
            f"reads formats {formats}; read it with the version that wrote it"
        )


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelRecord(_Part):
    """A rung of the escalation ladder."""

    id: str
    name: str | None
    description: str | None


class OutcomeRecord(_Part):
    """An outcome: how often it happened, with its 95% Wilson interval."""

    id: str
    label: str | None
    description: str | None
    severity: int
    count: int
    probability: float
    ci95: list[float]  # [low, high]


class LevelsByTurn(_Part):
    """Runs at each ladder level (columns, lowest first) at the end of each turn (rows)."""

    levels: list[str]
    counts: list[list[int]]


class OutcomesByEndTurn(_Part):
    """Runs of each outcome (columns, least severe first) by the turn they ended (rows)."""

    outcomes: list[str]
    counts: list[list[int]]


class RuleRecord(_Part):
    """A rule (or one of its options): in how many runs it fired, and how often."""

    id: str
    option: str | None
    actor: str | None
    column: str  # its column in runs.parquet
    runs_fired: int
    times_fired: int
    runs_fired_by_outcome: dict[str, int]


class ParameterBinsRecord(_Part):
    """Outcomes by bin of one sampled parameter: by value, or between edges."""

    distribution: str
    values: list[Any] | None = None  # bernoulli and choice: one bin per value
    edges: list[Number] | None = None  # continuous: bins + 1 edges
    centres: list[Number] | None = None  # the median value within each bin
    counts: list[list[int]]  # (bins, outcomes), least severe outcome first


class CheckRecord(_Part):
    """A check: in how many runs it was violated, and the first few of them."""

    id: str
    holds: str  # the condition, as written
    checked: str  # at-end or every-turn
    message: str
    column: str  # its column in runs.parquet
    violations: int
    share: float
    ci95: list[float]  # Wilson interval of the share
    first_runs: list[int]  # the lowest run numbers that violated it (at most FIRST_RUNS)


class MeasureStat(_Part):
    """A measure over some runs: its share (true/false) or mean (numbers), with a 95% interval.

    `runs` counts the runs with a value (a `first` measure has none where it never held);
    `ci95` is null when there are too few of them for an interval.
    """

    runs: int
    value: float | None
    ci95: list[float] | None
    count: int | None = None  # a share's runs where it was true
    sd: float | None = None  # a mean's sample standard deviation


class MeasureRecord(_Part):
    """A measure: overall, and by outcome (least severe first)."""

    id: str
    label: str
    description: str
    kind: str  # value, ever, turns, max or first
    statistic: str  # share (Wilson interval) or mean (t interval)
    column: str  # its column in runs.parquet
    overall: MeasureStat
    by_outcome: dict[str, MeasureStat]


class ActorRungsRecord(_Part):
    """An actor that holds a rung of its own: runs by its highest and its last rung (ladder
    order, lowest first), and runs on each rung after each turn (its path)."""

    actor: str
    name: str
    peak_column: str  # its columns in runs.parquet
    end_column: str
    peaks: list[int]
    ends: list[int]
    levels_by_turn: LevelsByTurn


class Summary(_Part):
    """Everything in `summary.json`, in the file's order."""

    format: int
    scenario: str
    title: str
    description: str
    seed: int
    runs: int
    block_size: int
    horizon: int
    turn_length: str
    overrides: dict[str, Any]
    command: str
    version: str
    ladder: list[LevelRecord]
    outcomes: list[OutcomeRecord]  # least severe first
    levels_by_turn: LevelsByTurn
    parameters: dict[str, Any]  # as written in the scenario
    sampled_parameters: list[str]
    rules: list[RuleRecord]
    outcomes_by_end_turn: OutcomesByEndTurn | None = None
    outcomes_by_parameter: dict[str, ParameterBinsRecord] | None = None
    checks: list[CheckRecord] = []  # format 2 on
    measures: list[MeasureRecord] = []  # format 2 on
    # --- peaks by turn (optional: older folders lack it) ---
    # runs by the highest ladder level reached so far (columns, lowest first), after each turn
    peaks_by_turn: LevelsByTurn | None = None
    # --- actors with rungs of their own (only in scenarios that have them) ---
    world_level: str | None = None  # how the world's level follows their rungs
    actor_rungs: list[ActorRungsRecord] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data, exactly as in the file (what was not there is left out)."""
        return self.model_dump(exclude_unset=True)

    def to_json(self) -> str:
        """The text of `summary.json`: strict JSON, so any reader takes it. A number that is
        not finite cannot be written in JSON; the scenario's own numbers are refused at load,
        so one could only come from a computed figure, and is written as null."""
        data = self.as_dict()
        try:  # almost always: every number finite, no copy of the summary needed
            return json.dumps(data, indent=2, allow_nan=False) + "\n"
        except ValueError:
            return json.dumps(strict_json(data), indent=2, allow_nan=False) + "\n"

    @classmethod
    def from_json(cls, text: str, path: str) -> Summary:
        """Read `summary.json` (`path` names it in errors), checking its format version."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ResultsError(f"{path}: damaged ({error})") from None
        found = data.get("format") if isinstance(data, dict) else None
        if found not in READS:
            raise SummaryFormatError(path, found)
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise ResultsError(f"{path}: damaged ({_first_problem(error)})") from None


def strict_json(value: object) -> object:
    """`value` with every NaN or infinity (which JSON has no words for) made None (null)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: strict_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [strict_json(item) for item in value]
    return value


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"])
    return f"{where}: {problem['msg']}" if where else str(problem["msg"])
