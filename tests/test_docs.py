"""The documentation's examples load and run, so the docs never drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def scenario_blocks():
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for number, block in enumerate(re.findall(r"```yaml\n(.*?)```", text, re.S)):
            if re.match(r"(#.*\n)*id: ", block):
                yield pytest.param(block, id=f"{doc.name}-{number}")


@pytest.mark.parametrize("block", list(scenario_blocks()))
def test_documented_scenarios_load_and_run(write_scenario, block):
    scenario = sim.load_scenario(write_scenario(block))
    results = sim.run(scenario, 2000, seed=1)
    assert sum(o["count"] for o in results.summary["outcomes"]) == 2000
