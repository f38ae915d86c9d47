"""Sampled parameters as weighted values: discrete ones enumerated, continuous ones by
Gauss-Legendre quadrature on the quantile scale.

A continuous parameter with inverse CDF F⁻¹ contributes E[g(F⁻¹(U))], U uniform on
[0, 1], to every figure; K Gauss-Legendre nodes u_k on [0, 1] with weights w_k give
Σ w_k g(F⁻¹(u_k)), exact for g∘F⁻¹ a polynomial of degree below 2K and otherwise an
approximation whose error the analysis estimates by also using K/2 nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.language.compiled import Parameter
from sim.scenario import schema

CONTINUOUS = (schema.UniformSpec, schema.BetaSpec, schema.TruncNormalSpec)


@dataclass(frozen=True)
class Nodes:
    """The values a parameter takes in the analysis, each with its probability."""

    parameter: Parameter
    values: np.ndarray  # (values,) as the engine stores them (enum choices as int16 codes)
    weights: np.ndarray  # (values,) float64, summing to 1


def continuous(parameter: Parameter) -> bool:
    """Whether a parameter has a density (and so is integrated by quadrature)."""
    return isinstance(parameter.spec, CONTINUOUS)


def nodes(parameter: Parameter, count: int) -> Nodes:
    """The parameter's values and probabilities; `count` quadrature nodes if continuous."""
    spec = parameter.spec
    if isinstance(spec, schema.BernoulliSpec):
        return Nodes(parameter, np.array([False, True]), np.array([1.0 - spec.p, spec.p]))
    if isinstance(spec, schema.ChoiceSpec):
        weights = np.asarray(spec.weights or [1.0] * len(spec.values), dtype=np.float64)
        if parameter.type.kind == "enum":
            values = np.arange(len(spec.values), dtype=np.int16)
        else:
            values = np.asarray(spec.values)
        return Nodes(parameter, values, weights / weights.sum())
    if not isinstance(spec, CONTINUOUS):
        raise TypeError(f"parameter {parameter.name!r} is not sampled")
    points, weights = np.polynomial.legendre.leggauss(count)
    uniform = (points + 1.0) / 2.0  # nodes on [0, 1]
    return Nodes(parameter, quantiles(spec, uniform), weights / 2.0)


def quantiles(spec: schema.ParameterSpec, uniform: np.ndarray) -> np.ndarray:
    """The inverse CDF of a continuous distribution at `uniform` (computed here with
    scipy, independently of the engine's fast sampler)."""
    if isinstance(spec, schema.UniformSpec):
        return np.asarray(spec.low + uniform * (spec.high - spec.low), dtype=np.float64)
    if isinstance(spec, schema.BetaSpec):
        return np.asarray(stats.beta.ppf(uniform, spec.a, spec.b), dtype=np.float64)
    assert isinstance(spec, schema.TruncNormalSpec)
    a = (spec.low - spec.mean) / spec.sd
    b = (spec.high - spec.mean) / spec.sd
    values = stats.truncnorm.ppf(uniform, a, b, loc=spec.mean, scale=spec.sd)
    return np.clip(np.asarray(values, dtype=np.float64), spec.low, spec.high)


def grid(table: list[Nodes]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every combination of the parameters' values: (key -> (lanes,) values, (lanes,)
    probability), the probability of a combination the product of its values'."""
    columns: dict[str, np.ndarray] = {}
    probability = np.ones(1)
    for entry in table:
        size = len(entry.values)
        columns = {key: np.repeat(values, size) for key, values in columns.items()}
        columns[entry.parameter.key] = np.tile(entry.values, len(probability))
        probability = np.outer(probability, entry.weights).ravel()
    return columns, probability
