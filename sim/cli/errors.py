"""How the user's mistakes reach the terminal: a message and exit status 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from sim.errors import ResultsError, ScenarioError, SimulationError, WargameError

EXIT_USER_ERROR = 2


class UserError(click.ClickException):
    """A mistake in the input (scenario, option, folder): reported without a traceback."""

    exit_code = EXIT_USER_ERROR

    def show(self, file=None) -> None:
        click.echo(click.style("error: ", fg="red", bold=True) + self.format_message(), err=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Re-raise the program's known user-facing errors as `UserError`."""
    try:
        yield
    except ScenarioError as error:
        raise UserError(error.format()) from None
    except SimulationError as error:
        raise UserError(f"the scenario failed while running: {error}") from None
    except ResultsError as error:
        raise UserError(str(error)) from None
    except WargameError as error:
        raise UserError(error.format()) from None
