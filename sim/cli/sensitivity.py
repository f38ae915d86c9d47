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
        size = f"Sobol' indices: {base:,} base samples x ({factors} parameters + 2)"
        size += f" = {points:,} points"
    else:
        count = points // (factors + 1)
        size = (
            f"Morris screening: {count:,} trajectories x {factors + 1} points = {points:,} points"
        )
    if points < asked:
        size += f" (of the {asked:,} asked)"
    if found.sensitivity.levels is not None:
        size += f", on {found.sensitivity.levels} levels"
    lines = [SEPARATOR, f"Which assumptions matter ({size}):"]
    lines += [f"  {text}" for text in found.sensitivity.sentences.values()]
    return lines
