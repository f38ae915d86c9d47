"""Fog of war told: traces replay the batch and show beliefs against the truth; a seat
at play never sees a hidden truth before the end, and sees all of it after."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.engine.streams import BLOCK_SIZE
from sim.story.replay import replay
from sim.story.view import UNSEEN_NARRATION, SeatView

FIXTURES = Path(__file__).parent / "fixtures"
FOG = [str(FIXTURES / "fog-full.yaml"), "airspace-straying", "turkish-straits"]
SEED = 3
REVEALED = "What really happened, turn by turn"
OUTCOME_LINE = re.compile(
    r"^Outcome: .* \((?P<id>[a-z0-9_-]+)\), turn (?P<turn>\d+) of \d+\. "
    r"Peak level: (?P<peak>.+?)\.$",
    re.M,
)
FIRINGS_LINE = re.compile(
    r"^(?P<count>\d+) firings? of the actors' rules taken on a false belief", re.M
)

_batches: dict[str, tuple] = {}


def batch(reference: str):
    if reference not in _batches:
        scenario = sim.load_scenario(reference)
        _batches[reference] = (scenario, sim.run(scenario, BLOCK_SIZE + 200, seed=SEED).runs)
    return _batches[reference]


def invoke(*args: object, input: str = ""):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 0, result.output
    return result.output


def interesting_runs(runs, count: int = 3) -> list[int]:
    """Runs with a firing on a false belief, and one without; both edges of a block."""
    misread = np.flatnonzero(runs["false_belief_firings"].to_numpy() > 0)
    calm = np.flatnonzero(runs["false_belief_firings"].to_numpy() == 0)
    return [*map(int, misread[:count]), *map(int, calm[:1]), BLOCK_SIZE - 1, BLOCK_SIZE + 5]


@pytest.mark.parametrize("reference", FOG)
def test_trace_of_run_i_is_row_i_of_the_batch(reference):
    scenario, runs = batch(reference)
    labels = {level.label: level.id for level in scenario.spec.ladder}
    for run in interesting_runs(runs):
        out = invoke("trace", reference, "--seed", SEED, "--run", run)
        row = runs.iloc[run]
        ending = OUTCOME_LINE.search(out)
        assert ending, out
        assert (ending["id"], int(ending["turn"])) == (row["outcome"], row["end_turn"])
        assert labels[ending["peak"]] == row["peak_level"]
        count = FIRINGS_LINE.search(out)
        assert count and int(count["count"]) == row["false_belief_firings"], f"run {run}"
        marked = out.count("Judged on a false belief")
        assert marked == row["false_belief_firings"], f"run {run}"


def test_a_trace_says_who_believes_what_against_the_truth_in_words():
    _, runs = batch("airspace-straying")
    run = interesting_runs(runs)[0]
    out = invoke("trace", "airspace-straying", "--seed", SEED, "--run", run)
    assert "Beliefs that differ from the truth:" in out
    assert re.search(
        r'believes? "the latest incursion was ordered by Moscow": (true|false) '
        r"\(truth: (true|false)\)",
        " ".join(out.split()),
    )
    assert "NATO observes [radar-picture]: Allied radars and intelligence" in out


# --- play: the seat's view -------------------------------------------------------


def rules_answers(scenario, run: int, actor: str) -> list[str]:
    """The answers that repeat the rules' own draws (as in test_play)."""
    answers = []
    for firing in replay(scenario, SEED, run).journal:
        rule = firing.rule
        if rule is None or rule.actor != actor or firing.observation is not None:
            continue
        if firing.fired[0]:
            answers.append(str(int(firing.option[0]) + 1) if rule.options else "1")
        else:
            answers.append(str(len(rule.options) + 1 if rule.options else 2))
    return answers


def hidden_from(scenario, actor: str) -> tuple[list[str], list[str]]:
    """The state keys the seat may not see, and the narrations of the rules it is told
    by their visible changes only."""
    view = SeatView(scenario, actor)
    keys = [slot.key for slot in scenario.slots if not view.sees(slot.key)]
    narrations = []
    for rule in scenario.all_rules():
        if rule.id in view.telling:
            narrations += [rule.narration] + [o.narration for o in rule.options]
    return keys, [" ".join(n.split()) for n in narrations if n]


def without_own_effects(text: str) -> str:
    """The output without the effects listed under the seat's own choices (`-> target =
    expression`: what its rule would write, as the scenario writes it, not a value seen)."""
    kept, indent = [], None
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip())
        if line.lstrip().startswith("-> "):
            indent = depth
            continue
        if indent is not None and depth > indent and line.strip():
            continue
        indent = None
        kept.append(line)
    return "\n".join(kept)


SEATS = [
    (str(FIXTURES / "fog-full.yaml"), "blue"),
    (str(FIXTURES / "fog-full.yaml"), "red"),
    ("airspace-straying", "nato"),
    ("airspace-straying", "us"),
    ("airspace-straying", "russia"),
    ("turkish-straits", "turkey"),
    ("turkish-straits", "us"),
]


@pytest.mark.parametrize(("reference", "actor"), SEATS)
def test_no_hidden_truth_reaches_the_seat_before_the_end(reference, actor):
    scenario, runs = batch(reference)
    keys, narrations = hidden_from(scenario, actor)
    assert keys, "the seat should have something hidden from it"
    shown_any_value = False
    for run in interesting_runs(runs):
        answers = rules_answers(scenario, run, actor)
        out = invoke(
            "play", reference, "--as", actor, "--seed", SEED, "--run", run, "--compare", 0,
            input="".join(a + "\n" for a in answers),
        )  # fmt: skip
        assert REVEALED in out
        during, after = out.split(REVEALED, 1)
        during = without_own_effects(during)
        flat = " ".join(during.split())
        for key in keys:
            # a value is shown as `key: before -> after` or `key = value`
            # (a belief is shown as `belief.x` or `belief: x`, never as the bare key)
            pattern = rf"(?<![\w.])(?<!belief: ){re.escape(key)}(: | = )"
            assert not re.search(pattern, during), f"run {run}: `{key}` shown to {actor}"
            if re.search(pattern, after):
                shown_any_value = True
        for narration in narrations:
            assert narration not in flat, f"run {run}: {narration!r} told to {actor}"
        assert "Judged on a false belief" not in during
        assert "Beliefs that differ from the truth" not in during
        ending = OUTCOME_LINE.search(out)
        row = runs.iloc[run]
        assert (ending["id"], int(ending["turn"])) == (row["outcome"], row["end_turn"])
    assert shown_any_value, "the end should tell the truth the seat did not see"


def test_the_seat_sees_its_beliefs_labelled_and_the_umpire_sees_everything():
    reference, actor = "airspace-straying", "nato"
    scenario, runs = batch(reference)
    run = interesting_runs(runs)[0]
    answers = "".join(a + "\n" for a in rules_answers(scenario, run, actor))
    seat = invoke("play", reference, "--as", actor, "--seed", SEED, "--run", run,
                  "--compare", 0, input=answers)  # fmt: skip
    assert "belief.deliberate = " in " ".join(seat.split(REVEALED)[0].split())
    umpire = invoke("play", reference, "--as", actor, "--seed", SEED, "--run", run,
                    "--compare", 0, "--open", input=answers)  # fmt: skip
    assert REVEALED not in umpire  # nothing was hidden, so nothing is revealed
    assert UNSEEN_NARRATION not in umpire
    assert "Judged on a false belief" in umpire  # the run has firings on a false belief
