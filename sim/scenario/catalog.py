"""Bundled scenarios: found by name from a source checkout, an editable install or a wheel.

A bundled scenario is a file directly in the folder; `base/` holds partial bases that
scenarios extend by name (`extends: nato-eastern-flank`); `examples/` holds models of
other projects translated into this language, named like the scenarios
(`wargame run swarm-escalation-sandbox`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

_PACKAGE = Path(__file__).resolve().parents[1]  # the `sim` package


def bundled_dir() -> Path:
    """Where bundled scenarios live: inside the package in a wheel, beside it in a checkout."""
    installed = _PACKAGE / "scenarios"
    return installed if installed.is_dir() else _PACKAGE.parent / "scenarios"


@dataclass(frozen=True)
class Entry:
    name: str
    path: Path
    title: str
    description: str


def bundled() -> list[Entry]:
    """Every bundled scenario (files directly in the folder; `base/` holds partial bases)."""
    return _entries(bundled_dir())


def examples_dir() -> Path:
    """Where the bundled examples live: other projects' models written in this language."""
    return bundled_dir() / "examples"


def examples() -> list[Entry]:
    """Every bundled example, by name."""
    return _entries(examples_dir())


def _entries(folder: Path) -> list[Entry]:
    entries = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            data = {}
        data = data if isinstance(data, dict) else {}
        entries.append(
            Entry(
                name=path.stem,
                path=path,
                title=str(data.get("title", "")),
                description=" ".join(str(data.get("description", "")).split()),
            )
        )
    return entries


def bundled_names() -> list[str]:
    """Names `extends` and the commands accept: the bundled scenarios and their bases."""
    bases = sorted(path.stem for path in (bundled_dir() / "base").glob("*.yaml"))
    return [entry.name for entry in bundled()] + [entry.name for entry in examples()] + bases
