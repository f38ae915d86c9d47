"""The article's scenarios: every outcome possible, none certain, and the levers push the
way the scenarios argue they should."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.scenario import catalog

RUNS = 100_000
SEED = 2022
OUTCOMES = ["de-escalation", "contained-incident", "limited-clash", "article5-war", "nuclear-use"]
LADDER = [
    "peacetime",
    "heightened-readiness",
    "show-of-force",
    "incident",
    "limited-engagement",
    "article5-war",
    "nuclear-use",
]
SCENARIOS = ["turkish-straits", "airspace-straying"]
README = Path(__file__).resolve().parent.parent / "README.md"
# The peak rungs each outcome's definition allows: the outcomes split the ladder.
PEAKS = {
    "de-escalation": LADDER[: LADDER.index("incident")],
    "contained-incident": ["incident"],
    "limited-clash": ["limited-engagement"],
    "article5-war": ["article5-war"],
    "nuclear-use": ["nuclear-use"],
}

_cache: dict = {}


def batch(name: str, **overrides: object) -> sim.Results:
    key = (name, tuple(sorted(overrides.items())))
    if key not in _cache:
        _cache[key] = sim.run(sim.load_scenario(name, overrides=overrides), RUNS, seed=SEED)
    return _cache[key]


def at_least(results: sim.Results, outcome: str) -> tuple[int, int]:
    """Runs that ended in `outcome` or a more severe one, and all runs."""
    ids = results.outcome_ids
    worse = ids[ids.index(outcome) :]
    return sum(results.summary["outcomes"][ids.index(o)]["count"] for o in worse), RUNS


def z_score(higher: tuple[int, int], lower: tuple[int, int]) -> float:
    """Two-proportion z statistic of `higher` over `lower` (pooled standard error)."""
    (a, n), (b, m) = higher, lower
    pooled = (a + b) / (n + m)
    return (a / n - b / m) / math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / m))


# z > 3.29 is significance at the 0.1% level, one-sided: far from a coin toss at 100,000 runs.
SIGNIFICANT = 3.29


def test_both_article_scenarios_are_bundled():
    assert set(SCENARIOS) <= {entry.name for entry in catalog.bundled()}


@pytest.mark.parametrize("name", SCENARIOS)
def test_shared_ladder_and_outcomes(name):
    scenario = sim.load_scenario(name)
    assert list(scenario.ladder) == LADDER
    assert [o.id for o in scenario.outcomes_by_severity()] == OUTCOMES


@pytest.mark.parametrize("name", SCENARIOS)
def test_no_outcome_is_certain_and_catastrophe_is_rare_but_possible(name):
    results = batch(name)
    probability = {o: results.probability(o) for o in OUTCOMES}
    assert max(probability.values()) < 0.9, probability
    assert sum(p >= 0.01 for p in probability.values()) >= 3, probability
    assert 0 < probability["nuclear-use"] < 0.01, probability
    assert probability["nuclear-use"] < probability["article5-war"] < probability["limited-clash"]


def test_without_the_deconfliction_line_clashes_are_more_likely():
    """The line clears up accidents before allies act on them, halves the chance that an
    air incident turns into a firefight, and helps a clash end in a ceasefire."""
    with_line = at_least(batch("airspace-straying"), "limited-clash")
    without = at_least(batch("airspace-straying", deconfliction_line=False), "limited-clash")
    assert z_score(without, with_line) > SIGNIFICANT


def test_more_misperception_makes_clashes_more_likely():
    """An accident read as deliberate gets intruders shot down and Article 5 requested."""
    drawn = at_least(batch("airspace-straying"), "limited-clash")  # misperception ~ beta(2, 6)
    high = at_least(batch("airspace-straying", misperception=0.6), "limited-clash")
    assert z_score(high, drawn) > SIGNIFICANT


def test_moscow_misreading_a_shootdown_makes_clashes_more_likely_without_the_line():
    """Read as an ambush, the loss of an aircraft makes Moscow more ready to fire back and
    to lash out; with the line closed nothing corrects the reading."""
    closed = {"deconfliction_line": False}
    right = at_least(
        batch("airspace-straying", russian_misperception=0.0, **closed), "limited-clash"
    )
    wrong = at_least(
        batch("airspace-straying", russian_misperception=0.9, **closed), "limited-clash"
    )
    assert z_score(wrong, right) > SIGNIFICANT


def test_an_answered_call_shows_moscow_the_truth_of_a_shootdown(tmp_path):
    """With every shoot-down misread, Moscow still never holds the misreading once it has
    answered a call about the incursion: the call shows it the truth."""
    path = tmp_path / "always-misread.yaml"
    path.write_text(
        "extends: airspace-straying\nid: always-misread\nparameters:\n"
        "  russian_misperception: 1\nmeasures:\n"
        "  - {id: misread-after-call, ever: 'russia.belief.ambush and line_answered'}\n"
        "  - {id: ever-misread, ever: russia.belief.ambush}\n"
    )
    runs = sim.run(sim.load_scenario(path), 20_000, seed=SEED).runs
    assert runs["measure.ever-misread"].sum() > 100
    assert not runs["measure.misread-after-call"].any()


def test_without_the_carrier_the_straits_crisis_is_more_likely_to_become_war():
    """The scenario argues that the carrier deters more than it provokes: its presence and
    its patrols over the straits cut Russia's readiness to force the passage and to attack
    the straits' defences. Its patrols also meet Russian aircraft, so it adds air incidents,
    but fewer Russian moves mean fewer incidents at sea. So without it, Article 5 war or
    worse is more likely, and so is any exchange of fire."""
    carrier = batch("turkish-straits")
    none = batch("turkish-straits", carrier_present=False)
    assert z_score(at_least(none, "article5-war"), at_least(carrier, "article5-war")) > SIGNIFICANT
    assert (
        z_score(at_least(none, "limited-clash"), at_least(carrier, "limited-clash")) > SIGNIFICANT
    )
    assert none.probability("de-escalation") < carrier.probability("de-escalation")


@pytest.mark.parametrize("name", SCENARIOS)
def test_no_run_ends_in_an_outcome_its_peak_contradicts(name):
    """A run settled after a clash or a war ends as the outcome of its peak: no
    de-escalation after contact, no contained incident after fire, in 100,000 runs."""
    runs = batch(name).runs
    allowed = (
        runs["peak_level"]
        .astype(str)
        .combine(runs["outcome"].astype(str), lambda peak, outcome: peak in PEAKS[outcome])
    )
    contradicting = runs.loc[~allowed, ["outcome", "peak_level", "end_turn"]]
    assert contradicting.empty, contradicting.head(10)
    assert set(runs["outcome"].astype(str)) == set(PEAKS)  # every outcome was tested


def readme_definitions() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- outcome-definitions")[1].split("\n\n")[0]
    return dict(re.findall(r"^\| `([\w-]+)` \| (.*) \|$", block, re.M))


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_readme_defines_each_outcome_in_the_scenarios_own_words(name):
    """An outcome is defined once, by its `description`; the README's table repeats it."""
    scenario = sim.load_scenario(name)
    assert readme_definitions() == {o.id: o.description for o in scenario.outcomes}


@pytest.mark.parametrize("name", SCENARIOS)
def test_show_prints_each_outcomes_definition(name):
    result = CliRunner().invoke(main, ["show", name])
    assert result.exit_code == 0, result.output
    printed = " ".join(result.output.split("\nOutcomes")[1].split())
    for outcome in sim.load_scenario(name).outcomes:
        assert outcome.description
        assert " ".join(outcome.description.split()) in printed
