"""Escalation wargame simulator: YAML scenarios played thousands to millions of times.

import sim
scenario = sim.load_scenario("turkish-straits", overrides={"carrier_present": False})
results = sim.run(scenario, runs=20_000, seed=1)
results.outcome_table()
sim.exact(scenario).outcome_table()  # a small scenario's exact answer, without sampling
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from sim.version import __version__ as __version__

# The public API, imported on first use: `wargame --help` and `wargame validate` need
# neither Mesa nor pandas nor scipy, which take seconds to import.
_EXPORTS = {
    "CompiledScenario": "sim.language.compiled",
    "Results": "sim.results.folder",
    "ResultsError": "sim.errors",
    "ScenarioError": "sim.errors",
    "exact": "sim.exact_analysis.analysis",
    "explore": "sim.explore.sweep",
    "SimulationError": "sim.errors",
    "load_scenario": "sim.language.load",
    "read_results": "sim.results.folder",
    "run": "sim.batch.runner",
}

__all__ = [
    "CompiledScenario",
    "Results",
    "ResultsError",
    "ScenarioError",
    "SimulationError",
    "exact",
    "explore",
    "load_scenario",
    "read_results",
    "run",
]

if TYPE_CHECKING:
    from sim.batch.runner import run
    from sim.errors import ResultsError, ScenarioError, SimulationError
    from sim.exact_analysis.analysis import exact
    from sim.explore.sweep import explore
    from sim.language.compiled import CompiledScenario
    from sim.language.load import load_scenario
    from sim.results.folder import Results, read_results


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
