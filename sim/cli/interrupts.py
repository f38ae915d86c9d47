"""Stopping a batch or a sweep midway: Ctrl-C or a TERM signal leaves a resumable folder."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import IO, Any

import click

from sim.cli.errors import UserError


class Interrupted(UserError):
    """Ctrl-C (or a TERM signal) during a batch: what is saved, and how to finish it."""

    exit_code = 130  # the shell's code for a process stopped by SIGINT

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True)


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while a batch runs, so `kill` also leaves a resumable folder."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
