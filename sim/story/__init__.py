"""One run told as a story: replay, search, the narrative, and the game logic of play.

Owns replaying run i of a batch alone, finding runs that match a target, turning a
run's journal into a story (turns, happenings, an ending) and rendering it as text
or Markdown, and the game a person plays for one actor through the same engine.

May import: `sim.errors`, `sim.text`, `sim.scenario`, `sim.language`, `sim.engine`,
`sim.results`, `sim.batch`.
"""
