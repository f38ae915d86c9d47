"""The bundled translation of SWARM's escalation sandbox against SWARM's own runner.

The reference figures were measured with SWARM's runner (swarm-ai-safety/swarm,
`EscalationRunner` on scenarios/escalation_sandbox.yaml) over seeds 0 to 99,999: the
share of each outcome and of each number of turns played. Both are samples of 100,000
runs, so each comparison allows the two-sample interval of its difference.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

import sim
from sim.cli import main
from sim.scenario import catalog

RUNS = 100_000
Z = 4.0  # half-width of each interval in standard errors of the difference

SWARM_RUNS = 100_000
SWARM_OUTCOMES = {"mutual-destruction": 0.52122, "nuclear-exchange": 0.47872, "ceasefire": 6e-05}
SWARM_MEAN_TURNS = 5.7596
# turns played -> share of runs (11 turns and more pooled)
SWARM_TURNS = {
    3: 0.00357,
    4: 0.12849,
    5: 0.31904,
    6: 0.30947,
    7: 0.16045,
    8: 0.05767,
    9: 0.01622,
    10: 0.00393,
    11: 0.00116,
}


@pytest.fixture(scope="module")
def runs():
    scenario = sim.load_scenario("swarm-escalation-sandbox")
    return sim.run(scenario, RUNS, seed=1).runs


def test_the_example_is_listed_and_found_by_name():
    assert "swarm-escalation-sandbox" in [entry.name for entry in catalog.examples()]
    listed = CliRunner().invoke(main, ["list"]).output
    assert "Examples" in listed and "swarm-escalation-sandbox" in listed


@pytest.mark.parametrize("outcome", list(SWARM_OUTCOMES))
def test_outcome_shares_match_swarms_runner(runs, outcome):
    ours = (runs["outcome"] == outcome).mean()
    theirs = SWARM_OUTCOMES[outcome]
    pooled = (ours * RUNS + theirs * SWARM_RUNS) / (RUNS + SWARM_RUNS)
    error = np.sqrt(pooled * (1 - pooled) * (1 / RUNS + 1 / SWARM_RUNS))
    assert abs(ours - theirs) <= Z * error + 1e-12


def test_mean_end_turn_matches_swarms_runner(runs):
    turns = runs["end_turn"].to_numpy(dtype=float)
    error = turns.std(ddof=1) * np.sqrt(1 / RUNS + 1 / SWARM_RUNS)
    assert abs(turns.mean() - SWARM_MEAN_TURNS) <= Z * error


def test_distribution_of_end_turns_matches_swarms_runner(runs):
    """A two-sample chi-square test of homogeneity over turns played (11 and more pooled)."""
    ours = runs["end_turn"].clip(upper=11).value_counts().reindex(SWARM_TURNS, fill_value=0)
    theirs = np.array([SWARM_TURNS[t] for t in SWARM_TURNS]) * SWARM_RUNS
    _, p, _, _ = stats.chi2_contingency(np.vstack([ours.to_numpy(), theirs]))
    assert p > 0.001


def test_every_run_ends_with_both_sides_nuclear_and_each_actor_on_its_rung(runs):
    nuclear = runs["outcome"].isin(["mutual-destruction", "nuclear-exchange"])
    assert nuclear.mean() > 0.999
    both = runs["outcome"] == "mutual-destruction"
    assert (runs["end_level.alpha"][both] == "full-strategic-exchange").all()
    assert (runs["end_level.beta"][both] == "full-strategic-exchange").all()
    # the world's level is the lower rung: the peak is the highest rung both stood on at once
    lower = np.minimum(runs["peak_level.alpha"].cat.codes, runs["peak_level.beta"].cat.codes)
    assert (runs["peak_level"].cat.codes <= lower).all()
