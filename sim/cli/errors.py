"""How the user's mistakes reach the terminal: a message and exit status 2.

Every error a user can cause is a `sim.errors.WargameError`; `user_errors` turns
any of them into its `format()` here, in one place, so no command maps error
classes of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import click

from sim.errors import WargameError

EXIT_USER_ERROR = 2


class UserError(click.ClickException):
    """A mistake in the input (scenario, option, folder): reported without a traceback."""

    exit_code = EXIT_USER_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(click.style("error: ", fg="red", bold=True) + self.format_message(), err=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Re-raise any `WargameError` as a `UserError` carrying its `format()`."""
    try:
        yield
    except WargameError as error:
        raise UserError(error.format()) from None
