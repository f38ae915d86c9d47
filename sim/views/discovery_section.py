"""The scenario-discovery section of an exploration's report: the box PRIM chose, what each
of its conditions is worth, and the peeling trajectory."""

from __future__ import annotations

import base64

from sim.views.plots.discovery import Boxes
from sim.views.plots.response import Sweep
from sim.views.plots.style import chart_percent
from sim.views.report import escape

READING = (
    "Each dot is a box of assumptions, peeled from the whole range of the varied parameters "
    "(bottom right: every run with {target}, at the overall rate) towards small boxes where "
    "{target} is denser (top left); its colour counts the parameters it restricts. The star is "
    "the chosen box: the densest that still holds at least {coverage} of the runs with "
    "{target} (the dotted line), widened again where that raised its density and stripped "
    "of the conditions whose left-out points were not significantly less likely to meet it "
    "(a one-sided Welch test over points at the 5% level). Moving up the "
    "curve buys density with coverage: a box further left explains fewer of the runs."
)


def discovery_html(sweep: Sweep, boxes: Boxes, image: bytes | None) -> list[str]:
    """The section as HTML lines: the sentence, the conditions table and the chart."""
    facts = boxes.facts
    target = sweep.target_label
    coverage = chart_percent(float(facts["min_coverage"]))
    parts = [
        f"<h2>Where {escape(target)} is most likely</h2>",
        f"<p><strong>{escape(facts['sentence'])}</strong>.</p>",
    ]
    box = facts["box"]
    if box.get("hits") and "density_low" in box:
        low, high = chart_percent(box["density_low"]), chart_percent(box["density_high"])
        parts.append(
            f"<p>Replicate r of every design point plays the same random numbers, so the "
            f"box's {box['runs']:,} runs are no more precise than one point's replicates: its "
            f"density lies between {low} and {high} (95% interval over one point's runs, a "
            f"conservative bound).</p>"
        )
    if facts.get("conditions"):
        parts += [
            "<p>The conditions, the one that matters most first. The last columns are the "
            "box without that condition: a condition whose removal changes little is a weak "
            "one. The figures are measured on the runs that chose the box, so they lean "
            "high.</p>",
            _conditions_table(facts["conditions"]),
        ]
    if image is not None:
        data = base64.b64encode(image).decode("ascii")
        reading = READING.format(target=target, coverage=coverage)
        parts += [
            "<figure><h3>Coverage against density</h3>",
            f"<figcaption>{escape(reading)}</figcaption>",
            f'<img src="data:image/png;base64,{data}" alt="PRIM peeling trajectory"></figure>',
        ]
    parts.append(
        "<p>Every box peeled is in <code>boxes.csv</code>, the chosen box's conditions in "
        "<code>box.csv</code> and <code>discovery.json</code>.</p>"
    )
    return parts


def _conditions_table(conditions: list[dict[str, object]]) -> str:
    rows = [
        "<table>",
        "<thead><tr><th>Condition</th><th>What the parameter stands for</th>"
        "<th>Density without it</th><th>Coverage without it</th></tr></thead>",
        "<tbody>",
    ]
    for row in conditions:
        density = chart_percent(float(row["density_without"]))  # type: ignore[arg-type]
        coverage = chart_percent(float(row["coverage_without"]))  # type: ignore[arg-type]
        rows.append(
            f"<tr><td><code>{escape(row['condition'])}</code></td>"
            f"<td>{escape(row.get('description') or '')}</td>"
            f'<td class="number">{density}</td><td class="number">{coverage}</td></tr>'
        )
    rows += ["</tbody>", "</table>"]
    return "\n".join(rows)
