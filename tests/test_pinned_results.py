"""Results pinned byte for byte: a refactoring must not change a single run.

Each case runs a scenario at a fixed seed over two blocks (the second one short) and
compares digests of the `runs.parquet` table and `summary.json` with the ones recorded here. The
summary's `command` line is left out of its digest, since it names the scenario by the
path it was loaded from, which depends on where the repository is checked out.

A change that is meant to change results (a fixed rule, a new column) updates these
digests in the same commit, and its message says why they moved.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import sim

FIXTURES = Path(__file__).parent / "fixtures"
RUNS = 32_768 + 1_000

PINNED = {
    "airspace-straying": (
        "5b5eedd7ca42c39e78e24005493c9e97e35f5b9a06561f4155b1356085e3bf7e",
        "a8a39ff0c7f5d17efb94e29f2030b3ca52ff857d593e82c2b464cbccbf8378fd",
    ),
    "fog-full": (
        "8ea734453868e06aefd17ae152b4401121ec34fb53414b7a2a6969a6bb32bc29",
        "49f0c80b72465387b5a3e76a7bd8ead35976fd8373321a62105cd1246eaadbd2",
    ),
    "full-language": (
        "5a668184abd29b20a0270a3a01fbad4b7921ec1058c518482093f9e490c20c9f",
        "4472ac99cae30ae44034ebe8eccafc41ee3813995b24906b77a5f37e1674baf8",
    ),
    "one-rule": (
        "8540e6ea87dc6b23917e9b785656326924e973705231b6f23c084d5b0364caf0",
        "1ff3ccb6e044b275257aa4abdc7cc5ca9eb2fd651a07240d3d850f4427d7833a",
    ),
    "turkish-straits": (
        "4a5c3c127403417c52ff0e1969f8722953fbec162d2bc6de27893d01a7afafa6",
        "0489853f64c8e9cad813038459465ad7026ec2db13d616ba36102fb80f0d2674",
    ),
    "two-step": (
        "00c76ddcd83534374fffa65d6e80bef0fbd03b3c5aaa69f02d8a5f9140c58df2",
        "694481b251c5ee66b04868c6165432ff0908f052fade1543c809bced0418194b",
    ),
}


def scenario_path(name: str) -> str | Path:
    fixture = FIXTURES / f"{name}.yaml"
    return fixture if fixture.exists() else name


def table_digest(path: Path) -> str:
    """Digest of a Parquet table's schema and values, not of the file's bytes, which
    also record the writing library's version."""
    table = pq.read_table(path)
    digest = hashlib.sha256(str(table.schema.remove_metadata()).encode())
    for column in table.columns:
        values = column.to_numpy(zero_copy_only=False)
        digest.update(values.tobytes() if values.dtype != object else repr(list(values)).encode())
    return digest.hexdigest()


def digests(folder: Path) -> tuple[str, str]:
    runs = table_digest(folder / "runs.parquet")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    summary.pop("command")
    text = json.dumps(summary, sort_keys=True, ensure_ascii=False)
    return runs, hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("name", sorted(PINNED))
def test_results_are_pinned(tmp_path, name):
    scenario = sim.load_scenario(scenario_path(name))
    sim.run(scenario, RUNS, seed=2024, out=tmp_path / "results")
    assert digests(tmp_path / "results") == PINNED[name]
