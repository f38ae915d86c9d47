"""One sentence per outcome saying which assumptions matter most, from the tidy indices."""

from __future__ import annotations

import math

import pandas as pd

MATTERS = 0.05  # a total index below this: the assumption hardly matters
SMALL_EFFECT = 0.05  # a mu* below this share of the largest: hardly matters
NOISY = 0.05  # a noise share above this earns a warning
INTERACTING = 0.1  # 1 - sum of first-order indices above this: interactions are named


def sentence(rows: pd.DataFrame) -> str:
    """What the indices of one response say, in words (rows: one response's rows)."""
    records = rows.to_dict("records")
    first = records[0]
    label = _capital(str(first["response"]))
    key = "total" if first["method"] == "sobol" else "mu_star"
    main = {str(r["label"]): r for r in records if r["index"] == key}
    if all(math.isnan(float(r["value"])) for r in main.values()):
        return f"{label}: the same at every design point; none of the varied assumptions moves it."
    order = sorted(main, key=lambda name: -float(main[name]["value"]))
    top = main[order[0]]
    if float(top["value"]) <= 0:
        return f"{label}: no move of one varied assumption changes it (every index is 0)."
    value, low, high = (float(top[k]) for k in ("value", "low", "high"))
    if key == "total":
        alone = {str(r["label"]): float(r["value"]) for r in records if r["index"] == "first-order"}
        how = (
            "mostly on its own" if alone[order[0]] >= 0.5 * value else "mostly through interactions"
        )
        text = f"{label}: {order[0]} matters most (total index {value:.2f}, 95% interval "
        text += f"{low:.2f} to {high:.2f}, {how})"
        cut, unit, shown = MATTERS, "total index below 0.05", ".2f"
    else:
        text = f"{label}: {order[0]} has the largest effect (mu* {value:.2g} per whole range, "
        text += f"95% interval {low:.2g} to {high:.2g})"
        cut, unit, shown = SMALL_EFFECT * value, "mu* below 5% of the largest", ".2g"
    others = {name: float(main[name]["value"]) for name in order[1:]}
    strong = [f"{name} ({v:{shown}})" for name, v in others.items() if v >= cut]
    weak = [name for name, v in others.items() if not v >= cut]
    if strong:
        text += ", then " + _joined(strong)
    if weak:
        verb = "matters" if len(weak) == 1 else "matter"
        text += f"; {_joined(weak)} hardly {verb} ({unit})"
    if key == "total":
        text += _interactions(sum(alone.values()))
    share = float(first["noise_share"])
    if share > NOISY:
        text += (
            f". Chance variation between runs is {share:.0%} of the spread across points: "
            "more runs per point would sharpen these"
        )
    return text + "."


def sentences(table: pd.DataFrame) -> dict[str, str]:
    """Response label -> sentence, for the headline responses in table order."""
    headline = table[table["headline"]]
    return {str(label): sentence(rows) for label, rows in headline.groupby("response", sort=False)}


def _interactions(first_order: float) -> str:
    """A clause for the share of the variance that no assumption explains alone."""
    together = 1 - first_order
    if together < INTERACTING:
        return ""
    return f"; interactions between them make up about {together:.0%} of the spread"


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
