"""`wargame play`: a person decides for one actor; answering as the rules did replays the run."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.engine.streams import BLOCK_SIZE
from sim.errors import Suggestion, WargameError
from sim.scenario import catalog
from sim.story import play
from sim.story.decision import Decision, EndOfInput, InvalidChoice, NotAChoice, read_choice
from sim.story.replay import replay
from sim.story.story import ending
from sim.table.game import Game

FIXTURES = Path(__file__).parent / "fixtures"
FULL = str(FIXTURES / "full-language.yaml")
SCENARIOS = [*(entry.name for entry in catalog.bundled()), FULL]
SEED = 2
RUNS = [0, 1, BLOCK_SIZE - 1, BLOCK_SIZE, 2 * BLOCK_SIZE + 300]  # both edges of a block

OUTCOME_LINE = re.compile(
    r"^Outcome: .* \((?P<id>[a-z0-9_-]+)\), turn (?P<turn>\d+) of \d+\. "
    r"Peak level: (?P<peak>.+?)\.$",
    re.M,
)
PROMPT = "Your choice ("


def invoke(*args: object, input: str = ""):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output, result.output
    return result


_batches: dict[str, tuple] = {}


def batch(reference: str):
    if reference not in _batches:
        scenario = sim.load_scenario(reference)
        _batches[reference] = (scenario, sim.run(scenario, max(RUNS) + 1, seed=SEED).runs)
    return _batches[reference]


def rules_answers(scenario: sim.CompiledScenario, run: int, actor: str) -> list[str]:
    """The answers that repeat the rules' own draws, read from the rules-only run's journal.

    The journal holds one entry each time one of the actor's rules could fire;
    the menu lists a decision's options in order then pass, or act then pass.
    """
    answers = []
    for firing in replay(scenario, SEED, run).journal:
        rule = firing.rule
        if rule is None or rule.actor != actor:
            continue
        if firing.fired[0]:
            answers.append(str(int(firing.option[0]) + 1) if rule.options else "1")
        else:
            answers.append(str(len(rule.options) + 1 if rule.options else 2))
    return answers


def playable(reference: str) -> list[str]:
    scenario, _ = batch(reference)
    return [actor for actor in scenario.actors if scenario.rules_of(actor)]


def runs_to_play(reference: str, actor: str) -> list[int]:
    """RUNS, and the first run of the batch where one of the actor's rules fired: an actor
    that seldom gets to decide is still asked at least once."""
    scenario, runs = batch(reference)
    columns = [f"fired.{rule.id}" for rule in scenario.rules_of(actor)]
    acted = np.flatnonzero((runs[columns] > 0).any(axis=1).to_numpy())
    return RUNS + [int(run) for run in acted[:1] if run not in RUNS]


CASES = [(reference, actor) for reference in SCENARIOS for actor in playable(reference)]


@pytest.mark.parametrize(("reference", "actor"), CASES)
def test_answering_as_the_rules_did_replays_the_rules_only_run(reference, actor):
    """The key property: the person's answer replaces the rule draw and nothing else."""
    scenario, runs = batch(reference)
    labels = {level.label: level.id for level in scenario.spec.ladder}
    asked = 0
    for run in runs_to_play(reference, actor):
        answers = rules_answers(scenario, run, actor)
        asked += len(answers)
        result = invoke(
            "play", reference, "--as", actor, "--seed", SEED, "--run", run, "--compare", 0,
            input="".join(a + "\n" for a in answers),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert result.output.count(PROMPT) == len(answers), f"run {run}"
        ending = OUTCOME_LINE.search(result.output)
        assert ending, result.output
        row = runs.iloc[run]
        assert ending["id"] == row["outcome"], f"run {run}"
        assert int(ending["turn"]) == row["end_turn"], f"run {run}"
        assert labels[ending["peak"]] == row["peak_level"], f"run {run}"
        same = f"({len(answers)} of {len(answers)} the same as the rules' draw)"
        assert same in result.output or not answers

        # and through the API: every fire count, option by option, as in the batch
        table = Script(answers)
        game = Game(scenario, actor, table, seed=SEED, run=run)
        game.play()
        assert table.left == []
        fired = dict(zip(game.model.columns, game.model.fired[:, 0].tolist(), strict=True))
        assert fired == {column: int(row[column]) for column in game.model.columns}
        assert [m.choice for m in game.made] == [m.decision.rules_choice for m in game.made]
    if actor != "green":
        assert asked > 0, "the property was never put to the test"


class Script:
    """A table that answers from a list, by number, and keeps what it was shown."""

    def __init__(self, answers: list[str]) -> None:
        self.left = list(answers)
        self.told: list[object] = []
        self.decisions: list[Decision] = []

    def tell(self, part: object) -> None:
        self.told.append(part)

    def choose(self, decision: Decision) -> int:
        self.decisions.append(decision)
        if not self.left:
            raise EndOfInput
        return read_choice(decision, self.left.pop(0))


def test_a_scripted_game_reaches_an_outcome_and_compares_with_the_rules(tmp_path):
    transcript = tmp_path / "game.md"
    result = invoke(
        "play", FULL, "--as", "blue", "--seed", 1, "--run", 95, "--compare", 2000,
        "--transcript", transcript, input="strike\n" * 50,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert "You play Blue. The rules play the others: Red, Green, The alliance." in out
    assert "Your move as Blue: turn 4 of 12, level Incident" in out
    assert "Your choice (1-3; Enter = pass, ? = help, q = quit): strike" in out
    assert "Blue (you) [blue-responds -> strike]: Blue strikes." in out
    assert OUTCOME_LINE.search(out)["id"] == "war"
    assert "How the rules alone do from the same start (2,000 runs, seed 1):" in out
    assert re.search(r"^  war +\d+\.\d% .* <- your game$", out, re.M)
    assert "this same run (run 95) ends in war on turn 6" in out
    text = transcript.read_text()
    assert text.startswith("# Tabletop play: Every construct once")
    assert "**You chose 2: `strike`.**" in text
    assert "| 4 | `blue-responds` | `strike` | `strike` |" in text
    assert "← your game" in text


def test_the_comparison_table_matches_the_batch():
    scenario = sim.load_scenario(FULL)
    alone = replay(scenario, 5, 0)
    comparison = play.compare(scenario, 5, 0, 3000, ending(alone))
    summary = sim.run(scenario, 3000, seed=5).summary
    assert list(comparison.outcomes) == summary["outcomes"]
    assert comparison.alone.outcome == scenario.outcomes[int(alone.outcome[0])].id


def test_an_invalid_choice_is_asked_again():
    result = invoke(
        "play", FULL, "--as", "blue", "--seed", 1, "--run", 95, "--compare", 0,
        input="x\n9\n0\n?\nstrik\n2\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count(PROMPT) == 6
    assert "'x' is not a choice: type a number from 1 to 3." in out
    assert "'9' is not a choice" in out
    assert "'0' is not a choice" in out
    assert "'strik' is not a choice; did you mean 'strike'?" in out
    assert out.count("2. strike (the rules: ") == 2  # shown again after ?
    assert OUTCOME_LINE.search(out)["id"] == "war"


def test_enter_alone_passes():
    result = invoke(
        "play", FULL, "--as", "blue", "--seed", 1, "--run", 95, "--compare", 0, input="\n" * 30
    )
    assert result.exit_code == 0, result.output
    assert "Blue (you)" not in result.output
    assert "| blue-responds" not in result.output
    assert re.search(r"^ +4 +blue-responds +pass +strike$", result.output, re.M)


def test_an_option_whose_condition_fails_is_listed_but_refused(write_scenario):
    path = write_scenario(
        """
        id: closed-door
        title: A closed door
        horizon: 2
        ladder: [{id: calm}, {id: war}]
        world: {door_open: false}
        actors: {red: {name: Red}}
        rules:
          - id: red-decides
            actor: red
            options:
              - {id: wait, narration: Red waits.}
              - {id: walk-in, when: door_open, effects: {level: war}}
        outcomes:
          - {id: war, when: level == 'war'}
          - {id: calm, default: true}
        """
    )
    result = invoke("play", path, "--as", "red", "--compare", 0, input="2\n1\n3\n")
    assert result.exit_code == 0, result.output
    assert "2. walk-in: not possible now (needs door_open)" in result.output
    assert "2. walk-in is not possible now (it needs door_open); choose another." in result.output
    assert "Red (you) [red-decides -> wait]: Red waits." in result.output
    assert "Outcome: Calm (calm), turn 2 of 2." in result.output


@pytest.mark.parametrize("answers", ["", "1\n", "strike"])
def test_end_of_input_mid_game_stops_cleanly_and_saves_the_transcript(tmp_path, answers):
    transcript = tmp_path / "t.md"
    result = invoke(
        "play", FULL, "--as", "red", "--seed", 1, "--run", 95, "--transcript", transcript,
        input=answers,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "The input ended: the game stops on turn " in result.output
    assert "How the rules alone do" not in result.output
    text = transcript.read_text()
    assert "**The input ended here.**" in text
    assert "## Stopped" in text


@pytest.mark.parametrize("word", ["q", "quit", " Q "])
def test_quitting_stops_the_game_with_status_0(tmp_path, word):
    transcript = tmp_path / "t.md"
    result = invoke(
        "play", FULL, "--as", "blue", "--seed", 1, "--run", 95, "--transcript", transcript,
        input=f"{word}\n1\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "You quit: the game stops on turn 4 of 12." in result.output
    assert "You made no choice before the game stopped." in result.output
    assert "**You quit the game here.**" in transcript.read_text()


def test_ctrl_c_stops_with_status_130_and_saves_the_transcript(tmp_path, monkeypatch):
    def interrupted(self, decision):
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.cli.console.Console.choose", interrupted)
    transcript = tmp_path / "t.md"
    result = invoke(
        "play", FULL, "--as", "blue", "--seed", 1, "--run", 95, "--transcript", transcript
    )
    assert result.exit_code == 130
    assert "Interrupted: the game stops on turn 4 of 12." in result.output
    assert transcript.is_file()


@pytest.mark.parametrize(
    ("actor", "message"),
    [
        ("blu", "no actor 'blu' in full-language (did you mean 'blue'?); you can play: red, blue"),
        ("green", "'green' has no rules of its own in full-language"),
        ("", "no actor '' in full-language"),
    ],
)
def test_an_actor_that_cannot_be_played_is_a_clear_error(actor, message):
    result = invoke("play", FULL, "--as", actor)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "you can play: red, blue, alliance" in result.stderr


def test_the_actor_must_be_given():
    result = invoke("play", FULL)
    assert result.exit_code == 2
    assert "choose the actor you play with --as ACTOR; in full-language: red, blue, alliance" in (
        result.stderr
    )


def test_a_transcript_in_a_missing_folder_is_refused_before_playing(tmp_path):
    result = invoke("play", FULL, "--as", "blue", "--transcript", tmp_path / "no" / "t.md")
    assert result.exit_code == 2
    assert "no such folder" in result.stderr
    assert PROMPT not in result.output


def test_playing_the_alliance_decides_the_vote():
    scenario = sim.load_scenario(FULL)
    table = Script(["1"] * 20)
    game = Game(scenario, "alliance", table, seed=1, run=95)
    game.play()
    decision = table.decisions[0]
    assert decision.vote.startswith("By the rules this is put to a vote")
    assert all(choice.odds is None for choice in decision.choices)
    fired = dict(zip(game.model.columns, game.model.fired[:, 0].tolist(), strict=True))
    assert fired["fired.alliance-backs-blue"] == 1


def test_the_rules_odds_shown_add_up_to_one():
    scenario = sim.load_scenario(FULL)
    table = Script(["3"] * 20)
    Game(scenario, "blue", table, seed=1, run=95).play()
    for decision in table.decisions:
        assert sum(choice.odds for choice in decision.choices) == pytest.approx(1)


def test_the_situation_shows_world_and_own_state_and_what_changed_elsewhere():
    scenario = sim.load_scenario(FULL)
    table = Script(["3"] * 20)
    Game(scenario, "blue", table, seed=1, run=95).play()
    situation = table.decisions[0].situation
    shown = dict(situation.state)
    # in words, not keys: the player's own first, then the world's, then the others' that
    # changed (red.alert), not those that did not
    assert list(shown) == ["defences", "resolve", "border", "shots fired", "casualties", "alert"]
    assert shown["shots fired"] == "no" and shown["border"] == "breached"
    assert situation.last_turn == (("Red", "red-alerts"),)


@pytest.mark.parametrize(("answer", "index"), [("1", 0), ("strike", 1), (" PASS ", 2), ("3", 2)])
def test_read_choice(answer, index):
    decision = _decision()
    assert read_choice(decision, answer) == index


@pytest.mark.parametrize("answer", ["0", "4", "-1", "hold on", "stike"])
def test_read_choice_refuses(answer):
    with pytest.raises(InvalidChoice):
        read_choice(_decision(), answer)


def _decision() -> Decision:
    scenario = sim.load_scenario(FULL)
    table = Script(["3"] * 20)
    Game(scenario, "blue", table, seed=1, run=95).play()
    return table.decisions[0]


def test_the_game_is_run_i_of_the_batch():
    """The parameters drawn for a game are those of run i of the batch."""
    scenario, runs = batch(FULL)
    game = Game(scenario, "blue", Script([]), seed=SEED, run=BLOCK_SIZE)
    drawn = {name: values[0] for name, values in game.model.parameters.items()}
    assert drawn["restraint"] == runs.iloc[BLOCK_SIZE]["param.restraint"]
    assert np.isclose(drawn["hawkishness"], runs.iloc[BLOCK_SIZE]["param.hawkishness"])


@pytest.mark.parametrize("command", ["trace", "play"])
def test_every_example_in_the_help_runs(tmp_path, monkeypatch, command):
    """The examples a user copies from `--help` work as shown (play: quitting at once)."""
    monkeypatch.chdir(tmp_path)
    help_text = invoke(command, "--help").output
    examples = [
        shlex.split(line)
        for line in help_text.split("Examples:")[1].split("Options:")[0].splitlines()
        if line.strip().startswith("wargame ")
    ]
    assert len(examples) >= 3
    for words in examples:
        args = words[1:]
        if command == "play" and "--compare" not in args:
            args += ["--compare", "100"]
        result = invoke(*args, input="q\n")
        assert result.exit_code == 0, (args, result.output)


def test_errors_carry_their_data():
    scenario = sim.load_scenario(FULL)
    with pytest.raises(play.NotPlayable) as unknown:
        play.check_playable(scenario, "blu")
    assert isinstance(unknown.value, WargameError)
    assert (unknown.value.actor, unknown.value.known) == ("blu", False)
    assert unknown.value.suggestion == Suggestion("blue")
    assert unknown.value.playable == ("red", "blue", "alliance")
    with pytest.raises(NotAChoice) as typo:
        read_choice(_decision(), "stike")
    assert typo.value.suggestion == Suggestion("strike")
    assert typo.value.count == 3


@pytest.mark.parametrize("run", [0, 1, 2, 3])
def test_turkey_alone_cannot_strike_a_deal_on_day_one(run):
    """Negotiate, then offer terms, on day 1 (Enter, `2`, `1`): the deal needs Moscow's
    answer, which comes on a later day, from Russia's own rule."""
    result = invoke(
        "play", "turkish-straits", "--as", "turkey", "--seed", 1, "--run", run,
        "--compare", 0, input="\n2\n1\n" + "\n" * 200,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Turkey (you) [turkey-offers-terms]" in out, out
    ending = OUTCOME_LINE.search(out)
    assert ending and int(ending["turn"]) > 1, out
    answer = out.find("Russia [russia-answers-turkish-terms")
    if answer >= 0:  # Moscow's answer, on a day after the offer
        assert out.rfind("\nTurn 1 ", 0, answer) < out.rfind("\nTurn ", 0, answer)


def test_several_seats_take_turns_at_one_keyboard():
    """--seats: each seat is asked its own decisions; answering as the rules did replays."""
    scenario, runs = batch(FULL)
    run = RUNS[1]
    row = runs.iloc[run]
    journal = replay(scenario, SEED, run).journal
    answers = []
    for firing in journal:
        rule = firing.rule
        if rule is None or rule.actor not in ("red", "blue"):
            continue
        if firing.fired[0]:
            answers.append(str(int(firing.option[0]) + 1) if rule.options else "1")
        else:
            answers.append(str(len(rule.options) + 1 if rule.options else 2))
    result = invoke(
        "play", FULL, "--seats", "red,blue", "--seed", SEED, "--run", run, "--compare", 0,
        input="".join(a + "\n" for a in answers),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Your move as Red" in result.output and "Your move as Blue" in result.output
    assert "You play Red, Blue." in result.output
    ending = OUTCOME_LINE.search(result.output)
    assert ending and ending["id"] == row["outcome"] and int(ending["turn"]) == row["end_turn"]


def test_a_pause_before_every_turn_briefs_in_words():
    """--pause: a briefing before each turn (the ladder, the state in words); Enter plays
    the turn, ? shows what each variable means."""
    result = invoke(
        "play", "turkish-straits", "--as", "turkey", "--seed", 1, "--pause", "--compare", 0,
        input="?\n\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert "== Turn 1 of 30 (a day each) ==" in out
    assert "[Heightened readiness]" in out
    assert "  - russian move: pressure" in out and "  - requested support: no" in out
    assert "turkey.requested_support" not in out.split("Your move")[0]
    assert "  1. Peacetime posture:" in out  # ? shows the rungs' meaning
    assert "Moscow has accepted Ankara's terms of passage" in out  # and the descriptions
    assert "Enter = play turn 1" in out


def test_help_explains_a_choice_with_its_odds_from_here():
    # the odds continue the true state, part of which (Russia's intent) is hidden from
    # Turkey: they are the umpire's view's
    result = invoke(
        "play", "turkish-straits", "--as", "turkey", "--seed", 1, "--compare", 0,
        "--odds", 256, "--open", input="?\nq\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert "About turkey-closes-straits:" in out
    assert "Left to the rules, this turn: act 20%, pass 80%." in out
    assert "Odds from here: how 256 continuations of this very moment end" in out
    opening = " ".join(out[: out.index("Turn 1")].split())
    assert "? to have it explained with the odds from here of each choice" in opening
    table = out[out.index("Odds from here") :]
    assert re.search(r"the rules\s+act\s+pass", table)
    assert re.search(r"De-escalation\s+\d+\.\d \(\d+\.\d-\d+\.\d\)", table)


def test_a_seat_in_the_fog_is_not_shown_odds_that_read_the_hidden_truth():
    result = invoke(
        "play", "turkish-straits", "--as", "turkey", "--seed", 1, "--compare", 0,
        "--odds", 256, input="?\nq\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert "About turkey-closes-straits:" in out
    assert "Left to the rules, this turn: act 20%, pass 80%." in out  # judged on its view
    assert "Odds from here" not in out
    assert "No odds from here: they continue the game from the true state" in out
    opening = " ".join(out[: out.index("Turn 1")].split())
    assert "? to have it explained (the odds from here are the umpire's" in opening


def test_as_and_seats_exclude_each_other():
    result = invoke("play", "turkish-straits", "--as", "turkey", "--seats", "russia")
    assert result.exit_code == 2 and "not both" in result.stderr
    result = invoke("play", "turkish-straits", "--seats", "turkey,,russia")
    assert result.exit_code == 2 and "separated by commas" in result.stderr


def test_the_record_and_the_after_action_report_are_saved(tmp_path):
    record, report = tmp_path / "game.json", tmp_path / "aar.md"
    result = invoke(
        "play", "turkish-straits", "--as", "turkey", "--seed", 1, "--compare", 0,
        "--odds", 128, "--open", "--record", record, "--report", report, input="?\n1\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(record.read_text(encoding="utf-8"))
    # the input ended during turn 1: the record keeps that turn as far as it got
    assert [t["complete"] for t in data["turns"]] == [False]
    assert data["ending"]["outcome"] is None
    first = data["turns"][0]["decisions"][0]
    assert first["seat"] == "turkey" and first["by"] == "person" and first["choice"] == "act"
    assert first["odds"]["runs"] == 128  # the odds shown with ? are kept
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# After action: Turkish Straits control")
    assert "| 1 | Turkey |" in text and "the rules would have chosen" in text
    assert "### Turn 1 (the game stopped during it)" in text
