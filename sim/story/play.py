"""Tabletop play: a person decides for one actor while the rules play everyone else.

A game is run *i* of the batch with the same seed, simulated alone by the
engine (one lane) with a policy for the person's actor. Each time one of that
actor's rules could fire (its `when` holds, and a `once` rule is not spent),
the person is asked: for a decision, which option, or pass; for a plain rule,
act or pass.

What the person's answer replaces, and what it does not:

- It replaces the actor's rule draw: the chance that the rule fires and, for
  a decision, the weighted choice of the option. The engine still draws
  those numbers (then sets them aside), so every other rule, event and
  parameter sees exactly the random numbers it sees in the rules-only run.
  Choosing what the rules drew therefore reproduces the rules-only run.
- For an alliance's rule with a vote, the person decides for the alliance:
  the answer replaces the result of the members' vote (the ballots are still
  drawn, and not shown).
- A state that is a member of an alliance still has its ballots in the
  alliance's votes cast by the rules: the policy covers the actor's own rules.

The game talks to the person through a `Table` (the terminal, or a script in
tests); this module decides what is said, never how it is printed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from sim.engine import EscalationModel
from sim.errors import WargameError, did_you_mean
from sim.language.compiled import CompiledScenario, Rule
from sim.story import narrative
from sim.story.narrative import Ending, Happening, Terms, Turn
from sim.story.replay import one_run, release, replay
from sim.text import percent, table

WIDTH = narrative.WIDTH
QUIT_WORDS = ("q", "quit", "exit")
HELP_WORDS = ("?", "h", "help")


class Quit(Exception):
    """The person chose to stop the game."""


class EndOfInput(Quit):
    """The input ended (end of file, or Ctrl-D at the terminal)."""


class InvalidChoice(ValueError):
    """An answer that is not one of the choices; the message says what would be."""


class NotPlayable(WargameError):
    """An actor that cannot be played in this scenario; the message names those that can."""


# --- what the person sees and chooses ----------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One answer to a decision: an option, act (a plain rule) or pass."""

    key: str  # what may be typed instead of the number: the option id, "act" or "pass"
    text: str  # what it means, in the scenario's words
    fires: bool
    option: int | None = None  # index into rule.options
    available: bool = True
    requires: str = ""  # the option's condition, when it does not hold now
    odds: float | None = None  # how likely the rules are to make this choice here
    effects: str = ""  # what it does, as the scenario writes it


@dataclass(frozen=True)
class Situation:
    """Where things stand when a decision is due."""

    turn: int
    horizon: int
    level: str
    state: tuple[tuple[str, str], ...]  # (key, value) worth showing
    last_turn: tuple[tuple[str, str], ...]  # what the others did last turn: (who, which rule)
    again: bool = False  # not the first decision this turn (the situation was shown already)


@dataclass(frozen=True)
class Decision:
    """A rule of the person's actor that could fire now, and the answers to it."""

    rule: Rule
    actor_name: str
    question: str
    choices: tuple[Choice, ...]
    rules_choice: int  # index of the choice the rules' own draw made (told only afterwards)
    vote: str  # for an alliance's vote rule: how the members would decide; else ""
    situation: Situation

    def pass_index(self) -> int:
        return len(self.choices) - 1


@dataclass(frozen=True)
class Made:
    """A decision and the index of the choice the person made."""

    decision: Decision
    choice: int

    @property
    def turn(self) -> int:
        return self.decision.situation.turn


class Table(Protocol):
    """How the game talks to the person: show text, and ask for a choice."""

    def show(self, text: str, markdown: str) -> None:
        """Show a piece of the game (plain text for the terminal, Markdown for a transcript)."""

    def choose(self, decision: Decision) -> int:
        """The index of an available choice; may raise `Quit` (or `EndOfInput`)."""


def read_choice(decision: Decision, answer: str) -> int:
    """The choice an answer names: its number or key, or an empty answer for pass.

    Raises `Quit` for q (or quit, exit) and `InvalidChoice` for anything else.
    """
    text = answer.strip().lower()
    if text in QUIT_WORDS:
        raise Quit
    choices = decision.choices
    index = None
    if not text:
        index = decision.pass_index()
    elif text.isdigit() and 1 <= int(text) <= len(choices):
        index = int(text) - 1
    else:
        keys = [c.key for c in choices]
        if text in keys:
            index = keys.index(text)
    numbers = f"1 to {len(choices)}"
    if index is None:
        hint = "" if text.isdigit() else did_you_mean(text, [c.key for c in choices])
        message = f"{answer.strip()!r} is not a choice: type a number from {numbers}."
        if hint and hint.startswith("did you mean"):
            message = f"{answer.strip()!r} is not a choice; {hint}"
        raise InvalidChoice(message)
    choice = choices[index]
    if not choice.available:
        raise InvalidChoice(
            f"{index + 1}. {choice.key} is not possible now (it needs {choice.requires}); "
            f"choose another."
        )
    return index


# --- the game ----------------------------------------------------------------------


@dataclass
class _Telling:
    """What has been told so far, so that each thing is told once and quiet turns bunch up."""

    read: int = 0  # journal entries told
    headed: int = 0  # the last turn whose heading was shown
    turn_start_level: int = 0
    quiet: list[Turn] = field(default_factory=list)
    this_turn: list[Happening] = field(default_factory=list)
    last_turn: list[Happening] = field(default_factory=list)


class Game:
    """One game: run `run` of the batch with `seed`, the person deciding for `actor`."""

    def __init__(
        self,
        scenario: CompiledScenario,
        actor: str,
        table: Table,
        seed: int = 0,
        run: int = 0,
        width: int = WIDTH,
    ) -> None:
        check_playable(scenario, actor)
        self.scenario = scenario
        self.actor = actor
        self.table = table
        self.seed = seed
        self.run = run
        self.width = width
        self.terms = Terms(scenario)
        self.made: list[Made] = []
        self.model: EscalationModel = one_run(
            scenario, seed, run, policy=self._policy, policy_actors=frozenset({actor})
        )
        self._initial = {key: value.copy() for key, value in self._state_items()}
        self._spec_rules = {r.id: r for r in scenario.spec.rules}
        self._telling = _Telling(turn_start_level=scenario.initial_level)

    @property
    def over(self) -> bool:
        model = self.model
        return model.turn >= self.scenario.horizon or not model.active[0]

    def play(self) -> Ending:
        """Play to the end; `Quit` from the table stops it (the game can be told up to there)."""
        try:
            while not self.over:
                self.model.step()
                self._tell(end_of_turn=True)
            self._tell_quiet()
        finally:
            release(self.model)
        return narrative.ending(self.model)

    # --- the policy: the person's answer in place of the rule draw -----------------

    def _policy(
        self,
        rule: Rule,
        model: EscalationModel,
        eligible: np.ndarray,
        fires: np.ndarray,
        option: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        self._tell(end_of_turn=False)
        decision = self._decision(rule, fires, option)
        index = self.table.choose(decision)
        choice = decision.choices[index]
        if not choice.available:
            raise ValueError(f"choice {choice.key!r} is not available")
        self.made.append(Made(decision, index))
        chosen = eligible & choice.fires
        if choice.option is not None:
            option = np.full(model.size, choice.option, dtype=np.int16)
        return chosen, option

    def _decision(self, rule: Rule, fires: np.ndarray, option: np.ndarray | None) -> Decision:
        choices = self._choices(rule)
        drawn = len(choices) - 1  # pass
        if bool(fires[0]):
            drawn = int(option[0]) if rule.options else 0
        return Decision(
            rule=rule,
            actor_name=self.terms.actor_name(rule.actor),
            question=rule.description or (rule.narration if rule.options else ""),
            choices=choices,
            rules_choice=drawn,
            vote=self._vote_note(rule) if rule.vote is not None else "",
            situation=self._situation(),
        )

    def _choices(self, rule: Rule) -> tuple[Choice, ...]:
        """The options in order (or act), then pass; each with the rules' odds of it here."""
        state = self.model.state
        spec = self._spec_rules[rule.id]
        chance = _number(rule.chance(state))
        shared = _effects(spec.effects, spec.delayed)
        choices = []
        if rule.options:
            allowed = [bool(_number(o.when(state))) for o in rule.options]
            weights = [
                max(_number(o.weight(state)), 0.0) if ok else 0.0
                for o, ok in zip(rule.options, allowed, strict=True)
            ]
            total = sum(weights)
            for i, (option, ok) in enumerate(zip(rule.options, allowed, strict=True)):
                own = _effects(spec.options[i].effects, spec.options[i].delayed)
                choices.append(
                    Choice(
                        key=option.id,
                        text=option.narration or option.description or option.id,
                        fires=True,
                        option=i,
                        available=ok,
                        requires="" if ok else _source(spec.options[i].when),
                        odds=chance * weights[i] / total if total > 0 else 0.0,
                        effects="; ".join(e for e in (shared, own) if e),
                    )
                )
            passing = 1 - chance if total > 0 else 1.0
        else:
            text = rule.narration or rule.description or f"{rule.id} fires"
            choices.append(Choice("act", text, fires=True, odds=chance, effects=shared))
            passing = 1 - chance
        choices.append(
            Choice("pass", "not now (the rule does not fire this turn)", False, odds=passing)
        )
        if rule.vote is not None:  # the vote, not the draw alone, decides: no odds to show
            choices = [replace(choice, odds=None) for choice in choices]
        return tuple(choices)

    def _vote_note(self, rule: Rule) -> str:
        vote = rule.vote
        members = len(vote.ballots)
        how = {
            "consensus": f"a consensus of all {members} members",
            "majority": f"a majority ({vote.required()} of {members}) of the members",
            "threshold": f"{vote.required()} of the {members} members",
        }[vote.method]
        return (
            f"By the rules this is put to a vote and needs {how}; "
            f"here you decide for {self.terms.actor_name(rule.actor)}."
        )

    def _situation(self) -> Situation:
        model = self.model
        terms = self.terms
        # the player's own variables and the world's enums always; the rest once they change
        shown = []
        for slot in self.scenario.slots:
            value = model.state[slot.key][0]
            owner = slot.key.split(".", 1)[0] if "." in slot.key else None
            changed = bool(value != self._initial[slot.key][0])
            always = owner == self.actor or (owner is None and slot.type.kind == "enum")
            if always or changed:
                shown.append((slot.key, terms.value(slot.key, value)))
        last = tuple(
            (h.actor_name, _what(h)) for h in self._telling.last_turn if h.actor != self.actor
        )
        return Situation(
            turn=model.turn,
            horizon=self.scenario.horizon,
            level=terms.level(int(model.state["level"][0])),
            state=tuple(shown),
            last_turn=last,
            again=any(made.turn == model.turn for made in self.made),
        )

    def _state_items(self) -> list[tuple[str, np.ndarray]]:
        return [(slot.key, self.model.state[slot.key]) for slot in self.scenario.slots]

    # --- telling what happened -----------------------------------------------------

    def _tell(self, end_of_turn: bool) -> None:
        """Tell the journal entries not yet told: the rest of a turn, or a turn so far."""
        telling = self._telling
        journal = self.model.journal
        entries = journal[telling.read :]
        telling.read = len(journal)
        number = self.model.turn
        told = (narrative.happening_of(self.terms, firing) for firing in entries)
        happenings = [h for h in told if h is not None]
        telling.this_turn += happenings
        level = int(self.model.state["level"][0])
        turn = Turn(
            number,
            self.terms.level(telling.turn_start_level),
            self.terms.level(level),
            tuple(happenings),
        )
        if end_of_turn:
            telling.last_turn, telling.this_turn = telling.this_turn, []
            telling.turn_start_level = level
            if telling.headed != number and turn.quiet:
                telling.quiet.append(turn)
                return
        self._tell_quiet()
        text: list[str] = []
        markdown: list[str] = []
        if telling.headed != number:
            telling.headed = number
            if end_of_turn:  # the whole turn at once, its heading showing the level's move
                self._show(narrative.turn_text(turn, self.width), narrative.turn_markdown(turn))
                return
            text.append(f"Turn {number} - level: {turn.level_before}")
            markdown += [f"## Turn {number}: {narrative.escape_markdown(turn.level_before)}", ""]
        text += narrative.turn_text(turn, self.width, heading=False)
        markdown += narrative.turn_markdown(turn, heading=False)
        if text:
            self._show(text, markdown)

    def _tell_quiet(self) -> None:
        quiet = self._telling.quiet
        if quiet:
            self._show([narrative.quiet_text(quiet)], narrative.quiet_markdown(quiet))
            self._telling.quiet = []

    def _show(self, text: Sequence[str], markdown: Sequence[str]) -> None:
        """Show a block of the story, set off from what came before by a blank line."""
        self.table.show("\n" + "\n".join(text), "\n".join(markdown))


def check_playable(scenario: CompiledScenario, actor: str) -> None:
    """Raise `NotPlayable` unless `actor` is an actor of the scenario with rules of its own."""
    playable = [a for a in scenario.actors if scenario.rules_of(a)]
    listed = ", ".join(playable)
    if actor not in scenario.actors:
        hint = did_you_mean(actor, scenario.actors)
        close = f" ({hint})" if hint and hint.startswith("did you mean") else ""
        raise NotPlayable(f"no actor {actor!r} in {scenario.id}{close}; you can play: {listed}")
    if actor not in playable:
        raise NotPlayable(
            f"{actor!r} has no rules of its own in {scenario.id}, so there is nothing to decide "
            f"for it; you can play: {listed}"
        )


def _number(value: object) -> float:
    """A lane-0 value of an expression (a scalar or a one-lane array) as a float."""
    return float(np.asarray(value).reshape(-1)[0])


def _effects(effects: dict, delayed: list) -> str:
    parts = [f"{target} = {_source(value)}" for target, value in effects.items()]
    for entry in delayed:
        later = ", ".join(f"{t} = {_source(v)}" for t, v in entry.effects.items())
        parts.append(f"after {entry.after} turns: {later}")
    return "; ".join(parts)


def _source(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


# --- reading out decisions and the end of a game -----------------------------------


def intro_text(game: Game, width: int = WIDTH) -> str:
    """How a game opens: the scenario, who the person plays, how to answer."""
    spec = game.scenario.spec
    you = game.terms.actor_name(game.actor)
    others = [game.terms.actor_name(a) for a in game.scenario.actors if a != game.actor]
    lines = [f"{spec.title} ({spec.id}): run {game.run}, seed {game.seed}"]
    if spec.description:
        lines += _wrap(" ".join(spec.description.split()), width, "", "")
    lines.append("")
    lines += _wrap(
        f"You play {you}. The rules play the others: {', '.join(others)}.", width, "", ""
    )
    described = spec.actors[game.actor].description
    if described:
        lines += _wrap(" ".join(described.split()), width, "", "")
    lines += _wrap(
        f"One turn is a {spec.turn_length}; at most {spec.horizon} turns. Starting level: "
        f"{game.terms.level(game.scenario.initial_level)}. Whenever one of {you}'s rules could "
        "act, you decide; beside each choice is how often the rules would make it there. "
        "Type the number of a choice (or its name), just Enter to pass, ? to see the choices "
        "again, q to quit.",
        width,
        "",
        "",
    )
    return "\n".join(lines)


def intro_markdown(game: Game, command: str = "") -> str:
    spec = game.scenario.spec
    md = narrative.escape_markdown
    you = game.terms.actor_name(game.actor)
    others = [game.terms.actor_name(a) for a in game.scenario.actors if a != game.actor]
    lines = [
        f"# Tabletop play: {md(spec.title)}",
        "",
        f"`{spec.id}`, run {game.run}, seed {game.seed}. {md(you)} was played by a person; "
        f"the rules played {md(', '.join(others))}. One turn is a {md(spec.turn_length)}; "
        f"at most {spec.horizon} turns.",
    ]
    if command:
        lines += ["", f"Played with `{command}`."]
    if spec.description:
        lines += ["", md(" ".join(spec.description.split()))]
    return "\n".join(lines)


def decision_text(decision: Decision, width: int = WIDTH) -> str:
    """A decision as the terminal shows it: the situation, then the numbered choices."""
    s = decision.situation
    lines = [
        "",
        f"  >> Your move as {decision.actor_name}: turn {s.turn} of {s.horizon}, level {s.level}",
    ]
    if not s.again:
        lines += _wrap(_state_line(s), width, "     ", "       ")
        lines += _wrap("Last turn: " + _last_turn_line(s), width, "     ", "       ")
        lines.append("")
    question = f"{decision.rule.id}: {decision.question}" if decision.question else decision.rule.id
    lines += _wrap(question, width, "     ", "       ")
    if decision.vote:
        lines += _wrap(decision.vote, width, "     ", "     ")
    for number, choice in enumerate(decision.choices, 1):
        lines += _choice_text(number, choice, width)
    return "\n".join(lines)


def _choice_text(number: int, choice: Choice, width: int) -> list[str]:
    odds = f" (the rules: {_percent(choice.odds)})" if choice.odds is not None else ""
    if not choice.available:
        return _wrap(
            f"{number}. {choice.key}: not possible now (needs {choice.requires})",
            width,
            "     ",
            "        ",
        )
    lines = _wrap(f"{number}. {choice.key}{odds}: {choice.text}", width, "     ", "        ")
    if choice.effects:
        lines += _wrap(f"-> {choice.effects}", width, "        ", "           ")
    return lines


def decision_markdown(decision: Decision) -> str:
    s = decision.situation
    md = narrative.escape_markdown
    lines = [f"### Your move as {md(decision.actor_name)}: `{decision.rule.id}`", ""]
    if not s.again:
        state = ", ".join(f"`{key}` = {md(value)}" for key, value in s.state) or "nothing to show"
        lines += [
            f"Turn {s.turn} of {s.horizon}, level {md(s.level)}. State: {state}.",
            "",
            f"Last turn: {_last_turn_markdown(s)}",
            "",
        ]
    if decision.question:
        lines += [md(decision.question), ""]
    if decision.vote:
        lines += [md(decision.vote), ""]
    for number, choice in enumerate(decision.choices, 1):
        if not choice.available:
            lines.append(f"{number}. `{choice.key}`: not possible now (needs `{choice.requires}`)")
            continue
        odds = f" (the rules: {_percent(choice.odds)})" if choice.odds is not None else ""
        effects = f" → `{choice.effects}`" if choice.effects else ""
        lines.append(f"{number}. `{choice.key}`{odds}: {md(choice.text)}{effects}")
    return "\n".join(lines)


def answer_markdown(decision: Decision, index: int) -> str:
    return f"\n**You chose {index + 1}: `{decision.choices[index].key}`.**"


def choices_text(made: Sequence[Made], stopped: bool = False) -> str:
    """The person's choices, each beside what the rules' own draw was at that moment."""
    if not made:
        return _no_choices(stopped)
    rows = [_made_row(m) for m in made]
    same = sum(m.choice == m.decision.rules_choice for m in made)
    header = ["turn", "rule", "you chose", "the rules drew"]
    return f"Your choices ({same} of {len(made)} the same as the rules' draw):\n" + table(
        header, rows, align="rlll"
    )


def choices_markdown(made: Sequence[Made], stopped: bool = False) -> str:
    if not made:
        return _no_choices(stopped)
    same = sum(m.choice == m.decision.rules_choice for m in made)
    lines = [
        f"Your choices ({same} of {len(made)} the same as the rules' draw):",
        "",
        "| turn | rule | you chose | the rules drew |",
        "| ---: | --- | --- | --- |",
    ]
    lines += [f"| {t} | `{r}` | `{y}` | `{d}` |" for t, r, y, d in map(_made_row, made)]
    return "\n".join(lines)


def _no_choices(stopped: bool) -> str:
    if stopped:
        return "You made no choice before the game stopped."
    return "None of your rules could act in this game: you had nothing to decide."


def _made_row(made: Made) -> list[str]:
    choices = made.decision.choices
    return [
        str(made.turn),
        made.decision.rule.id,
        choices[made.choice].key,
        choices[made.decision.rules_choice].key,
    ]


def _state_line(s: Situation) -> str:
    if not s.state:
        return "State: nothing to show"
    return "State: " + ", ".join(f"{k} = {v}" for k, v in s.state)


def _what(happening: Happening) -> str:
    """Which rule a happening was, in a word or three."""
    if happening.kind == "vote-failed":
        return f"{happening.rule}, vote failed"
    if happening.kind == "delayed":
        return f"{happening.rule}, taking hold"
    return happening.rule + (f" -> {happening.option}" if happening.option else "")


def _last_turn_line(s: Situation) -> str:
    if s.turn == 1:
        return "this is the first turn."
    if not s.last_turn:
        return "the others did nothing."
    return "; ".join(f"{who} [{what}]" for who, what in s.last_turn) + "."


def _last_turn_markdown(s: Situation) -> str:
    if s.turn == 1 or not s.last_turn:
        return narrative.escape_markdown(_last_turn_line(s))
    md = narrative.escape_markdown
    return "; ".join(f"{md(who)} (`{what}`)" for who, what in s.last_turn) + "."


def _percent(p: float) -> str:
    return f"{p:.0%}" if p == 0 or p >= 0.01 else "<1%"


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    )


# --- how the rules alone do from the same start ------------------------------------


@dataclass(frozen=True)
class Comparison:
    """The rules-only Monte Carlo from the same start, and this very run played by the rules."""

    runs: int
    seed: int
    outcomes: tuple[dict, ...]  # from summary.json: id, label, count, probability, ci95
    alone: Ending  # run `run` of the same batch, played by the rules alone
    run: int


def compare(scenario: CompiledScenario, seed: int, run: int, runs: int) -> Comparison:
    """Play `runs` rules-only runs with the same seed and settings (and run `run` alone)."""
    from sim.batch.runner import run as run_batch

    results = run_batch(scenario, runs, seed)
    alone = narrative.ending(replay(scenario, seed, run))
    return Comparison(runs, seed, tuple(results.summary["outcomes"]), alone, run)


def comparison_text(comparison: Comparison, yours: Ending) -> str:
    rows = []
    for entry in comparison.outcomes:
        low, high = entry["ci95"]
        mark = "<- your game" if entry["id"] == yours.outcome else ""
        rows.append(
            [
                entry["id"],
                percent(entry["probability"]),
                f"{percent(low)} - {percent(high)}",
                mark,
            ]
        )
    head = (
        f"How the rules alone do from the same start "
        f"({comparison.runs:,} runs, seed {comparison.seed}):"
    )
    return "\n".join(
        [
            head,
            table(["outcome", "rules alone", "95% interval", ""], rows, align="lrrl", rule=False),
            "",
            *_wrap(_alone_line(comparison), WIDTH, "", ""),
        ]
    )


def comparison_markdown(comparison: Comparison, yours: Ending) -> str:
    lines = [
        f"How the rules alone do from the same start ({comparison.runs:,} runs, "
        f"seed {comparison.seed}):",
        "",
        "| outcome | rules alone | 95% interval | |",
        "| --- | ---: | ---: | --- |",
    ]
    for entry in comparison.outcomes:
        low, high = entry["ci95"]
        mark = "← your game" if entry["id"] == yours.outcome else ""
        lines.append(
            f"| `{entry['id']}` | {percent(entry['probability'])} | "
            f"{percent(low)} – {percent(high)} | {mark} |"
        )
    lines += ["", narrative.escape_markdown(_alone_line(comparison))]
    return "\n".join(lines)


def _alone_line(comparison: Comparison) -> str:
    """What the rules alone make of this very run."""
    alone = comparison.alone
    return (
        f"Played by the rules alone, this same run (run {comparison.run}) ends in "
        f"{alone.outcome} on turn {alone.turn} (peak level: {alone.peak})."
    )
