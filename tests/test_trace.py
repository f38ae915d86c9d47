"""`wargame trace`: the story of run i is run i of the batch, and `--find` finds the right runs."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.engine.streams import BLOCK_SIZE
from sim.errors import Suggestion, WargameError
from sim.scenario import catalog
from sim.story.render.text import TextRenderer
from sim.story.replay import TargetError, replay, target
from sim.story.story import Terms, story_of
from sim.story.told import Happening, Turn, group_quiet

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
FULL = str(FIXTURES / "full-language.yaml")

SEED = 4
RUNS = [0, 1, BLOCK_SIZE - 1, BLOCK_SIZE, 2 * BLOCK_SIZE + 300]  # both edges of a block
BATCH = max(RUNS) + 1
SCENARIOS = [*(entry.name for entry in catalog.bundled()), FULL]

OUTCOME_LINE = re.compile(
    r"^Outcome: .* \((?P<id>[a-z0-9_-]+)\), turn (?P<turn>\d+) of \d+\. ", re.M
)
PEAK = re.compile(r"Peak level: (?P<peak>.+?)\.$", re.M)


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


_batches: dict[str, tuple] = {}


def batch(reference: str):
    """The scenario and the per-run table of its batch of BATCH runs with SEED (computed once)."""
    if reference not in _batches:
        scenario = sim.load_scenario(reference)
        _batches[reference] = (scenario, sim.run(scenario, BATCH, seed=SEED).runs)
    return _batches[reference]


def test_the_bundled_scenarios_are_covered():
    assert len(SCENARIOS) >= 2


@pytest.mark.parametrize("reference", SCENARIOS)
def test_trace_of_run_i_ends_as_row_i_of_the_batch(reference):
    scenario, runs = batch(reference)
    labels = {level.label: level.id for level in scenario.spec.ladder}
    for i in RUNS:
        result = invoke("trace", reference, "--seed", SEED, "--run", i)
        assert result.exit_code == 0, result.output
        ending = OUTCOME_LINE.search(result.stdout)
        assert ending, result.stdout
        row = runs.iloc[i]
        assert row["run"] == i
        assert ending["id"] == row["outcome"], f"run {i}"
        assert int(ending["turn"]) == row["end_turn"], f"run {i}"
        peak = PEAK.search(result.stdout[ending.start() :])["peak"]
        assert labels[peak] == row["peak_level"], f"run {i}"


@pytest.mark.parametrize("reference", SCENARIOS)
def test_the_story_counts_every_firing_of_the_run(reference):
    """Each firing the batch counts for run i is told once in its story (votes that fail aside)."""
    scenario, runs = batch(reference)
    for i in (RUNS[0], RUNS[-1]):
        story = story_of(replay(scenario, SEED, i), i)
        told: dict[str, int] = {}
        for turn in story.turns:
            for happening in turn.happenings:
                if happening.kind in ("rule", "event"):
                    told[happening.rule] = told.get(happening.rule, 0) + 1
        for rule in scenario.all_rules():
            fired = int(runs.iloc[i][f"fired.{rule.id}"])
            # told only when it changes something: a rule with nothing to say, or a decision
            # with an option that says and changes nothing (carrying on as before)
            silent = not rule.narration and (
                not rule.options
                or any(not (o.narration or o.effects or o.delayed) for o in rule.options)
            )
            if silent:
                assert told.get(rule.id, 0) <= fired
            else:
                assert told.get(rule.id, 0) == fired, rule.id


def test_markdown_tells_the_same_ending():
    _, runs = batch(FULL)
    result = invoke("trace", FULL, "--seed", SEED, "--run", BLOCK_SIZE, "--format", "markdown")
    row = runs.iloc[BLOCK_SIZE]
    assert result.stdout.startswith("# After-action report: ")
    assert f"(`{row['outcome']}`) on turn {row['end_turn']} of " in result.stdout
    assert "\n## Outcome\n" in result.stdout


@pytest.mark.parametrize("reference", SCENARIOS)
def test_find_an_outcome_returns_the_first_runs_that_ended_so(reference):
    scenario, runs = batch(reference)
    counts = runs["outcome"].value_counts()
    # the most severe outcome seen at least three times in the batch
    wanted = next(o.id for o in reversed(scenario.outcomes_by_severity()) if counts[o.id] >= 3)
    result = invoke(
        "trace", reference, "--seed", SEED, "--find", wanted, "--count", 3, "--runs", BATCH
    )
    assert result.exit_code == 0, result.output
    expected = runs.index[runs["outcome"] == wanted][:3].tolist()
    assert f"ended in {wanted}: {', '.join(map(str, expected))}." in result.stderr
    told = [m["id"] for m in OUTCOME_LINE.finditer(result.stdout)]
    assert told == [wanted] * 3
    for i in expected:
        assert f", run {i}, seed {SEED}\n" in result.stdout


@pytest.mark.parametrize("reference", SCENARIOS)
def test_find_a_condition_on_the_final_state(reference):
    scenario, runs = batch(reference)
    condition = "peak >= 1 and turn < horizon"  # reached the second rung, and ended early
    result = invoke(
        "trace", reference, "--seed", SEED, "--find", condition, "--count", 2, "--runs", BATCH
    )
    levels = [level.id for level in scenario.spec.ladder]
    peak = runs["peak_level"].astype(str).map(levels.index)
    hits = runs.index[(peak >= 1) & (runs["end_turn"] < scenario.horizon)][:2].tolist()
    if not hits:
        assert result.exit_code == 1
        return
    assert result.exit_code == 0, result.output
    assert f"ended with `{condition}`: {', '.join(map(str, hits))}." in result.stderr


def test_find_reads_enum_and_bool_state_in_the_scenarios_terms():
    scenario, _ = batch(FULL)
    result = invoke("trace", FULL, "--seed", SEED, "--find", "border == 'breached' and shots_fired")
    assert result.exit_code == 0, result.output
    run = int(re.search(r": (\d+)\.$", result.stderr.strip())[1])
    model = replay(scenario, SEED, run)
    assert model.state["shots_fired"][0]
    assert "shots_fired: false -> true" in result.stdout


def test_find_says_clearly_when_no_run_matches():
    result = invoke("trace", FULL, "--find", "turn > horizon", "--runs", 500)
    assert result.exit_code == 1
    assert "No run among runs 0-499 of full-language with seed 0 ended with `turn > horizon`" in (
        result.stderr
    )
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("wanted", "message", "hint"),
    [
        ("peak >= 'incdent'", "not a valid condition: unknown ladder level 'incdent'", "incident"),
        ("shots_fird and turn > 3", "unknown name 'shots_fird'", "shots_fired"),
        ("wr", "'wr' is not an outcome of full-language (outcomes: war,", "war"),
        ("casualties + 1", "expected true/false", None),
        ("level >=", "not a valid condition: not a valid expression", None),
    ],
)
def test_a_bad_condition_gives_a_clear_error(wanted, message, hint):
    result = invoke("trace", FULL, "--find", wanted)
    assert result.exit_code == 2
    assert message in result.stderr
    if hint:
        assert f"did you mean '{hint}'?" in result.stderr
    assert len(result.stderr.splitlines()) <= 6


def test_an_outcome_typo_in_a_bundled_scenario_is_suggested():
    reference = SCENARIOS[0]
    scenario, _ = batch(reference)
    outcome = scenario.outcomes[0].id
    result = invoke("trace", reference, "--find", outcome[:-1] + "x")
    assert result.exit_code == 2
    assert f"did you mean '{outcome}'?" in result.stderr


@pytest.mark.parametrize(
    "args",
    [("--run", 3, "--find", "war"), ("--count", 2), ("--runs", 100), ("--run", -1)],
)
def test_option_mistakes_exit_2(args):
    result = invoke("trace", FULL, *args)
    assert result.exit_code == 2
    assert "Error" in result.output


def test_out_writes_the_file_markdown_for_md(tmp_path):
    out = tmp_path / "run7.md"
    result = invoke("trace", FULL, "--run", 7, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text().startswith("# After-action report:")
    assert f"wrote {out}" in result.stderr


def test_trace_of_a_delay_and_a_failed_vote(write_scenario):
    path = write_scenario(
        """
        id: small
        title: A delay and a vote
        horizon: 4
        ladder: [{id: calm, name: Calm}, {id: war, name: War}]
        world: {ready: false}
        actors:
          red: {name: Red}
          blue: {name: Blue}
          bloc: {name: The bloc, members: [red, blue]}
        rules:
          - id: red-deploys
            actor: red
            once: true
            delayed:
              - {after: 2, effects: {ready: true}, narration: The battery is ready.}
            narration: Red orders a battery forward.
          - id: bloc-goes-to-war
            actor: bloc
            when: ready
            vote: {method: consensus, support: 1, members: {blue: 0}}
            description: The bloc decides on war.
            effects: {level: war}
            narration: The bloc goes to war.
        outcomes:
          - {id: war, when: level == 'war'}
          - {id: calm, default: true}
        """
    )
    result = invoke("trace", path, "--run", 0)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert (
        "Turn 1 - level: Calm\n  * Red [red-deploys]: Red orders a battery forward.\n"
        "      Scheduled for turn 3: The battery is ready." in text
    )
    assert "Turn 2: nothing happened (level: Calm)." in text
    assert (
        "  * Taking hold [red-deploys]: The battery is ready. (scheduled on turn 1)\n"
        "      ready: false -> true" in text
    )
    assert "The bloc [bloc-goes-to-war]: The bloc decides on war. The vote fails." in text
    assert "Vote (consensus, 2 of 2 needed): 1 yes; against: Blue." in text
    assert "The bloc goes to war" not in text
    assert "Outcome: Calm (calm), turn 4 of 4." in text


# --- golden files: the text a facilitator reads, reviewed when it changes ------------------


@pytest.mark.parametrize(("style", "suffix"), [("text", "txt"), ("markdown", "md")])
def test_golden_trace(monkeypatch, style, suffix):
    monkeypatch.chdir(ROOT)  # so that the command line in the report is the same everywhere
    result = invoke(
        "trace", "tests/fixtures/full-language.yaml", "--seed", 1, "--run", 95, "--format", style
    )
    assert result.exit_code == 0, result.output
    golden = GOLDEN / f"trace-full-language-seed1-run95.{suffix}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8"), (
        f"the trace differs from {golden.name}; review it and rerun with UPDATE_GOLDEN=1"
    )


def test_quiet_turns_are_gathered():
    turns = [Turn(n, "A", "A", () if n in (2, 3, 4, 6) else (_happening(),)) for n in range(1, 8)]
    groups = group_quiet(turns)
    assert [g.number if isinstance(g, Turn) else [t.number for t in g] for g in groups] == [
        1,
        [2, 3, 4],
        5,
        [6],
        7,
    ]
    assert TextRenderer().quiet(groups[1]) == "Turns 2-4: nothing happened (level: A)."


def _happening() -> Happening:
    return Happening("event", "e", None, "Event", "Something.")


def test_values_are_told_in_the_scenarios_terms():
    scenario, _ = batch(FULL)
    terms = Terms(scenario)
    assert terms.value("border", np.int16(2)) == "breached"
    assert terms.value("level", np.int16(1)) == "Incident"
    assert terms.value("shots_fired", np.bool_(True)) == "true"
    assert terms.value("casualties", np.int32(5)) == "5"
    assert terms.value("blue.resolve", np.float64(0.70000001)) == "0.7"
    assert terms.actor_name("alliance") == "The alliance"


def test_set_gives_the_run_of_the_batch_with_that_setting():
    scenario = sim.load_scenario(FULL, {"restraint": 0.05})
    runs = sim.run(scenario, 9000, seed=SEED).runs
    for i in (5, 8500):
        result = invoke("trace", FULL, "--seed", SEED, "--run", i, "--set", "restraint=0.05")
        ending = OUTCOME_LINE.search(result.stdout)
        assert (ending["id"], int(ending["turn"])) == (
            runs.iloc[i]["outcome"],
            runs.iloc[i]["end_turn"],
        )
        assert "Set: restraint = 0.05" in result.stdout
        assert "--set restraint=0.05" not in result.stdout  # the text format has no command line


def test_a_target_error_carries_its_suggestion():
    scenario, _ = batch(FULL)
    with pytest.raises(TargetError) as caught:
        target(scenario, "wr")
    assert isinstance(caught.value, WargameError)
    assert caught.value.suggestion == Suggestion("war")
    assert caught.value.offset is None
