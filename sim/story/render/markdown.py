"""A story as Markdown: an after-action report, or the transcript of a game.

Scenario text is escaped (`escape`) so that a rule's narration never turns into
markup; ids and expressions are shown as code.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.story.decision import Choice, Decision, Made, Opening, Situation
from sim.story.play import RulesVersusPlayer
from sim.story.render import wording
from sim.story.render.renderer import Renderer
from sim.story.told import Ending, Happening, Quiet, Story, Turn, TurnSoFar, group_quiet
from sim.text import percent


def escape(text: str) -> str:
    """Escape the characters that would turn scenario text into Markdown markup."""
    for char in ("\\", "*", "_", "`", "[", "]", "<", ">", "|"):
        text = text.replace(char, "\\" + char)
    return text


class MarkdownRenderer(Renderer):
    """Markdown: headings per turn, bullets per happening, tables for choices and outcomes."""

    # --- a trace -------------------------------------------------------------------

    def story(self, story: Story) -> str:
        """The bottom line first, then a heading per turn, then the outcome."""
        lines = [f"# After-action report: {escape(story.title)}", "", self.intro(story)]
        for group in group_quiet(story.turns):
            lines.append("")
            lines.append(self.turn(group) if isinstance(group, Turn) else self.quiet(group))
        lines += ["", "## Outcome", "", self.ending(story.ending, story.horizon)]
        return "\n".join(lines) + "\n"

    def intro(self, story: Story) -> str:
        ending = story.ending
        if ending.outcome is None:
            bottom = f"Stopped on turn {ending.turn}, before the run ended"
        else:
            bottom = (
                f"**Outcome: {escape(ending.outcome_label)}** (`{ending.outcome}`) on turn "
                f"{ending.turn} of {story.horizon}"
            )
        lines = [
            f"Run {story.run} of `{story.scenario}` with seed {story.seed}. "
            f"{bottom}; peak level: {escape(ending.peak)}.",
            "",
            f"One turn is a {escape(story.turn_length)}. "
            f"Starting level: {escape(story.start_level)}.",
        ]
        if story.fixed:
            lines += ["", "Set: " + _assignments(story.fixed) + "."]
        if story.drawn:
            lines += ["", "Drawn for this run: " + _assignments(story.drawn) + "."]
        if story.command:
            lines += ["", f"Reproduce with `{story.command}`."]
        return "\n".join(lines)

    def turn(self, turn: Turn) -> str:
        level = escape(turn.level_after)
        if turn.level_before != turn.level_after:
            level = f"{escape(turn.level_before)} → {level}"
        lines = [f"## Turn {turn.number}: {level}", "", *self._happenings(turn)]
        if turn.misbeliefs:
            lines += ["", "Beliefs that differ from the truth:", ""]
            lines += [f"- {escape(line)}" for line in wording.misbeliefs(turn.misbeliefs)]
        return "\n".join(lines)

    def turn_so_far(self, part: TurnSoFar) -> str:
        turn = part.turn
        heading = [f"## Turn {turn.number}: {escape(turn.level_before)}", ""]
        return "\n".join((heading if part.heading else []) + self._happenings(turn))

    def quiet(self, turns: Quiet) -> str:
        """One italic line, not a heading, so the report's outline shows events."""
        return f"*{escape(wording.quiet(turns))}*"

    def ending(self, ending: Ending, horizon: int) -> str:
        if ending.outcome is None:
            return f"Stopped on turn {ending.turn}, before the run ended."
        lines = [
            f"**{escape(ending.outcome_label)}** (`{ending.outcome}`) on turn {ending.turn} of "
            f"{horizon}. Peak level: {escape(ending.peak)}."
        ]
        rungs = wording.rungs(ending)
        if rungs:
            lines += ["", escape(rungs)]
        if ending.outcome_description:
            lines += ["", escape(" ".join(ending.outcome_description.split()))]
        for check, what in ending.violated:
            lines += ["", f"**Check violated:** `{check}`: {escape(what)}"]
        if ending.false_belief_firings is not None:
            lines += ["", escape(wording.false_belief_firings(ending.false_belief_firings))]
        return "\n".join(lines)

    def _happenings(self, turn: Turn) -> list[str]:
        return [self.happening(h) for h in turn.happenings]

    def happening(self, happening: Happening) -> str:
        who, rule = wording.who(happening)
        lines = [f"- **{escape(who)}** (`{rule}`): {escape(wording.said(happening))}"]
        if happening.vote is not None:
            lines.append(f"  - {escape(wording.vote(happening.vote))}")
        if happening.on_false_belief:
            lines.append(f"  - {escape(wording.FALSE_BELIEF)}")
        for change in happening.changes:
            lines.append(f"  - `{change.key}`: {escape(change.before)} → {escape(change.after)}")
        for item in happening.scheduled:
            lines.append(f"  - {escape(wording.scheduled(item))}")
        return "\n".join(lines)

    # --- a game --------------------------------------------------------------------

    def opening(self, opening: Opening, command: str) -> str:
        lines = [
            f"# Tabletop play: {escape(opening.title)}",
            "",
            f"`{opening.scenario}`, run {opening.run}, seed {opening.seed}. "
            f"{escape(opening.you)} was played by a person; the rules played "
            f"{escape(', '.join(opening.others))}. One turn is a {escape(opening.turn_length)}; "
            f"at most {opening.horizon} turns.",
        ]
        if command:
            lines += ["", f"Played with `{command}`."]
        if opening.description:
            lines += ["", escape(" ".join(opening.description.split()))]
        return "\n".join(lines)

    def decision(self, decision: Decision) -> str:
        s = decision.situation
        lines = [f"### Your move as {escape(decision.actor_name)}: `{decision.rule.id}`", ""]
        if not s.again:
            state = "; ".join(f"{escape(k)}: {escape(v)}" for k, v in s.state) or "nothing to show"
            lines += [
                f"Turn {s.turn} of {s.horizon}, level {escape(s.level)}. State: {state}.",
                "",
                f"Last turn: {_last_turn(s)}",
                "",
            ]
        if decision.question:
            lines += [escape(decision.question), ""]
        if decision.vote:
            lines += [escape(decision.vote), ""]
        lines += [_choice(number, c) for number, c in enumerate(decision.choices, 1)]
        return "\n".join(lines)

    def answer(self, decision: Decision, index: int) -> str:
        """The person's answer, which the terminal shows as typed."""
        return f"**You chose {index + 1}: `{decision.choices[index].key}`.**"

    def game_end(self, ending: Ending, horizon: int) -> str:
        return "## The end\n\n" + self.ending(ending, horizon)

    def choices_made(self, made: Sequence[Made], stopped: bool = False) -> str:
        if not made:
            return wording.no_choices(stopped)
        lines = [
            wording.choices_made(made),
            "",
            "| turn | rule | you chose | the rules drew |",
            "| ---: | --- | --- | --- |",
        ]
        lines += [f"| {t} | `{r}` | `{y}` | `{d}` |" for t, r, y, d in map(wording.made_row, made)]
        return "\n".join(lines)

    def stopped(self, why: str, turn: int, horizon: int, made: Sequence[Made]) -> str:
        said = wording.stopped(why, turn, horizon)
        return f"## Stopped\n\n{said}\n\n" + self.choices_made(made, True)

    def revealed(self, story: Story) -> str:
        lines = ["## What really happened", "", escape(wording.REVEALED)]
        for group in group_quiet(story.turns):
            lines.append("")
            lines.append(self.turn(group) if isinstance(group, Turn) else self.quiet(group))
        return "\n".join(lines)

    def comparison(self, comparison: RulesVersusPlayer) -> str:
        lines = [
            wording.comparison_heading(comparison),
            "",
            "| outcome | rules alone | 95% interval | |",
            "| --- | ---: | ---: | --- |",
        ]
        for entry in comparison.outcomes:
            low, high = entry["ci95"]
            mark = "← your game" if entry["id"] == comparison.yours.outcome else ""
            lines.append(
                f"| `{entry['id']}` | {percent(entry['probability'])} | "
                f"{percent(low)} – {percent(high)} | {mark} |"
            )
        lines += ["", escape(wording.alone(comparison))]
        return "\n".join(lines)


def _assignments(pairs: Sequence[tuple[str, str]]) -> str:
    """`key` = value, ..."""
    return ", ".join(f"`{key}` = {escape(value)}" for key, value in pairs)


def _last_turn(s: Situation) -> str:
    if s.turn == 1 or not s.last_turn:
        return escape(wording.last_turn(s))
    return "; ".join(f"{escape(who)} (`{what}`)" for who, what in s.last_turn) + "."


def _choice(number: int, choice: Choice) -> str:
    if not choice.available:
        return f"{number}. `{choice.key}`: not possible now (needs `{choice.requires}`)"
    odds = f" (the rules: {wording.odds(choice.odds)})" if choice.odds is not None else ""
    effects = f" → `{choice.effects}`" if choice.effects else ""
    return f"{number}. `{choice.key}`{odds}: {escape(choice.text)}{effects}"
