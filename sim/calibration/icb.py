"""Base rates of the International Crisis Behavior data, a reference for the model's wars.

Copied from /work/shared/data/icb-v14-base-rates.md, which computed them from
the ICB system-level data set, version 14 (`icb1v14.csv`: 486 international
crises, 1918-2017; Brecher, Wilkenfeld et al.). VIOL is the highest level of
violence in a crisis: none, minor clashes, serious clashes, full-scale war.

ICB counts crises (perceived as such by a state), not incidents, and its scale
does not match the ladder one to one; the mapping used here is `VIOLENCE_OF`.
"""

from __future__ import annotations

from dataclasses import dataclass

VIOLENCE = ("none", "minor clashes", "serious clashes", "full-scale war")

# The ladder's outcomes (nato-eastern-flank) on ICB's violence scale: no contact is
# no violence; contact without an exchange of fire (a shoot-down included, as ICB
# codes the 2015 Su-24 crisis) is minor clashes; a bounded exchange of fire is
# serious clashes; Article 5 war and nuclear use are full-scale war.
VIOLENCE_OF = {
    "de-escalation": "none",
    "contained-incident": "minor clashes",
    "limited-clash": "serious clashes",
    "article5-war": "full-scale war",
    "nuclear-use": "full-scale war",
}


@dataclass(frozen=True)
class IcbRow:
    """One row of ICB's table of the highest level of violence: shares of `crises` crises."""

    name: str
    crises: int
    shares: tuple[float, float, float, float]  # in the order of VIOLENCE

    def count(self, violence: str) -> int:
        """The number of crises at `violence` (the share times n, rounded: shares are to 0.1%)."""
        return round(self.shares[VIOLENCE.index(violence)] * self.crises)


ROWS = (
    IcbRow("ICB 1990-2017", 95, (0.253, 0.368, 0.232, 0.147)),
    IcbRow("ICB USSR/Russia a crisis actor", 33, (0.364, 0.182, 0.182, 0.273)),
    IcbRow("ICB US and USSR/Russia both crisis actors", 16, (0.250, 0.188, 0.125, 0.438)),
)
