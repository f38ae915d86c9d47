"""The web table's routes: pages, a JSON API and live updates, each behind its token.

A seat's token opens `/seat/TOKEN` (its page), `/seat/TOKEN/state` (its view as JSON),
`/seat/TOKEN/choose` and `/seat/TOKEN/ready` (POST), `/seat/TOKEN/events` (server-sent
events) and, once the game is over, its after-action report. The umpire's token opens the
same under `/umpire/TOKEN`, with the controls, the record as JSON and the report. An
unknown token, or a seat's token on an umpire's address, is answered 404: a seat cannot
tell another seat's or the umpire's addresses from ones that do not exist.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from sim.web import pages
from sim.web.table import Refused, WebTable

POLL = 0.2  # seconds between two looks at the game's version, per open stream
HEARTBEAT = 15.0  # seconds between two comments on an idle stream (keeps proxies open)
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def create_app(table: WebTable) -> Starlette:  # long function: each route beside its address
    """The application serving `table`: every endpoint is a closure over it."""

    def seat(request: Request) -> str:
        found = table.seat_of(request.path_params["token"])
        if found is None:
            raise _NotFound
        return found

    def umpire(request: Request) -> None:
        if not table.is_umpire(request.path_params["token"]):
            raise _NotFound

    async def seat_page(request: Request) -> Response:
        state = await run_in_threadpool(table.seat_state, seat(request))
        return _html(pages.seat_page(state, request.path_params["token"]))

    async def seat_panel(request: Request) -> Response:
        state = await run_in_threadpool(table.seat_state, seat(request))
        return _html(pages.seat_panel(state, f"/seat/{request.path_params['token']}"))

    async def seat_state(request: Request) -> Response:
        return _json(await run_in_threadpool(table.seat_state, seat(request)))

    async def seat_choose(request: Request) -> Response:
        who = seat(request)
        answer = str((await _body(request)).get("choice", ""))
        return await _act(lambda: table.choose(who, answer))

    async def seat_ready(request: Request) -> Response:
        who = seat(request)
        return await _act(lambda: table.set_ready(who))

    async def seat_report(request: Request) -> Response:
        seat(request)
        if not table.session.over:
            return _json({"error": "the report is there once the game is over"}, 409)
        return _html(await run_in_threadpool(pages.report_page, table.record()))

    async def umpire_page(request: Request) -> Response:
        umpire(request)
        state = await run_in_threadpool(table.umpire_state, False)
        return _html(pages.umpire_page(state, request.path_params["token"]))

    async def umpire_panel(request: Request) -> Response:
        umpire(request)
        state = await run_in_threadpool(table.umpire_state)
        return _html(pages.umpire_panel(state, f"/umpire/{request.path_params['token']}"))

    async def umpire_state(request: Request) -> Response:
        umpire(request)
        return _json(await run_in_threadpool(table.umpire_state))

    async def umpire_control(request: Request) -> Response:
        umpire(request)
        body = await _body(request)
        action = request.path_params["action"]
        turn = body.get("turn")
        if turn is not None and not isinstance(turn, int):
            return _json({"error": "turn must be a whole number"}, 400)
        return await _act(lambda: table.control(action, turn))

    async def umpire_record(request: Request) -> Response:
        umpire(request)
        record = await run_in_threadpool(table.record)
        headers = {**NO_STORE, "Content-Disposition": 'attachment; filename="game-record.json"'}
        return Response(
            json.dumps(record, indent=1), media_type="application/json", headers=headers
        )

    async def umpire_report(request: Request) -> Response:
        umpire(request)
        link = f"/umpire/{request.path_params['token']}/record.json"
        return _html(await run_in_threadpool(pages.report_page, table.record(), link))

    async def seat_events(request: Request) -> Response:
        seat(request)
        return _events(request)

    async def umpire_events(request: Request) -> Response:
        umpire(request)
        return _events(request)

    def _events(request: Request) -> Response:
        stream = _updates(request, table)
        return StreamingResponse(stream, media_type="text/event-stream", headers=NO_STORE)

    routes = [
        Route("/seat/{token}", seat_page),
        Route("/seat/{token}/panel", seat_panel),
        Route("/seat/{token}/state", seat_state),
        Route("/seat/{token}/choose", seat_choose, methods=["POST"]),
        Route("/seat/{token}/ready", seat_ready, methods=["POST"]),
        Route("/seat/{token}/report", seat_report),
        Route("/seat/{token}/events", seat_events),
        Route("/umpire/{token}", umpire_page),
        Route("/umpire/{token}/panel", umpire_panel),
        Route("/umpire/{token}/state", umpire_state),
        Route("/umpire/{token}/control/{action}", umpire_control, methods=["POST"]),
        Route("/umpire/{token}/record.json", umpire_record),
        Route("/umpire/{token}/report", umpire_report),
        Route("/umpire/{token}/events", umpire_events),
    ]
    return Starlette(routes=routes, exception_handlers={_NotFound: _not_found})


class _NotFound(Exception):
    """A token that opens nothing at this address."""


async def _not_found(request: Request, exc: Exception) -> Response:
    return _json({"error": "not found"}, 404)


async def _act(action: Callable[[], None]) -> Response:
    try:
        await run_in_threadpool(action)
    except Refused as problem:
        return _json({"error": str(problem)}, 409)
    return _json({"ok": True})


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


async def _updates(request: Request, table: WebTable) -> AsyncIterator[str]:
    """`update` with the game's version whenever it changes; a comment now and then."""
    seen = -1
    quiet = 0.0
    while not await request.is_disconnected():
        if table.version != seen:
            seen = table.version
            quiet = 0.0
            yield f"event: update\ndata: {seen}\n\n"
        elif quiet >= HEARTBEAT:
            quiet = 0.0
            yield ": still here\n\n"
        await asyncio.sleep(POLL)
        quiet += POLL


def _html(text: str) -> Response:
    return HTMLResponse(text, headers=NO_STORE)


def _json(data: object, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status, headers=NO_STORE)
