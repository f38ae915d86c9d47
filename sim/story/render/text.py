"""A story for a terminal: plain text wrapped to a width, bullets and hanging indents."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from sim.story.decision import Choice, Decision, Made, Opening
from sim.story.play import RulesVersusPlayer
from sim.story.render import wording
from sim.story.render.renderer import Renderer
from sim.story.told import Ending, Happening, Quiet, Story, Turn, TurnSoFar, group_quiet
from sim.text import percent, table

WIDTH = 88  # text width of a trace, wrapped narration included
MENU = "     "  # the indent of a decision and its choices, under the prompt


class TextRenderer(Renderer):
    """Plain text wrapped to `width` columns."""

    def __init__(self, width: int = WIDTH) -> None:
        self.width = width

    # --- a trace -------------------------------------------------------------------

    def story(self, story: Story) -> str:
        """A heading, each turn (quiet stretches on one line), the end."""
        lines = [self.intro(story)]
        for group in group_quiet(story.turns):
            lines.append("")
            lines.append(self.turn(group) if isinstance(group, Turn) else self.quiet(group))
        lines += ["", self.ending(story.ending, story.horizon)]
        return "\n".join(lines) + "\n"

    def intro(self, story: Story) -> str:
        lines = [f"{story.title} ({story.scenario}), run {story.run}, seed {story.seed}"]
        if story.fixed:
            lines.append("Set: " + ", ".join(f"{k} = {v}" for k, v in story.fixed))
        if story.drawn:
            drawn = ", ".join(_unbroken(f"{k} = {v}") for k, v in story.drawn)
            wrapped = self._prose(f"Drawn for this run: {drawn}", "", "  ")
            lines += [line.replace(NBSP, " ") for line in wrapped]
        lines.append(
            f"One turn is a {story.turn_length}; at most {story.horizon} turns. "
            f"Starting level: {story.start_level}."
        )
        return "\n".join(lines)

    def turn(self, turn: Turn) -> str:
        heading = f"Turn {turn.number} - level: {_level_move(turn)}"
        return "\n".join([heading, *self._happenings(turn), *self._misbeliefs(turn)])

    def _misbeliefs(self, turn: Turn) -> list[str]:
        """The beliefs that differ from the truth at the end of the turn."""
        lines = []
        if turn.misbeliefs:
            lines.append("  Beliefs that differ from the truth:")
        for line in wording.misbeliefs(turn.misbeliefs):
            lines += self._prose(line, "    ", "      ")
        return lines

    def turn_so_far(self, part: TurnSoFar) -> str:
        turn = part.turn
        heading = [f"Turn {turn.number} - level: {turn.level_before}"] if part.heading else []
        return "\n".join(heading + self._happenings(turn))

    def quiet(self, turns: Quiet) -> str:
        return wording.quiet(turns)

    def ending(self, ending: Ending, horizon: int) -> str:
        if ending.outcome is None:
            stopped = f"Stopped on turn {ending.turn}, before the run ended. Peak level: "
            return "\n".join([stopped + f"{ending.peak}.", *self._rungs(ending)])
        lines = [
            f"Outcome: {ending.outcome_label} ({ending.outcome}), turn {ending.turn} of "
            f"{horizon}. Peak level: {ending.peak}."
        ]
        if ending.outcome_description:
            lines += self._prose(ending.outcome_description, "  ", "  ")
        lines += self._rungs(ending)
        for check, what in ending.violated:
            lines += self._prose(f"Check violated: {check}: {what}", "", "  ")
        if ending.false_belief_firings is not None:
            lines.append(wording.false_belief_firings(ending.false_belief_firings))
        return "\n".join(lines)

    def _rungs(self, ending: Ending) -> list[str]:
        line = wording.rungs(ending)
        return self._prose(line, "", "  ") if line else []

    def _happenings(self, turn: Turn) -> list[str]:
        return [self.happening(h) for h in turn.happenings]

    def happening(self, happening: Happening) -> str:
        """A bullet: who, which rule, the narration, then its vote and changes."""
        who, rule = wording.who(happening)
        lines = self._prose(f"{who} [{rule}]: {wording.said(happening)}", "  * ", "    ")
        if happening.vote is not None:
            lines += self._prose(wording.vote(happening.vote), "    ", "      ")
        if happening.on_false_belief:
            lines += self._prose(wording.FALSE_BELIEF, "    ", "      ")
        for change in happening.changes:
            line = f"{change.key}: {change.before} -> {change.after}"
            lines += self._prose(line, "      ", "        ")
        for item in happening.scheduled:
            lines += self._prose(wording.scheduled(item), "      ", "        ")
        return "\n".join(lines)

    # --- a game --------------------------------------------------------------------

    def opening(self, opening: Opening, command: str) -> str:
        """The scenario, who the person plays, how to answer (the command is not shown)."""
        lines = [f"{opening.title} ({opening.scenario}): run {opening.run}, seed {opening.seed}"]
        if opening.description:
            lines += self._wrap(" ".join(opening.description.split()), "", "")
        lines.append("")
        others = ", ".join(opening.others)
        lines += self._wrap(f"You play {opening.you}. The rules play the others: {others}.", "", "")
        if opening.you_description:
            lines += self._wrap(" ".join(opening.you_description.split()), "", "")
        lines += self._wrap(
            f"One turn is a {opening.turn_length}; at most {opening.horizon} turns. Starting "
            f"level: {opening.start_level}. Whenever one of {opening.you}'s rules could "
            "act, you decide; beside each choice is how often the rules would make it there. "
            "Type the number of a choice (or its name), just Enter to pass, ? to have it "
            + (
                "explained with the odds from here of each choice, q to quit."
                if opening.odds
                else "explained (the odds from here are the umpire's: they would tell you "
                "what is hidden from you), q to quit."
            ),
            "",
            "",
        )
        return "\n".join(lines)

    def decision(self, decision: Decision) -> str:
        """The situation (once a turn), the question, then the numbered choices."""
        s = decision.situation
        move = f"turn {s.turn} of {s.horizon}, level {s.level}"
        lines = [f"  >> Your move as {decision.actor_name}: {move}"]
        if not s.again:
            state = "; ".join(f"{k}: {v}" for k, v in s.state) or "nothing to show"
            lines += self._wrap(f"State: {state}", MENU, MENU + "  ")
            lines += self._wrap("Last turn: " + wording.last_turn(s), MENU, MENU + "  ")
            lines.append("")
        rule = decision.rule.id
        question = f"{rule}: {decision.question}" if decision.question else rule
        lines += self._wrap(question, MENU, MENU + "  ")
        if decision.vote:
            lines += self._wrap(decision.vote, MENU, MENU)
        for number, choice in enumerate(decision.choices, 1):
            lines += self._choice(number, choice)
        return "\n".join(lines)

    def _choice(self, number: int, choice: Choice) -> list[str]:
        if not choice.available:
            text = f"{number}. {choice.key}: not possible now (needs {choice.requires})"
            return self._wrap(text, MENU, MENU + "   ")
        odds = f" (the rules: {wording.odds(choice.odds)})" if choice.odds is not None else ""
        lines = self._wrap(f"{number}. {choice.key}{odds}: {choice.text}", MENU, MENU + "   ")
        if choice.effects:
            lines += self._wrap(f"-> {choice.effects}", MENU + "   ", MENU + "      ")
        return lines

    def game_end(self, ending: Ending, horizon: int) -> str:
        return self.ending(ending, horizon)

    def choices_made(self, made: Sequence[Made], stopped: bool = False) -> str:
        if not made:
            return wording.no_choices(stopped)
        header = ["turn", "rule", "you chose", "the rules drew"]
        rows = [wording.made_row(m) for m in made]
        return wording.choices_made(made) + "\n" + table(header, rows, align="rlll")

    def stopped(self, why: str, turn: int, horizon: int, made: Sequence[Made]) -> str:
        return f"{wording.stopped(why, turn, horizon)}\n\n" + self.choices_made(made, True)

    def revealed(self, story: Story) -> str:
        lines = self._wrap(wording.REVEALED, "", "")
        for group in group_quiet(story.turns):
            lines.append("")
            lines.append(self.turn(group) if isinstance(group, Turn) else self.quiet(group))
        return "\n".join(lines)

    def comparison(self, comparison: RulesVersusPlayer) -> str:
        rows = []
        for entry in comparison.outcomes:
            low, high = entry["ci95"]
            mark = "<- your game" if entry["id"] == comparison.yours.outcome else ""
            interval = f"{percent(low)} - {percent(high)}"
            rows.append([entry["id"], percent(entry["probability"]), interval, mark])
        header = ["outcome", "rules alone", "95% interval", ""]
        return "\n".join(
            [
                wording.comparison_heading(comparison),
                table(header, rows, align="lrrl", rule=False),
                "",
                *self._wrap(wording.alone(comparison), "", ""),
            ]
        )

    # --- wrapping ------------------------------------------------------------------

    def _wrap(self, text: str, first: str, rest: str) -> list[str]:
        """Wrap text as it is (its whitespace kept) with a hanging indent."""
        return textwrap.wrap(
            text,
            width=self.width,
            initial_indent=first,
            subsequent_indent=rest,
            break_on_hyphens=False,
            break_long_words=False,
        )

    def _prose(self, text: str, first: str, rest: str) -> list[str]:
        """Wrap prose (its runs of ASCII whitespace made one space) with a hanging indent."""
        return self._wrap(_ASCII_SPACE.sub(" ", text).strip(), first, rest)


def _level_move(turn: Turn) -> str:
    if turn.level_before == turn.level_after:
        return turn.level_after
    return f"{turn.level_before} -> {turn.level_after}"


_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
NBSP = "\u00a0"  # textwrap breaks lines at ASCII whitespace only


def _unbroken(text: str) -> str:
    """`text` kept on one line when wrapped (its spaces made non-breaking until printed)."""
    return text.replace(" ", NBSP)
