"""Bundled scenarios: found by name from a source checkout, an editable install or a wheel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from sim.errors import Problem, ScenarioError, did_you_mean

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
    entries = []
    for path in sorted(bundled_dir().glob("*.yaml")):
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


def resolve(reference: str | Path, relative_to: Path | None = None) -> Path:
    """A scenario path from a path or a bundled scenario's name."""
    reference = str(reference)
    candidates = [Path(reference)]
    if relative_to is not None:
        candidates.insert(0, relative_to.parent / reference)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    name = reference.removesuffix(".yaml").removesuffix(".yml")
    bundled_path = bundled_dir() / f"{name}.yaml"
    if "/" not in name and bundled_path.is_file():
        return bundled_path
    names = [e.name for e in bundled()]
    hint = did_you_mean(name, names) or (
        "bundled scenarios: " + ", ".join(names) if names else None
    )
    where = f" (looked beside {relative_to})" if relative_to is not None else ""
    raise ScenarioError(
        [Problem(f"no scenario file or bundled scenario named {reference!r}{where}", hint=hint)]
    )
