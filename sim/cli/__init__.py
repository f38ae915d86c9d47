"""The `wargame` command: a click group whose commands live in small modules.

Owns options, what is printed to the terminal, and the user's mistakes as exit
status 2: every `sim.errors.WargameError` reaches the user through `errors`, and
files the user names are written through `files`. The work itself is done by the
stages; a command reads its options, calls them and prints.

May import every stage.
"""

from __future__ import annotations

import click

from sim.cli.errors import UserError, user_errors
from sim.version import __version__


class _Group(click.Group):
    """Turns the user's mistakes (bad scenario, bad folder) into exit status 2, no traceback."""

    def invoke(self, ctx: click.Context) -> object:
        with user_errors():
            return super().invoke(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wargame")
def main() -> None:
    """Tabletop escalation wargame simulator.

    Scenarios are YAML files (or bundled names, see `wargame list`); each is
    played many times and the distribution of outcomes reported.

    \b
    Examples:
      wargame list
      wargame run turkish-straits --runs 100000 --seed 1
      wargame show airspace-straying
      wargame validate my-scenario.yaml
      wargame exact tests/fixtures/two-step.yaml
    """


def _register() -> None:
    from sim.cli import (
        analysis,
        calibrate_command,
        exact_command,
        explore_command,
        play_command,
        run_command,
        scenario_commands,
        serve_command,
        story_commands,
    )

    modules = (
        run_command,
        exact_command,
        explore_command,
        scenario_commands,
        analysis,
        story_commands,
        play_command,
        serve_command,
        calibrate_command,
    )
    for module in modules:
        for command in module.COMMANDS:
            main.add_command(command)


_register()

__all__ = ["UserError", "main"]
