"""The story of one run: what fired on each turn, what it changed, and how the run ended.

A one-lane model's journal (`EscalationModel(journal=[])`) records every rule
resolution; `story` turns it into `Turn`s of `Happening`s in the scenario's own
terms (actor names, enum values and ladder levels by name), and `render_text`
and `render_markdown` read it out for a terminal or an after-action report.
Everything here is a function of its inputs: no printing, no files.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.engine.model import NO_OUTCOME, EscalationModel, Firing
from sim.language.compiled import CompiledScenario, DelayedEffects, Option, Rule

WIDTH = 88  # text width of a trace, wrapped narration included


# --- the story as data ---------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A state variable that changed: its key and its values before and after, as text."""

    key: str
    before: str
    after: str


@dataclass(frozen=True)
class Vote:
    """How an alliance's members voted on one rule."""

    method: str  # consensus, majority or threshold
    required: int  # yes votes needed
    yes: tuple[str, ...]  # member names
    no: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return len(self.yes) >= self.required


@dataclass(frozen=True)
class Happening:
    """One thing that happened on a turn.

    `kind` is "event" (a chance event), "rule" (an actor's rule fired),
    "vote-failed" (an alliance voted and the rule did not pass) or "delayed"
    (effects scheduled earlier took hold).
    """

    kind: str
    rule: str  # rule or event id; for delayed effects the rule (and option) that scheduled them
    actor: str | None  # actor id; None for chance events
    actor_name: str
    narration: str
    description: str = ""  # what the rule is about (said when a vote fails)
    option: str | None = None  # the chosen option's id, for decisions
    option_narration: str = ""
    vote: Vote | None = None
    changes: tuple[Change, ...] = ()
    by_player: bool = False


@dataclass(frozen=True)
class Turn:
    """A turn of the story: what happened, and the ladder level before and after."""

    number: int
    level_before: str
    level_after: str
    happenings: tuple[Happening, ...]

    @property
    def quiet(self) -> bool:
        return not self.happenings


@dataclass(frozen=True)
class Ending:
    """How a run ended; `outcome` is None when it was stopped before it ended (play)."""

    outcome: str | None
    outcome_label: str
    outcome_description: str
    turn: int
    peak: str


@dataclass(frozen=True)
class Story:
    """One run told from start to end."""

    scenario: str  # id
    title: str
    turn_length: str
    horizon: int
    seed: int
    run: int
    start_level: str
    drawn: tuple[tuple[str, str], ...]  # sampled parameters of this run: (name, value)
    fixed: tuple[tuple[str, str], ...]  # parameters fixed with --set
    turns: tuple[Turn, ...]
    ending: Ending
    command: str = ""  # the command line that reproduces it


# --- from a journal to a story -------------------------------------------------


class Terms:
    """A scenario's vocabulary: actor names and state values as the scenario writes them."""

    def __init__(self, scenario: CompiledScenario) -> None:
        self.scenario = scenario
        spec = scenario.spec
        self.levels = tuple(level.label for level in spec.ladder)
        self.types = {slot.key: slot.type for slot in scenario.slots}
        self.types.update({p.key: p.type for p in scenario.parameters})
        self.delayed_origin: dict[int, tuple[Rule, str | None]] = {}
        for rule in scenario.all_rules():
            for item in rule.delayed:
                self.delayed_origin[item.slot] = (rule, None)
            for option in rule.options:
                for item in option.delayed:
                    self.delayed_origin[item.slot] = (rule, option.id)

    def actor_name(self, actor: str | None) -> str:
        if actor is None:
            return "Event"
        spec = self.scenario.spec.actors[actor]
        return spec.name or actor.capitalize()  # as the engine names its agents

    def level(self, index: int) -> str:
        return self.levels[int(index)]

    def value(self, key: str, value: object) -> str:
        """A state value in the scenario's terms: enum values and ladder levels by name."""
        if key in ("level", "peak"):
            return self.level(int(value))
        type_ = self.types.get(key)
        kind = type_.kind if type_ is not None else ""
        if kind == "enum":
            return type_.values[int(value)]
        if kind == "bool" or isinstance(value, bool | np.bool_):
            return "true" if value else "false"
        if kind == "int":
            return str(int(value))
        return f"{float(value):.3g}"


def story(model: EscalationModel, run: int, command: str = "") -> Story:
    """The story of a one-lane model (after it ran, or as far as it got) with a journal."""
    if model.size != 1 or model.journal is None:
        raise ValueError("a story needs a model of one lane with a journal")
    scenario = model.scenario
    terms = Terms(scenario)
    ended = int(model.outcome[0]) != NO_OUTCOME
    last = int(model.end_turn[0]) if ended else model.turn
    drawn = tuple(
        (p.name, terms.value(p.key, model.parameters[p.name][0]))
        for p in scenario.sampled_parameters
    )
    fixed = tuple((name, _plain(value)) for name, value in scenario.overrides.items())
    return Story(
        scenario=scenario.id,
        title=scenario.spec.title,
        turn_length=scenario.spec.turn_length,
        horizon=scenario.horizon,
        seed=model.seed,
        run=run,
        start_level=terms.level(scenario.initial_level),
        drawn=drawn,
        fixed=fixed,
        turns=tuple(turns(terms, model.journal, 1, last, scenario.initial_level)),
        ending=ending(model),
        command=command,
    )


def ending(model: EscalationModel) -> Ending:
    """How lane 0 of `model` ended (or where it stands, if it has not ended)."""
    scenario = model.scenario
    terms = Terms(scenario)
    index = int(model.outcome[0])
    peak = terms.level(int(model.peak[0]))
    if index == NO_OUTCOME:
        return Ending(None, "", "", model.turn, peak)
    outcome = scenario.outcomes[index]
    return Ending(outcome.id, outcome.label, outcome.description, int(model.end_turn[0]), peak)


def turns(terms: Terms, journal: Iterable[Firing], first: int, last: int, level: int) -> list[Turn]:
    """Turns `first` to `last` of a one-lane journal; `level` is the ladder index before `first`."""
    by_turn: dict[int, list[Happening]] = {}
    levels: dict[int, int] = {}
    for firing in journal:
        happening = happening_of(terms, firing)
        if happening is None:
            continue
        by_turn.setdefault(firing.turn, []).append(happening)
        for key, _, after in firing.changes:
            if key == "level":
                levels[firing.turn] = int(after[0])
    out = []
    for number in range(first, last + 1):
        after = levels.get(number, level)
        out.append(
            Turn(number, terms.level(level), terms.level(after), tuple(by_turn.get(number, ())))
        )
        level = after
    return out


def happening_of(terms: Terms, firing: Firing) -> Happening | None:
    """What a journal entry means for the story, or None if nothing happened."""
    fired = bool(firing.fired[0])
    changes = _changes(terms, firing.changes)
    if firing.delayed is not None:
        return _delayed(terms, firing.delayed, changes) if fired else None
    rule = firing.rule
    by_player = firing.decided_by == "player"
    held = firing.vote_held is not None and bool(firing.vote_held[0])
    vote = _vote(terms, rule, firing) if held and not by_player else None
    if not fired:
        if vote is None:
            return None  # the rule did not fire (a player's pass is told by the game itself)
        kind = "vote-failed"
    else:
        kind = "rule" if rule.actor is not None else "event"
        if not rule.narration and not changes and not rule.options:
            return None  # bookkeeping (a rule with nothing to say that changed nothing)
    option, option_narration = None, ""
    if fired and rule.options:
        chosen = rule.options[int(firing.option[0])]
        if _holds_still(rule, chosen) and not changes and vote is None:
            return None  # a decision to carry on as before: nothing to tell
        option, option_narration = chosen.id, chosen.narration or chosen.description
    return Happening(
        kind=kind,
        rule=rule.id,
        actor=rule.actor,
        actor_name=terms.actor_name(rule.actor),
        narration=rule.narration or ("" if rule.options else rule.description),
        description=rule.description,
        option=option,
        option_narration=option_narration,
        vote=vote,
        changes=changes,
        by_player=by_player,
    )


def _holds_still(rule: Rule, option: Option) -> bool:
    """An option that changes nothing and says nothing (e.g. `keep-pressing`) of a rule that
    says nothing itself: choosing it is the decision to carry on as before."""
    return not (rule.narration or option.narration or option.effects or option.delayed)


def _delayed(terms: Terms, item: DelayedEffects, changes: tuple[Change, ...]) -> Happening:
    rule, option = terms.delayed_origin[item.slot]
    return Happening(
        kind="delayed",
        rule=rule.id,
        actor=rule.actor,
        actor_name=terms.actor_name(rule.actor),
        narration=item.narration,
        option=option,
        changes=changes,
    )


def _vote(terms: Terms, rule: Rule, firing: Firing) -> Vote:
    yes = tuple(terms.actor_name(m) for m, ballot in firing.votes.items() if ballot[0])
    no = tuple(terms.actor_name(m) for m, ballot in firing.votes.items() if not ballot[0])
    return Vote(rule.vote.method, rule.vote.required(), yes, no)


def _changes(terms: Terms, changes: Sequence[tuple[str, np.ndarray, np.ndarray]]) -> tuple:
    """The net change of each variable a firing touched, leaving out those that ended unchanged."""
    first: dict[str, object] = {}
    last: dict[str, object] = {}
    for key, before, after in changes:
        first.setdefault(key, before[0])
        last[key] = after[0]
    return tuple(
        Change(key, terms.value(key, first[key]), terms.value(key, last[key]))
        for key in first
        if first[key] != last[key]
    )


def _plain(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


# --- reading it out: text ------------------------------------------------------


def render_text(story: Story, width: int = WIDTH) -> str:
    """The story for a terminal: a heading, each turn (quiet stretches on one line), the end."""
    lines = intro_text(story, width)
    for group in group_quiet(story.turns):
        lines.append("")
        if isinstance(group, Turn):
            lines += turn_text(group, width)
        else:
            lines.append(quiet_text(group))
    lines += ["", *ending_text(story.ending, story.horizon, width)]
    return "\n".join(lines) + "\n"


def intro_text(story: Story, width: int = WIDTH) -> list[str]:
    lines = [f"{story.title} ({story.scenario}), run {story.run}, seed {story.seed}"]
    if story.fixed:
        lines.append("Set: " + ", ".join(f"{k} = {v}" for k, v in story.fixed))
    if story.drawn:
        drawn = ", ".join(_unbroken(f"{k} = {v}") for k, v in story.drawn)
        wrapped = _wrap(f"Drawn for this run: {drawn}", width, "", "  ")
        lines += [line.replace(NBSP, " ") for line in wrapped]
    lines.append(
        f"One turn is a {story.turn_length}; at most {story.horizon} turns. "
        f"Starting level: {story.start_level}."
    )
    return lines


def group_quiet(turns: Sequence[Turn]) -> list[Turn | tuple[Turn, ...]]:
    """Turns, with each stretch of quiet turns gathered into one tuple."""
    out: list[Turn | tuple[Turn, ...]] = []
    for turn in turns:
        if turn.quiet and out and isinstance(out[-1], tuple):
            out[-1] = (*out[-1], turn)
        else:
            out.append((turn,) if turn.quiet else turn)
    return out


def quiet_text(turns: Sequence[Turn]) -> str:
    span = _span(turns)
    return f"{span}: nothing happened (level: {turns[-1].level_after})."


def turn_text(turn: Turn, width: int = WIDTH, heading: bool = True) -> list[str]:
    lines = [f"Turn {turn.number} - level: {_level_move(turn)}"] if heading else []
    for happening in turn.happenings:
        lines += happening_text(happening, width)
    return lines


def happening_text(happening: Happening, width: int = WIDTH) -> list[str]:
    """A happening as a bullet: who, which rule, the narration, then its vote and changes."""
    who, rule = _who(happening)
    lines = _wrap(f"{who} [{rule}]: {_said(happening)}", width, "  * ", "    ")
    if happening.vote is not None:
        lines += _wrap(_vote_text(happening.vote), width, "    ", "      ")
    for change in happening.changes:
        lines += _wrap(
            f"{change.key}: {change.before} -> {change.after}", width, "      ", "        "
        )
    return lines


def ending_text(ending: Ending, horizon: int, width: int = WIDTH) -> list[str]:
    if ending.outcome is None:
        return [f"Stopped on turn {ending.turn}, before the run ended. Peak level: {ending.peak}."]
    lines = [
        f"Outcome: {ending.outcome_label} ({ending.outcome}), turn {ending.turn} of {horizon}. "
        f"Peak level: {ending.peak}."
    ]
    if ending.outcome_description:
        lines += _wrap(ending.outcome_description, width, "  ", "  ")
    return lines


def _who(happening: Happening) -> tuple[str, str]:
    """Who acts, and the rule (and option) that says so."""
    rule = happening.rule + (f" -> {happening.option}" if happening.option else "")
    if happening.kind == "event":
        return "Event", rule
    if happening.kind == "delayed":
        return "Taking hold", rule
    return happening.actor_name + (" (you)" if happening.by_player else ""), rule


def _said(happening: Happening) -> str:
    """What to read out: the narration, the chosen option's, or what happened instead."""
    if happening.kind == "vote-failed":
        return " ".join(_sentence(p) for p in (happening.description, "The vote fails") if p)
    if happening.kind == "delayed" and not happening.narration:
        return "effects scheduled earlier take hold."
    parts = [happening.narration, happening.option_narration]
    text = " ".join(_sentence(p) for p in parts if p)
    return text or "fires."


def _vote_text(vote: Vote) -> str:
    total = len(vote.yes) + len(vote.no)
    text = f"Vote ({vote.method}, {vote.required} of {total} needed): {len(vote.yes)} yes"
    if vote.no:
        text += f"; against: {', '.join(vote.no)}"
    return text + "."


def _level_move(turn: Turn) -> str:
    if turn.level_before == turn.level_after:
        return turn.level_after
    return f"{turn.level_before} -> {turn.level_after}"


def _span(turns: Sequence[Turn]) -> str:
    if len(turns) == 1:
        return f"Turn {turns[0].number}"
    return f"Turns {turns[0].number}-{turns[-1].number}"


_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
NBSP = "\u00a0"  # textwrap breaks lines at ASCII whitespace only


def _unbroken(text: str) -> str:
    """`text` kept on one line when wrapped (its spaces made non-breaking until printed)."""
    return text.replace(" ", NBSP)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """Wrap prose (its runs of ASCII whitespace made one space) with a hanging indent."""
    return textwrap.wrap(
        _ASCII_SPACE.sub(" ", text).strip(),
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    )


# --- reading it out: Markdown --------------------------------------------------


def render_markdown(story: Story) -> str:
    """The story as an after-action report: the bottom line first, then a heading per turn."""
    lines = [f"# After-action report: {_md(story.title)}", "", *intro_markdown(story)]
    for group in group_quiet(story.turns):
        lines.append("")
        if isinstance(group, Turn):
            lines += turn_markdown(group)
        else:
            lines += quiet_markdown(group)
    lines += ["", "## Outcome", "", *ending_markdown(story.ending, story.horizon)]
    return "\n".join(lines) + "\n"


def intro_markdown(story: Story) -> list[str]:
    ending = story.ending
    if ending.outcome is None:
        bottom = f"Stopped on turn {ending.turn}, before the run ended"
    else:
        bottom = (
            f"**Outcome: {_md(ending.outcome_label)}** (`{ending.outcome}`) on turn "
            f"{ending.turn} of {story.horizon}"
        )
    lines = [
        f"Run {story.run} of `{story.scenario}` with seed {story.seed}. "
        f"{bottom}; peak level: {_md(ending.peak)}.",
        "",
        f"One turn is a {_md(story.turn_length)}. Starting level: {_md(story.start_level)}.",
    ]
    if story.fixed:
        lines += [
            "",
            "Set: " + ", ".join(f"`{k}` = {_md(v)}" for k, v in story.fixed) + ".",
        ]
    if story.drawn:
        lines += [
            "",
            "Drawn for this run: " + ", ".join(f"`{k}` = {_md(v)}" for k, v in story.drawn) + ".",
        ]
    if story.command:
        lines += ["", f"Reproduce with `{story.command}`."]
    return lines


def turn_markdown(turn: Turn, heading: bool = True) -> list[str]:
    level = _md(turn.level_after)
    if turn.level_before != turn.level_after:
        level = f"{_md(turn.level_before)} → {level}"
    lines = [f"## Turn {turn.number}: {level}", ""] if heading else []
    for happening in turn.happenings:
        lines += happening_markdown(happening)
    return lines


def quiet_markdown(turns: Sequence[Turn]) -> list[str]:
    """A quiet stretch: one italic line, not a heading, so the report's outline shows events."""
    return [f"*{_md(quiet_text(turns))}*"]


def happening_markdown(happening: Happening) -> list[str]:
    who, rule = _who(happening)
    lines = [f"- **{_md(who)}** (`{rule}`): {_md(_said(happening))}"]
    if happening.vote is not None:
        lines.append(f"  - {_md(_vote_text(happening.vote))}")
    for change in happening.changes:
        lines.append(f"  - `{change.key}`: {_md(change.before)} → {_md(change.after)}")
    return lines


def ending_markdown(ending: Ending, horizon: int) -> list[str]:
    if ending.outcome is None:
        return [f"Stopped on turn {ending.turn}, before the run ended."]
    lines = [
        f"**{_md(ending.outcome_label)}** (`{ending.outcome}`) on turn {ending.turn} of "
        f"{horizon}. Peak level: {_md(ending.peak)}."
    ]
    if ending.outcome_description:
        lines += ["", _md(" ".join(ending.outcome_description.split()))]
    return lines


def escape_markdown(text: str) -> str:
    """Escape the characters that would turn scenario text into Markdown markup."""
    for char in ("\\", "*", "_", "`", "[", "]", "<", ">", "|"):
        text = text.replace(char, "\\" + char)
    return text


_md = escape_markdown
