"""Paired comparisons: batches whose run i drew the same random numbers.

Run i of a batch depends only on the scenario, the seed and i, and each rule,
event and parameter draws from its own stream keyed by its id. Two batches
with the same seed and the same run numbers therefore pair run for run: a
change of a parameter moves only the runs it touches, and a paired test
(McNemar's exact test on the runs whose outcome differs, the Stuart-Maxwell
test of marginal homogeneity over all outcomes) sees the change through the
noise that an unpaired test of the two counts cannot. The pairing is valid
whatever the scenarios; it gains most when they differ only in parameters,
and `scenario_differences` says when they differ in more.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import stats

from sim.results import intervals
from sim.results.columns import OUTCOME, RUN
from sim.results.folder import Results, read_scenario

# keys of a scenario that draw no random numbers of their own: changing them
# (or the parameters' values) leaves every stream of every run as it was
NAMING = ("id", "title", "description", "parameters")


def cross_table(a: Results, b: Results, outcomes: list[str]) -> np.ndarray | None:
    """Runs by A's outcome (rows) and B's (columns), or None when the runs do not pair.

    They pair when both batches have the same seed and the same run numbers.
    """
    if a.summary_model.seed != b.summary_model.seed or a.summary_model.runs != b.summary_model.runs:
        return None
    runs_a = a.runs.sort_values(RUN)
    runs_b = b.runs.sort_values(RUN)
    if not np.array_equal(runs_a[RUN].to_numpy(), runs_b[RUN].to_numpy()):
        return None
    code = {outcome: k for k, outcome in enumerate(outcomes)}
    rows = runs_a[OUTCOME.name].astype(str).map(code).to_numpy(dtype=np.int64)
    columns = runs_b[OUTCOME.name].astype(str).map(code).to_numpy(dtype=np.int64)
    table = np.zeros((len(outcomes), len(outcomes)), dtype=np.int64)
    np.add.at(table, (rows, columns), 1)
    return table


def mcnemar(table: np.ndarray, k: int) -> float:
    """Exact McNemar p-value for outcome k: the runs that gained it against those that lost it."""
    lost = int(table[k, :].sum() - table[k, k])  # outcome k in A, not in B
    gained = int(table[:, k].sum() - table[k, k])  # outcome k in B, not in A
    if lost + gained == 0:
        return 1.0
    return float(stats.binomtest(gained, lost + gained, 0.5).pvalue)


def stuart_maxwell(table: np.ndarray) -> tuple[float, int, float]:
    """Stuart-Maxwell test that A and B have the same outcome distribution: (chi2, df, p)."""
    reached = (table.sum(axis=0) + table.sum(axis=1)) > 0
    table = table[np.ix_(reached, reached)]
    if len(table) < 2:
        return 0.0, 0, 1.0
    d = (table.sum(axis=1) - table.sum(axis=0))[:-1].astype(float)
    s = -(table + table.T).astype(float)
    np.fill_diagonal(s, table.sum(axis=1) + table.sum(axis=0) - 2 * np.diag(table))
    s = s[:-1, :-1]
    dof = int(np.linalg.matrix_rank(s))
    if dof == 0:
        return 0.0, 0, 1.0  # no run changed its outcome
    chi2 = float(d @ np.linalg.pinv(s) @ d)
    return chi2, dof, float(stats.chi2.sf(chi2, dof))


def paired_difference(table: np.ndarray, k: int, confidence: float) -> tuple[float, float, float]:
    """Outcome k's probability in B minus in A, with Newcombe's paired score interval.

    Newcombe (1998), method 10: the two Wilson intervals combined with the
    correlation of the pairs (continuity-corrected phi), so rare outcomes and
    pairs that almost always agree are handled well.
    """
    n = float(table.sum())
    both = float(table[k, k])
    in_a = float(table[k, :].sum())
    in_b = float(table[:, k].sum())
    only_a, only_b = in_a - both, in_b - both
    neither = n - both - only_a - only_b
    p_a, p_b = in_a / n, in_b / n
    low_a, high_a = (float(x) for x in intervals.wilson(in_a, n, confidence))
    low_b, high_b = (float(x) for x in intervals.wilson(in_b, n, confidence))
    spread = in_a * (n - in_a) * in_b * (n - in_b)
    agreement = both * neither - only_a * only_b
    if agreement > 0:
        agreement = max(agreement - n / 2, 0.0)
    phi = agreement / np.sqrt(spread) if spread > 0 else 0.0
    estimate = p_b - p_a
    below = (p_b - low_b) ** 2 - 2 * phi * (p_b - low_b) * (high_a - p_a) + (high_a - p_a) ** 2
    above = (high_b - p_b) ** 2 - 2 * phi * (high_b - p_b) * (p_a - low_a) + (p_a - low_a) ** 2
    return estimate, estimate - np.sqrt(max(below, 0.0)), estimate + np.sqrt(max(above, 0.0))


def scenario_differences(a: Results, b: Results) -> list[str] | None:
    """What differs between the two scenarios as run, beyond names and parameters.

    Read from each folder's scenario.yaml; None when either batch has no folder.
    Lists of items with an id name the ids that differ (`rules: x, y`).
    """
    if a.path is None or b.path is None:
        return None
    data = [read_scenario(Path(r.path)) for r in (a, b) if r.path is not None]
    if data[0] is None or data[1] is None:
        return None
    found = []
    for key in sorted(set(data[0]) | set(data[1])):
        if key in NAMING or data[0].get(key) == data[1].get(key):
            continue
        ids = _differing_ids(data[0].get(key), data[1].get(key))
        found.append(f"{key}: {', '.join(ids)}" if ids else key)
    return found


def _differing_ids(a: object, b: object) -> list[str]:
    """The ids of the items that differ, when both are lists of items with an id."""
    if not (isinstance(a, list) and isinstance(b, list) and _id_items(a) and _id_items(b)):
        return []
    by_id_a = {str(item["id"]): item for item in a}
    by_id_b = {str(item["id"]): item for item in b}
    ids = list(dict.fromkeys([*by_id_a, *by_id_b]))
    return [i for i in ids if by_id_a.get(i) != by_id_b.get(i)]


def _id_items(items: list) -> bool:
    return all(isinstance(i, dict) and "id" in i for i in items)
