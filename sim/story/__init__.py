"""One run told as a story: replay, search, the story as data, its renderers, and play.

`replay` replays run i of a batch alone and finds runs that match a target;
`story` turns a run's journal into a `Story` (turns, happenings, an ending);
`render` reads a story out through one `Renderer` interface, as text or Markdown;
`play` says who may be played and how the rules alone do from the same start,
`decision` what a person at the table is asked and how an answer is read, `choices`
the answers a rule offers, and `odds` the odds from here of each answer to a decision
(continuations of a game stopped before it). The game itself is `sim.table`'s.

May import: `sim.errors`, `sim.text`, `sim.scenario`, `sim.language`, `sim.engine`,
`sim.results`, `sim.batch`.
"""
