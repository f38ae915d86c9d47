"""`wargame trace` (the story of one run) and `wargame play` (a person decides for one actor)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import click

from sim.cli.errors import UserError
from sim.cli.files import write_text
from sim.cli.options import (
    DEFAULT_RUNS,
    out_file_option,
    overrides,
    runs_option,
    scenario_path,
    scenario_path_option,
    scenario_path_words,
    seed_option,
    set_option,
    set_words,
)
from sim.engine.streams import MAX_RUN
from sim.errors import PathError
from sim.text import command_line

if TYPE_CHECKING:
    from sim.language.compiled import CompiledScenario
    from sim.table.game import Game

EXIT_NOT_FOUND = 1  # `trace --find` found no run, like grep
TraceFormat = Literal["text", "markdown"]


def _width() -> int:
    """Wrap to the terminal when printing to one (within reason), else to the standard width."""
    from sim.story.render.text import WIDTH

    if not sys.stdout.isatty():
        return WIDTH
    return max(60, min(shutil.get_terminal_size((WIDTH, 24)).columns - 1, 100))


def _command(name: str, scenario: str, seed: int, assignments: tuple[str, ...], *extra: str) -> str:
    """The command that tells (or plays) the same run again."""
    words = [*extra, *set_words(assignments), *scenario_path_words()]
    return command_line("wargame", name, scenario, "--seed", seed, *words)


# --- trace ---------------------------------------------------------------------------


@click.command(short_help="Tell one run turn by turn.")
@click.argument("scenario")
@seed_option("Seed of the batch the run belongs to.")
@click.option(
    "--run",
    "-r",
    "run_index",
    type=click.IntRange(0, MAX_RUN),
    default=None,
    help="The run to tell, 0-based, as numbered in runs.parquet.  [default: 0]",
)
@click.option(
    "--find",
    "wanted",
    metavar="OUTCOME_OR_CONDITION",
    default=None,
    help="Tell the first run that ended in this outcome, or whose final state meets this "
    "condition (the scenario's expression language).",
)
@click.option(
    "--count",
    "-k",
    type=click.IntRange(1, 100),
    default=1,
    show_default=True,
    help="With --find: how many matching runs to tell, in run order.",
)
@runs_option("With --find: search runs 0 to N-1 of the batch.")
@set_option
@scenario_path_option
@click.option(
    "--format",
    "-f",
    "style",
    type=click.Choice(get_args(TraceFormat)),
    default=None,
    help="text for the terminal, or markdown for an after-action report "
    "[default: markdown for an --out FILE ending in .md, else text].",
)
@out_file_option
@click.pass_context
def trace(
    ctx: click.Context,
    scenario: str,
    seed: int,
    run_index: int | None,
    wanted: str | None,
    count: int,
    runs: int,
    assignments: tuple[str, ...],
    style: TraceFormat | None,
    out: Path | None,
) -> None:
    """Tell one run of SCENARIO turn by turn: what fired, what it changed, how it ended.

    Run I is exactly run I of `wargame run SCENARIO --seed S` with the same
    --set: same outcome, same end turn. With --find, the runs 0 to N-1 of
    that batch are searched (a block of 32,768 at a time) for ones that ended
    in an outcome, or whose final state meets a condition (with `turn` the
    run's end turn), and the first K found are told; the exit status is 1 if
    none is found.

    \b
    Examples:
      wargame trace turkish-straits --seed 1 --run 20000
      wargame trace airspace-straying --find article5-war
      wargame trace airspace-straying --find "peak >= 'incident' and not settled" --count 3
      wargame trace turkish-straits --run 7 --format markdown --out run7.md
    """
    from sim.language.load import load_scenario
    from sim.story.render.markdown import MarkdownRenderer
    from sim.story.render.text import WIDTH, TextRenderer
    from sim.story.replay import replay
    from sim.story.story import story_of

    _check_search_options(ctx, wanted, run_index)
    compiled = load_scenario(scenario, overrides(assignments), scenario_path())
    if style is None:
        style = "markdown" if out is not None and out.suffix.lower() == ".md" else "text"
    found = [run_index or 0] if wanted is None else _find(compiled, seed, runs, wanted, count)
    width = _width() if out is None else WIDTH
    renderer = MarkdownRenderer() if style == "markdown" else TextRenderer(width)
    texts = []
    for index in found:
        command = _command("trace", scenario, seed, assignments, "--run", str(index))
        texts.append(renderer.story(story_of(replay(compiled, seed, index), index, command)))
    separator = "\n---\n\n" if style == "markdown" else "\n" + "=" * 40 + "\n\n"
    _write(separator.join(texts), out)


def _check_search_options(ctx: click.Context, wanted: str | None, run_index: int | None) -> None:
    """--run and --find exclude each other; --count and --runs only mean something with --find."""
    if wanted is not None:
        if run_index is not None:
            raise click.UsageError("give either --run or --find, not both")
        return
    given = [
        f"--{name}"
        for name in ("count", "runs")
        if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE
    ]
    if given:
        verb = "goes" if len(given) == 1 else "go"
        raise click.UsageError(f"{' and '.join(given)} only {verb} with --find")


def _write(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    write_text(out, text)
    click.echo(f"wrote {out}", err=True)


def _find(compiled: CompiledScenario, seed: int, runs: int, wanted: str, count: int) -> list[int]:
    from tqdm import tqdm

    from sim.story.replay import TargetError, find_runs, target

    try:
        goal = target(compiled, wanted)
    except TargetError as error:  # the message names the option it came from
        raise UserError("--find: " + error.format()) from None
    span = f"runs 0-{runs - 1:,}" if runs > 1 else "run 0"
    # a progress bar on a terminal only (tqdm's disable=None), as `wargame run` shows
    with tqdm(
        total=runs, unit="run", unit_scale=True, disable=None, leave=False, file=sys.stderr
    ) as bar:
        found = find_runs(compiled, seed, runs, goal, count, lambda done: bar.update(done - bar.n))
    if not found:
        click.echo(
            f"No run among {span} of {compiled.id} with seed {seed} {goal.describe()}. "
            "Search more runs with --runs, or try another seed.",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_NOT_FOUND)
    listed = ", ".join(str(i) for i in found)
    if len(found) < count:
        click.echo(
            f"Only {len(found)} of the {count} runs asked for among {span} {goal.describe()}: "
            f"{listed}.",
            err=True,
        )
    else:
        noun = "run" if count == 1 else f"{count} runs"
        click.echo(f"The first {noun} that {goal.describe()}: {listed}.", err=True)
    return found


# --- play ----------------------------------------------------------------------------


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
@click.option(
    "--odds",
    "odds_runs",
    type=click.IntRange(0, 10**6),
    default=4096,
    show_default=True,
    help="Continuations per choice for the odds from here that ? shows (0: none).",
)
@seed_option("Seed of the batch the run belongs to.")
@click.option(
    "--run",
    "-r",
    "run_index",
    type=click.IntRange(0, MAX_RUN),
    default=0,
    show_default=True,
    help="The run of the batch to play: its chance events and parameter draws.",
)
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
    game = Game(compiled, chosen, console, seed, run_index, pause, odds_runs)
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


COMMANDS = [trace, play_command]
