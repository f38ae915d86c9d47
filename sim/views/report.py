"""`report.html`: one self-contained page with a batch's outcomes, charts and how to read them.

Images are embedded as data URIs and the style sheet is inline, so the file
can be mailed or archived on its own and opens without a network.
"""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path

from sim.results.folder import PLOTS, REPORT, Results, read_results
from sim.text import yaml_value
from sim.views.observed import checks_section, measures_section
from sim.views.plots import Chart, charts_for
from sim.views.plots.parameters import threshold_phrase
from sim.views.plots.style import distribution_text, outcome_colours, percent_interval

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
       margin: 0; background: #fafafa; line-height: 1.5; }
main { max-width: 1120px; margin: 0 auto; padding: 2rem 1.5rem 4rem; background: white; }
h1 { margin-bottom: 0.2rem; }
.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: 0.35rem 0.8rem; border-bottom: 1px solid #ddd; text-align: left;
         vertical-align: top; }
td:first-child { white-space: nowrap; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.4em;
          vertical-align: -0.1em; border-radius: 2px; }
figure { margin: 2rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #333; margin-bottom: 0.6rem; }
pre { background: #f3f3f3; padding: 0.8rem 1rem; overflow-x: auto; }
footer { color: #777; font-size: 0.9rem; margin-top: 3rem; }
"""


def write_report(folder: str | Path, target: str | None = None) -> Path:
    """Write `folder/report.html` for the results in `folder` (atomically); return its path.

    The charts are taken from `folder/plots/` when `wargame run` or `wargame
    plot` has drawn them, and drawn afresh otherwise; `target` is the outcome
    the parameter chart follows, as given to `write_plots`.
    """
    folder = Path(folder)
    results = read_results(folder)
    images = {
        chart.name: _image(results, chart, folder / PLOTS, target) for chart in charts_for(results)
    }
    path = folder / REPORT
    write_page(path, report_html(results, images, target))
    return path


def write_page(path: Path, page: str) -> None:
    """Write a page whole or not at all: a reader never sees half a report."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, path)


def page_head(title: str) -> list[str]:
    """The opening of a self-contained page: its title and the report's style, nothing
    loaded from anywhere."""
    return [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
    ]


def report_html(results: Results, images: dict[str, bytes], target: str | None = None) -> str:
    """The report as one HTML page; `images` maps chart names to PNG bytes."""
    summary = results.summary
    title = summary.get("title") or results.scenario
    parts = [
        *page_head(f"{title}: outcomes of {summary['runs']:,} runs"),
        "<body><main>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(_meta(summary))}</p>',
        f"<p>{escape(summary.get('description', ''))}</p>",
        *_settings(summary),
        "<h2>Outcomes</h2>",
        _outcome_table(results),
        *checks_section(summary),
        *measures_section(summary),
        *_parameters(summary),
        "<h2>Charts</h2>",
    ]
    threshold = threshold_phrase(results, target)
    for chart in charts_for(results):
        if chart.name in images:
            parts.append(_figure(chart, images[chart.name], threshold))
    parts += [
        "<h2>Reproduce these results</h2>",
        "<p>Run this command from the folder it was first run in; the same seed gives the "
        "same runs, whatever the number of workers:</p>",
        f"<pre><code>{escape(summary.get('command', ''))}</code></pre>",
        "<p>The per-run table is <code>runs.parquet</code>, the figures above are in "
        "<code>summary.json</code> and the scenario exactly as run is "
        "<code>scenario.yaml</code>, all beside this file.</p>",
        f"<footer>escalation-wargame {escape(summary.get('version', ''))}</footer>",
        "</main></body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _image(results: Results, chart: Chart, plots: Path, target: str | None) -> bytes:
    saved = plots / f"{chart.name}.png"
    if saved.is_file():
        return saved.read_bytes()
    buffer = io.BytesIO()
    chart.figure(results, target).savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _meta(summary: dict) -> str:
    parts = [
        summary["scenario"],
        f"{summary['runs']:,} runs",
        f"seed {summary['seed']}",
    ]
    if "horizon" in summary:
        parts.append(f"horizon {summary['horizon']} {summary.get('turn_length', 'turn')}s")
    return " · ".join(parts)


def _settings(summary: dict) -> list[str]:
    overrides = summary.get("overrides") or {}
    if not overrides:
        return []
    shown = ", ".join(
        f"<code>{escape(k)}={escape(yaml_value(v))}</code>" for k, v in overrides.items()
    )
    return [f"<p>Parameters set for this batch: {shown}.</p>"]


def _outcome_table(results: Results) -> str:
    colours = outcome_colours(results.outcome_ids)
    rows = [
        "<table>",
        "<thead><tr><th>Outcome</th><th>What it means</th><th>Probability</th>"
        "<th>95% interval</th><th>Runs</th></tr></thead>",
        "<tbody>",
    ]
    for outcome in results.summary["outcomes"]:
        swatch = f'<span class="swatch" style="background:{colours[outcome["id"]]}"></span>'
        shown, shown_low, shown_high = percent_interval(outcome["probability"], *outcome["ci95"])
        rows.append(
            "<tr>"
            f"<td>{swatch}{escape(outcome.get('label') or outcome['id'])}</td>"
            f"<td>{escape(outcome.get('description') or '')}</td>"
            f'<td class="number">{shown}</td>'
            f'<td class="number">{shown_low} to {shown_high}</td>'
            f'<td class="number">{outcome["count"]:,}</td>'
            "</tr>"
        )
    rows += ["</tbody>", "</table>"]
    return "\n".join(rows)


def _parameters(summary: dict) -> list[str]:
    parameters = summary.get("parameters") or {}
    if not parameters:
        return []
    rows = ["<h2>Parameters</h2>", "<table>", "<thead><tr><th>Parameter</th><th>Value</th>"]
    rows += ["<th>What it stands for</th></tr></thead>", "<tbody>"]
    overrides = summary.get("overrides") or {}
    for name, spec in parameters.items():
        description = spec.get("description", "") if isinstance(spec, dict) else ""
        if name in overrides:
            value = f"{yaml_value(overrides[name])} (set for this batch)"
        elif distribution_text(spec):
            value = f"{distribution_text(spec)}, drawn per run"
        else:
            value = yaml_value(spec.get("value") if isinstance(spec, dict) else spec)
        rows.append(
            f"<tr><td><code>{escape(name)}</code></td><td>{escape(value)}</td>"
            f"<td>{escape(' '.join(str(description).split()))}</td></tr>"
        )
    rows += ["</tbody>", "</table>"]
    return rows


def _figure(chart: Chart, png: bytes, threshold: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    reading = chart.reading.format(threshold=threshold)
    return (
        "<figure>"
        f"<h3>{escape(chart.title)}</h3>"
        f"<figcaption>{escape(reading)}</figcaption>"
        f'<img src="data:image/png;base64,{data}" alt="{escape(chart.title)}">'
        "</figure>"
    )


def escape(text: object) -> str:
    """Any text as HTML text: scenario text is never markup."""
    return html.escape(str(text), quote=True)
