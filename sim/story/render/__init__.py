"""Reading a story out: one `Renderer` interface, for the terminal and for Markdown.

`renderer.Renderer` names every part a trace or a game reads out (a story's
intro, a turn, a quiet stretch, a decision, the choices made, the comparison
with the rules alone); `text.TextRenderer` and `markdown.MarkdownRenderer`
implement it, and `wording` holds the sentences both say alike.
"""
