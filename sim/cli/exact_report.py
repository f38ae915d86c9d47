"""What `wargame exact` prints: the exact outcome table, the end turn and the levels turn
by turn, and a Monte Carlo batch beside them when asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.cli.observed import kind_text
from sim.text import percent, table, yaml_value

if TYPE_CHECKING:
    from sim.exact_analysis.crosscheck import CrossCheck
    from sim.exact_analysis.result import ExactResult

MAX_TURN_ROWS = 15  # more turns than this are shown every few turns (--json has them all)


def exact_report(result: ExactResult, turn_length: str) -> str:
    """The figures of an exact analysis, as `wargame run` shows a batch's."""
    head = (
        f"exact analysis, horizon {result.horizon} turns ({turn_length}s), "
        f"{result.widest_states:,} states at the widest (turn {result.widest_turn}), "
        f"{result.seconds:.2f} s"
    )
    if result.overrides:
        head += "\nset: " + ", ".join(f"{k}={yaml_value(v)}" for k, v in result.overrides.items())
    header = ["outcome", "probability"]
    if result.nodes is not None:
        head += (
            f"\nintegrated by Gauss-Legendre quadrature, {result.nodes} nodes per parameter "
            f"({', '.join(result.integrated)}); 'change' is the move from "
            f"{result.nodes // 2} to {result.nodes} nodes, an estimate of the error"
        )
        header.append("change")
    rows = []
    for o in result.outcomes:
        row = [o.id, f"{o.probability * 100:.4f}%"]
        if o.change is not None:
            row.append(f"{o.change * 100:+.4f}%")
        rows.append(row)
    outcomes = table(header, rows, align="l" + "r" * (len(header) - 1))
    parts = [head, outcomes, measures_report(result), checks_report(result), turns_report(result)]
    return "\n\n".join(part for part in parts if part)


def exact_figure(value: float | None, statistic: str) -> str:
    """An exact share (a percentage to 4 decimals) or mean (4 decimals); `-` for none."""
    if value is None:
        return "-"
    return f"{value * 100:.4f}%" if statistic == "share" else f"{value:,.4f}"


def measures_report(result: ExactResult) -> str:
    """Each measure's exact share or mean, over all runs and within each outcome's runs,
    and the chance a run has a value (below 100% only for a `first` that may never hold)."""
    if not result.measures:
        return ""
    outcomes = [o.id for o in result.outcomes]
    header = ["measure", "kind", "all runs", "has a value", *outcomes]
    rows = []
    for m in result.measures:
        row = [m.id, kind_text(m.kind, m.statistic), exact_figure(m.overall.value, m.statistic)]
        row.append(exact_figure(m.overall.probability, "share"))
        row += [exact_figure(m.by_outcome[o].value, m.statistic) for o in outcomes]
        rows.append(row)
    return "measures (exact):\n" + table(header, rows, align="llrr" + "r" * len(outcomes))


def checks_report(result: ExactResult) -> str:
    """Every check: holds in every run for sure, or the exact chance it is violated."""
    if not result.checks:
        return ""
    broken = [c for c in result.checks if c.probability > 0]
    if not broken:
        names = ", ".join(c.id for c in result.checks)
        return f"checks: all {len(result.checks)} hold with certainty ({names})"
    rows = [[c.id, c.checked, f"{c.probability * 100:.4f}%"] for c in result.checks]
    lines = [
        f"checks: {len(broken)} of {len(result.checks)} may be violated",
        table(["check", "checked", "violated with probability"], rows, align="llr"),
    ]
    for check in broken:
        what = check.message or f"`{check.holds}` does not hold"
        lines.append(f"\n  {check.id}: {what}")
    return "\n".join(lines)


def turns_report(result: ExactResult) -> str:
    """The probability of ending on each turn, and of each level at each turn's end."""
    turns = list(range(result.horizon + 1))
    step = 1 if len(turns) <= MAX_TURN_ROWS else -(-result.horizon // (MAX_TURN_ROWS - 1))
    shown = sorted({*turns[::step], result.horizon})
    rows = [
        [str(turn), "" if turn == 0 else percent(result.end_turns[turn])]
        + [percent(p) for p in result.levels_by_turn[turn]]
        for turn in shown
    ]
    title = "by turn: the chance a run ends on it, and of each level at its end"
    if step > 1:
        title += f" (every {step} turns; --json has them all)"
    header = ["turn", "ends", *result.ladder]
    return title + "\n" + table(header, rows, align="r" * len(header))


def crosscheck_report(check: CrossCheck) -> str:
    """The batch beside the exact figures, with z-scores and a plain verdict."""
    from sim.exact_analysis.crosscheck import CHI_SQUARE_LEVEL, Z_LIMIT

    rows = [
        [o.id, f"{o.exact * 100:.4f}%", f"{o.share * 100:.4f}%", f"{o.count:,}", f"{o.z:+.2f}"]
        for o in check.outcomes
    ]
    body = table(["outcome", "exact", "monte carlo", "runs", "z"], rows, align="lrrrr")
    figures = [*check.measures, *check.checks]
    if figures:
        rows = [
            [
                f.id,
                exact_figure(f.exact, f.statistic),
                exact_figure(f.estimate, f.statistic),
                f"{f.runs:,}",
                f"{f.z:+.2f}",
            ]
            for f in figures
        ]
        header = ["measure or check", "exact", "monte carlo", "runs", "z"]
        body += "\n\n" + table(header, rows, align="lrrrr")
    stats = (
        f"largest |z| {check.largest_z:.2f}; chi-square {check.chi_square:.2f} on "
        f"{check.degrees} degrees of freedom, p = {check.p_value:.3g}"
    )
    if figures:
        stats += f"; largest |z| of the measures and checks {check.largest_figure_z:.2f}"
    if check.agree:
        verdict = f"they agree: every |z| < {Z_LIMIT:g} and p > {CHI_SQUARE_LEVEL:g} ({stats})"
    else:
        verdict = (
            f"they DISAGREE: needed every |z| < {Z_LIMIT:g} and p > {CHI_SQUARE_LEVEL:g} "
            f"({stats}); the engine and the exact analysis differ on this scenario, or the "
            "quadrature is too coarse (try more --nodes)"
        )
    return f"Monte Carlo: {check.source}\n{body}\n{verdict}"
