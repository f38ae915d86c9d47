"""The sentences a trace or a game says the same way in text and in Markdown.

Each renderer lays them out (wraps them, or escapes and marks them up); the
words themselves are chosen once, here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.story.decision import Made, Situation
from sim.story.fog import Misbelief
from sim.story.play import RulesVersusPlayer
from sim.story.told import Ending, Happening, Scheduled, Turn, Vote


def who(happening: Happening) -> tuple[str, str]:
    """Who acts, and the rule (and option) that says so."""
    rule = happening.rule + (f" -> {happening.option}" if happening.option else "")
    if happening.kind == "event":
        return "Event", rule
    if happening.kind == "delayed":
        return "Taking hold", rule
    if happening.kind == "landed":
        return "All actors", "simultaneous moves"
    if happening.kind == "observation":
        return f"{happening.actor_name} observes", rule
    if happening.kind == "unseen":
        return happening.actor_name, "?"
    return happening.actor_name + (" (you)" if happening.by_player else ""), rule


def said(happening: Happening) -> str:
    """What to read out: the narration, the chosen option's, or what happened instead."""
    if happening.kind == "vote-failed":
        return " ".join(sentence(p) for p in (happening.description, "The vote fails") if p)
    if happening.kind == "delayed":
        text = sentence(happening.narration or "Delayed effects take hold")
        return f"{text} (scheduled on turn {happening.scheduled_on})"
    if happening.kind == "observation":
        text = sentence(happening.narration or f'A reading of "{happening.description}"')
        late = f" (taken on turn {happening.taken_on})" if happening.taken_on is not None else ""
        return text + late
    parts = [happening.narration, happening.option_narration]
    text = " ".join(sentence(p) for p in parts if p)
    return text or "fires."


def sentence(text: str) -> str:
    """`text` on one line, ending as a sentence does."""
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def scheduled(item: Scheduled) -> str:
    """A delayed effect a firing scheduled: when it is due (and whether it can still come)."""
    what = sentence(item.narration) if item.narration else "delayed effects."
    if item.beyond_horizon:
        late = "after the last turn (it will not take hold)"
        return f"Scheduled for turn {item.turn}, {late}: {what}"
    return f"Scheduled for turn {item.turn}: {what}"


def vote(vote: Vote) -> str:
    total = len(vote.yes) + len(vote.no)
    text = f"Vote ({vote.method}, {vote.required} of {total} needed): {len(vote.yes)} yes"
    if vote.no:
        text += f"; against: {', '.join(vote.no)}"
    return text + "."


def quiet(turns: Sequence[Turn]) -> str:
    """A stretch of quiet turns in one sentence."""
    if len(turns) == 1:
        span = f"Turn {turns[0].number}"
    else:
        span = f"Turns {turns[0].number}-{turns[-1].number}"
    return f"{span}: nothing happened (level: {turns[-1].level_after})."


def last_turn(situation: Situation) -> str:
    """What the others did last turn."""
    if situation.turn == 1:
        return "this is the first turn."
    if not situation.last_turn:
        return "the others did nothing."
    return "; ".join(f"{who} [{what}]" for who, what in situation.last_turn) + "."


def odds(probability: float) -> str:
    """The rules' odds of a choice, as a menu shows them: whole percents, or `<1%`."""
    return f"{probability:.0%}" if probability == 0 or probability >= 0.01 else "<1%"


def choices_made(made: Sequence[Made]) -> str:
    """The heading of the person's choices: how many were the rules' own."""
    same = sum(m.choice == m.decision.rules_choice for m in made)
    return f"Your choices ({same} of {len(made)} the same as the rules' draw):"


def no_choices(stopped: bool) -> str:
    if stopped:
        return "You made no choice before the game stopped."
    return "None of your rules could act in this game: you had nothing to decide."


def made_row(made: Made) -> list[str]:
    """A choice made: turn, rule, the person's choice and the rules' draw."""
    choices = made.decision.choices
    return [
        str(made.turn),
        made.decision.rule.id,
        choices[made.choice].key,
        choices[made.decision.rules_choice].key,
    ]


def stopped(why: str, turn: int, horizon: int) -> str:
    return f"{why}: the game stops on turn {turn} of {horizon}."


def comparison_heading(comparison: RulesVersusPlayer) -> str:
    return (
        f"How the rules alone do from the same start "
        f"({comparison.runs:,} runs, seed {comparison.seed}):"
    )


def alone(comparison: RulesVersusPlayer) -> str:
    """What the rules alone make of this very run."""
    ending = comparison.alone
    return (
        f"Played by the rules alone, this same run (run {comparison.run}) ends in "
        f"{ending.outcome} on turn {ending.turn} (peak level: {ending.peak})."
    )


def rungs(ending: Ending) -> str | None:
    """Where each actor that holds a rung of its own stands, and the highest it reached."""
    if not ending.rungs:
        return None
    parts = [f"{name} on {now} (highest: {peak})" for name, now, peak in ending.rungs]
    return "Rungs: " + "; ".join(parts) + "."


FALSE_BELIEF = "Judged on a false belief (see the beliefs below)."


def misbeliefs(wrong: Sequence[Misbelief]) -> list[str]:
    """Beliefs that differ from the truth, one sentence per belief held alike: who
    believes what, and the truth."""
    alike: dict[tuple[str, str, str], list[str]] = {}
    for belief in wrong:
        alike.setdefault((belief.what, belief.believed, belief.truth), []).append(belief.actor_name)
    lines = []
    for (what, believed, truth), names in alike.items():
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        verb = "believes" if len(names) == 1 else "believe"
        lines.append(f'{who} {verb} "{what}": {believed} (truth: {truth}).')
    return lines


def false_belief_firings(count: int) -> str:
    noun = "firing" if count == 1 else "firings"
    return f"{count} {noun} of the actors' rules taken on a false belief."


REVEALED = (
    "What really happened, turn by turn: every truth hidden from you during the game, "
    "and every actor's beliefs where they differed from it."
)
