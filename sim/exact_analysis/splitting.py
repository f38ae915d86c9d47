"""One step of a turn over a distribution: a rule or event splits each lane into where it
fires (with each option) and where it does not; delayed effects take hold where due.

The semantics are the engine's (docs/scenario-language.md, "The turn, in order"),
written again over probabilities instead of draws: a rule may fire where its `when`
holds (and a `once` rule is unspent), with its `chance`; an option is chosen among
those whose own `when` holds with probability weight / total weight (no option
available: no firing); a vote passes with the probability that enough members say
yes (a Poisson-binomial tail over their chances); effects are clipped to their bounds
and stored in their variable's type; every firing schedules its own delayed effects.
"""

from __future__ import annotations

import itertools

import numpy as np

from sim.errors import SimulationError
from sim.exact_analysis.beliefs import misread
from sim.exact_analysis.distribution import Distribution, join
from sim.language.compiled import DelayedEffects, Effect, Rule, Vote
from sim.language.observations import FALSE_BELIEF_FIRINGS
from sim.language.types import Compiled, Env, Value


def once_key(rule: Rule) -> str:
    """The column of a `once` rule's flag: whether it has fired."""
    return f"once.{rule.id}"


def delay_keys(item: DelayedEffects) -> list[str]:
    """The columns counting an entry's pending effects: the i-th is due i + 1 turns after
    the current one."""
    return [f"delay.{item.slot}.{i}" for i in range(item.after)]


def resolve(lanes: Distribution, rule: Rule, turn: int) -> Distribution:
    """`lanes` after `rule` (or a chance event) has had its chance to fire, merged."""
    env = lanes.env(turn)
    size = len(lanes)
    eligible = _per_lane(rule.when.evaluate(env), size).astype(bool)
    if rule.once:
        eligible = eligible & ~lanes.columns[once_key(rule)]
    if not eligible.any():
        return lanes
    chance = _checked(rule, rule.chance, env, eligible, "chance", turn, lanes)
    fires = np.where(eligible, chance, 0.0)  # (lanes,) chance that the rule's draw fires
    shares = _option_shares(rule, env, fires > 0, turn, lanes)  # (options, lanes)
    available = shares.sum(axis=0) if rule.options else np.ones(size)  # 1, or 0: no option
    if rule.vote is not None:
        held = (fires > 0) & (available > 0)
        fires = fires * _passes(rule, rule.vote, env, held, turn, lanes)
    fired = fires * available
    parts = [lanes.take(np.arange(size), lanes.probability * (1.0 - fired))]
    branches = [(shares[i] * fires, i) for i in range(len(rule.options))] or [(fires, -1)]
    counted = rule.beliefs_read and FALSE_BELIEF_FIRINGS in lanes.columns
    wrong = misread(rule, env, size) if counted else None  # judged on a false belief
    for chance_of_branch, option in branches:
        where = chance_of_branch > 0
        if where.any():
            branch = lanes.take(where, lanes.probability[where] * chance_of_branch[where])
            if wrong is not None:
                count = branch.columns[FALSE_BELIEF_FIRINGS]
                branch.columns[FALSE_BELIEF_FIRINGS] = count + wrong[where]
            parts.append(_fire(branch, rule, option, turn))
    return join(parts).merge()


def _fire(lanes: Distribution, rule: Rule, option: int, turn: int) -> Distribution:
    """`lanes`, where `rule` fired (with option number `option`, or -1 for none), after
    its effects and those of the option; its delayed effects scheduled."""
    if rule.once:
        lanes.columns[once_key(rule)] = np.ones(len(lanes), dtype=bool)
    apply_effects(lanes, rule.effects, turn)
    schedule(lanes, rule.delayed)
    if option >= 0:
        chosen = rule.options[option]
        apply_effects(lanes, chosen.effects, turn)
        schedule(lanes, chosen.delayed)
    return lanes


def apply_effects(
    lanes: Distribution, effects: tuple[Effect, ...], turn: int, mask: np.ndarray | None = None
) -> None:
    """Apply `effects` in order (where `mask` (lanes,) bool holds, or everywhere): each
    value clipped to its bounds and cast to its variable's type; the peak follows the level."""
    for effect in effects:
        value = effect.expression.evaluate(lanes.env(turn))
        if effect.expression.type.kind != "enum":
            value = _clip(value, effect.low, effect.high)
        before = lanes.columns[effect.key]
        after = before.copy()
        np.copyto(after, value, where=True if mask is None else mask, casting="unsafe")
        lanes.columns[effect.key] = after
        if effect.key == "level":
            lanes.columns["peak"] = np.maximum(lanes.columns["peak"], after)


def schedule(lanes: Distribution, delayed: tuple[DelayedEffects, ...]) -> None:
    """Schedule one pending effect of each entry in every lane, due `after` turns from now."""
    for item in delayed:
        key = delay_keys(item)[-1]
        lanes.columns[key] = lanes.columns[key] + 1


def delayed_effects(lanes: Distribution, delayed: tuple[DelayedEffects, ...], turn: int) -> None:
    """The effects due this turn take hold (each entry, in order, once per pending effect),
    then every pending effect moves a turn closer."""
    for item in delayed:
        due = lanes.columns[delay_keys(item)[0]]
        for times in range(1, int(due.max(initial=0)) + 1):
            apply_effects(lanes, item.effects, turn, mask=due >= times)
    for item in delayed:
        keys = delay_keys(item)
        for nearer, later in itertools.pairwise(keys):
            lanes.columns[nearer] = lanes.columns[later]
        lanes.columns[keys[-1]] = np.zeros(len(lanes), dtype=np.int32)


def _option_shares(
    rule: Rule, env: Env, where: np.ndarray, turn: int, lanes: Distribution
) -> np.ndarray:
    """Each option's chance of being chosen, (options, lanes) float64: its weight over the
    total of those whose `when` holds (all 0 where none is available)."""
    size = len(lanes)
    weights = np.zeros((len(rule.options), size))
    for i, option in enumerate(rule.options):
        allowed = where & _per_lane(option.when.evaluate(env), size).astype(bool)
        if allowed.any():
            what = f"weight of {option.id!r}"
            weight = _checked(rule, option.weight, env, allowed, what, turn, lanes, upper=None)
            weights[i] = np.where(allowed, weight, 0.0)
    total = weights.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares: np.ndarray = np.where(total > 0, weights / total, 0.0)
    return shares


def _passes(
    rule: Rule, vote: Vote, env: Env, held: np.ndarray, turn: int, lanes: Distribution
) -> np.ndarray:
    """The chance the vote passes, (lanes,) float64: at least `required` of the members
    vote yes, each independently with their own chance (a Poisson-binomial tail)."""
    members = len(vote.ballots)
    count = np.zeros((members + 1, len(lanes)))  # (yes votes, lanes) distribution
    count[0] = 1.0
    for member, chance_of_yes in vote.ballots:
        what = f"vote of {member!r}"
        yes = np.where(held, _checked(rule, chance_of_yes, env, held, what, turn, lanes), 0.0)
        count[1:] = count[1:] * (1.0 - yes) + count[:-1] * yes
        count[0] = count[0] * (1.0 - yes)
    passed: np.ndarray = count[vote.required() :].sum(axis=0)
    return passed


def _checked(
    rule: Rule,
    expression: Compiled,
    env: Env,
    where: np.ndarray,
    what: str,
    turn: int,
    lanes: Distribution,
    upper: float | None = 1.0,
) -> np.ndarray:
    """A chance (or weight, with no upper bound) per lane, held to its range where `where`
    holds: outside it, the error names the rule, the value and the turn."""
    values = _per_lane(expression.evaluate(env), len(lanes)).astype(np.float64)
    valid = values >= 0
    if upper is not None:
        valid &= values <= upper
    bad = where & ~valid
    if bad.any():
        lane = int(np.flatnonzero(bad)[0])
        bounds = "between 0 and 1" if upper is not None else "0 or more"
        raise SimulationError(
            f"rule {rule.id!r}: the {what} `{expression.text or values[lane]}` evaluated to "
            f"{values[lane]:g} on turn {turn}, in a state reached with probability "
            f"{lanes.probability[lane]:.3g}; it must be {bounds}"
        )
    return values


def _per_lane(value: Value, size: int) -> np.ndarray:
    """An expression's value as a (lanes,) array (a scalar is repeated)."""
    return np.broadcast_to(np.asarray(value), (size,))


def _clip(value: Value, low: float | None, high: float | None) -> Value:
    """`value` kept within [low, high] (None: no bound), NaN left as it is."""
    if low is not None:
        value = np.maximum(value, low)
    if high is not None:
        value = np.minimum(value, high)
    return value
