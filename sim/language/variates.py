"""Random variates in expressions: `normal`, `uniform`, `bernoulli` and `choice`.

A call draws a fresh value in every lane each time it is evaluated. The language does
not draw numbers itself: it asks the state it is evaluated against for them. The engine's
state carries a `draws` attribute (a `Draws`) that hands out, for a call site, a row of
uniforms in (0, 1) from that site's own stream; each call turns its row into its
distribution by the inverse CDF. A call site is named by where it stands in the scenario
(`rules/escalate/effects/blue.rung#1`: the rule's id, the field, and the call's rank
among the variates of that expression), so its numbers do not move when other rules are
added, removed or changed (common random numbers), and one run alone draws what it drew
among others (replay).
"""

from __future__ import annotations

import ast
from typing import Protocol

import numpy as np
from scipy.special import ndtri

from sim.language.types import BOOL, FLOAT, INT, Compiled, Env, Value
from sim.language.walker import Walker, numeric, rung_as_number

VARIATES = ("normal", "uniform", "bernoulli", "choice")
CONTINUOUS = ("normal", "uniform")


class Draws(Protocol):
    """What a state that allows variates supplies: uniforms for one call site."""

    def uniform(self, site: str) -> np.ndarray:
        """The site's next row: (lanes,) float64, strictly between 0 and 1."""


def _uniforms(env: Env, site: str) -> np.ndarray:
    """A row of uniforms for `site` from the state's draws (only a run's state has them)."""
    draws: Draws | None = getattr(env, "draws", None)
    if draws is None:
        raise ValueError(f"the random variate at {site} can only be drawn in a run")
    return draws.uniform(site)


class Variates(Walker):
    """Compiles calls of the variates; part of the expression compiler."""

    def variate(self, node: ast.Call, name: str, depth: int) -> Compiled:
        """A call of variate `name`: never folded, drawn anew at every evaluation.

        Its site is the expression's name (`Namespace.site`) and the call's rank among
        the variates of the expression; the namespace records it in `variates`.
        """
        if node.keywords:
            raise self.error(node, f"{name}() takes no keyword arguments")
        self.variate_calls += 1
        site = f"{self.names.site}#{self.variate_calls}"
        if name == "choice":
            compiled = self._choice(node, site, depth)
        else:
            compiled = self._continuous_or_bernoulli(node, name, site, depth)
        self.names.variates[site] = name
        return compiled

    def _continuous_or_bernoulli(
        self, node: ast.Call, name: str, site: str, depth: int
    ) -> Compiled:
        args = [rung_as_number(self.visit(a, depth)) for a in node.args]
        counts = {"normal": 2, "uniform": 2, "bernoulli": 1}
        if len(args) != counts[name]:
            raise self.error(node, f"{name}() takes {counts[name]} value(s), got {len(args)}")
        for arg, arg_node in zip(args, node.args, strict=True):
            if not arg.type.numeric:
                raise self.error(arg_node, f"{name}() takes numbers, got {arg.type.describe()}")
        parts = [numeric(a) for a in args]
        if name == "normal":
            mean, sd = parts
            return Compiled(
                lambda env: mean(env) + np.maximum(sd(env), 0.0) * ndtri(_uniforms(env, site)),
                FLOAT,
            )
        if name == "uniform":
            low, high = parts
            return Compiled(
                lambda env: low(env) + (high(env) - low(env)) * _uniforms(env, site), FLOAT
            )
        (p,) = parts
        return Compiled(lambda env: _uniforms(env, site) < p(env), BOOL)

    def _choice(self, node: ast.Call, site: str, depth: int) -> Compiled:
        """`choice([values], [weights])`: one of the values, by weight (equal if omitted)."""
        lists = [n for n in node.args if isinstance(n, ast.List)]
        if not 1 <= len(node.args) <= 2 or len(lists) != len(node.args):
            raise self.error(node, "choice() takes a list of values and, optionally, of weights")
        values, *weights = [
            [rung_as_number(self.visit(item, depth)) for item in n.elts] for n in lists
        ]
        if not values:
            raise self.error(node, "choice() needs at least one value")
        if weights and len(weights[0]) != len(values):
            raise self.error(node.args[1], "choice() needs one weight per value")
        items = values + (weights[0] if weights else [])
        for item, item_node in zip(items, _items(lists), strict=True):
            if not item.type.numeric:
                raise self.error(item_node, f"choice() takes numbers, got {item.type.describe()}")
        type_ = FLOAT if any(v.type.kind == "float" for v in values) else INT
        options = [numeric(v) for v in values]
        shares = [numeric(w) for w in weights[0]] if weights else None

        def evaluate(env: Env) -> Value:
            u = _uniforms(env, site)
            chances = [np.maximum(s(env), 0.0) for s in shares] if shares else [1.0] * len(options)
            target = u * sum(chances)  # value i where its chances before <= target < up to i
            picked: Value = options[0](env)
            bound: Value = chances[0]
            for option, chance in zip(options[1:], chances[1:], strict=True):
                picked = np.where(target >= bound, option(env), picked)
                bound = bound + chance
            return picked

        return Compiled(evaluate, type_)


def _items(lists: list[ast.List]) -> list[ast.expr]:
    return [item for node in lists for item in node.elts]
