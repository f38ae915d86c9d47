"""Errors a user can cause, each carrying where it happened and what would be right.

Tracebacks are for the program's own bugs; everything here is turned by the
CLI into a short message and exit status 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MAX_SHOWN_PROBLEMS = 12


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
        lines = [head + self.message]
        excerpt = self._excerpt() if show_source else None
        if excerpt:
            lines.extend(excerpt)
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def _excerpt(self) -> list[str] | None:
        """The offending source line with a caret under the column, when the file is readable."""
        if not self.file or self.line is None:
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


class ScenarioError(Exception):
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


class SimulationError(Exception):
    """A scenario that loaded but did something impossible while running."""


class ResultsError(Exception):
    """A results folder that cannot be read: missing, incomplete or damaged."""


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest valid candidate, or listing a few if none is close."""
    candidates = sorted(set(candidates))
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    if not candidates:
        return None
    if len(candidates) <= 8:
        return "valid: " + ", ".join(repr(c) for c in candidates)
    return None
