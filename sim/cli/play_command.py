"""`wargame play`: people decide for one actor or several at one keyboard, the rules play
the others."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sim.cli.errors import UserError
from sim.cli.files import write_text
from sim.cli.options import (
    DEFAULT_RUNS,
    game_run_option,
    odds_option,
    overrides,
    scenario_path,
    scenario_path_option,
    seed_option,
    set_option,
)
from sim.cli.story_commands import _command, _width
from sim.errors import PathError

if TYPE_CHECKING:
    from sim.language.compiled import CompiledScenario
    from sim.table.game import Game


@click.command(name="play", short_help="Play a scenario at the table, for one actor or several.")
@click.argument("scenario")
@click.option("--as", "actor", metavar="ACTOR", default=None, help="The actor you decide for.")
@click.option(
    "--seats",
    metavar="A,B,...",
    default=None,
    help="Several actors decided at one keyboard, taking turns (instead of --as).",
)
@click.option(
    "--pause/--no-pause",
    default=None,
    help="Stop before every turn with a briefing (default: when playing at a terminal).",
)
@odds_option("Continuations per choice for the odds from here that ? shows (0: none).")
@seed_option("Seed of the batch the run belongs to.")
@game_run_option
@set_option
@scenario_path_option
@click.option(
    "--transcript",
    "-t",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Save the whole session to FILE as Markdown (also when you quit).",
)
@click.option(
    "--record",
    "record_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Save the game record to FILE as JSON: every turn, view, choice and the odds shown.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Save the after-action report to FILE as Markdown.",
)
@click.option(
    "--open",
    "umpire",
    is_flag=True,
    help="The umpire's view: show every hidden truth and every actor's beliefs as the game "
    "goes (for teaching); without it you see only your actor's view until the end.",
)
@click.option(
    "--compare",
    "compare_runs",
    type=click.IntRange(0, 10**7),
    default=DEFAULT_RUNS,
    show_default=True,
    help="Rules-only runs to compare your outcome with at the end (0 to skip).",
)
def play_command(  # long function: one command's options, checked and handed on
    scenario: str,
    actor: str | None,
    seats: str | None,
    pause: bool | None,
    odds_runs: int,
    seed: int,
    run_index: int,
    assignments: tuple[str, ...],
    transcript: Path | None,
    record_path: Path | None,
    report_path: Path | None,
    umpire: bool,
    compare_runs: int,
) -> None:
    """Play SCENARIO at the table, deciding for one actor (or several, taking turns at one
    keyboard) while the rules play the others.

    The game is run I of the batch with seed S. Before each turn a briefing says
    where things stand, in the scenario's words. Whenever one of your actor's
    rules could act, you choose: an option of a decision, act, or pass. Your
    choice replaces that rule's own draw (its chance and option) and nothing
    else, so every chance event and every other actor's dice are those of
    the rules-only run: choosing what the rules would have chosen replays run
    I exactly. For an alliance's vote, you decide for the alliance. At the
    end you see your outcome beside how often the rules alone reach each one.

    In a scenario with fog of war each seat sees only its actor's view: the
    public state, its own, what it observes and its beliefs (labelled as
    beliefs); others' acts that touch what is hidden from it show only their
    visible changes, and the odds from here, which read the hidden truth, are
    the umpire's. At the end the truth and every actor's beliefs are told turn
    by turn. --open gives the umpire's view throughout.

    Answer with a number (or a choice's name), just Enter to pass, ? to have
    the choice explained with each answer's odds from here (a few thousand
    continuations of this very moment), q to quit. Quitting or ending the input (Ctrl-D)
    stops the game cleanly (exit status 0); Ctrl-C stops it with status 130.
    The transcript, the game record (--record, JSON) and the after-action report
    (--report, Markdown: each turn, each choice beside the rules', how each
    choice moved the odds shown) are saved in every case.

    \b
    Examples:
      wargame play turkish-straits --as turkey
      wargame play airspace-straying --as nato --seed 3 --run 12 --transcript game.md
      wargame play turkish-straits --as us --set carrier_present=false --compare 0
      wargame play turkish-straits --seats turkey,russia --record game.json --report aar.md
    """
    from sim.cli.console import Console, play_game
    from sim.language.load import load_scenario
    from sim.story import play
    from sim.table.game import Game

    compiled = load_scenario(scenario, overrides(assignments), scenario_path())
    chosen = _seats(compiled, actor, seats)
    for seat in chosen:
        play.check_playable(compiled, seat)
    for path in (transcript, record_path, report_path):
        if path is not None and not path.parent.is_dir():
            raise PathError(path, "no such folder")
    who = ("--as", actor) if actor is not None else ("--seats", ",".join(chosen))
    command = _command("play", scenario, seed, assignments, *who, "--run", str(run_index))
    console = Console(_width())
    pause = console.stdin.isatty() if pause is None else pause
    game = Game(compiled, chosen, console, seed, run_index, pause, odds_runs, open=umpire)
    console.open(game, command)
    status = 0
    try:
        status = play_game(game, console, compare_runs)
    finally:
        if transcript is not None:
            console.save(transcript)
        _save_record(game, record_path, report_path)
    if status:
        raise click.exceptions.Exit(status)


def _save_record(game: Game, record_path: Path | None, report_path: Path | None) -> None:
    """The game record (JSON) and the after-action report (Markdown), where asked for."""
    import json

    from sim.table.record import after_action, game_record

    if record_path is None and report_path is None:
        return
    record = game_record(game.session)
    if record_path is not None:
        write_text(record_path, json.dumps(record, indent=1) + "\n")
        click.echo(f"game record: {record_path}", err=True)
    if report_path is not None:
        write_text(report_path, after_action(record))
        click.echo(f"after-action report: {report_path}", err=True)


def _seats(compiled: CompiledScenario, actor: str | None, seats: str | None) -> list[str]:
    """The actors played by people: `--as ACTOR` or `--seats A,B`, one of the two."""
    playable = ", ".join(a for a in compiled.actors if compiled.rules_of(a))
    if actor is not None and seats is not None:
        raise UserError("give --as ACTOR or --seats A,B, not both")
    if actor is None and seats is None:
        raise UserError(f"choose the actor you play with --as ACTOR; in {compiled.id}: {playable}")
    if actor is not None:
        return [actor]
    chosen = [seat.strip() for seat in (seats or "").split(",")]
    if not all(chosen):
        raise UserError(
            f"--seats takes actor ids separated by commas; in {compiled.id}: {playable}"
        )
    return list(dict.fromkeys(chosen))


COMMANDS = [play_command]
