"""The memory a block of runs needs, estimated before it is run, held to a stated budget.

Most of a block's memory is its per-lane arrays (a value per run for every variable,
parameter and rule) and its per-turn tables (runs at each ladder level and of each
outcome, per turn). The tables grow with horizon x ladder: a 5,000-rung ladder played
for 10,000 turns needs over a gigabyte per block, so it is refused before any run
starts, with what to change, rather than exhausting the machine part-way.
"""

from __future__ import annotations

from sim.engine.streams import BLOCK_SIZE
from sim.errors import Problem, ScenarioError
from sim.language.compiled import CompiledScenario

MEMORY_BUDGET = 2**30  # bytes one block may need; each worker holds one block at a time
TABLE_COPIES = 3  # a per-turn table: as recorded each turn, as an array, and summed up
LANE_COPIES = 4  # a per-lane array with the temporaries an expression makes of it
LANE_OVERHEAD = 16  # per-lane arrays every block has whatever the scenario (level, streams)


def block_bytes(scenario: CompiledScenario) -> int:
    """An estimate, from above, of the bytes one block of `scenario` needs."""
    turns = scenario.horizon + 1
    # runs at each level, runs by peak level so far, and runs by outcome, per turn
    tables = turns * (2 * len(scenario.ladder) + len(scenario.outcomes)) * 8 * TABLE_COPIES
    per_lane = (
        len(scenario.slots)
        + len(scenario.parameters)
        + 2 * (len(scenario.rules) + len(scenario.events))  # fired this turn, times fired
        + LANE_OVERHEAD
    )
    return tables + BLOCK_SIZE * per_lane * 8 * LANE_COPIES


def check_memory(scenario: CompiledScenario) -> None:
    """Refuse a scenario whose block would need more than `MEMORY_BUDGET` bytes."""
    needed = block_bytes(scenario)
    if needed <= MEMORY_BUDGET:
        return
    message = (
        f"a block of runs of this scenario would need about {needed / 2**30:.1f} GiB of "
        f"memory, more than the budget of {MEMORY_BUDGET / 2**30:.0f} GiB: the per-turn "
        f"tables grow with horizon x ladder ({scenario.horizon:,} turns x "
        f"{len(scenario.ladder):,} levels)"
    )
    hint = "shorten the horizon or the ladder (or merge rungs into a variable of the scenario)"
    raise ScenarioError([Problem(message, file=scenario.source, path="horizon", hint=hint)])
