"""Killing the parent of a `--workers N` run outright leaves no worker process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FULL = str(Path(__file__).parent / "fixtures" / "full-language.yaml")
WARGAME = [sys.executable, "-c", "from sim.cli import main; main()"]
DEADLINE = 10.0  # seconds for the workers to notice (they poll every half second)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def children(pid: int) -> set[int]:
    """Live descendants of `pid`, read from /proc (zombies count as gone)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (ProcessLookupError, FileNotFoundError):
        return False
    return state != "Z"


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_killing_the_parent_of_a_workers_run_leaves_no_worker(tmp_path, backend):
    if backend == "dask":
        pytest.importorskip("distributed")
    out = tmp_path / "results"
    args = ["run", FULL, "--runs", "3000000", "--workers", "2", "--out", str(out)]
    args += ["--backend", backend]
    parent = subprocess.Popen(
        [*WARGAME, *args, "--no-plots", "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        # mid-batch: both workers started and at least one block saved
        while time.monotonic() < deadline and parent.poll() is None:
            workers = children(parent.pid)
            if len(workers) >= 2 and list((out / "blocks").glob("*.npz")):
                break
            time.sleep(0.2)
        assert parent.poll() is None, "the batch ended before it could be killed"
        assert len(workers) >= 2, workers
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline and any(alive(pid) for pid in workers):
            time.sleep(0.1)
        survivors = [pid for pid in workers if alive(pid)]
        assert not survivors, f"worker processes outlived their parent: {survivors}"
    finally:  # whatever happened, leave nothing running
        if parent.poll() is None:
            workers |= children(parent.pid)
            parent.kill()
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
