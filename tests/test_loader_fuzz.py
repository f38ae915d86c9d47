"""Fuzzing the loader and a short run: any mutation of a bundled scenario or fixture, at
the level of its structure, its expressions or its YAML text, loads and runs, or fails
with a clean `WargameError`; never another exception, within bounded time and memory.

The default example counts keep the suite quick. To run it long, set
`WARGAME_FUZZ_EXAMPLES` (examples per test, e.g. 4000) and, to get the counts of
what happened by kind, `WARGAME_FUZZ_REPORT` (a JSON file written at the end):

    WARGAME_FUZZ_EXAMPLES=4000 WARGAME_FUZZ_REPORT=fuzz.json pytest tests/test_loader_fuzz.py
"""

from __future__ import annotations

import collections
import contextlib
import copy
import json
import os
import re
import resource
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.errors import ScenarioError, SimulationError, WargameError
from sim.scenario.extends import load_source

ROOT = Path(__file__).parent.parent
SOURCES = sorted([*(ROOT / "scenarios").rglob("*.yaml"), *(ROOT / "tests/fixtures").glob("*.yaml")])
EXAMPLES = int(os.environ.get("WARGAME_FUZZ_EXAMPLES", "0")) or None
# A hard alarm on the CPU time an example spends (not the wall clock, which a busy shared
# machine stretches many times over): an example that computes longer is a hang.
SECONDS_PER_EXAMPLE = 30
EXTRA_MEMORY = 3 * 2**30  # address space an example may add to what the process has
RUNS = 16  # runs of a short batch after a load that succeeds
OUTCOMES: collections.Counter[str] = collections.Counter()
# Set to a folder: a failure is counted and its scenario kept there, and fuzzing goes on
# (for a long run that reports every failure rather than stopping at the first).
KEEP_FAILURES = os.environ.get("WARGAME_FUZZ_KEEP_FAILURES")


def _merged(path: Path) -> dict[str, object]:
    """A scenario with its `extends` merged in, as plain data that stands alone."""
    return load_source(path).data


BASES = [_merged(path) for path in SOURCES]
TEXTS = [yaml.safe_dump(data, sort_keys=False, allow_unicode=True) for data in BASES]


def _paths(node: object, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


PATHS = [[p for p in _paths(base) if p] for base in BASES]
TEXT_KEYS = {"id", "name", "title", "description", "narration", "label", "actor", "extends"}


def _value(data: object, path: tuple) -> object:
    for key in path:
        data = data[key]  # type: ignore[index]
    return data


EXPRESSION_PATHS = [
    [p for p in paths if isinstance(_value(base, p), str) and p[-1] not in TEXT_KEYS]
    for base, paths in zip(BASES, PATHS, strict=True)
]


# The kinds of trouble issue 12 lists, written as values a mutation may put anywhere.
NASTY_VALUES = [
    "(((10**8)**8)**8)**8 > 0",
    "((((10**8)**8)**8)**8)**8",
    "2**-1",
    "round(1e308 * 10)",
    "round(p * 1e308 * 10)",
    "turn % 0",
    "turn // (turn - turn)",
    "1 / 0",
    "x in [1]",
    "level in [1, 2]",
    "1e308 * 10",
    "(1e308 * 10) - (1e308 * 10)",
    "'1'",
    "$x^$",
    "\x1b[31mred\x1b[0m",
    "\x07\x00",
    float("nan"),
    float("inf"),
    -float("inf"),
    10**30,
    -(10**30),
    b"bytes",
    {"distribution": "beta", "a": 1, "b": 1e-300},
    {"distribution": "beta", "a": float("nan"), "b": 1},
    {"distribution": "truncnormal", "mean": 0.5, "sd": 0, "low": 0, "high": 1},
    {"distribution": "truncnormal", "mean": 0.5, "sd": 1e-320, "low": 1, "high": 1},
    {"distribution": "uniform", "low": 0.2, "high": 0.2},
    {"distribution": "uniform", "low": 0, "high": float("inf")},
    {"distribution": "choice", "values": [1, 2], "weights": [1e308, 1e308]},
    {"distribution": "bernoulli", "p": float("nan")},
]
JUNK = st.one_of(
    st.sampled_from(NASTY_VALUES),
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
)

# Pieces an expression may gain: operators, numbers, names, powers, brackets, calls.
EXPRESSION_PIECES = [
    " + ", " - ", " * ", " / ", " // ", " % ", " ** ", "**8", "**-1", " and ", " or ", "not ",
    " == ", " < ", " >= ", " in [1]", " if turn else ", "(", ")", "[", "]", "'", "0", "1e308",
    "99999999999999999999", "-1", "0.5", "turn", "level", "x", "p", "round(", "max(", "clip(",
    "abs(", ",", ".", "red.", "'war'", "'calm'", " is ", "lambda: ", "__class__",
]  # fmt: skip

# Pieces the YAML text may gain: tags, anchors, aliases, huge numbers, control characters.
TEXT_PIECES = [
    "!!float ten", "!!bool maybe", "!!int x", "!!binary aGk=", "!!set {a}", "!!omap [a: 1]",
    "!!timestamp 2020-99-99", "!!python/object:os.system x", "&a ", "*a", "*b", "<<: *a",
    "9" * 5000, "1e999", ".nan", ".inf", "-.inf", "'$x^$'", "\x1b[2J", "\x00", "\t", "\n",
    "\n  ", ": ", "- ", "{", "}", "[", "]", "#", '"', "'", "---\n", "...\n", "? ", "|\n",
    "\ufeff", "\u202e", "extends: x\n",
]  # fmt: skip


def _mutate_structure(base: dict, path: tuple, action: str, junk: object) -> dict:
    """Delete, duplicate, retype or add beside the value at `path`."""
    data = copy.deepcopy(base)
    parent = _value(data, path[:-1])
    last = path[-1]
    if action == "delete":
        del parent[last]  # type: ignore[index, attr-defined]
    elif action == "retype":
        parent[last] = junk  # type: ignore[index]
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(last, copy.deepcopy(parent[last]))
    elif action == "duplicate" and isinstance(parent, dict):
        parent[f"{last}-copy"] = copy.deepcopy(parent[last])
    elif isinstance(parent, dict):
        parent[f"{last}x" if isinstance(last, str) else "extra"] = junk
    elif isinstance(parent, list):
        parent.append(junk)
    return data


def _dump(data: object) -> str:
    """YAML text of mutated data; bytes and other odd values become YAML tags."""
    return yaml.dump(data, sort_keys=False, allow_unicode=True, Dumper=yaml.Dumper)


def _edit(text: str, position: int, cut: int, piece: str) -> str:
    at = position % (len(text) + 1)
    return text[:at] + piece + text[at + cut :]


def _expression_text(source: str, edits: list[tuple[int, int, str]]) -> str:
    for position, cut, piece in edits:
        source = _edit(source, position, cut, piece)
    return source


@contextlib.contextmanager
def _bounded() -> Iterator[None]:
    """A hard alarm on CPU time and a cap on the address space for one example."""

    def alarm(signum: int, frame: object) -> None:
        raise TimeoutError(f"an example computed for more than {SECONDS_PER_EXAMPLE} s")

    previous = signal.signal(signal.SIGPROF, alarm)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    in_use = _address_space()
    if in_use:
        resource.setrlimit(resource.RLIMIT_AS, (in_use + EXTRA_MEMORY, hard))
    signal.setitimer(signal.ITIMER_PROF, SECONDS_PER_EXAMPLE)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int:
    """The process's virtual memory now, in bytes (0 where /proc is not there)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    found = re.search(r"VmSize:\s+(\d+) kB", status)
    return int(found.group(1)) * 1024 if found else 0


def check(directory: Path, text: str, level: str) -> None:
    """Load `text` as a scenario and run a short batch; only a WargameError may stop it."""
    path = directory / "scenario.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    started = time.process_time()
    with _bounded():
        try:
            scenario = sim.load_scenario(path)
            sim.run(scenario, RUNS, seed=0)
        except ScenarioError as error:
            assert error.format().strip()
            _count(f"{level}: scenario error: {_kind(error.problems[0].message)}")
            return
        except SimulationError as error:
            assert error.format().strip()
            _count(f"{level}: run error")
            return
        except WargameError as error:
            assert error.format().strip()
            _count(f"{level}: other clean error: {type(error).__name__}")
            return
        except Exception as error:
            if not KEEP_FAILURES:
                raise
            _keep(text, level, error)
            return
        finally:
            assert time.process_time() - started < SECONDS_PER_EXAMPLE
    _count(f"{level}: valid run")


def _count(key: str) -> None:
    """Count one example's outcome; every 50, write the counts so far (a long run that is
    stopped early still reports what it did)."""
    OUTCOMES[key] += 1
    if sum(OUTCOMES.values()) % 50 == 0:
        _write_report()


def _keep(text: str, level: str, error: Exception) -> None:
    """Count a failure by its exception and keep the scenario that caused it."""
    assert KEEP_FAILURES
    kind = f"{type(error).__name__}: {_kind(str(error))}"
    _count(f"{level}: FAILURE {kind}")
    folder = Path(KEEP_FAILURES)
    folder.mkdir(parents=True, exist_ok=True)
    number = sum(1 for _ in folder.glob("*.yaml"))
    (folder / f"{number:05d}.yaml").write_text(
        f"# {level}: {kind}\n{text}", encoding="utf-8", errors="surrogatepass"
    )


def _kind(message: str) -> str:
    """A message with its particulars (quoted names, numbers, code) taken out."""
    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\S*\d\S*", "_", message)
    return " ".join(text.split())[:70]


def _settings(default: int) -> settings:
    return settings(
        max_examples=EXAMPLES or default,
        deadline=None,  # the hard alarm bounds time; a shared machine makes deadlines flaky
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


SOURCE_INDEX = st.integers(0, len(BASES) - 1)


@_settings(60)
@given(
    data=st.data(),
    source=SOURCE_INDEX,
    action=st.sampled_from(["delete", "duplicate", "retype", "add"]),
    junk=JUNK,
)
def test_structure_mutations_load_or_fail_cleanly(tmp_path, data, source, action, junk):
    path = data.draw(st.sampled_from(PATHS[source]))
    check(tmp_path, _dump(_mutate_structure(BASES[source], path, action, junk)), "structure")


EDITS = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 3), st.sampled_from(EXPRESSION_PIECES)),
    min_size=1,
    max_size=4,
)


@_settings(60)
@given(data=st.data(), source=SOURCE_INDEX, edits=EDITS, nasty=st.booleans())
def test_expression_mutations_load_or_fail_cleanly(tmp_path, data, source, edits, nasty):
    path = data.draw(st.sampled_from(EXPRESSION_PATHS[source]))
    mutated = copy.deepcopy(BASES[source])
    parent = _value(mutated, path[:-1])
    if nasty:
        parent[path[-1]] = data.draw(
            st.sampled_from([v for v in NASTY_VALUES if isinstance(v, str)])
        )
    else:
        parent[path[-1]] = _expression_text(parent[path[-1]], edits)
    check(tmp_path, _dump(mutated), "expression")


TEXT_EDITS = st.lists(
    st.tuples(
        st.integers(0, 20_000),
        st.integers(0, 4),
        st.one_of(st.sampled_from(TEXT_PIECES), st.text(max_size=3)),
    ),
    min_size=1,
    max_size=4,
)


@_settings(60)
@given(source=SOURCE_INDEX, edits=TEXT_EDITS)
def test_text_mutations_load_or_fail_cleanly(tmp_path, source, edits):
    text = TEXTS[source]
    for position, cut, piece in edits:
        text = _edit(text, position, cut, piece)
    check(tmp_path, text, "text")


@_settings(30)
@given(st.text(max_size=200))
def test_arbitrary_text_loads_or_fails_cleanly(tmp_path_factory, text):
    check(tmp_path_factory.mktemp("fuzz"), text, "arbitrary text")


def test_alias_bomb_is_refused(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    with pytest.raises(ScenarioError, match="expands to more than"):
        sim.load_scenario(_write(tmp_path, bomb))


def _write(directory: Path, text: str) -> Path:
    path = directory / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    """Write the counts by kind at the end too."""
    yield
    _write_report()


def _write_report() -> None:
    """The counts by kind, with their total, when WARGAME_FUZZ_REPORT names a file."""
    target = os.environ.get("WARGAME_FUZZ_REPORT")
    if target:
        counts = dict(sorted(OUTCOMES.items(), key=lambda item: -item[1]))
        report = {"examples": sum(OUTCOMES.values()), "by kind": counts}
        Path(target).write_text(json.dumps(report, indent=2) + "\n")
