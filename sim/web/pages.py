"""The web table's pages, rendered on the server from Jinja2 templates (autoescaped).

Every page is self-contained: its style and script are inline and its charts are PNG
data, so nothing is loaded from the network and the table works on an air-gapped laptop.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from typing import Any

import jinja2

from sim.table.record import moved


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sim.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def _render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context)


def seat_page(state: dict[str, Any], token: str) -> str:
    """A seat's page: its view, its decision due, live."""
    view = state["view"]
    return _render(
        "base.html",
        title=f"{view['name']} — the table",
        heading=f"You are {view['name']}",
        subheading="Your view only: what your seat sees and decides.",
        panel=seat_panel(state, f"/seat/{token}"),
        live=True,
    )


def seat_panel(state: dict[str, Any], base: str) -> str:
    """The live part of a seat's page (`base`: the page's own address)."""
    return _render("seat_panel.html", state=state, status_line=_seat_status(state), base=base)


def umpire_page(state: dict[str, Any], token: str) -> str:
    """The umpire's page: the truth, every seat, the odds from here, the controls."""
    return _render(
        "base.html",
        title="Umpire — the table",
        heading="Umpire",
        subheading="The truth, every seat's view, and what happens from here.",
        panel=umpire_panel(state, f"/umpire/{token}"),
        live=True,
    )


def umpire_panel(state: dict[str, Any], base: str) -> str:
    """The live part of the umpire's page (`base`: the page's own address)."""
    status = _umpire_status(state)
    return _render("umpire_panel.html", state=state, status_line=status, pct=_pct, base=base)


def report_page(record: dict[str, Any], record_link: str | None = None) -> str:
    """The after-action report: how it ended, the charts, each choice, each turn."""
    from sim.views.plots.game import choice_odds, game_ladder

    charts = [("The rung after each turn", game_ladder(record))]
    odds = choice_odds(record)
    if odds is not None:
        charts.append(("How each choice moved the odds", odds))
    names = record["names"]
    end = record["ending"]
    if end["stopped"] or end["outcome"] is None:
        ending_line = f"Ended by the umpire on turn {end['turn']} of {record['horizon']}"
    else:
        ending_line = f"{end['label']} on turn {end['turn']} of {record['horizon']}"
    panel = _render(
        "report.html",
        record=record,
        names=names,
        ending_line=ending_line,
        people=", ".join(names[p] for p in record["people"]) or "nobody",
        charts=[{"alt": alt, "data": _png(figure)} for alt, figure in charts],
        choices=[a for t in record["turns"] for a in t["decisions"] if a["by"] != "rules"],
        moved=moved,
        record_link=record_link,
    )
    return _render(
        "base.html",
        title=f"After action: {record['title']}",
        heading=f"After action: {record['title']}",
        subheading=f"{record['scenario']}, run {record['run']}, seed {record['seed']}",
        panel=panel,
        live=False,
    )


def _png(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _pct(outcome: dict[str, Any]) -> str:
    """A share and its interval in percent: `7.0% (6.2-7.8)`."""
    p, low, high = (100 * outcome[k] for k in ("probability", "low", "high"))
    return f"{p:.1f}% ({low:.1f}-{high:.1f})"


def _seat_status(state: dict[str, Any]) -> str:
    view = state["view"]
    if state["over"]:
        return f"The game is over: {state['ending']['label']}."
    if state["due"]:
        return f"Turn {view['turn']}: your decision is due."
    waiting = ", ".join(state["waiting_for"])
    if state["status"] == "waiting to start":
        return "Waiting for the umpire to start the game."
    if state["status"] == "paused":
        return f"The umpire has paused the game after turn {view['turn']}."
    if state["status"] == "deciding":
        return f"Turn {view['turn']}: waiting for {waiting} to decide."
    if state["ready"]:
        return f"Turn {view['turn']} played. You are ready; waiting for {waiting or 'the umpire'}."
    return f"Turn {view['turn']} played: read what happened, then say you are ready."


def _umpire_status(state: dict[str, Any]) -> str:
    if state["over"]:
        return f"The game is over: {state['ending']['label']}."
    if not state["started"]:
        return "Waiting to start: seats that have not opened their page are played by the rules."
    if state["due"]:
        return f"Turn {state['turn']}: {state['due']['name']} is deciding."
    if state["status"] == "paused":
        return f"Paused after turn {state['turns_played']}: Advance goes on."
    waiting = ", ".join(state["waiting_for"]) or "nobody"
    return f"Turn {state['turns_played']} played; waiting for {waiting} to be ready."
