"""The terminal side of `wargame play`: a `play.Table` that prints and asks at the keyboard."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sim.cli.errors import UserError
from sim.story import narrative, play

EXIT_INTERRUPTED = 130  # Ctrl-C, as the shell reports it


class Console:
    """The terminal side of a game: prints what happens, asks for choices, keeps a transcript.

    Answers are read a line at a time from standard input (which click's test
    runner replaces), so a script can play too; piped answers are echoed so
    that the session reads as it would at the keyboard. Reading the line
    ourselves (rather than `click.prompt`) tells end of input (Ctrl-D) from
    Ctrl-C: the first stops the game politely, the second interrupts it.
    """

    PROMPT_INDENT = "     "

    def __init__(self, width: int) -> None:
        self.width = width
        self.transcript: list[str] = []
        self.stdin = sys.stdin
        self.echo_answers = not self.stdin.isatty()

    def show(self, text: str, markdown: str) -> None:
        click.echo(text)
        self.transcript.append(markdown)

    def choose(self, decision: play.Decision) -> int:
        click.echo(play.decision_text(decision, self.width))
        self.transcript.append(play.decision_markdown(decision))
        count = len(decision.choices)
        while True:
            answer = self._ask(
                f"{self.PROMPT_INDENT}Your choice (1-{count}; Enter = pass, ? = help, q = quit): "
            )
            if answer.strip().lower() in play.HELP_WORDS:
                click.echo(play.decision_text(decision, self.width))
                continue
            try:
                index = play.read_choice(decision, answer)
            except play.InvalidChoice as error:
                click.echo(f"{self.PROMPT_INDENT}{error}")
                continue
            except play.Quit:
                self.transcript.append("\n**You quit the game here.**")
                raise
            self.transcript.append(play.answer_markdown(decision, index))
            return index

    def _ask(self, prompt: str) -> str:
        click.echo(prompt, nl=False)
        line = self.stdin.readline()
        if not line:
            click.echo()
            self.transcript.append("\n**The input ended here.**")
            raise play.EndOfInput
        if self.echo_answers:
            click.echo(line.rstrip("\r\n"))
        return line.rstrip("\r\n")

    def save(self, path: Path) -> None:
        text = "\n\n".join(part.strip("\n") for part in self.transcript if part.strip()) + "\n"
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot write the transcript {path}: {error.strerror}") from None
        click.echo(f"\ntranscript: {path}", err=True)


def play_game(game: play.Game, console: Console, compare_runs: int) -> int:
    """Play the game to its end (or until stopped); return the exit status."""
    try:
        ending = game.play()
    except play.EndOfInput:
        _stopped(game, console, "The input ended")
        return 0
    except play.Quit:
        _stopped(game, console, "You quit")
        return 0
    except KeyboardInterrupt:
        click.echo()
        _stopped(game, console, "Interrupted")
        return EXIT_INTERRUPTED
    console.show(
        "\n" + "\n".join(narrative.ending_text(ending, game.scenario.horizon, console.width)),
        "## The end\n\n" + "\n".join(narrative.ending_markdown(ending, game.scenario.horizon)),
    )
    console.show("\n" + play.choices_text(game.made), play.choices_markdown(game.made))
    if compare_runs:
        click.echo(f"\n(playing {compare_runs:,} rules-only runs to compare...)", err=True)
        try:
            comparison = play.compare(game.scenario, game.seed, game.run, compare_runs)
        except KeyboardInterrupt:
            click.echo("\nInterrupted: no comparison.", err=True)
            return EXIT_INTERRUPTED
        console.show(
            "\n" + play.comparison_text(comparison, ending),
            play.comparison_markdown(comparison, ending),
        )
    return 0


def _stopped(game: play.Game, console: Console, why: str) -> None:
    turn = game.model.turn
    console.show(
        f"\n{why}: the game stops on turn {turn} of {game.scenario.horizon}.\n\n"
        + play.choices_text(game.made, stopped=True),
        f"## Stopped\n\n{why}: the game stops on turn {turn} of {game.scenario.horizon}.\n\n"
        + play.choices_markdown(game.made, stopped=True),
    )
