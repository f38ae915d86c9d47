"""The terminal side of `wargame play`: a `Table` that prints and asks at the keyboard."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import click

from sim.cli.errors import UserError
from sim.story import play
from sim.story.decision import (
    HELP_WORDS,
    QUIT_WORDS,
    Decision,
    EndOfInput,
    InvalidChoice,
    Quit,
    read_choice,
)
from sim.story.render.markdown import MarkdownRenderer
from sim.story.render.renderer import Renderer, told
from sim.story.render.text import TextRenderer
from sim.story.told import Quiet, Turn, TurnSoFar
from sim.table.briefing import briefing_lines, explanation_lines
from sim.table.game import Briefing, Game

EXIT_INTERRUPTED = 130  # Ctrl-C, as the shell reports it

# why a game stopped before its end, as the person is told
Stop = Literal["The input ended", "You quit", "Interrupted"]


class Console:
    """The terminal side of a game: prints what happens, asks for choices, keeps a transcript.

    Everything is read out twice through the one `Renderer` interface: as text on
    the terminal, and as Markdown for the transcript. Answers are read a line at
    a time from standard input (which click's test runner replaces), so a script
    can play too; piped answers are echoed so that the session reads as it would
    at the keyboard. Reading the line ourselves (rather than `click.prompt`)
    tells end of input (Ctrl-D) from Ctrl-C: the first stops the game politely,
    the second interrupts it.
    """

    PROMPT_INDENT = "     "

    def __init__(self, width: int) -> None:
        self.width = width
        self.text = TextRenderer(width)
        self.markdown = MarkdownRenderer()
        self.transcript: list[str] = []
        self.stdin = sys.stdin
        self.echo_answers = not self.stdin.isatty()

    def open(self, game: Game, command: str) -> None:
        """Open the game: the scenario, who the person plays, how to answer."""
        opening = game.opening()
        click.echo(self.text.opening(opening, command))
        self.transcript.append(self.markdown.opening(opening, command))

    def say(self, part: Callable[[Renderer], str]) -> None:
        """Read a part out, set off by a blank line, and keep it in the transcript."""
        click.echo("\n" + part(self.text))
        self.transcript.append(part(self.markdown))

    def tell(self, part: Turn | Quiet | TurnSoFar) -> None:
        self.say(lambda renderer: told(renderer, part))

    def choose(self, decision: Decision) -> int:
        self.say(lambda renderer: renderer.decision(decision))
        count = len(decision.choices)
        while True:
            answer = self._ask(
                f"{self.PROMPT_INDENT}Your choice (1-{count}; Enter = pass, ? = help, q = quit): "
            )
            if answer.strip().lower() in HELP_WORDS:
                self._explain(decision)
                continue
            try:
                index = read_choice(decision, answer)
            except InvalidChoice as error:
                click.echo(f"{self.PROMPT_INDENT}{error.format()}")
                continue
            except Quit:
                self.transcript.append("**You quit the game here.**")
                raise
            self.transcript.append(self.markdown.answer(decision, index))
            return index

    def brief(self, briefing: Briefing) -> None:
        """Where things stand before a turn; wait for Enter (? shows the ladder and the
        whole state, q quits)."""
        self._plain(briefing_lines(briefing, full=False, width=self.width))
        while True:
            answer = self._ask(
                f"{self.PROMPT_INDENT}Enter = play turn {briefing.turn}, "
                "? = the whole picture, q = quit: "
            )
            word = answer.strip().lower()
            if word in QUIT_WORDS:
                self.transcript.append("**You quit the game here.**")
                raise Quit
            if word in HELP_WORDS:
                click.echo("\n" + "\n".join(briefing_lines(briefing, full=True, width=self.width)))
                continue
            return

    def _explain(self, decision: Decision) -> None:
        """The choices again, what the rule is and does, and each choice's odds from here."""
        click.echo("\n" + self.text.decision(decision))
        if decision.odds is not None:
            click.echo(f"{self.PROMPT_INDENT}(working out the odds from here...)", err=True)
        self._plain(explanation_lines(decision, decision.odds() if decision.odds else None))

    def _plain(self, lines: list[str]) -> None:
        """Plain lines on the terminal, kept in the transcript as a block."""
        click.echo("\n" + "\n".join(lines))
        self.transcript.append("```text\n" + "\n".join(lines) + "\n```")

    def _ask(self, prompt: str) -> str:
        click.echo(prompt, nl=False)
        line = self.stdin.readline()
        if not line:
            click.echo()
            self.transcript.append("**The input ended here.**")
            raise EndOfInput
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


def play_game(game: Game, console: Console, compare_runs: int) -> int:
    """Play the game to its end (or until stopped); return the exit status."""
    try:
        ending = game.play()
    except EndOfInput:
        _stopped(game, console, "The input ended")
        return 0
    except Quit:
        _stopped(game, console, "You quit")
        return 0
    except KeyboardInterrupt:
        click.echo()
        _stopped(game, console, "Interrupted")
        return EXIT_INTERRUPTED
    horizon = game.scenario.horizon
    console.say(lambda renderer: renderer.game_end(ending, horizon))
    _reveal(game, console)
    console.say(lambda renderer: renderer.choices_made(game.made))
    if compare_runs:
        click.echo(f"\n(playing {compare_runs:,} rules-only runs to compare...)", err=True)
        try:
            comparison = play.compare(game.scenario, game.seed, game.run, compare_runs, ending)
        except KeyboardInterrupt:
            click.echo("\nInterrupted: no comparison.", err=True)
            return EXIT_INTERRUPTED
        console.say(lambda renderer: renderer.comparison(comparison))
    return 0


def _stopped(game: Game, console: Console, why: Stop) -> None:
    turn, horizon = game.model.turn, game.scenario.horizon
    _reveal(game, console)
    console.say(lambda renderer: renderer.stopped(why, turn, horizon, game.made))


def _reveal(game: Game, console: Console) -> None:
    """Once the game is over, what was hidden from the seats: the truth and every belief."""
    if game.scenario.has_beliefs and not game.open:
        story = game.truth()
        console.say(lambda renderer: renderer.revealed(story))
