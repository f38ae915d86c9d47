"""Proper scores of probabilistic forecasts of outcomes, and the naive forecasts they beat.

Pure functions over plain mappings (outcome id -> probability); no simulation.

- The Brier score of one forecast is the squared distance between the forecast
  and what happened, summed over the outcomes: sum_k (p_k - o_k)^2, with o_k 1
  for the outcome that happened and 0 for the others. 0 is perfect, 2 is the
  worst; lower is better.
- The log score is -ln p of the outcome that happened (in nats): 0 is perfect,
  lower is better. A forecast of 0 for what happened would score infinity, so
  probabilities are floored at `LOG_FLOOR` (1 in 1,000: one incident scores at
  most ln 1000 = 6.9 nats, so a single surprise cannot swamp the others, while a
  zero still costs more than any honest forecast of 1 in 100).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Forecast = Mapping[str, float]

LOG_FLOOR = 0.001
# The "nothing happens" forecast: the least severe outcome with this probability,
# the rest shared evenly by the others (a forecast of exactly 1 would score the
# floor on every incident that went further, and says nothing a 0.9 does not).
NOTHING_HAPPENS_PROBABILITY = 0.9


def brier(forecast: Forecast, happened: str, outcomes: Sequence[str]) -> float:
    """Brier score of `forecast` when `happened` happened: sum over `outcomes` of (p - o)^2."""
    return sum((forecast.get(k, 0.0) - (k == happened)) ** 2 for k in outcomes)


def log_score(forecast: Forecast, happened: str, floor: float = LOG_FLOOR) -> float:
    """-ln of the probability given to what happened, floored at `floor` (nats; lower is better)."""
    return -math.log(max(forecast.get(happened, 0.0), floor))


def nothing_happens(
    outcomes: Sequence[str], least: str, probability: float = NOTHING_HAPPENS_PROBABILITY
) -> dict[str, float]:
    """`least` with `probability`, the remainder shared evenly by the other outcomes."""
    others = [k for k in outcomes if k != least]
    rest = (1 - probability) / len(others) if others else 0.0
    return {k: probability if k == least else rest for k in outcomes}


def leave_one_out_shares(
    happened: Sequence[str], index: int, outcomes: Sequence[str]
) -> dict[str, float]:
    """The base-rate forecast for incident `index`: each outcome's share among the other
    incidents (so an incident never forecasts itself). With one incident, an even split."""
    others = [h for i, h in enumerate(happened) if i != index]
    if not others:
        return {k: 1 / len(outcomes) for k in outcomes}
    return {k: others.count(k) / len(others) for k in outcomes}


def mean(values: Sequence[float]) -> float:
    """The plain mean; NaN for no values."""
    return sum(values) / len(values) if values else math.nan
