"""The global sensitivity part of an exploration's folder: its chart and its report section.

Drawn from `sensitivity.parquet` and `summary.json`, when the sweep used the
sobol-indices or morris design; nothing otherwise.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sim.views.plots import save
from sim.views.plots.sensitivity import sensitivity_chart
from sim.views.report import escape

INDICES = "sensitivity.parquet"
CHART = "sensitivity"
HEADING = "Which assumptions matter"
READING = {
    "sobol": (
        "For each outcome (or that outcome or worse), the share of the variance of its "
        "probability across the design that each assumption accounts for: alone (first-order "
        "index, hollow) and with its interactions (total index, filled), sorted by the total. "
        "A total index near 0 means the assumption can be fixed anywhere in its range without "
        "changing the answer. The whiskers are 95% intervals counting both the finite design "
        "(bootstrap) and chance variation between runs."
    ),
    "morris": (
        "For each outcome (or that outcome or worse), Morris screening: mu* (filled) is the mean "
        "absolute change in its probability when one assumption moves across its range with "
        "the others held, sorted; sigma (hollow) is how much that change varies with the other "
        "assumptions (interactions or curvature). The whiskers are 95% intervals counting both "
        "the trajectories (bootstrap) and chance variation between runs."
    ),
}


def draw_sensitivity(folder: Path, plots: Path, summary: Mapping[str, Any]) -> Path | None:
    """`plots/sensitivity.png` from the folder's indices, or None without any."""
    if not (folder / INDICES).is_file():
        return None
    indices = pd.read_parquet(folder / INDICES)
    return save(sensitivity_chart(indices, summary), plots / f"{CHART}.png")


def sensitivity_html(summary: Mapping[str, Any], image: bytes | None) -> list[str]:
    """The report's section: a sentence per outcome, then the chart (PNG bytes)."""
    found = summary.get("sensitivity")
    if not isinstance(found, Mapping):
        return []
    method = "Sobol' indices" if found["method"] == "sobol" else "Morris screening"
    parts = [f"<h2>{escape(HEADING)}</h2>", f"<p>From {escape(method)}, per outcome:</p>", "<ul>"]
    parts += [f"<li>{escape(text)}</li>" for text in dict(found["sentences"]).values()]
    parts += [
        "</ul>",
        "<p>Every index with its interval is in <code>sensitivity.csv</code> (and "
        "<code>sensitivity.parquet</code>), also for each outcome exactly.</p>",
    ]
    if image is not None:
        data = base64.b64encode(image).decode("ascii")
        parts += [
            f"<figure><figcaption>{escape(READING[found['method']])}</figcaption>",
            f'<img src="data:image/png;base64,{data}" alt="{escape(HEADING)}"></figure>',
        ]
    return parts
