"""The web table: a small local server that seats people in browsers around one game.

`table` holds the game (a `sim.table` session), the secret token of each seat and of the
umpire, and what each may be shown: a seat only its own view (through `seat_view`), the
umpire everything, the odds from here included. `app` is the Starlette application
(pages, a JSON API, server-sent events for live updates), `pages` renders the pages from
templates that load nothing from the network, and `serve` runs it with uvicorn.
Starlette, uvicorn and Jinja2 are imported only here (`pip install ".[web]"`).

May import: every stage before `sim.cli`.
"""
