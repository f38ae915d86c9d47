"""A results folder before it is complete: creating it, resuming it, naming a new one.

A new folder gets its `INCOMPLETE` marker first (the record of how the batch was
started: scenario, seed, runs, command) and the scenario as run; `--resume`
reads them back and refuses anything other than what the batch was started
with. A folder that cannot be created or written is a `PathError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from sim.batch.sinks import BLOCKS, FolderSink, write_text, writing
from sim.engine.streams import BLOCK_SIZE
from sim.errors import Problem, ScenarioError
from sim.language.compiled import CompiledScenario
from sim.results.folder import INCOMPLETE, SCENARIO, SUMMARY


def open_folder(
    folder: Path,
    scenario: CompiledScenario,
    seed: int,
    runs: int,
    command: str,
    resume: bool = False,
) -> FolderSink:
    """Prepare a results folder: new and empty, or an interrupted batch to resume."""
    if resume:
        _check_resumable(folder, scenario, seed, runs)
        created = False
    else:
        _check_new(folder)
        created = _create(folder, scenario, seed, runs, command)
    with writing(folder):
        (folder / BLOCKS).mkdir(exist_ok=True)
    sink = FolderSink(folder, scenario, seed, runs, command)
    sink.created = created
    if resume:
        sink.check_blocks()
    return sink


def _check_new(folder: Path) -> None:
    """Refuse a folder that holds anything: results are never overwritten."""
    if not folder.exists() or (folder.is_dir() and not any(folder.iterdir())):
        return
    if (folder / INCOMPLETE).exists():
        hint = f"it holds an unfinished batch: finish it with `wargame run --resume {folder}`"
    else:
        hint = "choose another --out, or leave it out to get a new folder"
    raise ScenarioError(
        [
            Problem(
                f"{folder} already exists and is not empty; results are never overwritten",
                hint=hint,
            )
        ]
    )


def _create(folder: Path, scenario: CompiledScenario, seed: int, runs: int, command: str) -> bool:
    """Create the folder (unless it is there, empty), marked unfinished; whether it was new."""
    created = not folder.exists()
    record = {
        "scenario": scenario.id,
        "seed": seed,
        "runs": runs,
        "command": command,
        "block_size": BLOCK_SIZE,
        "overrides": scenario.overrides,
    }
    with writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
        # the marker first: from here on the folder says it is unfinished
        write_text(folder / INCOMPLETE, json.dumps(record, indent=2) + "\n")
        write_text(folder / SCENARIO, dump_scenario(scenario.data))
    return created


def _check_resumable(folder: Path, scenario: CompiledScenario, seed: int, runs: int) -> None:
    """Refuse to resume with anything other than what the batch was started with."""
    record = read_incomplete(folder)
    if record.get("block_size") != BLOCK_SIZE:
        raise ScenarioError(
            [Problem(f"{folder} was started with another block size; it cannot be resumed")]
        )
    hint = f"run `wargame run --resume {folder}` alone to finish it as it was started"
    started = (record.get("seed"), record.get("runs"))
    if started != (seed, runs):
        raise ScenarioError(
            [
                Problem(
                    f"{folder} was started with seed {started[0]} and {_number(started[1])} "
                    f"runs, not seed {seed} and {runs:,} runs; a batch resumes only as started",
                    hint=hint,
                )
            ]
        )
    if saved_scenario(folder) != scenario.data:
        raise ScenarioError(
            [
                Problem(
                    f"{folder} was started with another scenario (or other --set values) "
                    f"than {scenario.source or scenario.id}; a batch resumes only as started",
                    hint=hint,
                )
            ]
        )


def _number(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def saved_scenario(folder: Path) -> dict[str, Any]:
    """The scenario data an unfinished batch was started with (its scenario.yaml)."""
    try:
        data = yaml.safe_load((folder / SCENARIO).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        data = None
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                Problem(
                    f"{folder} has no readable {SCENARIO}; the batch cannot be resumed",
                    hint="start it again in a new folder",
                )
            ]
        )
    return data


def read_incomplete(folder: Path) -> dict[str, Any]:
    """The record of an unfinished batch: scenario id, seed, runs, command, overrides."""
    marker = folder / INCOMPLETE
    if not marker.is_file():
        why = "it is complete" if (folder / SUMMARY).is_file() else "it holds no unfinished batch"
        raise ScenarioError([Problem(f"{folder} cannot be resumed: {why}")])
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        record = None
    if not isinstance(record, dict):
        raise ScenarioError(
            [Problem(f"{marker} is damaged; the batch cannot be resumed", hint="start it again")]
        )
    return record


def dump_scenario(data: dict[str, Any]) -> str:
    """The scenario as run, as YAML that loads back to the same data."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def new_folder(base: Path, name: str) -> Path:
    """A folder under `base` named `name`, or `name-2`, `name-3`... never an existing one."""
    candidate = base / name
    counter = 2
    while candidate.exists():
        candidate = base / f"{name}-{counter}"
        counter += 1
    return candidate
