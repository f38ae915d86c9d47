"""Files at paths the user named: a path that cannot be written is the user's mistake.

An `OSError` there (no such folder, permission denied, a read-only disk) becomes a
`PathError` naming the path and the system's reason: one line, exit status 2.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.errors import PathError


@contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Writing to `path`, which the user named: an `OSError` becomes a `PathError` naming
    it, or naming the file inside it that could not be written when `path` is a folder."""
    try:
        yield
    except OSError as error:
        failed = Path(error.filename) if isinstance(error.filename, str) else None
        named = failed if failed is not None and failed.is_relative_to(path) else path
        raise PathError(named, reason(error)) from None


def reason(error: OSError) -> str:
    """Why the system refused, as it says it: "No such file or directory"."""
    if error.strerror:
        return error.strerror
    return os.strerror(error.errno) if error.errno else str(error)


def write_text(path: Path, text: str) -> None:
    """Write `text` to the file the user named, or fail with a one-line `PathError`."""
    with writing(path):
        path.write_text(text, encoding="utf-8")
