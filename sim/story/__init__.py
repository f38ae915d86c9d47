"""One run told as a story: replay, search, the story as data, its renderers, and play.

`replay` replays run i of a batch alone and finds runs that match a target;
`story` turns a run's journal into a `Story` (turns, happenings, an ending);
`render` reads a story out through one `Renderer` interface, as text or Markdown;
`play` is the game a person plays for one actor through the same engine, and
`decision` what the person is asked and how an answer is read.

May import: `sim.errors`, `sim.text`, `sim.scenario`, `sim.language`, `sim.engine`,
`sim.results`, `sim.batch`.
"""
