"""`wargame serve`: the web table, a local server with a link per seat and for the umpire."""

from __future__ import annotations

import click

from sim.cli.errors import UserError
from sim.cli.options import (
    game_run_option,
    odds_option,
    overrides,
    scenario_path,
    scenario_path_option,
    seed_option,
    set_option,
)


@click.command(name="serve", short_help="Play a scenario in browsers: seats and an umpire.")
@click.argument("scenario")
@click.option(
    "--seats",
    metavar="A,B,...",
    default=None,
    help="The actors people may hold (default: every actor with rules of its own).",
)
@seed_option("Seed of the batch the game's run belongs to.")
@game_run_option
@click.option(
    "--port",
    "-p",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on; the default lets only this computer in.",
)
@odds_option("Continuations per answer for the umpire's odds from here (0: none).")
@set_option
@scenario_path_option
def serve_command(  # long function: one command's options, checked and handed on
    scenario: str,
    seats: str | None,
    seed: int,
    run_index: int,
    port: int,
    host: str,
    odds_runs: int,
    assignments: tuple[str, ...],
) -> None:
    """Play SCENARIO at a table in web browsers: each seat on its own page (its own view
    only), the umpire on another (the truth, every seat, the odds from here of each
    answer, and pause, advance, rewind, branch and end).

    The game is run I of the batch with seed S, as in `wargame play`. The server
    prints one link per seat and one for the umpire, each with its own secret
    token: send each team its link. Seats nobody opens are played by the rules.
    The game starts when the umpire starts it (or when every seat is open and
    ready), and each turn goes on when every person has decided and is ready.
    Nothing is loaded from the network, so the table works offline. Stop the
    server with Ctrl-C. Needs the web extra: pip install "escalation-wargame[web]".

    \b
    Examples:
      wargame serve turkish-straits --seats turkey,russia
      wargame serve airspace-straying --seats poland,russia --seed 3 --port 8080
    """
    from sim.language.load import load_scenario
    from sim.story import play

    try:
        from sim.web.serve import serve
        from sim.web.table import WebTable
    except ImportError as missing:
        raise UserError(
            f"the web table needs {missing.name}: pip install the web extra ([web])"
        ) from None
    compiled = load_scenario(scenario, overrides(assignments), scenario_path())
    if seats is None:
        chosen = [a for a in compiled.actors if compiled.rules_of(a)]
    else:
        chosen = [seat.strip() for seat in seats.split(",")]
        if not all(chosen):
            raise UserError("--seats takes actor ids separated by commas")
    for seat in chosen:
        play.check_playable(compiled, seat)
    table = WebTable(compiled, chosen, seed, run_index, odds_runs)
    click.echo(f"The table for {compiled.spec.title}, run {run_index} of seed {seed}:")
    try:
        serve(table, host, port, click.echo)
    except OSError as error:
        raise UserError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    except KeyboardInterrupt:
        pass
    click.echo("The table is closed.", err=True)


COMMANDS = [serve_command]
