"""Bundled scenarios are found by name from a built wheel, not only from a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("*.whl")
    return path


def test_the_wheel_carries_the_bundled_scenarios(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    bundled = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
    assert bundled
    for name in bundled:
        assert f"sim/scenarios/{name}" in names
    assert (
        any(n.startswith("sim/scenarios/base/") for n in names)
        == (ROOT / "scenarios/base").is_dir()
    )
    assert not any(n.startswith("tests/") for n in names)


def test_scenarios_resolve_by_name_from_the_unpacked_wheel(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path)
    name = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))[0]
    code = (
        "import sim, sys; from sim.cli import main; "
        f"assert sim.__file__.startswith({str(tmp_path)!r}), sim.__file__; "
        f"main(['validate', {name!r}])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert f"ok  {name}" in result.stdout
