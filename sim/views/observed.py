"""The report's sections on a batch's checks and measures (HTML, from `summary.json`)."""

from __future__ import annotations

import html
from typing import Any

from sim.results.observations import interval_text, trace_command, value_text
from sim.text import percent


def checks_section(summary: dict[str, Any]) -> list[str]:
    """Each check: whether every run met it; if not, how often, and a command to see one."""
    checks = summary.get("checks") or []
    if not checks:
        return []
    broken = sum(1 for c in checks if c["violations"])
    verdict = (
        f"All {len(checks)} checks held in every run."
        if not broken
        else f"{broken} of {len(checks)} checks were violated: the scenario does not "
        "do what its author stated in those runs."
    )
    rows = [
        "<h2>Checks</h2>",
        f"<p>{_e(verdict)}</p>",
        "<table>",
        "<thead><tr><th>Check</th><th>Must hold</th><th>Violated in</th><th>Share</th>"
        "<th>See one</th></tr></thead>",
        "<tbody>",
    ]
    for check in checks:
        when = "every turn" if check["checked"] == "every-turn" else "at the end"
        meaning = f"<br><small>{_e(check['message'])}</small>" if check["message"] else ""
        see = (
            f"<code>{_e(trace_command(summary, check['first_runs'][0]))}</code>"
            if check["first_runs"]
            else "-"
        )
        rows.append(
            f"<tr><td><code>{_e(check['id'])}</code></td>"
            f"<td><code>{_e(check['holds'])}</code> ({when}){meaning}</td>"
            f'<td class="number">{check["violations"]:,}</td>'
            f'<td class="number">{percent(check["share"])}</td>'
            f"<td>{see}</td></tr>"
        )
    rows += ["</tbody>", "</table>"]
    return rows


def measures_section(summary: dict[str, Any]) -> list[str]:
    """Each measure's share or mean with its 95% interval, overall and by outcome."""
    measures = summary.get("measures") or []
    if not measures:
        return []
    outcomes = [o["id"] for o in summary["outcomes"]]
    head = "".join(f"<th>{_e(o)}</th>" for o in outcomes)
    rows = [
        "<h2>Measures</h2>",
        "<p>Per-run quantities besides the outcome: a share of runs (with its Wilson "
        "interval) or a mean (with its t interval), over all runs and by outcome.</p>",
        "<table>",
        f"<thead><tr><th>Measure</th><th>All runs</th><th>95% interval</th>{head}</tr></thead>",
        "<tbody>",
    ]
    for m in measures:
        stat = m["statistic"]
        about = m["description"] or f"{m['kind']} ({stat})"
        cells = "".join(
            f'<td class="number">{_e(value_text(m["by_outcome"][o], stat))}</td>' for o in outcomes
        )
        rows.append(
            f"<tr><td>{_e(m['label'])}<br><small>{_e(about)}</small></td>"
            f'<td class="number">{_e(value_text(m["overall"], stat))}</td>'
            f'<td class="number">{_e(interval_text(m["overall"], stat))}</td>{cells}</tr>'
        )
    rows += ["</tbody>", "</table>"]
    return rows


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
