"""Odds from here: the outcomes of continuations of a game stopped before a decision."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.engine import EscalationModel
from sim.engine.branching import checkpoint
from sim.results.intervals import difference
from sim.story.choices import choices_for
from sim.story.odds import continuation, continuations, odds_from_here, rule_due


def stopped_before(scenario, rule_id: str, seed: int = 0, run: int = 0):
    """A one-lane model of run `run` stopped before `rule_id` on the first turn it may fire."""
    model = EscalationModel(scenario, seed, 0, lanes=np.array([run]))
    index = [r.id for r in scenario.turn_steps()].index(rule_id)
    rule = scenario.turn_steps()[index]
    while model.turn < scenario.horizon and model.active[0]:
        model.begin_turn()
        model.play_turn(stop=index)
        if bool(np.asarray(rule.when.evaluate(model.state)).reshape(-1)[0]):
            return model, rule
        model.play_turn()
    raise AssertionError(f"{rule_id} never became due")


@pytest.fixture(scope="module")
def straits():
    return sim.load_scenario("turkish-straits")


@pytest.fixture(scope="module")
def due(straits):
    model, rule = stopped_before(straits, "turkey-turns-to-nato", seed=4, run=2)
    start = checkpoint(model)
    model.unregister()
    return start, rule, choices_for(straits, rule, model.state)


def test_the_rules_odds_are_the_mixture_of_the_answers(straits, due):
    """The rules choose each answer with its chance, so the rules-only odds of an outcome
    are the answers' odds weighted by those chances (within the intervals' noise)."""
    start, rule, choices = due
    odds = odds_from_here(straits, start, choices, branch="mixture", runs=4096)
    assert odds.rule == rule.id and odds.turn == start.turn
    assert [o.key for o in odds.choices] == [c.key for c in choices if c.available]
    weights = {c.key: c.odds for c in choices if c.available}
    assert abs(sum(weights.values()) - 1) < 1e-9
    for outcome in straits.outcomes:
        mixed = sum(weights[o.key] * o.probability(outcome.id) for o in odds.choices)
        spread = odds.rules.probability(outcome.id) * (1 - odds.rules.probability(outcome.id))
        spread += sum(
            weights[o.key] ** 2 * o.probability(outcome.id) * (1 - o.probability(outcome.id))
            for o in odds.choices
        )
        tolerance = 3.3 * np.sqrt(spread / 4096) + 1e-12  # 99.9% two-sided
        assert abs(odds.rules.probability(outcome.id) - mixed) <= tolerance, outcome.id


def test_odds_agree_with_another_batch_from_the_same_state(straits, due):
    """An answer's odds on one branch and 4,096 continuations on another: every outcome's
    difference has a 99% interval that holds 0."""
    start, rule, choices = due
    choice = next(c for c in choices if c.key != "pass" and c.available)
    one = continuations(straits, start, "first", 4096, rule=rule, choice=choice)
    other = continuations(straits, start, "second", 4096, rule=rule, choice=choice)
    for a, b in zip(one.outcomes, other.outcomes, strict=True):
        _, low, high = difference(a.count, 4096, b.count, 4096, confidence=0.99)
        assert low <= 0 <= high, a.id
        assert a.low <= a.probability <= a.high
    assert one.runs == 4096 and sum(o.count for o in one.outcomes) == 4096
    assert abs(sum(one.peaks) - 1) < 1e-9
    assert start.turn < one.mean_end_turn <= straits.horizon


def test_odds_are_reproducible_and_cover_several_blocks(straits, due):
    start, rule, choices = due
    first = continuations(straits, start, "again", 40000, rule=rule, choice=choices[0])
    again = continuations(straits, start, "again", 40000, rule=rule, choice=choices[0])
    assert first == again
    assert sum(o.count for o in first.outcomes) == 40000


def test_an_answer_is_forced_on_its_turn_only(straits, due):
    """Each answer is what every continuation does on the decision's turn."""
    start, rule, choices = due
    for choice in choices:
        if not choice.available:
            continue
        model = continuation(straits, start, "forced", 256, 0, rule, choice)
        model.play_turn()  # the rest of the decision's turn
        assert (model.fired[rule.index] == int(choice.fires)).all(), choice.key
        if choice.option is not None:
            column = straits.fire_columns().index(
                f"fired.{rule.id}.{rule.options[choice.option].id}"
            )
            assert (model.fired[column] == 1).all()
        model.unregister()


def test_a_checkpoint_between_turns_has_no_decision_due(straits):
    model = EscalationModel(straits, 0, 0, lanes=np.array([0]))
    model.step()
    with pytest.raises(ValueError, match="before an actor's rule"):
        rule_due(straits, checkpoint(model))
    model.unregister()
