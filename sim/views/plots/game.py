"""The charts of a game played at the table, drawn from its record (`sim.table.record`).

`game_ladder` is the rung the game stood on at the end of each turn, with the turns a
person decided on marked; `choice_odds` shows, for each decision a person took with its
odds measured, how the chosen answer's outcome shares compare with the rules deciding
(95% intervals as error bars).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.views.plots.style import new_figure, outcome_colours, percent_axis, style


def game_ladder(record: dict[str, Any]) -> Figure:
    """The rung after each turn of the game, person's decisions marked."""
    ladder = record["ladder"]
    turns = record["turns"]
    numbers = [0] + [t["turn"] for t in turns]
    start = turns[0]["level_before"] if turns else ladder[0]
    rungs = [ladder.index(start)] + [ladder.index(t["level_after"]) for t in turns]
    with style():
        fig = new_figure(3.6)
        ax = fig.add_subplot()
        ax.step(numbers, rungs, where="post", color="#0072B2", linewidth=2)
        decided = [t["turn"] for t in turns if any(a["by"] == "person" for a in t["decisions"])]
        if decided:
            ax.scatter(
                decided,
                [rungs[numbers.index(n)] for n in decided],
                color="#D55E00",
                zorder=3,
                label="a person decided",
            )
            ax.legend(loc="upper left", frameon=False)
        ax.set_yticks(range(len(ladder)), ladder)
        ax.set_ylim(-0.5, len(ladder) - 0.5)
        ax.set_xlim(0, max(record["horizon"], numbers[-1]))
        ax.set_xlabel("turn")
        ax.set_title(f"{record['title']}: the rung after each turn", loc="left")
    return fig


MOST = 8  # choices shown at most: those that moved the odds most, in the order taken


def choice_odds(record: dict[str, Any]) -> Figure | None:
    """Outcome shares after the measured choices that moved the odds most (at most `MOST`),
    the chosen answer beside the rules deciding."""
    measured = [
        a
        for t in record["turns"]
        for a in t["decisions"]
        if a["by"] == "person" and a["odds"] is not None
    ]
    if not measured:
        return None
    if len(measured) > MOST:
        ranked = sorted(measured, key=shift, reverse=True)[:MOST]
        measured = [a for a in measured if any(a is r for r in ranked)]
    outcomes = record["outcomes"]
    colours = outcome_colours([o["id"] for o in outcomes])
    with style():
        fig = new_figure(1.2 + 1.1 * len(measured))
        ax = fig.add_subplot()
        labels = []
        for row, answer in enumerate(measured):
            odds = answer["odds"]
            chosen = next(c for c in odds["choices"] if c["key"] == answer["choice"])
            for offset, (entry, alpha) in enumerate(((odds["rules"], 0.45), (chosen, 1.0))):
                _bar(ax, row * 3 + offset, entry["outcomes"], colours, alpha)
            labels += [
                f"turn {answer['turn']}, {record['names'][answer['seat']]}: the rules decide",
                f"turn {answer['turn']}: {answer['choice']} (chosen)",
            ]
        ticks = [row * 3 + offset for row in range(len(measured)) for offset in (0, 1)]
        ax.set_yticks(ticks, labels)
        ax.invert_yaxis()
        percent_axis(ax.xaxis)
        ax.set_xlim(0, 1)
        handles = [Patch(color=colours[o["id"]], label=o["label"]) for o in outcomes]
        ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3)
        runs = measured[0]["odds"]["runs"]
        ax.set_xlabel(f"share of {runs:,} continuations (pale: the rules decide; bars: 95%)")
    return fig


def shift(answer: dict[str, Any]) -> float:
    """The largest change of any outcome's share between the chosen answer and the rules."""
    odds = answer["odds"]
    chosen = next(c for c in odds["choices"] if c["key"] == answer["choice"])
    pairs = zip(chosen["outcomes"], odds["rules"]["outcomes"], strict=True)
    return max(abs(float(a["probability"]) - float(b["probability"])) for a, b in pairs)


def _bar(
    ax: Any, y: float, outcomes: list[dict[str, Any]], colours: dict[str, str], alpha: float
) -> None:
    """One stacked bar of outcome shares, each share's interval drawn at its right end."""
    left = 0.0
    for outcome in outcomes:
        share = outcome["probability"]
        ax.barh([y], [share], left=left, color=colours[outcome["id"]], alpha=alpha)
        if share > 0:
            error = np.array([[share - outcome["low"]], [outcome["high"] - share]])
            ax.errorbar([left + share], [y], xerr=error, color="#333333", capsize=2, lw=0.8)
        left += share
