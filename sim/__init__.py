"""Escalation wargame simulator: YAML scenarios played thousands to millions of times.

import sim
scenario = sim.load_scenario("turkish-straits", overrides={"carrier_present": False})
results = sim.run(scenario, runs=20_000, seed=1)
results.outcome_table()
"""

__version__ = "0.1.0"

from sim.compiler import CompiledScenario
from sim.errors import ScenarioError, SimulationError
from sim.loader import load_scenario
from sim.results import Results, ResultsError, read_results
from sim.runner import run

__all__ = [
    "CompiledScenario",
    "Results",
    "ResultsError",
    "ScenarioError",
    "SimulationError",
    "load_scenario",
    "read_results",
    "run",
]
