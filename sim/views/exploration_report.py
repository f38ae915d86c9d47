"""An exploration folder's charts (`plots/`) and `report.html`.

Read from the folder's `points.parquet` and `summary.json`, so they can be
drawn again from a saved sweep. The report is one self-contained page, as for
a batch (`sim.views.report`): images as data URIs, the style sheet inline.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import ResultsError
from sim.results.folder import PLOTS, REPORT
from sim.results.intervals import wilson
from sim.views.discovery_section import discovery_html
from sim.views.plots import save
from sim.views.plots.discovery import Boxes, peeling_trajectory, read_boxes
from sim.views.plots.response import Sweep, target_by_parameter, target_heat_map
from sim.views.plots.style import percent_interval
from sim.views.report import escape, page_head, write_page
from sim.views.sensitivity_report import CHART, draw_sensitivity, sensitivity_html

POINTS = "points.parquet"
SUMMARY = "summary.json"
CHARTS = {
    "target-by-parameter": (
        "The target against each parameter",
        "Each panel pools the runs of the design points in one bin of a parameter, so a point "
        "is the probability of {target} averaged over the other parameters; the whiskers are "
        "95% intervals of the pooled runs and the dashed line is the average over all points. "
        "The intervals count the runs' chance only: with few points in a bin, the other "
        "parameters' design values also move a bin, so read a panel's trend, not one bin. A "
        "flat panel is a parameter that does not matter across its range.",
    ),
    "target-heat-map": (
        "The two most influential parameters together",
        "Each cell is the probability of {target} among the design points whose two most "
        "influential parameters fall in that cell, averaged over the others; a blank cell holds "
        "no design point. Look for where the colour changes: that is the boundary that decides.",
    ),
}


def read_sweep(folder: str | Path) -> Sweep:
    """The points and summary of the exploration saved in `folder`."""
    folder = Path(folder)
    for name in (POINTS, SUMMARY):
        if not (folder / name).is_file():
            raise ResultsError(
                f"{folder}: no {name}; not a folder written by `wargame explore --out`"
            )
    summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
    return Sweep(pd.read_parquet(folder / POINTS), summary)


def write_exploration_views(folder: str | Path) -> list[Path]:
    """Draw the sweep's charts into `folder/plots/` and write `folder/report.html`."""
    folder = Path(folder)
    sweep = read_sweep(folder)
    plots = folder / PLOTS
    plots.mkdir(exist_ok=True)
    written = [
        save(target_by_parameter(sweep), plots / "target-by-parameter.png"),
        save(target_heat_map(sweep), plots / "target-heat-map.png"),
    ]
    sensitivity = draw_sensitivity(folder, plots, sweep.summary)
    written += [sensitivity] if sensitivity else []
    boxes = read_boxes(folder)
    if boxes is not None:
        written.append(save(peeling_trajectory(sweep, boxes), plots / "discovery.png"))
    images = {path.stem: path.read_bytes() for path in written}
    report = folder / REPORT
    write_page(report, exploration_html(sweep, images, boxes))
    return [*written, report]


def exploration_html(sweep: Sweep, images: dict[str, bytes], boxes: Boxes | None = None) -> str:
    """The report as one HTML page; `images` maps chart names to PNG bytes; `boxes`, if
    given, adds the scenario-discovery section."""
    s = sweep.summary
    runs = int(s["runs"])
    parts = [
        *page_head(f"{s['scenario']}: exploration of {runs:,} runs"),
        "<body><main>",
        f"<h1>Which assumptions lead to {escape(sweep.target_label)}? — "
        f"{escape(s['scenario'])}</h1>",
        f'<p class="meta">{escape(_meta(sweep))}</p>',
        f"<p>{escape(_overall(sweep))}</p>",
        "<h2>Influence of each parameter</h2>",
        "<p>The share of the spread of the target probability across design points that a "
        "parameter's value alone explains (0: none, 1: all of it).</p>",
        _influence_table(sweep),
        *(discovery_html(sweep, boxes, images.get("discovery")) if boxes else []),
        *sensitivity_html(s, images.get(CHART)),
        "<h2>Charts</h2>",
    ]
    for name, (heading, reading) in CHARTS.items():
        if name in images:
            data = base64.b64encode(images[name]).decode("ascii")
            parts += [
                f"<figure><h3>{escape(heading)}</h3>",
                f"<figcaption>{escape(reading.format(target=sweep.target))}</figcaption>",
                f'<img src="data:image/png;base64,{data}" alt="{escape(heading)}"></figure>',
            ]
    parts += [
        "<h2>Reproduce this exploration</h2>",
        "<p>The same command and seed give the same design and the same runs:</p>",
        f"<pre><code>{escape(s.get('command', ''))}</code></pre>",
        "<p>One row per design point, with each outcome's probability and interval, is "
        "<code>points.parquet</code>; the figures above are in <code>summary.json</code>.</p>",
        "</main></body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _meta(sweep: Sweep) -> str:
    s = sweep.summary
    return (
        f"{s['design']} design · {s['points']:,} points x {sweep.runs_each()} · "
        f"seed {s['seed']} · target: {sweep.target}"
    )


def _overall(sweep: Sweep) -> str:
    points = sweep.points
    hits = int(sweep.hits.sum())
    runs = int(sweep.runs.sum())
    low_end, high_end = wilson(np.asarray([hits]), np.asarray([runs]))
    shown, low, high = percent_interval(hits / runs, float(low_end[0]), float(high_end[0]))
    lowest, highest = points["target"].min(), points["target"].max()
    return (
        f"Over all {runs:,} runs, {sweep.target} in {shown} of runs (95% interval {low} to "
        f"{high}); from {lowest:.1%} at the least to {highest:.1%} at the most likely point."
    )


def _influence_table(sweep: Sweep) -> str:
    rows = [
        "<table>",
        "<thead><tr><th>Parameter</th><th>Varied over</th><th>Influence</th></tr></thead>",
        "<tbody>",
    ]
    ranges = {f["name"]: f["range"] for f in sweep.factors}
    influence = dict(sweep.summary["influence"])
    for name in sweep.most_influential(len(ranges)):
        rows.append(
            f"<tr><td><code>{escape(name)}</code></td><td>{escape(ranges[name])}</td>"
            f'<td class="number">{influence[name]:.2f}</td></tr>'
        )
    rows += ["</tbody>", "</table>"]
    return "\n".join(rows)
