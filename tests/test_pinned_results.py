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
        "8d1f74f4a2c14e8d2c29ddf72a01c11cb0fb71d816492a54bf88d9e4567a8de5",
        "00276c0169158aadc95c8159fd56e0c0095ed3fb07bc2b99544735ff45142e25",
    ),
    "full-language": (
        "5a668184abd29b20a0270a3a01fbad4b7921ec1058c518482093f9e490c20c9f",
        "13366a1b12cf8d8586f9958f7d1553ed9c295bf955a6a1353867de2b5d92819c",
    ),
    "one-rule": (
        "8540e6ea87dc6b23917e9b785656326924e973705231b6f23c084d5b0364caf0",
        "f345efc537ba183e31ce5cfa544ac0d00b7fb091dd08bd1005b56df9e657f381",
    ),
    "turkish-straits": (
        "3097d6f15efa1eda35fc4024d52496f37acc21683f3554143e7702d607b6752c",
        "8ea11b086043cb456315afbe1fa32eaed27ff89100b55cc42d23c332ce70f4b0",
    ),
    "two-step": (
        "00c76ddcd83534374fffa65d6e80bef0fbd03b3c5aaa69f02d8a5f9140c58df2",
        "265ce7e771fe29a527f6419ee49b7e33ce58a79c5fabe60691c54037e487a1a2",
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
