"""Loading a scenario: read, merge `extends`, apply `--set`, validate, compile.

Every step reports all the problems it finds, each pointing at a file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sim.language.compiled import CompiledScenario, compile_scenario
from sim.scenario.extends import load_source
from sim.scenario.locations import ScenarioPlaces
from sim.scenario.overrides import apply_overrides, fixed_values
from sim.scenario.validation import validate


def load_scenario(
    reference: str | Path,
    overrides: Mapping[str, object] | None = None,
    scenario_path: Iterable[str | Path] | None = None,
) -> CompiledScenario:
    """Load a scenario by path or bundled name, with parameters fixed by `overrides`.

    `extends` reads from the scenario's folder tree, the bundled scenarios, the
    folders in `scenario_path` and those listed in the WARGAME_PATH variable.
    """
    places = ScenarioPlaces.named_by_user(scenario_path)
    path = places.scenario(reference)
    source = load_source(path, places)
    data = apply_overrides(source.data, overrides or {}, source.file)
    spec = validate(data, source.located)
    fixed = fixed_values(data, overrides or {})
    return compile_scenario(spec, data, source.located, source.file, fixed)


def compile_data(
    data: dict[str, Any], overrides: Mapping[str, object] | None = None
) -> CompiledScenario:
    """Compile a scenario given as plain data (as saved in `scenario.yaml`), with `overrides`
    applied to it (applying them again to data that already has them changes nothing)."""
    applied = apply_overrides(data, overrides or {}, None)
    spec = validate(applied, None)
    return compile_scenario(spec, applied, None, None, fixed_values(applied, overrides or {}))
