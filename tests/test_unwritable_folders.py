"""A results folder that cannot be written, at any of its files: a clean error naming the
path and the reason (exit 2), and a folder that resumes (or starts again) once it can be.

Tests run as root, who may write anywhere: a full disk and a refused permission are
simulated by making the write itself fail with the system's error."""

from __future__ import annotations

import errno
import importlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.engine.streams import BLOCK_SIZE
from sim.errors import PathError

ONE_RULE = str(Path(__file__).parent / "fixtures" / "one-rule.yaml")
RUNS = 2 * BLOCK_SIZE + 10
REASONS = {errno.ENOSPC: "no space left on device", errno.EACCES: "permission denied"}


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def batch(out: Path):
    return invoke("run", ONE_RULE, "--runs", RUNS, "--seed", 2, "--out", out, "--no-plots", "-q")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("whole") / "results"
    assert batch(out).exit_code == 0
    return out


def failing(code: int, after: int = 0):
    """A stand-in for a write that works `after` times, then fails as the system would."""
    calls = []

    def write(original):
        def wrapper(*args, **kwargs):
            calls.append(1)
            if len(calls) > after:
                raise OSError(code, os.strerror(code))
            return original(*args, **kwargs)

        return wrapper

    return write


# where the write fails: (object, attribute, successful calls before it fails)
WHERE = {
    "a block": ("sim.batch.sinks.np", "savez", 1),
    "runs.parquet": ("sim.batch.parquet.RunsWriter", "add", 1),
    "summary.json": ("sim.batch.sinks", "write_text", 0),
    "INCOMPLETE": ("sim.batch.folder", "write_text", 0),
    "scenario.yaml": ("sim.batch.folder", "write_text", 1),
}


def break_write(monkeypatch, where: str, code: int) -> None:
    target, name, after = WHERE[where]
    module_name, _, attribute = target.rpartition(".")
    owner = getattr(importlib.import_module(module_name), attribute)
    monkeypatch.setattr(owner, name, failing(code, after)(getattr(owner, name)))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
@pytest.mark.parametrize("where", list(WHERE))
def test_a_write_that_fails_is_a_clean_error_and_the_folder_recovers(
    tmp_path, monkeypatch, uninterrupted, where, code
):
    out = tmp_path / "results"
    break_write(monkeypatch, where, code)
    result = batch(out)
    assert result.exit_code == 2, result.output
    assert f"cannot write {out}" in result.output
    assert REASONS[code] in result.output
    monkeypatch.undo()
    if where in ("INCOMPLETE", "scenario.yaml"):
        # the start was taken back: the same command works once the folder can be written
        assert not out.exists()
        assert "--resume" not in result.output
        again = batch(out)
    else:
        assert (out / "INCOMPLETE").is_file()
        assert f"finish the batch with: wargame run --resume {out}" in result.output
        again = invoke("run", "--resume", out, "--no-plots", "-q")
    assert again.exit_code == 0, again.output
    for name in ("runs.parquet", "summary.json", "scenario.yaml"):
        assert (out / name).read_bytes() == (uninterrupted / name).read_bytes()
    assert not list(out.rglob("*.tmp"))


def test_a_dangling_link_as_the_folder_is_a_path_error(tmp_path):
    link = tmp_path / "results"
    link.symlink_to(tmp_path / "gone" / "elsewhere")
    result = batch(link)
    assert result.exit_code == 2
    assert f"cannot write {link}: it is a link to {tmp_path}/gone/elsewhere" in result.output
    assert "which does not exist" in result.output
    with pytest.raises(PathError):
        sim.run(sim.load_scenario(ONE_RULE), 10, out=link)


def test_a_file_where_the_folder_should_be_is_a_path_error(tmp_path):
    path = tmp_path / "results"
    path.write_text("mine")
    with pytest.raises(PathError) as raised:
        sim.run(sim.load_scenario(ONE_RULE), 10, out=path)
    assert raised.value.reason == "it is a file, not a folder"
    assert path.read_text() == "mine"
    assert batch(path).exit_code == 2  # click refuses a file for --out


def test_a_folder_that_cannot_be_listed_is_a_path_error(tmp_path, monkeypatch):
    out = tmp_path / "results"
    out.mkdir()
    (out / "x").write_text("")

    def refuse(self):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(Path, "iterdir", refuse)
    result = batch(out)
    assert result.exit_code == 2
    assert f"cannot write {out}: permission denied" in result.output
