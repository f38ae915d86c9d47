"""The web table over HTTP: tokens, what each page and API may show, a game played through."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

import sim
import sim.web.table as web_table
from sim.story.replay import replay
from sim.table.view import SeatPicture
from sim.web.app import create_app
from sim.web.serve import links
from sim.web.table import WebTable

# starlette's test client warns that it prefers another HTTP client than httpx
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def straits():
    return sim.load_scenario("turkish-straits")


def open_table(straits, seats=("turkey", "russia"), odds_runs=256, run=3):
    table = WebTable(straits, list(seats), seed=5, run=run, odds_runs=odds_runs)
    return table, TestClient(create_app(table))


def seat_url(table, seat):
    return f"/seat/{table.token_of(seat)}"


def umpire_url(table):
    return f"/umpire/{table.umpire_token}"


def play_through(table, client, people=("turkey", "russia")):
    """Every seat answers what the rules drew and says it is ready, to the end."""
    for _ in range(500):
        if table.session.over:
            return
        for seat in people:
            state = client.get(seat_url(table, seat) + "/state").json()
            if state["due"] is not None:
                rules = table.session.due.decision
                key = rules.choices[rules.rules_choice].key
                assert client.post(
                    seat_url(table, seat) + "/choose", json={"choice": key}
                ).is_success
            elif state["status"] in ("between-turns", "waiting to start") and not state["ready"]:
                assert client.post(seat_url(table, seat) + "/ready").is_success
    raise AssertionError("the game did not end")


def test_each_link_has_its_own_token(straits):
    table, _ = open_table(straits)
    shown = links(table, "http://localhost:8000")
    assert [who for who, _ in shown] == ["Turkey", "Russia", "Umpire"]
    tokens = [link.rsplit("/", 1)[1] for _, link in shown]
    assert len(set(tokens)) == 3 and all(len(t) >= 24 for t in tokens)


def test_a_game_played_through_http_replays_the_batch_run(straits):
    table, client = open_table(straits, odds_runs=0)
    play_through(table, client)
    alone = replay(straits, 5, 3)
    assert table.session.model.outcome[0] == alone.outcome[0]
    assert table.session.model.end_turn[0] == alone.end_turn[0]
    record = client.get(umpire_url(table) + "/record.json")
    assert record.headers["content-disposition"].startswith("attachment")
    data = json.loads(record.text)
    assert len(data["turns"]) == alone.end_turn[0] and data["people"] == ["russia", "turkey"]
    report = client.get(umpire_url(table) + "/report").text
    assert "data:image/png;base64," in report and "Turn by turn" in report
    assert client.get(seat_url(table, "turkey") + "/report").status_code == 200


def test_the_game_waits_for_the_umpire_or_every_seat(straits):
    table, client = open_table(straits, odds_runs=0)
    client.post(seat_url(table, "turkey") + "/ready")
    assert client.get(umpire_url(table) + "/state").json()["status"] == "waiting to start"
    client.post(seat_url(table, "russia") + "/ready")  # every seat open and ready: it starts
    assert client.get(umpire_url(table) + "/state").json()["started"]


def test_a_seat_never_reaches_another_seat_or_the_umpire(straits):
    table, client = open_table(straits)
    turkey, russia, umpire = (
        table.token_of("turkey"),
        table.token_of("russia"),
        table.umpire_token,
    )
    for path in ("", "/state", "/panel", "/events", "/report", "/record.json"):
        assert client.get(f"/umpire/{turkey}{path}").status_code == 404
        assert client.get(f"/seat/{umpire}{path}").status_code == 404
    for action in ("start", "advance", "end", "rewind", "branch", "pause"):
        assert client.post(f"/umpire/{turkey}/control/{action}", json={}).status_code == 404
    assert client.get(f"/seat/{turkey}x/state").status_code == 404
    assert client.get(f"/seat/{umpire}/state").status_code == 404
    state = client.get(f"/seat/{turkey}/state").json()
    assert state["seat"] == "turkey" and state["view"]["seat"] == "turkey"
    assert "truth" not in state and "odds" not in state
    assert russia not in client.get(f"/seat/{turkey}").text
    assert umpire not in client.get(f"/seat/{turkey}").text


def test_a_seat_sees_only_what_seat_view_shows(straits, monkeypatch):
    """Whatever `seat_view` withholds never reaches a seat's page, panel or API, while
    the umpire sees it: the one function is the only way the state reaches a seat."""
    real = web_table.Session.view

    def hiding(session, seat) -> SeatPicture:
        view = real(session, seat)
        kept = tuple(f for f in view.facts if f.key != "deterrence")
        return SeatPicture(**{**view.__dict__, "facts": kept, "last_turn": ()})

    monkeypatch.setattr(web_table.Session, "view", hiding)
    table, client = open_table(straits, odds_runs=0)
    client.get(seat_url(table, "turkey"))
    client.post(umpire_url(table) + "/control/start")
    for _ in range(3):
        table.control("advance")
    hidden = re.compile(r"deterrence|allied moves cut Russia", re.I)
    for path in ("", "/state", "/panel"):
        assert not hidden.search(client.get(seat_url(table, "turkey") + path).text), path
    assert hidden.search(client.get(umpire_url(table) + "/state").text)


def test_a_wrong_answer_is_refused_with_a_reason(straits):
    table, client = open_table(straits, odds_runs=0)
    for seat in ("turkey", "russia"):
        client.get(seat_url(table, seat))  # both pages open: people hold both seats
    client.post(umpire_url(table) + "/control/start")
    due = table.session.due
    assert due is not None
    other = "turkey" if due.seat == "russia" else "russia"
    refused = client.post(seat_url(table, other) + "/choose", json={"choice": "pass"})
    assert refused.status_code == 409 and "no decision is due" in refused.json()["error"]
    wrong = client.post(seat_url(table, due.seat) + "/choose", json={"choice": "nonsense"})
    assert wrong.status_code == 409 and "not a choice" in wrong.json()["error"]
    bad = client.post(umpire_url(table) + "/control/rewind", json={"turn": "two"})
    assert bad.status_code == 400
    assert client.post(umpire_url(table) + "/control/fly", json={}).status_code == 409


def test_the_umpire_sees_odds_for_the_decision_due(straits):
    table, client = open_table(straits, odds_runs=512)
    for seat in ("turkey", "russia"):
        client.get(seat_url(table, seat))
    client.post(umpire_url(table) + "/control/start")
    state = client.get(umpire_url(table) + "/state").json()
    odds = state["odds"]
    assert odds["runs"] == 512 and odds["rule"] == state["due"]["rule"]
    available = [c["key"] for c in state["due"]["choices"] if c["available"]]
    assert [c["key"] for c in odds["choices"]] == available
    for column in [odds["rules"], *odds["choices"]]:
        assert sum(o["count"] for o in column["outcomes"]) == 512
    panel = client.get(umpire_url(table) + "/panel").text
    assert "What happens from here" in panel and "the rules decide" in panel


def test_rewind_and_branch_from_the_umpire(straits):
    table, client = open_table(straits, odds_runs=0)
    play_through(table, client)
    ended = table.session.model.end_turn[0]
    assert client.post(umpire_url(table) + "/control/rewind", json={"turn": 1}).is_success
    assert table.session.turn == 1 and table.session.status == "paused"
    assert client.post(umpire_url(table) + "/control/branch", json={"turn": 0}).is_success
    assert table.session.model.branch
    too_far = client.post(umpire_url(table) + "/control/rewind", json={"turn": int(ended) + 5})
    assert too_far.status_code == 409


def test_pages_load_nothing_from_the_network(straits):
    table, client = open_table(straits, odds_runs=0)
    pages = [client.get(seat_url(table, "turkey")).text, client.get(umpire_url(table)).text]
    play_through(table, client)
    pages.append(client.get(umpire_url(table) + "/report").text)
    for page in pages:
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
        assert "@import" not in page and "url(http" not in page


def test_serve_listens_on_this_computer_only_by_default():
    from click.testing import CliRunner

    from sim.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host TEXT" in result.output and "[default: 127.0.0.1]" in result.output


def test_serve_on_a_port_in_use_is_a_one_line_error():
    import socket

    from click.testing import CliRunner

    from sim.cli import main

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        result = CliRunner().invoke(main, ["serve", "turkish-straits", "--port", str(port)])
    finally:
        taken.close()
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.output


# Run 2 of seed 5: Moscow means to force the passage all game long, while Turkey, the US
# and NATO believe it only presses (no act of Russia's shows them its aim).
HIDDEN_RUN, FOG_SEATS = 2, ("turkey", "us", "nato")


def test_a_seat_never_sees_the_hidden_truth_over_http_and_the_umpire_does(straits):
    alone = replay(straits, 5, HIDDEN_RUN)
    values = next(s for s in straits.slots if s.key == "russia.intent").type.values
    beliefs = [f"{seat}.belief.russia.intent" for seat in FOG_SEATS]
    assert {values[int(turn["russia.intent"][0])] for turn in alone.belief_log} == {"force"}
    assert {values[int(turn[b][0])] for turn in alone.belief_log for b in beliefs} == {"press"}
    # the truth's value in a page's cell or the API's facts, its variable, its row's label,
    # or the narration of the rule that set it
    leak = re.compile(
        r""">\s*force\s*<|"value":\s*"force"|(?<!belief\.)russia\.intent|Russia: intent"""
        r"|Moscow means to force",
        re.I,
    )
    table, client = open_table(straits, seats=FOG_SEATS, odds_runs=0, run=HIDDEN_RUN)
    scanned, umpire_saw = 0, set()
    for _ in range(500):
        if table.session.over:
            break
        for seat in FOG_SEATS:
            for path in ("", "/state", "/panel"):
                text = client.get(seat_url(table, seat) + path).text
                assert not leak.search(text), f"{seat}{path}, turn {table.session.model.turn}"
                scanned += 1
            assert "intent (belief)" in client.get(seat_url(table, seat) + "/panel").text
            umpire = client.get(umpire_url(table) + "/state").json()
            truth = {f["key"]: f["value"] for f in umpire["truth"]}
            umpire_saw.add(truth["russia.intent"])
            assert "Russia: intent" in client.get(umpire_url(table) + "/panel").text
            believed = {f["key"]: f["value"] for f in umpire["beliefs"]}
            assert {believed[b] for b in beliefs} == {"press"}
            state = client.get(seat_url(table, seat) + "/state").json()
            if state["due"] is not None:
                rules = table.session.due.decision
                key = rules.choices[rules.rules_choice].key
                assert client.post(seat_url(table, seat) + "/choose", json={"choice": key})
            elif state["status"] in ("between-turns", "waiting to start") and not state["ready"]:
                assert client.post(seat_url(table, seat) + "/ready").is_success
    assert table.session.over and scanned > 100
    assert "force" in umpire_saw  # the umpire sees the truth (from its first turn on)
    assert table.session.model.end_turn[0] == alone.end_turn[0]
    # the game record keeps each seat's view as it saw it: never the truth
    record = client.get(umpire_url(table) + "/record.json").json()
    for turn in record["turns"]:
        for seat in FOG_SEATS:
            assert not leak.search(json.dumps(turn["views"][seat]))
    # once the game is over, the report tells the seats what was hidden
    report = client.get(seat_url(table, "turkey") + "/report").text
    assert "Moscow means to force" in report
