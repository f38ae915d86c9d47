"""The escalation model: one Mesa model simulating a block of runs in lockstep.

Every state variable is a numpy array with one entry per lane (run); a rule's
condition, chance and effects are evaluated for all lanes at once. A single
run (trace, play) is the same model with one lane. The turn's phases are
documented in `docs/scenario-language.md`, "The turn, in order".
"""

# long module: the turn's pipeline (set-up, the phases, a rule resolved step by step)
# reads top to bottom here; each piece it calls (chances, effects, delayed effects,
# the journal, checks and measures, variates) is already a module of its own.

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import mesa
import numpy as np

from sim.engine import sampling
from sim.engine.agents import Actor
from sim.engine.beliefs import Beliefs
from sim.engine.chances import Chances, OutOfRange
from sim.engine.combine import Combiner
from sim.engine.delayed import Queue
from sim.engine.effects import apply_effects
from sim.engine.journal import Change, Firing
from sim.engine.lanes import State, always, some
from sim.engine.observers import Observers
from sim.engine.streams import BLOCK_SIZE, Stream, block_seed
from sim.engine.variates import SiteDraws, World
from sim.language.compiled import CompiledScenario, Effect, Rule
from sim.language.fog import differs
from sim.language.observations import FALSE_BELIEF_FIRINGS
from sim.language.types import Compiled, Env, Value

NO_OUTCOME = -1

# A policy may replace the rule draw of some actor: given the rule, the model, the lanes
# where it may fire, and the drawn (fires, option), it returns its own (fires, option).
Policy = Callable[
    [Rule, "EscalationModel", np.ndarray, np.ndarray, np.ndarray | None],
    tuple[np.ndarray, np.ndarray | None],
]


class EscalationModel(mesa.Model):
    """A block of runs of one scenario.

    `lanes` selects which runs of the block to simulate (indices within it);
    None simulates the whole block. Random numbers are drawn for the whole
    block regardless, so a lane's run is the same alone or among others. A
    lane index may repeat: each copy reads the same numbers (a sweep's design
    points share their replicates' streams). `given` replaces the draws of
    some sampled parameters by per-lane values.
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
        given: Mapping[str, np.ndarray] | None = None,
        branch: str = "",
    ) -> None:
        super().__init__(rng=block_seed(seed, block))
        self.branch = branch  # a continuation's own streams: their names start with it
        self._prefix = f"branch:{branch}/" if branch else ""
        self.scenario = scenario
        self.seed = seed
        self.block = block
        self.lanes = None if lanes is None else np.asarray(lanes, dtype=np.int64)
        self.size = BLOCK_SIZE if self.lanes is None else len(self.lanes)
        self.policy = policy
        self.policy_actors = policy_actors
        self.journal = journal
        self.given = dict(given or {})  # sampled parameter -> (lanes,) values given, not drawn
        self.turn = 0
        self.first_turn = 0  # the turn the block started from (a continuation's is later)
        self.cursor: int | None = None  # the next resolution of a turn in progress, else None
        self.start_of_moves: State | None = None  # simultaneous moves: the phase's start
        self.combiner: Combiner | None = None  # simultaneous moves: writes to combine
        self.positions = scenario.positions  # actors with rungs of their own
        self.simultaneous = scenario.spec.moves == "simultaneous"

        self.state: State = {}  # variable key -> (lanes,) array
        if scenario.variates:  # expressions draw numbers: the state carries their streams
            self.state = World(SiteDraws(seed, block, self.lanes, lambda: self.turn, self._prefix))
        self.chances = Chances(block, self.lanes, self.size)
        self._open_streams()
        self._sample_parameters()
        self._initial_state()

        self._open_records()
        self._seat_actors()

    # --- set-up ---------------------------------------------------------

    def _open_records(self) -> None:
        """What the block keeps of each run: still going, outcome, peak, firings, queues."""
        n = self.size
        self.active = np.ones(n, dtype=bool)  # (lanes,) runs still going
        self.outcome = np.full(n, NO_OUTCOME, dtype=np.int16)  # (lanes,) index into outcomes
        self.end_turn = np.zeros(n, dtype=np.int16)
        self.state["peak"] = self.state["level"].copy()  # (lanes,) int16
        self.columns = self.scenario.fire_columns()
        self.fired = np.zeros((len(self.columns), n), dtype=np.int16)  # (columns, lanes)
        self.spent = {r.id: np.zeros(n, dtype=bool) for r in self.scenario.all_rules() if r.once}
        self.queue = Queue(self.scenario.delayed, n)  # delayed effects waiting to take hold
        self.observers = Observers(self.scenario, n)  # the scenario's checks and measures
        # with a journal (traces, play): each turn's beliefs and the truths they are about,
        # {key: (lanes,) array}, the i-th after turn i + 1
        self.belief_log: list[dict[str, np.ndarray]] = []
        self._option_column = {
            (rule.id, option.id): self.columns.index(f"fired.{rule.id}.{option.id}")
            for rule in self.scenario.all_rules()
            for option in rule.options
        }

    def _seat_actors(self) -> None:
        """The actors in turn order, the events around them, and the per-turn tallies."""
        for actor_id in self.scenario.actors:
            rules = self.scenario.rules_of(actor_id)
            observations = self.scenario.observations_of(actor_id)
            beliefs = Beliefs(observations, self.stream, self.chances)
            Actor(self, actor_id, self.scenario.actor_name(actor_id), rules, beliefs)
        self.actors = list(self.agents)  # in the order of `actors:`, which is the turn order
        self.events_before = self.scenario.events_before_actors()
        self.events_after = self.scenario.events_after_actors()
        # the turn's resolutions in order: a turn in progress resumes at one of them
        self.order: list[tuple[Actor | None, Rule]] = [(None, e) for e in self.events_before]
        self.order += [(actor, rule) for actor in self.actors for rule in actor.rules]
        self.order += [(None, e) for e in self.events_after]
        self._moves = (len(self.events_before), len(self.order) - len(self.events_after))
        levels = len(self.scenario.ladder)
        reporters: dict[str, Callable[[EscalationModel], np.ndarray]] = {
            "levels": lambda m: np.bincount(m.state["level"], minlength=levels),
            "peaks": lambda m: np.bincount(m.peak, minlength=levels),
        }
        for key in self.positions.rung_keys():  # each actor's rung: its path up and down
            reporters[key] = partial(_rung_counts, key=key, levels=levels)
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.datacollector.collect(self)

    def _open_streams(self) -> None:
        """A stream per rule and event, and one per member of a vote (made on first use)."""
        self._stream: dict[str, Stream] = {}  # rule id -> its stream
        self._ballots: dict[str, tuple[Stream, ...]] = {}  # rule id -> a stream per member
        for rule in self.scenario.all_rules():
            self._stream[rule.id] = self.stream(rule.stream)
            if rule.vote is not None:
                self._ballots[rule.id] = tuple(
                    self.stream(f"{rule.stream}/vote:{member}") for member, _ in rule.vote.ballots
                )

    def stream(self, name: str) -> Stream:
        """The block's stream `name` (a continuation's own, keyed by its branch)."""
        return Stream(self.seed, self.block, self._prefix + name, self.lanes)

    def streams(self) -> dict[str, Stream]:
        """Every stream the block has opened, by name: rules', events', ballots' and
        observations'."""
        named = {stream.name: stream for stream in self._stream.values()}  # prefixed names
        for ballots in self._ballots.values():
            named.update((stream.name, stream) for stream in ballots)
        for actor in self.actors:
            named.update((stream.name, stream) for stream in actor.beliefs.streams)
        return named

    def _sample_parameters(self) -> None:
        """Each sampled parameter's values: drawn from its own stream, or given per lane
        (a sweep's design values, as codes for an enum), which leaves every other draw as is."""
        self.parameters: dict[str, np.ndarray] = {}  # name -> (lanes,) sampled values
        for parameter in self.scenario.sampled_parameters:
            if parameter.name in self.given:
                values = np.asarray(self.given[parameter.name])
                if values.shape != (self.size,):
                    raise ValueError(
                        f"{parameter.name}: {values.shape} values for {self.size} lanes"
                    )
            else:
                stream = self.stream(f"param:{parameter.name}")
                values = sampling.sample(parameter, stream.fine_row())
            self.parameters[parameter.name] = values
            self.state[parameter.key] = values

    def _initial_state(self) -> None:
        n = self.size
        # the rungs first: an actor's prior may read them
        for actor, rung in zip(self.positions.actors, self.positions.initial, strict=True):
            self.state[f"{actor}.level"] = np.full(n, rung, dtype=np.int16)
            self.state[f"{actor}.peak"] = np.full(n, rung, dtype=np.int16)
        self.state["level"] = np.full(n, self.scenario.initial_level, dtype=np.int16)
        with np.errstate(all="ignore"):  # variables, then beliefs, whose priors read them
            for slot in self.scenario.slots:
                value = np.broadcast_to(slot.initial(self.state), (n,))
                if slot.low is not None or slot.high is not None:
                    value = np.clip(value, slot.low, slot.high)
                self.state[slot.key] = value.astype(slot.dtype)
        self.state[FALSE_BELIEF_FIRINGS] = np.zeros(n, dtype=np.int32)  # (lanes,) per run
        self.state["turn"] = 0  # type: ignore[assignment]  # a plain int, as each turn sets it

    # --- the turn -------------------------------------------------------

    def step(self) -> None:
        """One turn: delayed effects, chance events, observations, actors in order, chance
        events after the actors, then outcomes."""
        self.begin_turn()
        self.play_turn()

    def begin_turn(self) -> None:
        """Start the next turn: its number, then the delayed effects due (no rule resolved;
        with no chance event before the actors, their observations too)."""
        self.turn += 1
        self.state["turn"] = self.turn  # type: ignore[assignment]  # one value for every lane
        # (lanes,) bool: the runs that play this turn (only per-turn checks read it)
        self.played = self.active.copy() if self.observers.per_turn else self.active
        self.cursor = 0
        with np.errstate(all="ignore"):
            self._delayed_effects()
            self._arrive()

    def play_turn(self, stop: int | None = None) -> bool:
        """Resolve the turn's rules from the cursor on, in order (`order`), and end the turn;
        or stop before resolution `stop` (False: the turn is still in progress).

        The phases between rules happen as the cursor reaches them (`_arrive`), so a turn
        stopped before an actor's rule has made its observations, and one resumed carries on
        exactly as if it had never stopped."""
        assert self.cursor is not None, "begin_turn first"
        with np.errstate(all="ignore"):
            while self.cursor < len(self.order):
                if self.cursor == stop:
                    return False
                actor, rule = self.order[self.cursor]
                if actor is None:
                    self.resolve(rule)
                else:
                    actor.act(rule)
                self.cursor += 1
                self._arrive()
            self._check_outcomes(at_horizon=self.turn >= self.scenario.horizon)
            if self.journal is not None and self.scenario.has_beliefs:
                self._log_beliefs()
            if self.observers.per_turn:
                self.observers.on_turn(self.state, self.played, self.turn)
        self.cursor = None
        self.datacollector.collect(self)
        return True

    def _arrive(self) -> None:
        """What happens as the cursor reaches its resolution: on reaching the actors' phase,
        their observations (and, with simultaneous moves, the phase opens); with
        simultaneous moves, an actor's writes kept once its last rule is resolved, and at
        the phase's end the moves combined and settled."""
        first, last = self._moves
        cursor = self.cursor
        assert cursor is not None
        if cursor == first:
            if self.scenario.observations:
                self.agents.do("observe")
            if self.simultaneous:
                self._open_moves()
        if not self.simultaneous or not first < cursor <= last:
            return
        if self.combiner is not None and (
            cursor == last or self.order[cursor][0] is not self.order[cursor - 1][0]
        ):
            self.combiner.actor_done(self.state)
        if cursor == last:
            combined = self.combiner.combine(self.state) if self.combiner is not None else []
            self.start_of_moves = None
            self.combiner = None
            self._settle(combined)

    def _log_beliefs(self) -> None:
        """Keep this turn's beliefs and the truths they are about, for the story (a
        continuation of a run whose beliefs were not kept keeps none)."""
        if len(self.belief_log) != self.turn - 1:
            return
        keys = [s.key for s in self.scenario.slots if s.about is not None]
        keys += [str(s.about) for s in self.scenario.slots if s.about is not None]
        self.belief_log.append({key: self.state[key].copy() for key in keys})

    def _open_moves(self) -> None:
        """Simultaneous moves: every actor decides on the world as the actors' phase begins,
        and no actor sees another's move of this turn; writes of one variable by several
        actors combine by its `combine` rule, so their order does not matter. Arrays are
        replaced, never changed in place; peaks and a level derived from rungs follow once
        all have moved (`_settle`)."""
        start = self.state.snapshot() if isinstance(self.state, World) else dict(self.state)
        self.start_of_moves = start
        combine = self.scenario.spec.combine
        if combine:
            bounds = {s.key: (s.low, s.high) for s in self.scenario.slots}
            self.combiner = Combiner(combine, start, bounds)

    def _settle(self, combined: list[Change]) -> None:
        """Peaks, and a level derived from the actors' rungs, after moves that landed
        together; a journal keeps the combined writes and the level's change (the
        world's doing, not a rule's)."""
        level = self.state["level"]
        self.positions.settle(self.state)
        if self.journal is not None:
            changes = list(combined)
            if self.state["level"] is not level:
                changes.append(("level", level, self.state["level"]))
            if changes:
                self.journal.append(Firing(self.turn, None, self.active.copy(), changes=changes))

    def run(self) -> None:
        """Play every lane to its end (an outcome, or the horizon), then read the checks and
        measures of the end of a run. A turn in progress is played to its end first."""
        if self.cursor is not None:  # a turn in progress (a continuation) first ends
            self.play_turn()
        while self.turn < self.scenario.horizon and some(self.active):
            self.step()
        with np.errstate(all="ignore"):
            self.observers.at_end(self.state, self.outcome, self.end_turn)

    def resolve(self, rule: Rule, view: Env | None = None) -> None:
        """Decide, for every lane at once, whether `rule` fires and with which option.

        `view` is what the rule's condition, chance and options are judged on: the
        acting actor's view of the world, or the world itself (None) for chance events.
        """
        seen = self.state if view is None else view
        eligible = self._eligible(rule, seen)
        if not some(eligible):
            self._pass(rule)
            return
        firing = self._draw(rule, eligible, seen)
        if rule.vote is not None:
            self._hold_vote(rule, firing, seen)
        if self.policy is not None and rule.actor in self.policy_actors:
            self._consult_policy(rule, eligible, firing)
        if rule.once:
            self.spent[rule.id] |= firing.fired
        if rule.beliefs_read:
            self._count_misreadings(rule, firing, seen)
        if self.journal is not None or some(firing.fired):
            self._take_effect(rule, firing, seen)

    def _count_misreadings(self, rule: Rule, firing: Firing, seen: Env) -> None:
        """Count the firings taken on a false belief: where a belief the rule's condition,
        chance, weights or ballots read differed from the truth as the rule was judged."""
        misread = np.zeros(self.size, dtype=bool)  # (lanes,) bool
        for belief, truth, tolerance in rule.beliefs_read:
            misread |= differs(seen[belief], seen[truth], tolerance)
        firing.misread = misread
        if some(firing.fired & misread):
            self.state[FALSE_BELIEF_FIRINGS] = self.state[FALSE_BELIEF_FIRINGS] + (
                firing.fired & misread
            )

    def _eligible(self, rule: Rule, seen: Env) -> np.ndarray:
        """The active lanes where the rule's condition holds (and a `once` rule is unspent)."""
        eligible: np.ndarray = self.active & self._evaluate(rule.when, seen)  # (lanes,) bool
        if rule.once:
            eligible &= ~self.spent[rule.id]
        return eligible

    def _pass(self, rule: Rule) -> None:
        """No lane may fire: skip the rows a firing would have drawn, numbers unseen."""
        self._stream[rule.id].skip(2 if rule.options else 1)
        self._skip_ballots(rule)

    def _draw(self, rule: Rule, eligible: np.ndarray, seen: Env) -> Firing:
        """The rule's own draw: where it fires by its chance, and with which option."""
        stream = self._stream[rule.id]
        chance = self._chance(rule, rule.chance, seen, eligible, "chance")
        firing = Firing(self.turn, rule, eligible & stream.below(chance))
        if rule.options:
            option, available = self._choose_option(rule, eligible, seen, stream.uniform())
            firing.option = option
            firing.fired &= available
        return firing

    def _choose_option(
        self, rule: Rule, eligible: np.ndarray, seen: Env, uniform: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Weighted choice among options whose own condition holds: (index, any available),
        (lanes,) int16 and (lanes,) bool.

        Option i is chosen where uniform * total falls in [sum of weights before i,
        sum up to i); an option whose condition fails in a lane weighs 0 there.
        """
        total = np.zeros(self.size)  # (lanes,) float64 running sum of the weights
        bounds = []  # (lanes,) float64 upper end of each option's share, but the last
        for option in rule.options:
            # An option without a condition of its own is allowed in every eligible lane;
            # lanes that are not eligible never fire, so their weights need no masking.
            unconditional = always(option.when)
            allowed = eligible if unconditional else eligible & self._evaluate(option.when, seen)
            if some(allowed):
                what = f"weight of {option.id!r}"
                weight = self._chance(rule, option.weight, seen, allowed, what, upper=None)
                if allowed is not eligible:
                    weight = np.where(allowed, weight, 0.0)
                total = total + weight
            bounds.append(total)
        target = uniform * total  # (lanes,) float64
        index = np.zeros(self.size, dtype=np.int16)  # (lanes,) int16
        for bound in bounds[:-1]:
            index += target >= bound
        return index, total > 0

    def _hold_vote(self, rule: Rule, firing: Firing, seen: Env) -> None:
        """Members vote where the rule would fire; it fires where enough say yes."""
        assert rule.vote is not None
        fires = firing.fired  # (lanes,) bool: where the vote is held
        firing.vote_held = fires.copy()
        if self.journal is None and not some(fires):
            self._skip_ballots(rule)  # no lane holds a vote (a journal records every ballot)
            return
        yes_count = np.zeros(self.size, dtype=np.int16)  # (lanes,) int16
        ballots = zip(rule.vote.ballots, self._ballots[rule.id], strict=True)
        for (member, chance_of_yes), stream in ballots:
            chance = self._chance(rule, chance_of_yes, seen, fires, f"vote of {member!r}")
            yes = fires & stream.below(chance)  # (lanes,) bool
            firing.votes[member] = yes
            yes_count += yes
        firing.fired = fires & (yes_count >= rule.vote.required())

    def _skip_ballots(self, rule: Rule) -> None:
        """No vote is held in any lane: each member's row is skipped, numbers unseen."""
        for stream in self._ballots.get(rule.id, ()):
            stream.skip()

    def _consult_policy(self, rule: Rule, eligible: np.ndarray, firing: Firing) -> None:
        """A person at play decides for their actor: their answer replaces the draw."""
        assert self.policy is not None
        firing.fired, firing.option = self.policy(rule, self, eligible, firing.fired, firing.option)
        firing.decided_by = "player"

    def _take_effect(self, rule: Rule, firing: Firing, seen: Env) -> None:
        """Apply the effects, evaluated on `seen`, where the rule fired (and its option's
        where chosen), schedule their delayed effects, count the firing, and keep it in
        the journal."""
        fires = firing.fired
        if self.combiner is not None:
            self.combiner.note(rule.effects, fires)
            for i, choice in enumerate(rule.options):
                self.combiner.note(choice.effects, fires & (firing.option == i))
        firing.changes = self._apply(rule.effects, fires, seen)
        self.queue.schedule(rule.delayed, fires, self.turn)
        self.fired[rule.index] += fires
        for i, choice in enumerate(rule.options):
            chosen = fires & (firing.option == i)  # (lanes,) bool
            if some(chosen):
                firing.changes += self._apply(choice.effects, chosen, seen)
                self.queue.schedule(choice.delayed, chosen, self.turn)
                self.fired[self._option_column[(rule.id, choice.id)]] += chosen
        if self.journal is not None:
            self.journal.append(firing)

    def _apply(
        self, effects: tuple[Effect, ...], mask: np.ndarray, seen: Env | None = None
    ) -> list[Change]:
        """Apply `effects`, evaluated on `seen` (the world if None), where `mask` (lanes,)
        bool holds; the changes, if journalled."""
        follow = None if self.start_of_moves is not None else self.positions.follow
        return apply_effects(self.state, effects, mask, follow, self.journal is not None, seen)

    def _delayed_effects(self) -> None:
        """Delayed effects due this turn take hold, before anything else happens: entry by
        entry in the order listed, each entry's copies one after another (in a lane where
        two are due, the second sees the first's effects)."""
        for item in self.scenario.delayed:
            count = self.queue.due(item, self.turn)  # (lanes,) int16
            due = self.active & (count > 0)
            copy = 1
            while some(due):
                changes = self._apply(item.effects, due)
                if self.journal is not None:
                    self.journal.append(Firing(self.turn, None, due, changes=changes, delayed=item))
                copy += 1
                due = self.active & (count >= copy)
            self.queue.clear(item, self.turn)

    def _check_outcomes(self, at_horizon: bool) -> None:
        """End the runs an outcome holds in (at the horizon, the rest by the default)."""
        for index, outcome in enumerate(self.scenario.outcomes):
            if outcome.when is None or not (outcome.every_turn or at_horizon):
                continue
            hit = self.active & self._evaluate(outcome.when, self.state)
            if some(hit):
                self._end(hit, index)
        if at_horizon and some(self.active):
            default = next(i for i, o in enumerate(self.scenario.outcomes) if o.default)
            self._end(self.active.copy(), default)

    def _end(self, lanes: np.ndarray, outcome: int) -> None:
        """End the runs of `lanes` (lanes,) bool with `outcome` on this turn."""
        self.outcome[lanes] = outcome
        self.end_turn[lanes] = self.turn
        self.active &= ~lanes

    # --- evaluation -----------------------------------------------------

    def _evaluate(self, expression: Compiled, seen: Env) -> np.ndarray:
        """A condition's value in every lane: (lanes,) bool (a scalar is broadcast)."""
        value = expression.evaluate(seen)
        if type(value) is np.ndarray and value.shape == (self.size,):
            return value
        return np.broadcast_to(value, (self.size,))

    def _chance(
        self,
        rule: Rule,
        expression: Compiled,
        seen: Env,
        where: np.ndarray,
        what: str,
        upper: float | None = 1.0,
    ) -> Value:
        """A chance (or, with no upper bound, a weight): a scalar or (lanes,) float64;
        a value out of range where `where` holds stops the batch with a clear error."""
        try:
            return self.chances.evaluate(expression, seen, where, upper)
        except OutOfRange as problem:
            raise self.chances.error(problem, rule, what, self.turn) from None

    # --- results --------------------------------------------------------

    def unregister(self) -> None:
        """Let a finished model be freed once dropped, keeping its state and journal to
        read (Mesa keeps every model in `Agent._ids`)."""
        mesa.Agent._ids.pop(self, None)

    def release(self) -> None:
        """Let the model, and its per-lane arrays, be freed as soon as it is dropped.

        Mesa keeps every model in `Agent._ids`, agents and model refer to each other, and
        Mesa stores a bound `step` wrapper on the instance: without this, a finished model
        waits for the cyclic garbage collector, holding a block's arrays until then.
        """
        self.unregister()
        self.remove_all_agents()
        self.actors = []
        self.order = []  # the turn's resolutions name the actors, which name the model
        self.__dict__.pop("step", None)
        self.__dict__.pop("_user_step", None)

    @property
    def peak(self) -> np.ndarray:
        """The highest level each run has reached so far: (lanes,) int16."""
        return self.state["peak"]

    def level_counts(self, reporter: str = "levels") -> np.ndarray:
        """Runs at each level after each turn: (horizon + 1, levels); ended runs stay put.

        With `reporter="peaks"`, runs by the highest level they have reached so far; with
        an actor's rung key (`alpha.level`), runs by that actor's rung. A continuation
        counts its runs from the turn it started on; before it, at the level they started
        from.
        """
        rows = self.datacollector.model_vars[reporter]
        counts = np.zeros((self.scenario.horizon + 1, len(self.scenario.ladder)), dtype=np.int64)
        start = self.first_turn
        counts[:start] = rows[0]
        counts[start : start + len(rows)] = rows
        counts[start + len(rows) :] = rows[-1]
        return counts


def _rung_counts(model: EscalationModel, key: str, levels: int) -> np.ndarray:
    """Runs on each rung by one actor's rung `key`: (levels,) int64."""
    return np.bincount(model.state[key], minlength=levels)
