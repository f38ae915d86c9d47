"""A results folder before it is complete: creating it, resuming it, naming a new one.

A new folder gets its `INCOMPLETE` marker first (the record of how the batch was
started, sealed by a digest: see `sim.batch.identity`) and the scenario as run;
`--resume` reads them back, checks they are unedited and belong together, and
refuses anything other than what the batch was started with. A folder that
cannot be created or written is a `PathError`.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import yaml

from sim.batch.identity import checked_record, digest, new_record, refused
from sim.batch.sinks import BLOCKS, FolderSink, write_text, writing
from sim.engine.streams import BLOCK_SIZE
from sim.errors import PathError, Problem, ResultsError, ScenarioError
from sim.language.compiled import CompiledScenario
from sim.results.folder import INCOMPLETE, RUNS, SCENARIO, SUMMARY


def open_folder(
    folder: Path,
    scenario: CompiledScenario,
    seed: int,
    runs: int,
    command: str,
    resume: bool = False,
) -> FolderSink:
    """Prepare a results folder: new and empty, or an interrupted batch to resume.

    A folder whose unfinished batch saved no block yet (stopped in its first
    instant) holds nothing to lose: a new batch starts over in it.
    """
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
    """Refuse a folder that holds anything worth keeping: results are never overwritten."""
    if folder.is_symlink() and not folder.exists():
        raise PathError(folder, f"it is a link to {os.readlink(folder)}, which does not exist")
    if folder.exists() and not folder.is_dir():
        raise PathError(folder, "it is a file, not a folder")
    with writing(folder):
        if not folder.exists() or not any(folder.iterdir()):
            return
    if (folder / INCOMPLETE).exists():
        if nothing_saved(folder):
            return  # stopped before its first block: starting over loses nothing
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


def nothing_saved(folder: Path) -> bool:
    """Whether an unfinished batch's folder holds only what its start wrote: its record,
    its scenario, an empty `blocks/`, leftovers of interrupted writes; no block, no results."""
    started = {INCOMPLETE, SCENARIO, BLOCKS, RUNS + ".tmp"}
    for path in folder.iterdir():
        if path.name == BLOCKS and path.is_dir():
            if any(not p.name.endswith(".tmp") for p in path.iterdir()):
                return False
        elif path.name not in started and not path.name.endswith(".tmp"):
            return False
    return True


def _create(folder: Path, scenario: CompiledScenario, seed: int, runs: int, command: str) -> bool:
    """Create the folder (unless it is there, empty or never started), marked unfinished;
    whether it was new."""
    created = not folder.exists()
    record = new_record(
        scenario.id, scenario.data, seed, runs, BLOCK_SIZE, command, dict(scenario.overrides)
    )
    try:
        with writing(folder):
            folder.mkdir(parents=True, exist_ok=True)
            # the marker first: from here on the folder says it is unfinished, and holds
            # all it takes to resume (the scenario too, should scenario.yaml never be written)
            write_text(folder / INCOMPLETE, json.dumps(record, indent=2) + "\n")
            write_text(folder / SCENARIO, dump_scenario(scenario.data))
    except PathError:
        _undo_start(folder, created)
        raise
    return created


def _undo_start(folder: Path, created: bool) -> None:
    """Take back the start of a batch that could not be written whole, so that the same
    command works once the folder can be written."""
    for name in (SCENARIO, INCOMPLETE):
        for path in (folder / name, folder / (name + ".tmp")):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
    if created:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _check_resumable(folder: Path, scenario: CompiledScenario, seed: int, runs: int) -> None:
    """Refuse to resume with anything other than what the batch was started with, or a
    folder whose record or scenario was edited."""
    record = read_incomplete(folder)
    saved_scenario(folder)
    if record["block_size"] != BLOCK_SIZE:
        raise ScenarioError(
            [Problem(f"{folder} was started with another block size; it cannot be resumed")]
        )
    hint = f"run `wargame run --resume {folder}` alone to finish it as it was started"
    started = (record["seed"], record["runs"])
    if started != (seed, runs):
        raise ScenarioError(
            [
                Problem(
                    f"{folder} was started with seed {started[0]} and {started[1]:,} "
                    f"runs, not seed {seed} and {runs:,} runs; a batch resumes only as started",
                    hint=hint,
                )
            ]
        )
    if digest(scenario.data) != record["scenario_digest"]:
        raise ScenarioError(
            [
                Problem(
                    f"{folder} was started with another scenario (or other --set values) "
                    f"than {scenario.source or scenario.id}; a batch resumes only as started",
                    hint=hint,
                )
            ]
        )


def saved_scenario(folder: Path) -> dict[str, Any]:
    """The scenario data an unfinished batch was started with, checked against its record:
    `scenario.yaml` (written again from the record if it never was)."""
    record = read_incomplete(folder)
    path = folder / SCENARIO
    if not path.exists():  # stopped between the record and the scenario
        with writing(folder):
            write_text(path, dump_scenario(record["data"]))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    if not isinstance(data, dict) or digest(data) != record["scenario_digest"]:
        raise refused(
            f"{path} was edited or damaged after the batch started (it is not the scenario "
            f"{INCOMPLETE} records); the batch cannot be resumed as started",
            hint=f"restore it, or start the batch again: {record['command']}",
        )
    return data


def read_incomplete(folder: Path) -> dict[str, Any]:
    """The record of an unfinished batch (see `sim.batch.identity`), checked whole and unedited."""
    marker = folder / INCOMPLETE
    if not marker.is_file():
        why = "it is complete" if (folder / SUMMARY).is_file() else "it holds no unfinished batch"
        raise ScenarioError([Problem(f"{folder} cannot be resumed: {why}")])
    try:
        record = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        record = None
    try:
        return checked_record(marker, record)
    except ResultsError as error:
        if nothing_saved(folder):  # nothing to lose: say how to start over in place
            raise refused(
                str(error).partition("\n")[0],
                hint=f"it holds no finished block: start the batch again in it with "
                f"`wargame run SCENARIO ... --out {folder}`",
            ) from None
        raise


def dump_scenario(data: dict[str, Any]) -> str:
    """The scenario as run, as YAML that loads back to the same data.

    libyaml's emitter (bundled with PyYAML's wheels) when there is one: a fixed cost of
    every batch, five times cheaper than the pure-Python one, which breaks a long quoted
    line at another place but writes the same data.
    """
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Every value written out in full, never as an alias (`&id001` ... `*id001`): a value
    shared by two places of the data (an `extends` merge may share one) would otherwise be
    written differently from the same data read back from a file."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def new_folder(base: Path, name: str) -> Path:
    """A folder under `base` named `name`, or `name-2`, `name-3`... never an existing one."""
    candidate = base / name
    counter = 2
    while candidate.exists():
        candidate = base / f"{name}-{counter}"
        counter += 1
    return candidate
