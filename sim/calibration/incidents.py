"""Finding and loading the historical incidents: scenarios with a `history:` block."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.errors import PathError, Problem, ScenarioError
from sim.language.compiled import CompiledScenario
from sim.language.load import load_scenario
from sim.scenario.catalog import bundled_dir
from sim.scenario.history import HistorySpec


def history_dir() -> Path:
    """The bundled incidents: `scenarios/history/`."""
    return bundled_dir() / "history"


@dataclass(frozen=True)
class Incident:
    """One real incident: its scenario, compiled, and what really happened."""

    path: Path
    scenario: CompiledScenario
    history: HistorySpec


def incident_files(paths: Sequence[Path]) -> list[Path]:
    """The YAML files named, a folder standing for the `.yaml` files directly in it;
    the bundled history folder when nothing is named."""
    files: list[Path] = []
    for path in paths or [history_dir()]:
        if path.is_dir():
            found = sorted(path.glob("*.yaml"))
            if not found:
                raise PathError(path, "holds no .yaml incident")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise PathError(path, "no such file or folder")
    return files


def load_incident(path: Path) -> Incident:
    """Load one incident; a scenario without `history:` cannot be scored against history."""
    scenario = load_scenario(str(path))
    history = scenario.spec.history
    if history is None:
        problem = Problem(
            "this scenario has no `history:` block, so there is nothing to calibrate against",
            file=str(path),
            hint="add `history: {date, outcome, measures, sources}` "
            "(see docs/scenario-language.md, History)",
        )
        raise ScenarioError([problem])
    return Incident(path, scenario, history)
