"""Where scenario files may be read from, and which file a reference names.

The scenario a user names (on the command line or to `load_scenario`) is read where
it is. What it `extends` is read only from trusted folders: the folder tree of that
scenario, the bundled scenarios, and folders the user names (`--scenario-path DIR`
or the `WARGAME_PATH` variable), and only from `.yaml`/`.yml` files, so a scenario
cannot make the program read, and quote in an error, any other file on the disk.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sim.errors import Problem, ScenarioError, did_you_mean
from sim.scenario.catalog import bundled_dir, bundled_names, examples_dir
from sim.scenario.yaml_reader import SCENARIO_SUFFIXES, Located

ENVIRONMENT_VARIABLE = "WARGAME_PATH"
SUFFIXES = SCENARIO_SUFFIXES
_HINT_FOLDER = (
    "move the file into the scenario's folder, or name its folder with "
    f"--scenario-path DIR (or in {ENVIRONMENT_VARIABLE})"
)


@dataclass(frozen=True)
class ScenarioPlaces:
    """The folders the user named, searched after a scenario's own folder."""

    named: tuple[Path, ...] = ()

    @classmethod
    def named_by_user(cls, folders: Iterable[str | Path] | None = None) -> ScenarioPlaces:
        """`folders` (e.g. from --scenario-path), then those listed in WARGAME_PATH."""
        listed = [*(folders or ()), *os.environ.get(ENVIRONMENT_VARIABLE, "").split(os.pathsep)]
        return cls(tuple(Path(str(f)).expanduser() for f in listed if str(f)))

    def scenario(self, reference: str | Path) -> Path:
        """The file a user's reference names: a path, a file in a named folder, or a
        bundled scenario's name."""
        text = str(reference)
        candidates = [Path(text), *(f / text for f in self.named)]
        candidates += [c.with_name(c.name + ".yaml") for c in candidates if not c.suffix]
        for candidate in candidates:
            if _is_file(candidate, text, None):
                return candidate
        bundled = self._bundled(text)
        if bundled is not None:
            return bundled
        if _is_dir(Path(text)):
            raise _error(f"{_shown(text)} is a folder, not a scenario file", None)
        names = bundled_names()
        hint = did_you_mean(_stem(text), names) or (
            "bundled scenarios: " + ", ".join(names) if names else None
        )
        raise _error(f"no scenario file or bundled scenario named {_shown(text)}", None, hint)

    def extended(self, reference: str, by: Path, top: Path, where: Located) -> Path:
        """The real path of the file that `by` extends, refused outside the trusted folders.

        `top` is the scenario the user named: its folder tree is trusted. A candidate
        outside every trusted folder is never looked at, so whether it exists cannot
        change the error either.
        """
        trusted = self._trusted(top)
        outside = False
        for candidate in self._candidates(reference, by):
            real = _real(candidate, reference, where)
            if not any(real.is_relative_to(folder) for folder in trusted):
                outside = True
            elif _is_file(real, reference, where):
                if real.suffix.lower() not in SUFFIXES:
                    raise _error(
                        f"`extends` reads only .yaml or .yml files; {_shown(reference)} is not one",
                        where,
                    )
                return real
        if outside:
            folders = ", ".join(str(f) for f in trusted)
            raise _error(
                f"`extends: {_shown(reference)}` is outside the folders a scenario may read "
                f"({folders})",
                where,
                _HINT_FOLDER,
            )
        names = bundled_names()
        hint = did_you_mean(_stem(reference), names) or _HINT_FOLDER
        raise _error(
            f"no scenario file or bundled scenario named {_shown(reference)} "
            f"(looked beside {by.name}{', in the named folders' if self.named else ''} "
            "and among the bundled scenarios)",
            where,
            hint,
        )

    def _candidates(self, reference: str, by: Path) -> list[Path]:
        if Path(reference).is_absolute():
            paths = [Path(reference)]
        else:
            folders = [by.parent, *self.named, bundled_dir(), bundled_dir() / "base"]
            paths = [folder / reference for folder in folders]
        return paths + [p.with_name(p.name + ".yaml") for p in paths if not p.suffix]

    def _trusted(self, top: Path) -> list[Path]:
        folders = [top.parent, bundled_dir(), *self.named]
        trusted: list[Path] = []
        for folder in folders:
            try:
                real = folder.resolve()
            except (OSError, RuntimeError):
                continue
            if real not in trusted:
                trusted.append(real)
        try:
            real_top = top.resolve().parent  # a scenario named through a symlink
        except (OSError, RuntimeError):
            return trusted
        return trusted if real_top in trusted else [*trusted, real_top]

    def _bundled(self, reference: str) -> Path | None:
        name = _stem(reference)
        if "/" in name or "\\" in name or not name or name.startswith("."):
            return None
        for folder in (bundled_dir(), examples_dir(), bundled_dir() / "base"):
            path = folder / f"{name}.yaml"
            if _is_file(path, reference, None):
                return path
        return None


def _shown(reference: str) -> str:
    """A reference as quoted in a message: a very long one is shortened."""
    if len(reference) <= 80:
        return repr(reference)
    return repr(reference[:60]) + f"... ({len(reference):,} characters)"


def _stem(reference: str) -> str:
    return reference.removesuffix(".yaml").removesuffix(".yml")


def _real(path: Path, reference: str, where: Located | None) -> Path:
    try:
        return path.resolve()
    except RuntimeError:  # a symlink loop (Python 3.11 raises RuntimeError)
        raise _error(f"{_shown(reference)} is a symbolic link that loops", where) from None
    except OSError as error:
        raise _error(f"cannot use {_shown(reference)}: {_reason(error)}", where) from None


def _is_file(path: Path, reference: str, where: Located | None) -> bool:
    """Whether `path` is a file; a name the file system refuses is a clean error."""
    try:
        return path.is_file()
    except OSError as error:
        raise _error(f"cannot use {_shown(reference)}: {_reason(error)}", where) from None


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _reason(error: OSError) -> str:
    if error.errno == errno.ENAMETOOLONG:
        return "the name is too long for the file system"
    return error.strerror or str(error)


def _error(message: str, where: Located | None, hint: str | None = None) -> ScenarioError:
    if where is None:
        return ScenarioError([Problem(message, hint=hint)])
    return ScenarioError(
        [Problem(message, file=where.file, line=where.line, column=where.column, hint=hint)]
    )
