"""Checks and measures of a batch as people read them: values, intervals, commands to trace.

Shared by the terminal (`wargame run`), the HTML report and `wargame compare`, so
a share or a mean reads the same everywhere. Works on `summary.json` as plain data.
"""

from __future__ import annotations

import shlex
from typing import Any

from sim.text import command_line, percent


def value_text(stat: dict[str, Any], statistic: str) -> str:
    """A measure's share (as a percentage) or mean; `-` where no run has a value."""
    if stat["value"] is None:
        return "-"
    return percent(stat["value"]) if statistic == "share" else number(stat["value"])


def interval_text(stat: dict[str, Any], statistic: str) -> str:
    """The 95% interval, `low - high`, or `-` where there is none."""
    ci = stat.get("ci95")
    if not ci:
        return "-"
    if statistic == "share":
        return f"{percent(ci[0])} - {percent(ci[1])}"
    return f"{number(ci[0])} - {number(ci[1])}"


def number(value: float) -> str:
    """A mean to three significant digits (at least two decimals below 10)."""
    if abs(value) < 10:
        return f"{value:.2f}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def trace_command(summary: dict[str, Any], run: int) -> str:
    """The `wargame trace` command that tells run `run` of the batch, from its `run` command."""
    words = shlex.split(summary.get("command") or "")
    if len(words) < 3 or words[:2] != ["wargame", "run"]:
        scenario = summary["scenario"]
        return command_line("wargame", "trace", scenario, "--seed", summary["seed"], "--run", run)
    kept: list[str] = []
    skip = False
    for word in words[2:]:
        if skip:
            skip = False
        elif word in ("--runs", "-n", "--workers", "-w", "--backend", "--scheduler", "--out", "-o"):
            skip = True
        elif word not in ("--no-plots", "--svg", "--quiet", "-q", "--strict", "--measures"):
            kept.append(word)
    return command_line("wargame", "trace", *kept, "--run", run)


def violated(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The checks some run violated."""
    return [c for c in summary.get("checks") or [] if c["violations"]]
