"""The package's shape: stages import only earlier stages, nothing imports in a circle,
modules stay small, and the types check.

Imports are read from the source with `ast`, including those inside functions and
under `if TYPE_CHECKING:`, since a cycle hidden in a function is still a cycle.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sim"

# The pipeline's stages, in the order they may import each other: a module may import
# its own stage and any stage before it, never one after it.
STAGES = [
    ("sim.version", "sim.errors", "sim.text"),
    ("sim.scenario",),
    ("sim.language",),
    ("sim.engine",),
    ("sim.results",),
    ("sim.batch",),
    ("sim.explore",),
    ("sim.calibration",),
    ("sim.exact_analysis",),
    ("sim.story",),
    ("sim.table",),
    ("sim.views",),
    ("sim.web",),
    ("sim.cli",),
]

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
LONG_MODULE_REASON = re.compile(r"^# long module: .+", re.MULTILINE)
LONG_FUNCTION_REASON = "# long function: "


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of the package that `name` imports, anywhere in its body."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in known else base)
    return {module for module in found if module in known and module != name}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def stage_of(module: str) -> int | None:
    for index, stage in enumerate(STAGES):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in stage):
            return index
    return None


def test_every_module_belongs_to_a_stage():
    orphans = [name for name in modules() if name != "sim" and stage_of(name) is None]
    assert orphans == [], f"add these modules to a stage in STAGES: {orphans}"


def test_stages_import_only_earlier_stages(graph):
    backwards = [
        f"{source} imports {target}"
        for source, targets in graph.items()
        if source != "sim"  # the public API: it names each stage's entry points
        for target in sorted(targets)
        if target != "sim" and (stage_of(target) or 0) > (stage_of(source) or 0)
    ]
    assert backwards == []


# Libraries that belong to one stage: the engine never draws, the views never step a
# model, and only the command line speaks click.
CONFINED = {
    "mesa": "sim.engine",
    "matplotlib": "sim.views",
    "click": "sim.cli",
    "starlette": "sim.web",
    "uvicorn": "sim.web",
    "jinja2": "sim.web",
}


def test_libraries_stay_in_their_stage():
    strays = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                imported = [node.module or ""]
            else:
                continue
            for module in imported:
                home = CONFINED.get(module.split(".")[0])
                if home and not (name == home or name.startswith(home + ".")):
                    strays.append(f"{name} imports {module}")
    assert strays == []


def test_no_import_cycles(graph):
    cycles = find_cycles(graph)
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_cycle_finder_finds_a_hidden_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_modules_are_small_or_say_why():
    long = [
        f"{path.relative_to(PACKAGE.parent)}: {lines} lines"
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
        and not LONG_MODULE_REASON.search(path.read_text(encoding="utf-8"))
    ]
    assert long == [], "split these modules, or say why not in a '# long module: ' comment"


def test_functions_are_short_or_say_why():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            body = lines[node.lineno - 1 : node.end_lineno]
            if len(body) > MAX_FUNCTION_LINES and not any(LONG_FUNCTION_REASON in b for b in body):
                long.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}")
    assert long == [], "shorten these functions, or say why not in a '# long function: ' comment"


@pytest.mark.slow
def test_types_check(tmp_path, monkeypatch):
    """mypy, with the configuration in pyproject.toml, finds nothing in the package."""
    from mypy import api

    monkeypatch.chdir(PACKAGE.parent)
    report, errors, status = api.run(["--cache-dir", str(tmp_path / "mypy-cache")])
    assert status == 0, report + errors
