"""Run the web table: bind a local port, print the link of each seat and the umpire, serve."""

from __future__ import annotations

import socket
from collections.abc import Callable

from sim.web.app import create_app
from sim.web.table import WebTable

LOCAL = "127.0.0.1"


def links(table: WebTable, address: str) -> list[tuple[str, str]]:
    """(who, link) for each seat, then the umpire; `address` is `http://host:port`."""
    rows = [
        (table.scenario.actor_name(seat), f"{address}/seat/{table.token_of(seat)}")
        for seat in table.session.seats
    ]
    return [*rows, ("Umpire", f"{address}/umpire/{table.umpire_token}")]


def serve(
    table: WebTable, host: str = LOCAL, port: int = 8000, say: Callable[[str], None] = print
) -> None:
    """Serve `table` until interrupted; `say` is told each link once the port is bound
    (port 0 binds any free port). Raises OSError if the address cannot be bound."""
    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    bound = socket.socket(family, socket.SOCK_STREAM)
    bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        bound.bind((host, port))
    except OSError:
        bound.close()
        raise
    shown = "localhost" if host in (LOCAL, "localhost") else host
    if ":" in shown:
        shown = f"[{shown}]"
    for who, link in links(table, f"http://{shown}:{bound.getsockname()[1]}"):
        say(f"  {who:<24} {link}")
    config = uvicorn.Config(
        create_app(table), log_level="warning", timeout_graceful_shutdown=1, access_log=False
    )
    uvicorn.Server(config).run(sockets=[bound])
