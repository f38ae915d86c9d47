"""What makes a batch one batch: the digest of its scenario, its record, and each block's identity.

`INCOMPLETE` records how a batch was started (the scenario as run, its digest,
seed, runs, block size, command, overrides) and a digest of that record; each
saved block carries the scenario's digest, the seed, the block size and its
index. `--resume` checks all of them before it uses anything, so an edited
record, an edited `scenario.yaml` or a block of another batch is refused, never
mixed in.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sim.errors import ResultsError

# The record's fields and their types, in the order they are written.
RECORD_FIELDS: dict[str, type | tuple[type, ...]] = {
    "scenario": str,
    "scenario_digest": str,
    "seed": int,
    "runs": int,
    "block_size": int,
    "command": str,
    "overrides": dict,
    "data": dict,
}
IDENTITY = "identity"  # the record's own digest, beside its fields


def digest(value: object) -> str:
    """A stable SHA-256 of plain data (keys sorted, no whitespace), as hex."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_record(
    scenario_id: str,
    data: dict[str, Any],
    seed: int,
    runs: int,
    block_size: int,
    command: str,
    overrides: dict[str, Any],
) -> dict[str, Any]:
    """The record of a batch as `INCOMPLETE` holds it, sealed by its identity."""
    record: dict[str, Any] = {
        "scenario": scenario_id,
        "scenario_digest": digest(data),
        "seed": seed,
        "runs": runs,
        "block_size": block_size,
        "command": command,
        "overrides": overrides,
        "data": data,
    }
    record[IDENTITY] = digest(record)
    return record


def checked_record(marker: Path, record: object) -> dict[str, Any]:
    """`record` (read from `marker`) if it is whole and unedited; else a ResultsError."""
    if not isinstance(record, dict):
        raise refused(f"{marker} is damaged (not a record of a batch)")
    missing = [name for name in (*RECORD_FIELDS, IDENTITY) if name not in record]
    if missing:
        raise refused(
            f"{marker} is damaged or was written by an older version: it lacks "
            + ", ".join(missing)
        )
    for name, kind in RECORD_FIELDS.items():
        value = record[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise refused(f"{marker} is damaged: {name} is {value!r}, not a {_kind(kind)}")
    if record["seed"] < 0 or record["runs"] < 1:
        raise refused(f"{marker} is damaged: seed {record['seed']}, runs {record['runs']}")
    fields = {name: record[name] for name in RECORD_FIELDS}
    if record[IDENTITY] != digest(fields) or record["scenario_digest"] != digest(record["data"]):
        raise refused(
            f"{marker} was edited after the batch started (its identity no longer matches "
            "its content); the batch cannot be resumed as started"
        )
    return record


def refused(message: str, hint: str | None = None) -> ResultsError:
    """A resume refused: the message, and what to do instead."""
    hint = hint or "start the batch again in a new folder (or restore the folder as it was)"
    return ResultsError(f"{message}\n  hint: {hint}")


def _kind(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "whole number", dict: "mapping"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)
