"""The actors' paths up and down the ladder, for scenarios whose actors hold rungs of their own.

Drawn as a panel of the escalation chart: for each actor, its mean rung over the runs
after each turn, with a band from the 10th to the 90th percentile of runs (runs that
have ended stay on the rung they ended on, as in the other panels).
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes

from sim.results.folder import Results
from sim.results.summary_format import ActorRungsRecord
from sim.views.plots.style import chart_percent

BAND = (0.10, 0.90)  # the share of runs below the band's lower and upper edge


def has_actor_rungs(results: Results) -> bool:
    """Whether the batch's actors held rungs of their own."""
    return bool(results.summary_model.actor_rungs)


def actor_paths(ax: Axes, results: Results) -> None:
    """Each rung-holding actor's mean rung by turn, with its 10-90% band, on `ax`."""
    records = results.summary_model.actor_rungs or []
    names = [lv.name or lv.id for lv in results.summary_model.ladder]
    palette = mpl.colormaps["tab10"]
    low_rung, high_rung = len(names) - 1, 0
    for i, record in enumerate(records):
        counts = np.asarray(record.levels_by_turn.counts, dtype=float)  # (turns + 1, levels)
        shares = counts / counts.sum(axis=1, keepdims=True)
        turns = np.arange(len(shares))
        mean = shares @ np.arange(shares.shape[1])
        low, high = (_percentile(shares, q) for q in BAND)
        colour = palette(i % 10)
        ax.fill_between(turns, low, high, step="mid", color=colour, alpha=0.18, linewidth=0)
        ax.plot(turns, mean, color=colour, linewidth=2.2, label=_label(record, names))
        reached = np.flatnonzero(counts.sum(axis=0))
        low_rung, high_rung = min(low_rung, reached.min()), max(high_rung, reached.max())
    ax.set_yticks(range(low_rung, high_rung + 1), names[low_rung : high_rung + 1])
    ax.set_ylim(low_rung - 0.3, high_rung + 0.3)
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_title(
        "Each actor's rung: mean over runs (line) and the middle 80% of runs (band)",
        loc="left",
        fontsize=11,
    )
    ax.legend(loc="lower right", frameon=False, fontsize=9)


def _percentile(shares: np.ndarray, q: float) -> np.ndarray:
    """The rung below which a share `q` of runs stand, by turn: (turns + 1,)."""
    below = shares.cumsum(axis=1)
    rungs: np.ndarray = np.argmax(below >= q - 1e-12, axis=1).astype(float)
    return rungs


def _label(record: ActorRungsRecord, names: list[str]) -> str:
    """The actor's name and the rung most runs end on."""
    ends = np.asarray(record.ends)
    top = int(ends.argmax())
    share = ends[top] / max(ends.sum(), 1)
    return f"{record.name} (ends on {names[top]} in {chart_percent(share)} of runs)"
