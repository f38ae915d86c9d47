"""Errors a user can cause, each carrying where it happened and what would be right.

Every such error is a `WargameError`: tracebacks are for the program's own bugs, and
the CLI turns a `WargameError` into its `format()` and exit status 2, in one place.
Each stage raises its own subclass (a backend that cannot be used, a trace target
that names nothing, a choice a player cannot make) and keeps its data as attributes,
so no caller parses a message back.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sim.text import printable

MAX_SHOWN_PROBLEMS = 12
_QUOTABLE: set[str] = set()  # files read as scenarios: the only ones an error may quote


def allow_quoting(file: str) -> None:
    """Let errors quote lines of `file`: it was read as a scenario (see `Problem._excerpt`)."""
    _QUOTABLE.add(file)


@dataclass(frozen=True)
class Problem:
    """One mistake in a scenario: where (file, line, column, key path), what, and a hint."""

    message: str
    file: str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    path: str = ""  # e.g. "rules[3].when"
    hint: str | None = None

    def location(self) -> str:
        if self.file is None:
            return ""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self, show_source: bool = True) -> str:
        location = self.location()
        head = f"{location}: " if location else ""
        if self.path:
            head += f"{self.path}: "
        lines = [printable(head + self.message)]
        excerpt = self._excerpt() if show_source else None
        if excerpt:
            lines.extend(excerpt)
        if self.hint:
            lines.append(printable(f"  hint: {self.hint}"))
        return "\n".join(lines)

    def _excerpt(self) -> list[str] | None:
        """The offending source line with a caret under the column, when the file is readable
        and was read as a scenario (never a line of any other file a path may name)."""
        if not self.file or self.line is None or self.file not in _QUOTABLE:
            return None
        try:
            text = Path(self.file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        if not 0 < self.line <= len(text):
            return None
        source = text[self.line - 1].rstrip()
        if len(source) > 120:
            return None
        out = [f"  {self.line:>4} | {source}"]
        if self.column is not None and 0 < self.column <= len(source) + 1:
            out.append("       | " + " " * (self.column - 1) + "^")
        return out


class WargameError(Exception):
    """Base of every error a user can cause; `format()` is what the user reads."""

    def format(self) -> str:
        return str(self)


class ScenarioError(WargameError):
    """Everything wrong with a scenario, collected rather than stopping at the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.format())

    def format(self) -> str:
        shown = self.problems[:MAX_SHOWN_PROBLEMS]
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun} in the scenario:"] if count > 1 else []
        lines.extend(p.format() for p in shown)
        if count > len(shown):
            lines.append(f"... and {count - len(shown)} more")
        return "\n".join(lines)


class SimulationError(WargameError):
    """A scenario that loaded but did something impossible while running."""

    def format(self) -> str:
        return f"the scenario failed while running: {self}"


class ResultsError(WargameError):
    """A results folder that cannot be read: missing, incomplete or damaged."""


class PathError(WargameError):
    """A path the user named that cannot be read or written: its path and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot write {self.path}: {reason}")


MAX_LISTED_CHOICES = 8  # a suggestion lists the valid names when there are at most this many


@dataclass(frozen=True)
class Suggestion:
    """What would be right instead of a name: the closest valid one, or a few to choose from."""

    closest: str | None
    valid: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.closest is not None:
            return f"did you mean {self.closest!r}?"
        return "valid: " + ", ".join(repr(c) for c in self.valid)


def suggest(name: str, candidates: Iterable[str]) -> Suggestion | None:
    """The closest valid candidate, or the list of them when it is short and none is close."""
    ordered = sorted(set(candidates))
    close = difflib.get_close_matches(name, ordered, n=1, cutoff=0.6)
    if close:
        return Suggestion(close[0])
    if ordered and len(ordered) <= MAX_LISTED_CHOICES:
        return Suggestion(None, tuple(ordered))
    return None


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """`suggest` as the text of a hint, or None when there is nothing to suggest."""
    suggestion = suggest(name, candidates)
    return None if suggestion is None else str(suggestion)
