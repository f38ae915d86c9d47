"""The record of a game at the table, and the after-action report read from it.

`game_record` is the whole game as JSON-ready data: every turn's narration and level,
what each seat saw at its end, every decision (who took it, what the rules would have
chosen, the odds shown), the umpire's actions, earlier lines of play abandoned by a
rewind, and how it ended; an analyst can pool many games' records. `after_action` reads
it out in Markdown: each turn's narration, each person's choice beside the rules', and
how each choice moved the odds of each outcome.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sim.story.odds import Odds, OddsFromHere
from sim.story.story import happening_of
from sim.table.session import Answer, Session, Timeline, TurnRecord
from sim.table.view import narrated
from sim.version import __version__

FORMAT = 1  # the record's layout version


def game_record(session: Session) -> dict[str, Any]:
    """The whole game as data (JSON types only)."""
    scenario = session.scenario
    end = session.ending()
    return {
        "format": FORMAT,
        "version": __version__,
        "scenario": scenario.id,
        "title": scenario.spec.title,
        "seed": session.seed,
        "run": session.run,
        "seats": list(session.seats),
        "people": sorted(session.people),
        "odds_runs": session.odds_runs,
        "horizon": scenario.horizon,
        "outcomes": [{"id": o.id, "label": o.label} for o in scenario.outcomes],
        "ladder": [level.label for level in scenario.spec.ladder],
        "names": {actor: scenario.actor_name(actor) for actor in scenario.actors},
        "turns": [_turn(t) for t in session.turns] + _in_progress(session),
        "umpire": list(session.actions),
        "earlier_lines": [_timeline(t) for t in session.timelines[:-1]],
        "ending": {
            "stopped": session.stopped,
            "outcome": end.outcome,
            "label": end.outcome_label,
            "turn": end.turn,
            "peak": end.peak,
        },
    }


def _timeline(timeline: Timeline) -> dict[str, Any]:
    return {
        "branch": timeline.branch,
        "from_turn": timeline.from_turn,
        "turns": [_turn(t) for t in timeline.turns],
    }


def _in_progress(session: Session) -> list[dict[str, Any]]:
    """The turn the game stopped in, as far as it got (none if it stopped between turns)."""
    model = session.model
    if model.cursor is None:
        return []
    told = (happening_of(session.terms, f) for f in model.journal or () if f.turn == model.turn)
    happenings = tuple(h for h in told if h is not None)
    start = (
        session.turns[-1].level_after
        if session.turns
        else session.terms.level(session.scenario.initial_level)
    )
    answers = tuple(a for a in session.answers if a.turn == model.turn)
    level = session.terms.level(int(model.state["level"][0]))
    partial = TurnRecord(model.turn, start, level, happenings, {}, answers)
    return [{**_turn(partial), "complete": False}]


def _turn(turn: TurnRecord) -> dict[str, Any]:
    return {
        "turn": turn.number,
        "complete": True,
        "level_before": turn.level_before,
        "level_after": turn.level_after,
        "narration": [asdict(narrated(h)) for h in turn.happenings],
        "views": {seat: asdict(view) for seat, view in turn.views.items()},
        "decisions": [_answer(a) for a in turn.answers],
        # fog of war: the beliefs that differed from the truth at the end of the turn
        "misbeliefs": [asdict(m) for m in turn.misbeliefs],
    }


def _answer(answer: Answer) -> dict[str, Any]:
    return {
        "turn": answer.turn,
        "seat": answer.seat,
        "rule": answer.rule,
        "question": answer.question,
        "choice": answer.choice,
        "rules_choice": answer.rules_choice,
        "by": answer.by,
        "choices": [{"key": k, "text": t, "rules_odds": p} for k, t, p in answer.choices],
        "odds": None if answer.odds is None else odds_record(answer.odds),
    }


def odds_record(odds: OddsFromHere) -> dict[str, Any]:
    """Odds from here as data: the rules' and each answer's outcome shares with intervals."""
    return {
        "turn": odds.turn,
        "rule": odds.rule,
        "runs": odds.runs,
        "rules": _odds(odds.rules),
        "choices": [_odds(o) for o in odds.choices],
    }


def _odds(odds: Odds) -> dict[str, Any]:
    return {
        "key": odds.key,
        "mean_end_turn": odds.mean_end_turn,
        "outcomes": [asdict(o) for o in odds.outcomes],
    }


# --- the after-action report ---------------------------------------------------------


def after_action(record: dict[str, Any]) -> str:
    """The after-action report of a game record, in Markdown."""
    end = record["ending"]
    names = record["names"]
    people = ", ".join(names[p] for p in record["people"]) or "nobody (the rules played every seat)"
    lines = [
        f"# After action: {record['title']}",
        "",
        f"Run {record['run']} of seed {record['seed']}; played by people: {people}.",
        "",
        _ending_line(end, record["horizon"]),
        "",
    ]
    decisions = [a for t in record["turns"] for a in t["decisions"] if a["by"] != "rules"]
    if decisions:
        lines += ["## The choices", "", *_choices_table(decisions, names), ""]
    lines += ["## Turn by turn", ""]
    for turn in record["turns"]:
        lines += _turn_lines(turn, names)
    if record["umpire"]:
        lines += ["## The umpire", "", *[f"- {action}" for action in record["umpire"]], ""]
    return "\n".join(lines).rstrip() + "\n"


def _ending_line(end: dict[str, Any], horizon: int) -> str:
    if end["stopped"] or end["outcome"] is None:
        return f"The game was ended by the umpire on turn {end['turn']} of {horizon}."
    return f"**{end['label']}** on turn {end['turn']} of {horizon}; highest rung: {end['peak']}."


def _choices_table(decisions: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    rows = [
        "| Turn | Seat | Decision | Chosen | The rules | How the choice moved the odds |",
        "|---|---|---|---|---|---|",
    ]
    for a in decisions:
        who = names[a["seat"]] + (" (umpire advanced)" if a["by"] == "umpire" else "")
        rows.append(
            f"| {a['turn']} | {who} | {a['question'] or a['rule']} | {a['choice']} | "
            f"{a['rules_choice']} | {moved(a)} |"
        )
    return rows


def moved(answer: dict[str, Any]) -> str:
    """How a choice moved each outcome's odds from the rules-only continuation, in points."""
    odds = answer["odds"]
    if odds is None:
        return "not measured"
    chosen = next((c for c in odds["choices"] if c["key"] == answer["choice"]), None)
    if chosen is None:
        return "not measured"
    parts = []
    for mine, rules in zip(chosen["outcomes"], odds["rules"]["outcomes"], strict=True):
        change = 100 * (mine["probability"] - rules["probability"])
        parts.append(f"{mine['label']} {100 * mine['probability']:.1f}% ({change:+.1f})")
    return "; ".join(parts)


def _turn_lines(turn: dict[str, Any], names: dict[str, str]) -> list[str]:
    heading = f"### Turn {turn['turn']}"
    if turn["level_before"] != turn["level_after"]:
        heading += f": {turn['level_before']} to {turn['level_after']}"
    if not turn["complete"]:
        heading += " (the game stopped during it)"
    lines = [heading, ""]
    lines += [f"- **{line['who']}**: {line['text']}" for line in turn["narration"]]
    if not turn["narration"]:
        lines.append("- Nothing happened.")
    for a in turn["decisions"]:
        if a["by"] != "rules":
            who, rules = names[a["seat"]], a["rules_choice"]
            lines.append(f"- *{who} chose {a['choice']}; the rules would have chosen {rules}.*")
    for m in turn.get("misbeliefs", ()):
        lines.append(
            f"- {m['actor_name']} believes {m['what']}: {m['believed']} (truth: {m['truth']})"
        )
    return [*lines, ""]
