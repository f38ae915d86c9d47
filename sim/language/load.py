"""Loading a scenario: read, merge `extends`, apply `--set`, validate, compile.

Every step reports all the problems it finds, each pointing at a file and line.
"""

from __future__ import annotations

from pathlib import Path

from sim.language.compiled import CompiledScenario
from sim.language.compiler import compile_scenario
from sim.scenario import catalog
from sim.scenario.source import apply_overrides, load_source
from sim.scenario.validation import validate


def load_scenario(
    reference: str | Path, overrides: dict[str, object] | None = None
) -> CompiledScenario:
    """Load a scenario by path or bundled name, with parameters fixed by `overrides`."""
    path = catalog.resolve(reference)
    source = load_source(path, lambda ref, at: catalog.resolve(ref, at))
    data = apply_overrides(source.data, overrides or {}, source.file)
    spec = validate(data, source.located)
    return compile_scenario(spec, data, source.located, source.file, dict(overrides or {}))


def compile_data(data: dict, overrides: dict | None = None) -> CompiledScenario:
    """Compile a scenario given as plain data (as saved in `scenario.yaml`)."""
    spec = validate(data, None)
    return compile_scenario(spec, data, None, None, dict(overrides or {}))
