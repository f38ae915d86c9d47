"""The web table in a real browser: two seats and the umpire play turkish-straits to its end.

Headless Chromium (Debian's package) driven by Playwright, three browser contexts (three
people at three laptops) against a server on a free local port. Skipped where Chromium
or Playwright is missing.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import CHROMIUM_FLAGS

import sim
from sim.results.intervals import difference
from sim.story.odds import continuations
from sim.web.app import create_app
from sim.web.table import WebTable

CHROMIUM = Path("/usr/bin/chromium")
ARGS = CHROMIUM_FLAGS
# Russia's intent is hidden from Turkey (fog of war): its true value's row, its variable,
# or the narration of the rule that sets it; Turkey sees its belief about it instead
HIDDEN = re.compile(r"Russia: intent|(?<!belief\.)russia\.intent|Moscow means to ", re.I)
WAIT = 30_000  # ms: the longest any page may take to show what it is waiting for

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


@pytest.fixture
def server() -> Iterator[tuple[WebTable, str]]:
    import uvicorn

    scenario = sim.load_scenario("turkish-straits")
    table = WebTable(scenario, ["turkey", "russia"], seed=0, run=0, odds_runs=4096)
    bound = socket.socket()
    bound.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(table), log_level="warning", timeout_graceful_shutdown=1)
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [bound]}, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.05)
    yield table, f"http://127.0.0.1:{bound.getsockname()[1]}"
    running.should_exit = True
    thread.join(10)


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def page_for(browser, url: str, requests: list[str]):
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    return page


def seat_text(page) -> str:
    """What a seat's page shows, and what its API answers."""
    return page.content() + page.request.get(page.url + "/state").text()


def test_two_seats_and_the_umpire_play_a_game_to_its_end(server, browser):
    table, address = server
    requests: list[str] = []
    turkey = page_for(browser, f"{address}/seat/{table.token_of('turkey')}", requests)
    russia = page_for(browser, f"{address}/seat/{table.token_of('russia')}", requests)
    umpire = page_for(browser, f"{address}/umpire/{table.umpire_token}", requests)
    assert "You are Turkey" in turkey.content() and "You are Russia" in russia.content()

    umpire.click("text=Start the game")
    russia.wait_for_selector("#decision", timeout=WAIT)  # Russia moves first each day

    # the umpire's odds for an answer agree with 4,096 continuations of the same moment
    umpire.wait_for_selector("#odds", timeout=WAIT)
    shown = umpire.request.get(umpire.url + "/state").json()
    due = table.session.due
    assert shown["odds"]["rule"] == due.decision.rule.id == "russia-sets-its-aim"
    force = next(c for c in due.decision.choices if c.key == "force")
    batch = continuations(
        table.scenario, due.start, "a batch", 4096, rule=due.decision.rule, choice=force
    )
    odds = next(c for c in shown["odds"]["choices"] if c["key"] == "force")
    for mine, theirs in zip(odds["outcomes"], batch.outcomes, strict=True):
        _, low, high = difference(mine["count"], 4096, theirs.count, 4096, confidence=0.99)
        assert low <= 0 <= high, mine["id"]
    assert HIDDEN.search(umpire.content())  # the umpire sees the truth

    # a reload, and a second device with the same link, rejoin the same seat
    russia.reload()
    russia.wait_for_selector("#decision", timeout=WAIT)
    second = page_for(browser, russia.url, requests)
    assert "You are Russia" in second.content() and second.query_selector("#decision")
    second.context.close()

    turns = 0
    while not table.session.over:
        assert turns < 200, "the game did not end"
        turns += 1
        for page, seat in ((russia, "russia"), (turkey, "turkey")):
            if seat == "turkey":
                shown = seat_text(page)
                assert not HIDDEN.search(shown), "Turkey saw Russia's hidden intent"
                assert "intent (belief)" in shown  # its belief, labelled as one
            _move(page, seat, table)
    for page in (turkey, russia):
        page.wait_for_selector("text=The game is over", timeout=WAIT)
    assert not HIDDEN.search(seat_text(turkey))
    ended = table.session.ending()
    assert ended.outcome is not None
    assert "The game is over" in umpire.inner_text("#status") or umpire.wait_for_selector(
        "text=The game is over", timeout=WAIT
    )

    # the after-action report, with its charts, and the record
    umpire.click("text=After-action report")
    umpire.wait_for_selector("img.chart", timeout=WAIT)
    widths = umpire.eval_on_selector_all("img.chart", "images => images.map(i => i.naturalWidth)")
    assert len(widths) == 2 and min(widths) > 100
    assert "Turn by turn" in umpire.content() and ended.outcome_label in umpire.content()
    record = umpire.request.get(f"{address}/umpire/{table.umpire_token}/record.json").json()
    assert record["ending"]["outcome"] == ended.outcome and len(record["turns"]) == ended.turn
    told = [line["text"] for turn in record["turns"] for line in turn["narration"]]
    assert any("Moscow means to seize" in text for text in told)  # what Turkey never saw

    # nothing was asked of any address but the table's own
    assert requests and all(url.startswith(address + "/") for url in requests)


def _move(page, seat: str, table: WebTable) -> None:
    """The seat's person does what is asked: decide (Russia means to seize the straits,
    hidden from Turkey, presses for two days, then backs down; Turkey passes), or say it
    is ready; else waits a moment."""
    try:
        button = _button(page, seat, table)
        if button is None:
            page.wait_for_timeout(100)
            return
        button.click(timeout=2_000)
    except playwright_api.Error:
        return  # the panel was drawn again meanwhile (a live update): look again
    # the page takes the answer in when its panel is drawn again
    page.wait_for_function("button => !button.isConnected", arg=button, timeout=WAIT)


def _button(page, seat: str, table: WebTable):
    """The button the seat's person presses now, if any (see `_move`)."""
    if not page.query_selector("#decision"):
        return page.query_selector("#ready")
    wanted = "pass"
    due = table.session.due
    if seat == "russia" and due is not None and due.decision.rule.id == "russia-sets-its-aim":
        wanted = "seize"
    elif seat == "russia":
        wanted = "back-down" if table.session.model.turn >= 3 else "keep-pressing"
    button = page.query_selector(f"#decision button:has-text('{wanted}')")
    if button is None or button.is_disabled():
        button = page.query_selector("#decision button:has-text('pass')")
    return button
