"""The table: a game for several seats and an umpire, played on the engine turn by turn.

`session` is the game (seats, decisions due, pause, rewind and branch, the end);
`view` what a seat may see, in the scenario's words; `record` the game record and
the after-action report. Pure Python: the terminal (`sim.cli`) and the web table
(`sim.web`) are two faces of the same session.

May import: `sim.errors`, `sim.text`, `sim.scenario`, `sim.language`, `sim.engine`,
`sim.results`, `sim.batch`, `sim.story`.
"""
