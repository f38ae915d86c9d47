"""The bundled translation of SWARM's escalation sandbox against SWARM's own runner.

The reference figures were measured with SWARM's runner (swarm-ai-safety/swarm,
`EscalationRunner` on scenarios/escalation_sandbox.yaml) over seeds 0 to 99,999: the
share of each outcome and of each number of turns played. Both are samples of 100,000
runs, so each comparison allows the two-sample interval of its difference.
"""

from __future__ import annotations

from collections.abc import Callable

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


# --- an exact answer, by a Markov chain over both sides' rungs -----------------------

FOG_SKEW, FOG_SD, FOG_PER_RUNG, FOG_FACTOR = 0.3, 0.5, 0.1, 0.75  # the example's numbers
RETALIATION, BREAKER = 0.9, 7


def landing(intent: int) -> dict[int, float]:
    """Where an order for rung `intent` lands: the rounded Gaussian error, clipped to 0-9."""
    sd = (FOG_SD + FOG_PER_RUNG * intent) * FOG_FACTOR
    out: dict[int, float] = {}
    for delta in range(-12, 13):
        p = stats.norm.cdf(delta + 0.5, FOG_SKEW, sd) - stats.norm.cdf(delta - 0.5, FOG_SKEW, sd)
        rung = min(max(intent + delta, 0), 9)
        out[rung] = out.get(rung, 0.0) + p
    return out


def retaliation(a: int, b: int) -> dict[tuple[int, int], float]:
    """Alpha's nuclear rung answered by Beta, then Beta's (as it then is) by Alpha."""
    first = _answer({(a, b): 1.0}, lambda x, y: x >= BREAKER, lambda x, y: (x, max(x, y)))
    return _answer(first, lambda x, y: y >= BREAKER, lambda x, y: (max(x, y), y))


Rungs = tuple[int, int]


def _answer(
    states: dict[Rungs, float],
    nuclear: Callable[[int, int], bool],
    answered: Callable[[int, int], Rungs],
) -> dict[Rungs, float]:
    """Where `nuclear(x, y)` holds, the answer `answered(x, y)` with chance RETALIATION."""
    out: dict[tuple[int, int], float] = {}
    for (x, y), p in states.items():
        branches = [(answered(x, y), RETALIATION), ((x, y), 1 - RETALIATION)]
        for key, q in branches if nuclear(x, y) else [((x, y), 1.0)]:
            out[key] = out.get(key, 0.0) + p * q
    return out


def exact_answer(horizon: int = 20) -> tuple[dict[str, float], float]:
    """Each outcome's probability and the mean end turn, propagated turn by turn: Alpha
    orders Beta's rung, Beta its own plus one or two (even odds), both through the fog."""
    lands = {intent: landing(intent) for intent in range(10)}
    states = {(0, 0, False): 1.0}  # (Alpha's rung, Beta's rung, breaker used) -> probability
    ended = {"mutual-destruction": 0.0, "nuclear-exchange": 0.0, "ceasefire": 0.0, "timeout": 0.0}
    mean_turn = 0.0
    for turn in range(1, horizon + 1):
        following: dict[tuple[int, int, bool], float] = {}
        for (_, b, used), p in states.items():
            for step in (1, 2):
                for x, px in lands[b].items():
                    for y, py in lands[min(b + step, 9)].items():
                        fires = not used and max(x, y) >= BREAKER
                        x2, y2 = (min(x, BREAKER - 1), min(y, BREAKER - 1)) if fires else (x, y)
                        for (x3, y3), pr in retaliation(x2, y2).items():
                            key = (x3, y3, used or fires)
                            following[key] = following.get(key, 0.0) + p * 0.5 * px * py * pr
        states = {}
        for (a, b, used), p in following.items():
            outcome = _outcome(a, b, turn, horizon)
            if outcome is None:
                states[(a, b, used)] = states.get((a, b, used), 0.0) + p
            else:
                ended[outcome] += p
                mean_turn += p * turn
    return ended, mean_turn


def _outcome(a: int, b: int, turn: int, horizon: int) -> str | None:
    if min(a, b) >= 9:
        return "mutual-destruction"
    if min(a, b) >= 8:
        return "nuclear-exchange"
    if max(a, b) <= 1 and turn >= 4:
        return "ceasefire"
    return "timeout" if turn == horizon else None


def test_monte_carlo_agrees_with_the_exact_answer(runs):
    exact, mean_turn = exact_answer()
    assert abs(sum(exact.values()) - 1) < 1e-9
    for outcome, p in exact.items():
        ours = (runs["outcome"] == outcome).mean()
        assert abs(ours - p) <= Z * np.sqrt(p * (1 - p) / RUNS) + 1e-12, outcome
    turns = runs["end_turn"].to_numpy(dtype=float)
    assert abs(turns.mean() - mean_turn) <= Z * turns.std(ddof=1) / np.sqrt(RUNS)
