"""What `wargame run` prints of a batch after the outcome table: the actors' rungs (for
actors that hold one), the checks and the measures."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from sim.results.observations import interval_text, number, trace_command, value_text, violated
from sim.text import percent, table

if TYPE_CHECKING:
    from sim.results.compare_measures import MeasureDifference

WIDTH = 100  # as the outcome comparison above it
CHECKS_VIOLATED = 3  # exit status of `wargame run --strict` when a check was violated


def checks_report(summary: dict[str, Any]) -> str:
    """Every check: held in every run, or how often it was violated and a command to see one."""
    checks = summary.get("checks") or []
    if not checks:
        return ""
    broken = violated(summary)
    if not broken:
        names = ", ".join(c["id"] for c in checks)
        return f"checks: all {len(checks)} held in every run ({names})"
    rows = [
        [
            c["id"],
            f"{c['violations']:,}",
            percent(c["share"]),
            ", ".join(str(r) for r in c["first_runs"]) or "-",
        ]
        for c in checks
    ]
    lines = [
        f"checks: {len(broken)} of {len(checks)} violated",
        table(["check", "violated in", "share", "first runs"], rows, align="lrrl"),
    ]
    for check in broken:
        what = check["message"] or f"`{check['holds']}` does not hold"
        lines.append(f"\n  {check['id']}: {what}")
        lines.append(f"    see one: {trace_command(summary, check['first_runs'][0])}")
    return "\n".join(lines)


def measures_report(summary: dict[str, Any], by_outcome: bool) -> str:
    """The measures' shares and means with their 95% intervals (and, asked, by outcome)."""
    measures = summary.get("measures") or []
    if not measures:
        return ""
    outcomes = [o["id"] for o in summary["outcomes"]] if by_outcome else []
    header = ["measure", "kind", "all runs", "95% interval", *outcomes]
    rows = []
    for m in measures:
        stat = m["statistic"]
        row = [m["id"], _kind(m), value_text(m["overall"], stat), interval_text(m["overall"], stat)]
        row += [value_text(m["by_outcome"][o], stat) for o in outcomes]
        rows.append(row)
    text = table(header, rows, align="llrr" + "r" * len(outcomes))
    if not by_outcome:
        text += "\n  (by outcome: wargame run ... --measures, or summary.json)"
    return "measures:\n" + text


def _kind(measure: dict[str, Any]) -> str:
    """How a measure is summed up, in a few words."""
    return kind_text(measure["kind"], measure["statistic"])


def kind_text(kind: str, statistic: str) -> str:
    """How a measure of `kind` is summed up (its `statistic`: share or mean), in a few words."""
    kinds = {
        "value": "at end",
        "ever": "ever",
        "turns": "turns",
        "max": "max",
        "first": "first turn",
    }
    return f"{kinds.get(kind, kind)}, {'share' if statistic == 'share' else 'mean'}"


def measures_comparison(differences: list[MeasureDifference], letters: list[str]) -> str:
    """Each measure of each later batch against the first, with a 95% interval."""
    if not differences:
        return ""
    rows = []
    for d in differences:
        rows.append(
            [
                d.measure,
                f"{letters[d.batch]} - {letters[0]}",
                _shown(d.baseline, d.statistic),
                _shown(d.value, d.statistic),
                _change(d.estimate, d.statistic),
                "-"
                if d.low is None or d.high is None
                else f"{_change(d.low, d.statistic)} to {_change(d.high, d.statistic)}",
                "significant" if d.significant else "",
            ]
        )
    head = textwrap.fill(
        "Measures: each later batch against the first, with 95% intervals (shares: Newcombe, "
        "in percentage points; means: Welch's t), not adjusted for the number of measures:",
        WIDTH,
    )
    header = ["measure", "batches", "first", "later", "difference", "interval", "verdict"]
    return head + "\n" + table(header, rows, align="llrrrrl")


def _shown(value: float | None, statistic: str) -> str:
    if value is None:
        return "-"
    return percent(value) if statistic == "share" else number(value)


def _change(value: float | None, statistic: str) -> str:
    if value is None:
        return "-"
    if statistic == "share":
        points = value * 100
        return f"{points:+.1f} pp" if abs(points) >= 1 else f"{points:+.2f} pp"
    return ("+" if value >= 0 else "") + number(value)


def rungs_report(summary: dict[str, Any]) -> str:
    """A table of rungs (highest first) by actor: the share of runs whose highest rung of
    that actor it was, and the share that ended there."""
    records = summary.get("actor_rungs") or []
    if not records:
        return ""
    runs = summary["runs"]
    names = [level.get("name") or level["id"] for level in summary["ladder"]]
    header = ["rung", *(r["name"] for r in records)]
    rows = []
    for k in reversed(range(len(names))):
        if not any(r["peaks"][k] or r["ends"][k] for r in records):
            continue  # a rung no actor reached in any run
        cells = [
            f"{percent(r['peaks'][k] / runs)} / {percent(r['ends'][k] / runs)}" for r in records
        ]
        rows.append([names[k], *cells])
    world = summary.get("world_level") or "highest"
    follows = (
        "has a rung of its own"
        if world == "separate"
        else f"is the {world} of these rungs (its peak is the `peak_level` of the runs)"
    )
    return "\n".join(
        [
            "rungs of the actors (share of runs: the highest reached / at the end):",
            table(header, rows, align="l" + "r" * len(records)),
            f"  the world's level {follows}",
        ]
    )
