"""The escalation model: one Mesa model simulating a block of runs in lockstep.

Every state variable is a numpy array with one entry per lane (run); a rule's
condition, chance and effects are evaluated for all lanes at once. A single
run (trace, play) is the same model with one lane. The turn's phases are
documented in `docs/scenario-language.md`, "The turn, in order".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.engine import sampling
from sim.engine.agents import Actor
from sim.engine.streams import BLOCK_SIZE, SCALE, Stream, block_seed
from sim.errors import SimulationError
from sim.language.compiled import CompiledScenario, DelayedEffects, Effect, Rule

NO_OUTCOME = -1


@dataclass
class Firing:
    """What one rule did on one turn, for the lanes where it fired (traces and play)."""

    turn: int
    rule: Rule | None
    fired: np.ndarray  # (lanes,) bool
    option: np.ndarray | None = None  # (lanes,) int16, index of the chosen option
    votes: dict[str, np.ndarray] = field(default_factory=dict)  # member -> (lanes,) bool yes
    vote_held: np.ndarray | None = None  # (lanes,) bool: a vote was taken
    changes: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)
    delayed: DelayedEffects | None = None  # set when this is a delayed effect taking hold
    decided_by: str = "rules"  # "rules", or "player" when a person chose


# A policy may replace the rule draw of some actor: given the rule, the model,
# the lanes where it may fire, and the drawn (fires, option) it returns its own.
Policy = Callable[[Rule, "EscalationModel", np.ndarray, np.ndarray, np.ndarray | None], tuple]


class EscalationModel(mesa.Model):
    """A block of runs of one scenario.

    `lanes` selects which runs of the block to simulate (indices within it);
    None simulates the whole block. Random numbers are drawn for the whole
    block regardless, so a lane's run is the same alone or among others.
    """

    def __init__(
        self,
        scenario: CompiledScenario,
        seed: int,
        block: int,
        lanes: np.ndarray | None = None,
        policy: Policy | None = None,
        policy_actors: frozenset[str] = frozenset(),
        journal: list[Firing] | None = None,
    ) -> None:
        super().__init__(rng=block_seed(seed, block))
        self.scenario = scenario
        self.seed = seed
        self.block = block
        self.lanes = None if lanes is None else np.asarray(lanes, dtype=np.int64)
        self.size = BLOCK_SIZE if self.lanes is None else len(self.lanes)
        self.policy = policy
        self.policy_actors = policy_actors
        self.journal = journal
        self.turn = 0

        self.state: dict[str, np.ndarray] = {}  # variable key -> (lanes,) array
        # chance expression -> the last array found in range; arrays are never changed in
        # place (effects replace them), so the same array needs no second check
        self._in_range: dict[int, np.ndarray] = {}
        # chance expression -> (its last array, that array's 32-bit thresholds or None)
        self._thresholds: dict[int, tuple] = {}
        self._stream: dict[str, Stream] = {}  # rule id -> its stream
        self._ballots: dict[str, tuple[Stream, ...]] = {}  # rule id -> a stream per member
        for rule in scenario.all_rules():
            self._stream[rule.id] = Stream(seed, block, rule.stream, self.lanes)
            if rule.vote is not None:
                self._ballots[rule.id] = tuple(
                    Stream(seed, block, f"{rule.stream}/vote:{member}", self.lanes)
                    for member, _ in rule.vote.ballots
                )
        self._sample_parameters()
        self._initial_state()

        n = self.size
        self.active = np.ones(n, dtype=bool)  # (lanes,) runs still going
        self.outcome = np.full(n, NO_OUTCOME, dtype=np.int16)  # (lanes,) index into outcomes
        self.end_turn = np.zeros(n, dtype=np.int16)
        self.peak = self.state["level"].copy()  # (lanes,) int16, updated in place
        self.state["peak"] = self.peak
        self.columns = scenario.fire_columns()
        self.fired = np.zeros((len(self.columns), n), dtype=np.int16)  # (columns, lanes)
        self.spent = {r.id: np.zeros(n, dtype=bool) for r in scenario.all_rules() if r.once}
        self.pending = np.zeros((len(scenario.delayed), n), dtype=np.int32)  # due turn, 0 = none
        self._option_column = {
            (rule.id, option.id): self.columns.index(f"fired.{rule.id}.{option.id}")
            for rule in scenario.all_rules()
            for option in rule.options
        }

        for actor_id in scenario.actors:
            actor = scenario.spec.actors[actor_id]
            Actor(self, actor_id, actor.name or actor_id.capitalize(), scenario.rules_of(actor_id))
        self.actors = list(self.agents)  # in the order of `actors:`, which is the turn order
        levels = len(scenario.ladder)
        self.datacollector = mesa.DataCollector(
            model_reporters={"levels": lambda m: np.bincount(m.state["level"], minlength=levels)}
        )
        self.datacollector.collect(self)

    # --- set-up ---------------------------------------------------------

    def _sample_parameters(self) -> None:
        self.parameters: dict[str, np.ndarray] = {}  # name -> (lanes,) sampled values
        for parameter in self.scenario.sampled_parameters:
            stream = Stream(self.seed, self.block, f"param:{parameter.name}", self.lanes)
            values = sampling.sample(parameter, stream.fine_row())
            self.parameters[parameter.name] = values
            self.state[parameter.key] = values

    def _initial_state(self) -> None:
        n = self.size
        with np.errstate(all="ignore"):
            for slot in self.scenario.slots:
                value = np.broadcast_to(slot.initial(self.state), (n,))
                if slot.low is not None or slot.high is not None:
                    value = np.clip(value, slot.low, slot.high)
                self.state[slot.key] = value.astype(slot.dtype)
        self.state["level"] = np.full(n, self.scenario.initial_level, dtype=np.int16)
        self.state["turn"] = 0

    # --- the turn -------------------------------------------------------

    def step(self) -> None:
        """One turn: delayed effects, chance events, actors in order, then outcomes."""
        self.turn += 1
        self.state["turn"] = self.turn
        with np.errstate(all="ignore"):
            self._delayed_effects()
            for event in self.scenario.events:
                self.resolve(event)
            self.agents.do("step")
            self._check_outcomes(at_horizon=self.turn >= self.scenario.horizon)
        self.datacollector.collect(self)

    def run(self) -> None:
        """Play every lane to its end (an outcome, or the horizon)."""
        while self.turn < self.scenario.horizon and _some(self.active):
            self.step()

    def resolve(self, rule: Rule) -> None:
        """Decide, for every lane at once, whether `rule` fires and with which option."""
        stream = self._stream[rule.id]
        rows = 2 if rule.options else 1
        eligible = self.active & self._evaluate(rule.when)
        if rule.once:
            eligible &= ~self.spent[rule.id]
        if not _some(eligible):
            stream.skip(rows)
            self._skip_ballots(rule)
            return

        chance = self._probability(rule, rule.chance, eligible, "chance")
        fires = self._draw(stream, chance, eligible, rule.chance)
        option = None
        if rule.options:
            uniform = stream.row() * (1.0 / SCALE)
            option, available = self._choose_option(rule, eligible, uniform)
            fires &= available
        votes, held = {}, None
        if rule.vote is not None:
            fires, votes, held = self._vote(rule, fires, eligible)
        else:
            self._skip_ballots(rule)
        decided_by = "rules"
        if self.policy is not None and rule.actor in self.policy_actors:
            fires, option = self.policy(rule, self, eligible, fires, option)
            decided_by = "player"
        if rule.once:
            self.spent[rule.id] |= fires
        if not _some(fires) and self.journal is None:
            return
        self._fire(rule, fires, option, votes, held, decided_by)

    def _draw(self, stream: Stream, chance, lanes: np.ndarray, expression) -> np.ndarray:
        """The lanes among `lanes` where the stream's next number falls below `chance`.

        The row holds 32-bit numbers n, so a lane fires where n < chance * 2**32.
        A chance of 0 or 1 everywhere needs no numbers: the row is skipped, not drawn.
        """
        if _scalar(chance):
            if chance >= 1 or chance <= 0:
                stream.skip()
                return lanes.copy() if chance >= 1 else np.zeros_like(lanes)
            # n < x for an integer n means n < ceil(x): an integer comparison, the cheapest
            return lanes & (stream.row() < math.ceil(chance * SCALE))
        thresholds = self._thresholds_of(chance, expression)
        if thresholds is None:
            return lanes & (stream.row() < chance * SCALE)
        below, certain = thresholds
        fires = stream.row() < below
        if certain is not None:
            fires |= certain
        return lanes & fires

    def _thresholds_of(self, chance: np.ndarray, expression) -> tuple | None:
        """(below, certain) if `expression` gave this very chance array before, else None
        (comparing the 32-bit numbers with floats is then cheaper than working these out).

        n < chance * 2**32 holds exactly where n < below (uint32), or where `certain`
        holds (chance 1, a threshold uint32 cannot hold). Most chance arrays are a
        parameter's values, drawn against turn after turn.
        """
        key = id(expression)
        entry = self._thresholds.get(key)
        if entry is None or entry[0] is not chance:
            self._thresholds[key] = (chance, None)
            return None
        if entry[1] is None:
            scaled = np.ceil(chance * SCALE)
            certain = scaled >= SCALE
            below = np.minimum(scaled, SCALE - 1).astype(np.uint32)
            entry = (chance, (below, certain if certain.any() else None))
            self._thresholds[key] = entry
        return entry[1]

    def _choose_option(self, rule: Rule, eligible: np.ndarray, uniform: np.ndarray) -> tuple:
        """Weighted choice among options whose own condition holds: (index, any available).

        Option i is chosen where uniform * total falls in [sum of weights before i,
        sum up to i); an option whose condition fails in a lane weighs 0 there.
        """
        total = np.zeros(self.size)  # (lanes,) running sum of the weights so far
        bounds = []  # (lanes,) upper end of each option's share, but the last
        for option in rule.options:
            # An option without a condition of its own is allowed in every eligible lane;
            # lanes that are not eligible never fire, so their weights need no masking.
            unconditional = _always(option.when)
            allowed = eligible if unconditional else eligible & self._evaluate(option.when)
            if _some(allowed):
                weight = self._probability(
                    rule, option.weight, allowed, f"weight of {option.id!r}", upper=None
                )
                if allowed is not eligible:
                    weight = np.where(allowed, weight, 0.0)
                total = total + weight
            bounds.append(total)
        target = uniform * total
        index = np.zeros(self.size, dtype=np.int16)
        for bound in bounds[:-1]:
            index += target >= bound
        return index, total > 0

    def _vote(self, rule: Rule, fires: np.ndarray, eligible: np.ndarray) -> tuple:
        """Members vote where the rule would fire; it fires where enough say yes."""
        vote = rule.vote
        if self.journal is None and not _some(fires):
            self._skip_ballots(rule)  # no lane holds a vote (a journal records every ballot)
            return fires, {}, fires.copy()
        yes_count = np.zeros(self.size, dtype=np.int16)
        votes = {}
        for (member, chance_expression), stream in zip(
            vote.ballots, self._ballots[rule.id], strict=True
        ):
            chance = self._probability(rule, chance_expression, fires, f"vote of {member!r}")
            yes = self._draw(stream, chance, fires, chance_expression)
            votes[member] = yes
            yes_count += yes
        passed = fires & (yes_count >= vote.required())
        return passed, votes, fires.copy()

    def _skip_ballots(self, rule: Rule) -> None:
        for stream in self._ballots.get(rule.id, ()):
            stream.skip()

    def _fire(self, rule, fires, option, votes, held, decided_by) -> None:
        changes = self._apply(rule.effects, fires)
        self._schedule(rule.delayed, fires)
        self.fired[rule.index] += fires
        for i, choice in enumerate(rule.options):
            chosen = fires & (option == i)
            if _some(chosen):
                changes += self._apply(choice.effects, chosen)
                self._schedule(choice.delayed, chosen)
                self.fired[self._option_column[(rule.id, choice.id)]] += chosen
        if self.journal is not None:
            self.journal.append(
                Firing(self.turn, rule, fires, option, votes, held, changes, decided_by=decided_by)
            )

    def _apply(self, effects: tuple[Effect, ...], mask: np.ndarray) -> list:
        """Apply effects in order where `mask` holds; return (key, before, after) for journals."""
        changes = []
        for effect in effects:
            before = self.state[effect.key]
            value = effect.expression.evaluate(self.state)
            if effect.expression.type.kind != "enum":  # enum values are valid codes already
                value = _clip(value, effect.low, effect.high)
            after = _masked(before, mask, value, effect.dtype)
            self.state[effect.key] = after
            if effect.key == "level":
                np.maximum(self.peak, after, out=self.peak)
            if self.journal is not None:
                changes.append((effect.key, before, after))
        return changes

    def _schedule(self, delayed: tuple[DelayedEffects, ...], mask: np.ndarray) -> None:
        """Start the timers of delayed effects; one already pending keeps its due turn."""
        for item in delayed:
            timer = self.pending[item.slot]
            self.pending[item.slot] = np.where(mask & (timer == 0), self.turn + item.after, timer)

    def _delayed_effects(self) -> None:
        for item in self.scenario.delayed:
            due = self.active & (self.pending[item.slot] == self.turn)
            if _some(due):
                self.pending[item.slot][due] = 0
                changes = self._apply(item.effects, due)
                if self.journal is not None:
                    self.journal.append(Firing(self.turn, None, due, changes=changes, delayed=item))

    def _check_outcomes(self, at_horizon: bool) -> None:
        for index, outcome in enumerate(self.scenario.outcomes):
            if outcome.when is None or not (outcome.every_turn or at_horizon):
                continue
            hit = self.active & self._evaluate(outcome.when)
            if _some(hit):
                self._end(hit, index)
        if at_horizon and _some(self.active):
            default = next(i for i, o in enumerate(self.scenario.outcomes) if o.default)
            self._end(self.active.copy(), default)

    def _end(self, lanes: np.ndarray, outcome: int) -> None:
        self.outcome[lanes] = outcome
        self.end_turn[lanes] = self.turn
        self.active &= ~lanes

    # --- evaluation -----------------------------------------------------

    def _evaluate(self, expression) -> np.ndarray:
        """A condition's value in every lane: (lanes,) bool (a scalar is broadcast)."""
        value = expression.evaluate(self.state)
        if type(value) is np.ndarray and value.shape == (self.size,):
            return value
        return np.broadcast_to(value, (self.size,))

    def _probability(self, rule, expression, lanes, what, upper: float | None = 1.0) -> np.ndarray:
        """Evaluate a chance (or weight) and stop with a clear error if it leaves its range.

        Returns a scalar or a (lanes,) array; the range is checked only where `lanes` holds.
        """
        value = expression.evaluate(self.state)
        if _scalar(value):
            if value >= 0 and (upper is None or value <= upper):
                return value
        elif value is self._in_range.get(id(expression)):
            return value  # the very array checked last time (a parameter, say)
        elif np.minimum.reduce(value) >= 0 and (upper is None or np.maximum.reduce(value) <= upper):
            self._in_range[id(expression)] = value
            return value  # the common case, checked with two reductions
        values = np.broadcast_to(value, (self.size,))
        valid = values >= 0
        if upper is not None:
            valid &= values <= upper
        bad = lanes & ~valid
        if bad.any():
            lane = int(np.flatnonzero(bad)[0])
            run = self.block * BLOCK_SIZE + (lane if self.lanes is None else int(self.lanes[lane]))
            bounds = "between 0 and 1" if upper is not None else "0 or more"
            source = getattr(expression, "text", "") or repr(value)
            raise SimulationError(
                f"rule {rule.id!r}: the {what} `{source}` evaluated to {float(values[lane]):g} "
                f"in run {run} on turn {self.turn}; it must be {bounds}"
            )
        return values

    # --- results --------------------------------------------------------

    def release(self) -> None:
        """Let the model, and its per-lane arrays, be freed as soon as it is dropped.

        Mesa keeps every model in `Agent._ids`, agents and model refer to each other, and
        Mesa stores a bound `step` wrapper on the instance: without this, a finished model
        waits for the cyclic garbage collector, holding a block's arrays until then.
        """
        mesa.Agent._ids.pop(self, None)
        self.remove_all_agents()
        self.actors = []
        vars(self).pop("step", None)
        vars(self).pop("_user_step", None)

    def level_counts(self) -> np.ndarray:
        """Runs at each level after each turn: (horizon + 1, levels); ended runs stay put."""
        rows = self.datacollector.model_vars["levels"]
        counts = np.zeros((self.scenario.horizon + 1, len(self.scenario.ladder)), dtype=np.int64)
        counts[: len(rows)] = rows
        counts[len(rows) :] = rows[-1]
        return counts


def _clip(value, low: float | None, high: float | None):
    """`value` (a scalar or a (lanes,) array) kept within [low, high]; None is no bound."""
    if _scalar(value):
        if low is not None and value < low:
            return low
        if high is not None and value > high:
            return high
        return value
    if low is not None:
        value = np.maximum(value, low)
    if high is not None:
        value = np.minimum(value, high)
    return value


def _masked(before: np.ndarray, mask: np.ndarray, value, dtype: type) -> np.ndarray:
    """A new (lanes,) array of `dtype` (that of `before`): `value` where `mask` holds,
    `before` elsewhere; a value of another type is cast as `astype` would."""
    if dtype is np.bool_ and _scalar(value):  # setting or clearing a flag: the cheapest
        return before | mask if value else before & ~mask
    after = before.copy()  # then a masked copy: half the cost of np.where
    np.copyto(after, value, where=mask, casting="unsafe")
    return after


def _some(lanes: np.ndarray) -> bool:
    """Whether a (lanes,) mask holds anywhere (count_nonzero: the fastest test in numpy)."""
    return np.count_nonzero(lanes) > 0


def _scalar(value) -> bool:
    """Whether an expression gave one value for every lane rather than a (lanes,) array."""
    return not isinstance(value, np.ndarray) or value.ndim == 0


def _always(expression) -> bool:
    """Whether a condition is the constant true (a rule or option without `when`)."""
    return expression.constant and expression.evaluate(None) is True
