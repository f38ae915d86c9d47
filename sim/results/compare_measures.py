"""Comparing the measures of several batches: each later batch's difference from the first.

A measure is compared where both batches have it (same id, same statistic): a
share by the difference of proportions with Newcombe's interval, a mean by the
difference of means with Welch's t interval, both at 95% and not adjusted for
the number of measures compared (read several at once with that in mind).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.results import intervals


@dataclass(frozen=True)
class MeasureDifference:
    """One measure in a later batch against the first: both values and their difference."""

    measure: str
    batch: int  # index of the batch compared with batch 0
    statistic: str  # share or mean
    baseline: float | None
    value: float | None
    estimate: float | None  # value - baseline; None where either side has no value
    low: float | None
    high: float | None

    @property
    def significant(self) -> bool:
        """The 95% interval leaves out zero."""
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)


def compare_measures(summaries: list[dict[str, Any]]) -> list[MeasureDifference]:
    """Every measure of the first batch against the same measure in each later batch."""
    first = {m["id"]: m for m in summaries[0].get("measures") or []}
    found = []
    for batch, summary in enumerate(summaries[1:], start=1):
        for measure in summary.get("measures") or []:
            base = first.get(measure["id"])
            if base is None or base["statistic"] != measure["statistic"]:
                continue
            found.append(_difference(measure["id"], batch, base, measure))
    return found


def _difference(
    measure: str, batch: int, base: dict[str, Any], other: dict[str, Any]
) -> MeasureDifference:
    statistic = other["statistic"]
    a, b = base["overall"], other["overall"]
    if a["value"] is None or b["value"] is None:
        return MeasureDifference(
            measure, batch, statistic, a["value"], b["value"], None, None, None
        )
    interval: tuple[float, float, float] | None
    if statistic == "share":
        shares = intervals.difference(a["count"], a["runs"], b["count"], b["runs"])
        interval = (float(shares[0]), float(shares[1]), float(shares[2]))
    else:
        interval = intervals.mean_difference(
            (a["runs"], a["value"], a["sd"]), (b["runs"], b["value"], b["sd"])
        )
    if interval is None:  # too few values for an interval
        estimate = float(b["value"] - a["value"])
        return MeasureDifference(
            measure, batch, statistic, a["value"], b["value"], estimate, None, None
        )
    estimate, low, high = interval
    return MeasureDifference(measure, batch, statistic, a["value"], b["value"], estimate, low, high)
