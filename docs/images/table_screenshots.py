"""Take the README's screenshots of the web table: a seat's page and the umpire's.

Plays run 0 of turkish-straits (seed 0) with Turkey and Russia held by people: on the
first day Russia sets out to seize the straits (hidden from Turkey, which believes it
only presses) and presses for passage, and on the first later day with a decision due
from Turkey, Turkey's page and the umpire's are photographed in headless Chromium
(Debian's package, driven by Playwright), 1100 pixels wide, into this folder:

    python docs/images/table_screenshots.py
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

import sim
from sim.web.app import create_app
from sim.web.table import WebTable

HERE = Path(__file__).resolve().parent
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWERS = {
    1: {"russia-sets-its-aim": "seize", "russia-presses-for-passage": "keep-pressing"},
}


def play_to_the_picture(table: WebTable) -> None:
    """Answer as ANSWERS says (else pass) until a decision is due from Turkey after turn 1."""
    session = table.session
    table.control("start")
    while session.model.turn < 2 or session.due is None or session.due.seat != "turkey":
        due = session.due
        if due is not None:
            table.choose(due.seat, ANSWERS.get(due.turn, {}).get(due.decision.rule.id, "pass"))
        else:
            for seat in session.seats:
                table.set_ready(seat)


def main() -> None:
    table = WebTable(sim.load_scenario("turkish-straits"), ["turkey", "russia"], seed=0, run=0)
    bound = socket.socket()
    bound.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(table), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [bound]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    address = f"http://127.0.0.1:{bound.getsockname()[1]}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        seat = browser.new_context(viewport={"width": 1100, "height": 1500}).new_page()
        umpire = browser.new_context(viewport={"width": 1100, "height": 1500}).new_page()
        for token in table.tokens:
            seat.goto(f"{address}/seat/{token}")  # both seats open: people hold them
        play_to_the_picture(table)
        seat.goto(f"{address}/seat/{table.token_of('turkey')}")
        seat.wait_for_selector("#decision")
        seat.screenshot(path=HERE / "table-seat.png")
        umpire.goto(f"{address}/umpire/{table.umpire_token}")
        umpire.wait_for_selector("#odds", timeout=60_000)
        umpire.screenshot(path=HERE / "table-umpire.png")
        browser.close()
    server.should_exit = True
    thread.join(10)


if __name__ == "__main__":
    main()
