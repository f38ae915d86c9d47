"""Results folders at their edges: paths that cannot be written, summaries of another
format version, and backends named once."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import sim
from sim.batch.backends import BACKENDS, REGISTRY, BackendError, backend_for
from sim.cli import main
from sim.errors import PathError, ResultsError, WargameError
from sim.results.folder import read_results
from sim.results.summary_format import FORMAT, READS, Summary, SummaryFormatError

ONE_RULE = Path(__file__).parent / "fixtures" / "one-rule.yaml"


@pytest.fixture(scope="module")
def scenario():
    return sim.load_scenario(ONE_RULE)


@pytest.fixture(scope="module")
def folder(tmp_path_factory, scenario) -> Path:
    out = tmp_path_factory.mktemp("batch") / "results"
    sim.run(scenario, 500, seed=3, out=out)
    return out


def unwritable(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Paths no batch can write, each with the reason the system gives."""
    (tmp_path / "a-file").write_text("not a folder")
    return {
        "proc": (Path("/proc/wargame-results"), "no such file or directory"),
        "under a file": (tmp_path / "a-file" / "results", "not a directory"),
    }


@pytest.mark.parametrize("case", ["proc", "under a file"])
def test_a_folder_that_cannot_be_created_is_a_path_error(tmp_path, scenario, case):
    out, reason = unwritable(tmp_path)[case]
    with pytest.raises(PathError) as raised:
        sim.run(scenario, 100, out=out)
    assert raised.value.path == str(out)
    assert raised.value.reason == reason
    assert isinstance(raised.value, WargameError)


@pytest.mark.parametrize("case", ["proc", "under a file"])
def test_the_cli_reports_an_unwritable_out_without_a_traceback(tmp_path, case):
    out, reason = unwritable(tmp_path)[case]
    args = ["run", str(ONE_RULE), "--runs", "100", "--out", str(out), "--no-plots"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert f"cannot write {out}: {reason}" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_a_path_error(tmp_path, scenario):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(PathError, match="permission denied"):
            sim.run(scenario, 100, out=locked / "results")
        result = CliRunner().invoke(main, ["run", str(ONE_RULE), "--out", str(locked)])
        assert result.exit_code == 2 and "Traceback" not in result.output
    finally:
        locked.chmod(0o700)


def test_summary_json_reads_back_into_the_same_bytes(folder):
    text = (folder / "summary.json").read_text(encoding="utf-8")
    summary = Summary.from_json(text, "summary.json")
    assert summary.to_json() == text
    assert read_results(folder).summary == json.loads(text)
    assert read_results(folder).summary_model.runs == 500


def test_a_summary_of_another_format_version_is_refused_naming_both(folder, tmp_path):
    later = tmp_path / "later"
    later.mkdir()
    for name in ("runs.parquet", "scenario.yaml"):
        (later / name).write_bytes((folder / name).read_bytes())
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    summary["format"] = FORMAT + 1
    (later / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    with pytest.raises(SummaryFormatError) as raised:
        read_results(later)
    assert (raised.value.found, raised.value.reads) == (FORMAT + 1, READS)
    assert isinstance(raised.value, ResultsError)
    assert f"format {FORMAT + 1}" in str(raised.value)
    assert "reads formats 1 and 2" in str(raised.value)
    result = CliRunner().invoke(main, ["compare", str(folder), str(later)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "reads formats 1 and 2" in result.output


def test_the_registry_is_the_one_list_of_backends():
    assert BACKENDS == tuple(REGISTRY) == ("serial", "processes", "dask")
    choices = next(p for p in main.commands["run"].params if p.name == "backend")
    assert tuple(choices.type.choices) == BACKENDS
    with pytest.raises(BackendError, match="did you mean 'serial'"):
        backend_for("serail")


def test_the_default_command_is_quoted_for_the_shell(tmp_path):
    import shlex

    from sim.batch.runner import default_command

    path = tmp_path / "my scenarios" / "one rule.yaml"
    path.parent.mkdir()
    path.write_text(ONE_RULE.read_text(encoding="utf-8"), encoding="utf-8")
    command = default_command(sim.load_scenario(path), 100, 4)
    assert shlex.split(command) == ["wargame", "run", str(path), "--runs", "100", "--seed", "4"]


def test_the_saved_scenario_never_writes_yaml_aliases():
    """A value shared by two places of the data (as an `extends` merge may share one) is
    written out in full at both, so the file reads the same as data loaded from a file."""
    from sim.batch.folder import dump_scenario

    shared = ["russia.intent"]
    text = dump_scenario({"observes": {"turkey": shared, "us": shared}})
    assert "&" not in text and "*" not in text
    assert yaml.safe_load(text) == {"observes": {"turkey": shared, "us": shared}}
