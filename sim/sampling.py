"""Drawing uncertain parameters once per run, by inverse CDF from one uniform per lane."""

from __future__ import annotations

import numpy as np
from scipy import stats

from sim import schema
from sim.compiler import Parameter


def sample(parameter: Parameter, uniform: np.ndarray) -> np.ndarray:
    """Values of a sampled parameter, one per lane, from `uniform` (lanes,) in [0, 1).

    Enumerations come back as codes (indices into the parameter's values).
    """
    spec = parameter.spec
    if isinstance(spec, schema.Uniform):
        return spec.low + uniform * (spec.high - spec.low)
    if isinstance(spec, schema.Beta):
        return stats.beta.ppf(uniform, spec.a, spec.b)
    if isinstance(spec, schema.TruncNormal):
        a = (spec.low - spec.mean) / spec.sd
        b = (spec.high - spec.mean) / spec.sd
        values = stats.truncnorm.ppf(uniform, a, b, loc=spec.mean, scale=spec.sd)
        return np.clip(values, spec.low, spec.high)
    if isinstance(spec, schema.Bernoulli):
        return uniform < spec.p
    if isinstance(spec, schema.Choice):
        weights = np.asarray(spec.weights or [1.0] * len(spec.values), dtype=float)
        cumulative = np.cumsum(weights) / weights.sum()
        index = np.minimum(np.searchsorted(cumulative, uniform, side="right"), len(weights) - 1)
        if parameter.type.kind == "enum":
            return index.astype(np.int16)
        values = np.asarray(spec.values)
        return values[index]
    raise TypeError(f"parameter {parameter.name!r} is not sampled")


def column(parameter: Parameter, values: np.ndarray) -> np.ndarray:
    """A sampled parameter's values as stored in the per-run table (enum codes become text)."""
    if parameter.type.kind == "enum":
        return np.asarray(parameter.type.values, dtype=object)[values]
    return values
