"""A path the user named that cannot be written is a user error: exit status 2, one line
naming the path and the reason, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sim.cli import main
from sim.cli.errors import EXIT_USER_ERROR

FIXTURES = Path(__file__).parent / "fixtures"
SCENARIO = FIXTURES / "one-rule.yaml"
MISSING = Path("/nonexistent-wargame-folder")


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_path_error(result: Result, path: Path, reason: str) -> None:
    assert result.exit_code == EXIT_USER_ERROR, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == f"error: cannot write {path}: {reason}"


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two small results folders of the same scenario."""
    base = tmp_path_factory.mktemp("batches")
    made = []
    for seed in (1, 2):
        folder = base / f"seed{seed}"
        result = invoke("run", SCENARIO, "-n", 200, "-s", seed, "-o", folder, "--no-plots", "-q")
        assert result.exit_code == 0, result.output
        made.append(folder)
    return made


def test_schema_into_a_missing_folder():
    out = MISSING / "schema.json"
    assert_path_error(invoke("schema", "--out", out), out, "No such file or directory")


def test_trace_into_a_missing_folder():
    out = MISSING / "run.md"
    result = invoke("trace", SCENARIO, "--out", out)
    assert_path_error(result, out, "No such file or directory")


def test_compare_chart_into_a_missing_folder(folders: list[Path]):
    out = MISSING / "comparison.png"
    result = invoke("compare", *folders, "--out", out)
    assert_path_error(result, out, "No such file or directory")


def test_plot_into_a_folder_it_cannot_write(folders: list[Path], tmp_path: Path):
    folder = tmp_path / "blocked"
    folder.mkdir()
    for name in ("summary.json", "runs.parquet", "scenario.yaml"):
        (folder / name).write_bytes((folders[0] / name).read_bytes())
    (folder / "plots").write_text("a file where the charts' folder would go")
    result = invoke("plot", folder)
    assert_path_error(result, folder / "plots", "File exists")


def test_play_transcript_into_a_missing_folder():
    out = MISSING / "game.md"
    result = invoke("play", FIXTURES / "full-language.yaml", "--as", "red", "--transcript", out)
    assert_path_error(result, out, "no such folder")
