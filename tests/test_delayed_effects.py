"""Delayed effects queue: every firing lands its own copy, checked against exact enumeration.

The fixture's rule may fire on every turn while `counter < 2`; each firing adds 1 to
the counter two turns later. The enumeration below plays the documented turn order
(delayed effects first, then the rule) over every sequence of draws.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "delayed-repeat.yaml"
RUNS = 200_000
AFTER, HORIZON = 2, 5


def exact_counter_distribution(p: float) -> dict[int, float]:
    """P(counter = k at the horizon), by enumerating every turn's draw."""
    result: Counter[int] = Counter()

    def play(turn: int, counter: int, due: tuple[int, ...], weight: float) -> None:
        if turn > HORIZON:
            result[counter] += weight
            return
        counter += due.count(turn)  # every copy due this turn lands, before the rule acts
        waiting = tuple(t for t in due if t > turn)
        if counter < 2:
            play(turn + 1, counter, (*waiting, turn + AFTER), weight * p)
            if p < 1:
                play(turn + 1, counter, waiting, weight * (1 - p))
        else:
            play(turn + 1, counter, waiting, weight)

    play(1, 0, (), 1.0)
    return dict(result)


def outcome_counts(p: float, runs: int, seed: int) -> dict[str, int]:
    scenario = sim.load_scenario(FIXTURE, overrides={"p": p})
    results = sim.run(scenario, runs, seed=seed)
    return {o["id"]: o["count"] for o in results.summary["outcomes"]}


@pytest.mark.parametrize("p", [0.4, 0.75])
def test_repeated_firings_each_land_their_own_delayed_effect(p):
    exact = exact_counter_distribution(p)
    expected = {
        "three-or-more": sum(w for k, w in exact.items() if k >= 3),
        "two": exact.get(2, 0.0),
        "fewer": sum(w for k, w in exact.items() if k < 2),
    }
    counts = outcome_counts(p, RUNS, seed=3)
    for outcome, probability in expected.items():
        sigma = np.sqrt(probability * (1 - probability) / RUNS)
        share = counts.get(outcome, 0) / RUNS
        assert abs(share - probability) <= 4 * sigma, (outcome, share, probability, sigma)
    # one timer per entry (a firing while one is pending lost) could never reach 3
    assert expected["three-or-more"] > 0.05


def test_a_rule_firing_every_turn_lands_every_copy_exactly():
    # turns 1 and 2 fire (counter 0), copies land on 3 and 4; turn 3 fires again (counter 1)
    # and lands on 5: three copies, not the two a single timer per entry would give
    assert exact_counter_distribution(1.0) == {3: 1.0}
    assert outcome_counts(1.0, 1000, seed=1) == {"three-or-more": 1000, "two": 0, "fewer": 0}


def test_trace_shows_each_delayed_effect_when_scheduled_and_when_it_lands():
    result = CliRunner().invoke(
        main, ["trace", str(FIXTURE), "--set", "p=1", "--seed", "1", "--run", "0"]
    )
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.count("An order arrives.") == 3 + 3  # scheduled three times, landed three times
    assert "Scheduled for turn 3" in text and "scheduled on turn 1" in text
    assert "counter: 2 -> 3" in text
