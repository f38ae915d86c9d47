"""The words of the table in plain text: a turn's briefing, and a decision explained with
its odds from here. The terminal prints them; the transcript keeps them as they were."""

from __future__ import annotations

import textwrap

from sim.story.decision import Decision
from sim.story.odds import Odds, OddsFromHere, OutcomeOdds
from sim.table.game import Briefing
from sim.table.view import Fact, SeatPicture
from sim.text import table


def briefing_lines(briefing: Briefing, full: bool, width: int = 88) -> list[str]:
    """Where things stand before a turn: the rung on the ladder, the world and each seat's
    own state and beliefs, and what changed elsewhere; `full` adds every variable and the
    rungs' meaning."""
    first = briefing.views[0]
    lines = [f"== Turn {briefing.turn} of {briefing.horizon} (a {briefing.turn_length} each) =="]
    lines += textwrap.wrap("Ladder: " + ladder_line(first), width, subsequent_indent="  ")
    if full:
        lines += [f"  {i + 1}. {label}: {text}" for i, (label, text) in enumerate(first.ladder)]
    world = [f for f in first.facts if not f.owner]
    lines += _facts("The world", world, full)
    for view, changed in zip(briefing.views, briefing.changed, strict=True):
        own = [f for f in view.facts if f.owner == view.name]
        lines += _facts(view.name, own, full)
        lines += _facts(f"What {view.name} believes", list(view.beliefs), full)
        others = [f for f in view.facts if f.owner not in ("", view.name)]
        shown = others if full else [f for f in others if f.key in changed]
        heading = f"What {view.name} sees of the others" + ("" if full else " (changed)")
        lines += _facts(heading, shown, full)
    return lines


def ladder_line(view: SeatPicture) -> str:
    """The ladder's rungs in order, the current one in brackets."""
    rungs = [label for label, _ in view.ladder]
    rungs[view.rung] = f"[{rungs[view.rung]}]"
    return " > ".join(rungs)


def _facts(heading: str, facts: list[Fact], described: bool) -> list[str]:
    """A heading and a line per fact (`described`: with what the variable means)."""
    if not facts:
        return []
    lines = [f"{heading}:"]
    for fact in facts:
        about = f" ({fact.description})" if described and fact.description else ""
        lines.append(f"  - {fact.label}: {fact.value}{about}")
    return lines


def explanation_lines(decision: Decision, odds: OddsFromHere | None) -> list[str]:
    """What a decision is, the rules' own chance of each answer, and the odds from here."""
    rule = decision.rule
    about = f"About {rule.id}: {decision.question or rule.description or rule.narration}"
    lines = textwrap.wrap(" ".join(about.split()), 88)
    if decision.vote:
        lines.append(decision.vote)
    rules = [c for c in decision.choices if c.odds is not None]
    if rules:
        said = ", ".join(f"{c.key} {100 * c.odds:.0f}%" for c in rules if c.odds is not None)
        lines.append(f"Left to the rules, this turn: {said}.")
    for choice in decision.choices:
        if choice.effects:
            lines.append(f"  {choice.key} does: {choice.effects}")
    if odds is None:
        if decision.odds_withheld:
            lines += ["", *textwrap.wrap(decision.odds_withheld, 88)]
        return lines
    lines += [
        "",
        *textwrap.wrap(
            f"Odds from here: how {odds.runs:,} continuations of this very moment end, with "
            "each answer taken and the rules playing on (% of runs, 95% interval):",
            88,
        ),
        odds_table(odds),
    ]
    return lines


def odds_table(odds: OddsFromHere) -> str:
    """A row per outcome, a column per answer (the rules' first)."""
    columns: list[Odds] = [odds.rules, *odds.choices]
    header = ["", *[o.key if o.key != "rules" else "the rules" for o in columns]]
    rows = []
    for i, outcome in enumerate(odds.rules.outcomes):
        rows.append([outcome.label, *[_cell(column.outcomes[i]) for column in columns]])
    return table(header, rows, align="l" + "r" * len(columns))


def _cell(outcome: OutcomeOdds) -> str:
    """A share and its interval, in percent: `7.0 (6.2-7.8)`."""
    return f"{100 * outcome.probability:.1f} ({100 * outcome.low:.1f}-{100 * outcome.high:.1f})"
