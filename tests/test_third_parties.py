"""Third parties: actors that are neither NATO nor Russia, added to a bundled scenario by
`extends`, placed in the turn order, and taking part in rules, votes and rungs like any other."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

import sim
from sim.cli import main

BELARUS = """\
extends: turkish-straits
id: with-belarus
title: The straits crisis with Belarus and Ukraine
actors:
  belarus:
    name: Belarus
    before: russia
    state: {troops_massed: false}
  ukraine:
    name: Ukraine
    after: russia
    state: {alert: {type: int, initial: 0, min: 0, max: 3}}
  union_state:
    name: The Union State
    new: true
    members: [russia, belarus]
rules:
  - id: belarus-masses-troops
    actor: belarus
    when: russian_move != 'none' and not belarus.troops_massed
    chance: 0.5
    effects: {belarus.troops_massed: true}
    narration: Minsk masses troops on the Ukrainian border.
  - id: ukraine-raises-alert
    actor: ukraine
    when: belarus.troops_massed
    effects: {ukraine.alert: ukraine.alert + 1}
  - id: union-state-exercises
    actor: union_state
    new: true
    when: belarus.troops_massed
    vote: {method: consensus, support: 0.5}
    effects: {deterrence: "max(0, deterrence - 0.1)"}
measures:
  - {id: ukraine-alert, value: ukraine.alert}
  - {id: massed-on, first: belarus.troops_massed}
  - {id: votes-held, turns: belarus.troops_massed}
"""


def write(tmp_path: Path) -> Path:
    path = tmp_path / "with-belarus.yaml"
    path.write_text(BELARUS)
    return path


def test_third_parties_take_their_place_in_the_turn(tmp_path):
    shown = CliRunner().invoke(main, ["show", str(write(tmp_path))])
    assert shown.exit_code == 0, shown.output
    turn = " ".join(shown.output.split("Each turn, in order:")[1].split("\n\n")[0].split())
    order = re.split(r" \d\. ", turn.split("actors in turn order: ")[1])[0]
    actors = [name.strip() for name in order.split(",")]
    assert actors.index("belarus") == actors.index("russia") - 1
    assert actors.index("ukraine") == actors.index("russia") + 1
    assert actors[-1] == "union_state"  # added without a place: it moves last
    assert "[belarus] belarus-masses-troops" in shown.output


def test_third_parties_act_read_each_other_and_vote(tmp_path):
    results = sim.run(sim.load_scenario(write(tmp_path)), 3_000, seed=3)
    runs = results.runs
    massed = runs["fired.belarus-masses-troops"] > 0
    assert massed.any() and (~massed).any()
    # Ukraine moves after Russia and Belarus: it raises its alert on the turn Belarus masses
    alert = runs["measure.ukraine-alert"]
    assert (alert[~massed] == 0).all()
    assert (alert[massed] >= 1).all()
    # the Union State's members vote like NATO's: a consensus of two, each yes with chance
    # 0.5, passes a quarter of the votes held (one a turn from the turn Belarus masses)
    held = runs["measure.votes-held"].sum()
    passed = runs["fired.union-state-exercises"].sum()
    half_width = 4 * (0.25 * 0.75 / held) ** 0.5
    assert abs(passed / held - 0.25) < half_width


def test_a_third_party_can_hold_a_rung_of_its_own(tmp_path):
    text = BELARUS.replace(
        "    before: russia\n", "    before: russia\n    rung: heightened-readiness\n"
    )
    text = text.replace("title: The straits", "world_level: separate\ntitle: The straits")
    text = text.replace(
        "effects: {belarus.troops_massed: true}",
        "effects: {belarus.troops_massed: true, belarus.level: \"'show-of-force'\"}",
    )
    path = tmp_path / "rung.yaml"
    path.write_text(text)
    runs = sim.run(sim.load_scenario(path), 1_000, seed=3).runs
    massed = runs["fired.belarus-masses-troops"] > 0
    assert (runs["peak_level.belarus"][massed] == "show-of-force").all()
    assert (runs["peak_level.belarus"][~massed] == "heightened-readiness").all()
