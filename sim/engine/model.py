"""The escalation model: one Mesa model simulating a block of runs in lockstep.

Every state variable is a numpy array with one entry per lane (run); a rule's
condition, chance and effects are evaluated for all lanes at once. A single
run (trace, play) is the same model with one lane. The turn's phases are
documented in `docs/scenario-language.md`, "The turn, in order".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import mesa
import numpy as np

from sim import sampling
from sim.compiler import CompiledScenario, DelayedEffects, Effect, Rule
from sim.engine.agents import Actor
from sim.errors import SimulationError
from sim.streams import BLOCK_SIZE, Stream, block_seed

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
        self._stream = {}
        for rule in scenario.all_rules():
            self._stream[rule.stream] = Stream(seed, block, rule.stream, self.lanes)
            if rule.vote is not None:
                for member, _ in rule.vote.ballots:
                    name = f"{rule.stream}/vote:{member}"
                    self._stream[name] = Stream(seed, block, name, self.lanes)
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
            values = sampling.sample(parameter, stream.row())
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
        while self.turn < self.scenario.horizon and self.active.any():
            self.step()

    def resolve(self, rule: Rule) -> None:
        """Decide, for every lane at once, whether `rule` fires and with which option."""
        stream = self._stream[rule.stream]
        rows = 2 if rule.options else 1
        eligible = self.active & self._evaluate(rule.when)
        if rule.once:
            eligible &= ~self.spent[rule.id]
        if not eligible.any():
            stream.skip(rows)
            self._skip_ballots(rule)
            return

        chance = self._probability(rule, rule.chance, eligible, "chance")
        fires = eligible & (stream.row() < chance)
        option = None
        if rule.options:
            option, available = self._choose_option(rule, eligible, stream.row())
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
        if not fires.any() and self.journal is None:
            return
        self._fire(rule, fires, option, votes, held, decided_by)

    def _choose_option(self, rule: Rule, eligible: np.ndarray, uniform: np.ndarray) -> tuple:
        """Weighted choice among options whose own condition holds: (index, any available)."""
        n = self.size
        weights = np.zeros((len(rule.options), n))
        for i, option in enumerate(rule.options):
            allowed = eligible & self._evaluate(option.when)
            if allowed.any():
                weight = self._probability(
                    rule, option.weight, allowed, f"weight of {option.id!r}", upper=None
                )
                weights[i] = np.where(allowed, weight, 0.0)
        cumulative = np.cumsum(weights, axis=0)
        total = cumulative[-1]
        index = (uniform * total >= cumulative).sum(axis=0)
        index = np.minimum(index, len(rule.options) - 1).astype(np.int16)
        return index, total > 0

    def _vote(self, rule: Rule, fires: np.ndarray, eligible: np.ndarray) -> tuple:
        """Members vote where the rule would fire; it fires where enough say yes."""
        vote = rule.vote
        yes_count = np.zeros(self.size, dtype=np.int16)
        votes = {}
        for member, chance_expression in vote.ballots:
            stream = self._stream[f"{rule.stream}/vote:{member}"]
            chance = self._probability(rule, chance_expression, fires, f"vote of {member!r}")
            yes = fires & (stream.row() < chance)
            votes[member] = yes
            yes_count += yes
        passed = fires & (yes_count >= vote.required())
        return passed, votes, fires.copy()

    def _skip_ballots(self, rule: Rule) -> None:
        if rule.vote is not None:
            for member, _ in rule.vote.ballots:
                self._stream[f"{rule.stream}/vote:{member}"].skip()

    def _fire(self, rule, fires, option, votes, held, decided_by) -> None:
        changes = self._apply(rule.effects, fires)
        self._schedule(rule.delayed, fires)
        self.fired[rule.index] += fires
        for i, choice in enumerate(rule.options):
            chosen = fires & (option == i)
            if chosen.any():
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
            value = np.broadcast_to(effect.expression(self.state), before.shape)
            if effect.low is not None or effect.high is not None:
                value = np.clip(value, effect.low, effect.high)
            after = np.where(mask, value, before).astype(effect.dtype, copy=False)
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
            if due.any():
                self.pending[item.slot][due] = 0
                changes = self._apply(item.effects, due)
                if self.journal is not None:
                    self.journal.append(Firing(self.turn, None, due, changes=changes, delayed=item))

    def _check_outcomes(self, at_horizon: bool) -> None:
        for index, outcome in enumerate(self.scenario.outcomes):
            if outcome.when is None or not (outcome.every_turn or at_horizon):
                continue
            hit = self.active & self._evaluate(outcome.when)
            if hit.any():
                self._end(hit, index)
        if at_horizon and self.active.any():
            default = next(i for i, o in enumerate(self.scenario.outcomes) if o.default)
            self._end(self.active.copy(), default)

    def _end(self, lanes: np.ndarray, outcome: int) -> None:
        self.outcome[lanes] = outcome
        self.end_turn[lanes] = self.turn
        self.active &= ~lanes

    # --- evaluation -----------------------------------------------------

    def _evaluate(self, expression) -> np.ndarray:
        return np.broadcast_to(expression(self.state), (self.size,))

    def _probability(self, rule, expression, lanes, what, upper: float | None = 1.0) -> np.ndarray:
        """Evaluate a chance (or weight) and stop with a clear error if it leaves its range."""
        value = expression(self.state)
        scalar = np.ndim(value) == 0
        values = np.broadcast_to(value, (self.size,))
        valid = values >= 0
        if upper is not None:
            valid &= values <= upper
        if scalar and bool(valid[0]):
            return value
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

    def level_counts(self) -> np.ndarray:
        """Runs at each level after each turn: (horizon + 1, levels); ended runs stay put."""
        rows = self.datacollector.model_vars["levels"]
        counts = np.zeros((self.scenario.horizon + 1, len(self.scenario.ladder)), dtype=np.int64)
        counts[: len(rows)] = rows
        counts[len(rows) :] = rows[-1]
        return counts
