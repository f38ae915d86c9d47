"""What `wargame explore` prints of a sensitivity design: the design's size and a sentence
per outcome saying which assumptions matter most."""

from __future__ import annotations

from sim.explore import Exploration

SEPARATOR = ""


def sensitivity_lines(found: Exploration, asked: int) -> list[str]:
    """The lines to print after the influence table (none for other designs)."""
    if found.sensitivity is None:
        return []
    factors = len(found.factors)
    points = len(found.points)
    if found.sensitivity.method == "sobol":
        base = points // (factors + 2)
        size = (
            f"Sobol' indices from {base:,} base samples x ({factors} parameters + 2) = "
            f"{points:,} points"
        )
    else:
        size = (
            f"Morris screening from {points // (factors + 1):,} trajectories of "
            f"{factors + 1} points on {found.sensitivity.levels} levels"
        )
    if points < asked:
        size += f" (of the {asked:,} asked)"
    lines = [SEPARATOR, f"Which assumptions matter ({size}):"]
    lines += [f"  {text}" for text in found.sensitivity.sentences.values()]
    return lines
