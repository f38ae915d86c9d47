"""Exact analysis: the outcome distribution of a small scenario, computed without sampling.

A distribution over states is a set of lanes (`distribution.Distribution`), each a
distinct state with its probability. Every rule splits the lanes where it may fire
(`splitting`), identical states are merged after every step, and the lanes an
outcome holds in leave with their probability (`analysis`). Continuous parameters
are integrated by Gauss-Legendre quadrature (`parameters`); a state space too large
to hold stops with what to fix (`limits`); `crosscheck` sets a Monte Carlo batch
beside the exact figures.

Owns the splitting and merging of distributions, which are its own and not the
engine's resolve pipeline, so that the exact analysis and the Monte Carlo engine
check each other. May import sim.scenario, sim.language (the compiled expressions,
used unchanged), sim.results (interval helpers, column names) and sim.batch (only
for the Monte Carlo cross-check).

`sim.exact(scenario)` is `analysis.exact`.
"""
