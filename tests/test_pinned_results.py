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
        "8f18b76a9ff0ddf28e315056ff354a2266a644455295e377e9a8eaffd0e04df5",
        "e41dc8eef7e55b5dab305e32a8db1341885770bf53299db8feab9f4be30e8e04",
    ),
    "full-language": (
        "5a668184abd29b20a0270a3a01fbad4b7921ec1058c518482093f9e490c20c9f",
        "c32a22d7125d8388d91823d8899ec74d18d6e53a7180e0b5cb9eaf0f7dc99220",
    ),
    "one-rule": (
        "8540e6ea87dc6b23917e9b785656326924e973705231b6f23c084d5b0364caf0",
        "8c600f5eb7f1d895d48a89807a1dc9901fb8d7894d6f8ee4ffb20d25c804c30e",
    ),
    "turkish-straits": (
        "b53464e7ba60a7b7b6e5c29facb9b967d31429fe5fe368ea845cefb4414157bc",
        "dee7cc0ad6dac6d02e79f47e62e42f2b213c5bbc75ce69cd4c4f26a2fcd852b2",
    ),
    "two-step": (
        "00c76ddcd83534374fffa65d6e80bef0fbd03b3c5aaa69f02d8a5f9140c58df2",
        "2e8bc96d453017fa62f37343b2da84ed877223cd3ca25d7d8e783b4ff6e26b31",
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
