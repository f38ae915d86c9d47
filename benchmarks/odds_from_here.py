"""How long the odds from here take: 4,096 continuations per answer of a decision.

    python benchmarks/odds_from_here.py [SCENARIO] [RULE] [RUNS]

Stops run 0 (seed 0) of SCENARIO before the first turn RULE may fire, then times
`odds_from_here` (every available answer and the rules-only continuation) three times
and prints the fastest.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import sim
from sim.engine import EscalationModel
from sim.engine.branching import checkpoint
from sim.story.choices import choices_for
from sim.story.odds import odds_from_here


def main(name: str = "turkish-straits", rule_id: str = "turkey-turns-to-nato", runs: int = 4096):
    scenario = sim.load_scenario(name)
    steps = scenario.turn_steps()
    index = [r.id for r in steps].index(rule_id)
    model = EscalationModel(scenario, 0, 0, lanes=np.array([0]))
    while True:
        model.begin_turn()
        model.play_turn(stop=index)
        if bool(np.asarray(steps[index].when.evaluate(model.state)).reshape(-1)[0]):
            break
        model.play_turn()
    choices = choices_for(scenario, steps[index], model.state)
    start = checkpoint(model)
    best = float("inf")
    for attempt in range(3):
        began = time.perf_counter()
        odds = odds_from_here(scenario, start, choices, f"bench/{attempt}", runs)
        best = min(best, time.perf_counter() - began)
    sets = len(odds.choices) + 1
    print(
        f"{name}, {rule_id} due on turn {start.turn}: {sets} sets of {runs} continuations "
        f"in {best:.2f} s ({best / sets:.2f} s per set)"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    main(*args[:2], *(int(a) for a in args[2:3]))
