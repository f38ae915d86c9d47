"""`extends` as its author means it: typos caught, items placed, lists replaced, bases by
name, and reading confined to trusted folders (through `load_scenario` and `wargame`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.errors import ScenarioError

BASE_RULES = ["russia-uses-nuclear-weapon", "russia-answers-collective-defence"]


def problem(path: Path, **kwargs: object) -> tuple[str, str]:
    """The single problem of loading `path`: its location and its text with the hint."""
    with pytest.raises(ScenarioError) as caught:
        sim.load_scenario(path, **kwargs)  # type: ignore[arg-type]
    (first,) = caught.value.problems
    return first.location(), first.format()


def validate(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_extends_the_bundled_base_by_name_from_anywhere(write_scenario):
    path = write_scenario(
        """
        extends: nato-eastern-flank
        id: mine
        title: Mine
        horizon: 5
        """
    )
    scenario = sim.load_scenario(path)
    assert scenario.id == "mine" and [r.id for r in scenario.rules][:2] == BASE_RULES


def test_a_near_miss_of_an_id_is_a_located_error_with_a_suggestion(write_scenario):
    path = write_scenario(
        """
        extends: turkish-straits
        id: mine
        title: Mine
        rules:
          - id: russia-attacks-strait-defences
            chance: 0.05
        """
    )
    where, text = problem(path)
    assert where == f"{path}:5:9"
    assert "did you mean 'russia-attacks-straits-defences'?" in text and "new: true" in text
    code, out = validate(str(path))
    assert code == 2 and f"{path}:5:9" in out and "looks like a typo" in out
    assert "Traceback" not in out


def test_new_true_adds_a_close_id_and_is_refused_on_an_existing_one(write_scenario):
    path = write_scenario(
        """
        extends: turkish-straits
        id: mine
        title: Mine
        rules:
          - id: russia-attacks-strait-defences
            new: true
            actor: russia
            chance: 0.01
        """
    )
    assert "russia-attacks-strait-defences" in [r.id for r in sim.load_scenario(path).rules]
    path.write_text(path.read_text().replace("strait-defences", "straits-defences"))
    where, text = problem(path)
    assert where == f"{path}:6:10" and "already has 'russia-attacks-straits-defences'" in text


def test_removing_an_id_the_base_lacks_is_an_error(write_scenario):
    path = write_scenario(
        "extends: turkish-straits\nid: m\ntitle: M\n"
        "rules:\n  - {id: turkey-offers-trems, remove: true}\n"
    )
    where, text = problem(path)
    assert where.startswith(f"{path}:5:") and "did you mean 'turkey-offers-terms'?" in text


def test_before_and_after_place_rungs_actors_and_rules(write_scenario):
    path = write_scenario(
        """
        extends: nato-eastern-flank
        id: mine
        title: Mine
        horizon: 5
        ladder:
          - id: cyber-attack
            after: show-of-force
          - id: blockade
            before: article5-war
        actors:
          finland:
            before: nato
            name: Finland
        rules:
          - id: finland-mobilises
            before: russia-answers-collective-defence
            actor: finland
            chance: 0.1
        """
    )
    scenario = sim.load_scenario(path)
    ladder = [level.id for level in scenario.spec.ladder]
    assert ladder.index("cyber-attack") == ladder.index("show-of-force") + 1
    assert ladder.index("blockade") == ladder.index("article5-war") - 1
    assert ladder[-1] == "nuclear-use"
    actors = list(scenario.actors)
    assert actors.index("finland") == actors.index("nato") - 1
    rules = [r.id for r in scenario.rules]
    assert rules[:3] == [BASE_RULES[0], "finland-mobilises", BASE_RULES[1]]


def test_an_existing_item_can_be_moved(write_scenario):
    path = write_scenario(
        """
        extends: nato-eastern-flank
        id: mine
        title: Mine
        horizon: 5
        outcomes:
          - id: de-escalation
            before: nuclear-use
        """
    )
    assert sim.load_scenario(path).outcomes[0].id == "de-escalation"


@pytest.mark.parametrize(
    ("placement", "message", "hint"),
    [
        ("after: show-of-farce", "`after: show-of-farce` names nothing", "'show-of-force'"),
        ("after: 2", "`after` names the id it goes after", "delayed"),
        ("{before: incident, after: incident}", "not both", None),
    ],
)
def test_a_bad_anchor_is_a_located_error(write_scenario, placement, message, hint):
    text = "extends: nato-eastern-flank\nid: m\ntitle: M\nladder:\n  - id: cyber\n    "
    if placement.startswith("{"):
        text = text.replace("  - id: cyber\n    ", f"  - {{id: cyber, {placement[1:-1]}}}\n")
    else:
        text += placement + "\n"
    path = write_scenario(text)
    where, shown = problem(path)
    assert where.startswith(f"{path}:5:") or where.startswith(f"{path}:6:")
    assert message in shown and (hint is None or hint in shown)


def test_replace_takes_the_list_wholesale(write_scenario):
    path = write_scenario(
        """
        extends: nato-eastern-flank
        id: mine
        title: Mine
        horizon: 5
        replace: [rules, outcomes]
        rules: []
        outcomes:
          - {id: calm, default: true}
        """
    )
    scenario = sim.load_scenario(path)
    assert scenario.rules == () or list(scenario.rules) == []
    assert [o.id for o in scenario.outcomes] == ["calm"]


def test_replace_names_only_keys_it_sets(write_scenario):
    path = write_scenario(
        "extends: nato-eastern-flank\nid: m\ntitle: M\nreplace: [rulez]\nrules: []\n"
    )
    where, text = problem(path)
    assert where == f"{path}:4:11" and "did you mean 'rules'?" in text


def test_controls_need_extends(write_scenario):
    path = write_scenario("id: m\nreplace: [rules]\nrules: []\n")
    where, text = problem(path)
    assert where == f"{path}:2:1" and "only means something in a scenario that `extends`" in text


# --- where `extends` may read ----------------------------------------------------------


def test_extends_cannot_leave_the_trusted_folders(tmp_path):
    inner = tmp_path / "mine"
    inner.mkdir()
    path = inner / "a.yaml"
    path.write_text("extends: ../../../../../../../../etc/passwd\nid: x\n")
    where, text = problem(path)
    assert where == f"{path}:1:10" and "outside the folders a scenario may read" in text
    assert "root:" not in text
    code, out = validate(str(path))
    assert code == 2 and "outside" in out and "root:" not in out


def test_a_symlink_out_of_the_tree_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("token: hunter2\n")
    inner = tmp_path / "mine"
    inner.mkdir()
    os.symlink(outside / "secret.yaml", inner / "base.yaml")
    path = inner / "a.yaml"
    path.write_text("extends: base.yaml\nid: x\n")
    text = problem(path)[1]
    assert "outside" in text and "hunter2" not in text


def test_a_named_folder_is_trusted_and_searched(tmp_path, write_scenario):
    shared = tmp_path / "shared"
    shared.mkdir()
    base = Path(__file__).parent / "fixtures" / "full-language.yaml"
    (shared / "common.yaml").write_text(base.read_text())
    inner = tmp_path / "mine"
    inner.mkdir()
    path = inner / "a.yaml"
    path.write_text("extends: ../shared/common.yaml\nid: variant\ntitle: V\n")
    assert "outside" in problem(path)[1]
    assert sim.load_scenario(path, scenario_path=[shared]).id == "variant"
    by_name = inner / "b.yaml"
    by_name.write_text("extends: common\nid: variant\ntitle: V\n")
    assert validate(str(by_name), "--scenario-path", str(shared))[0] == 0
    assert validate(str(path), env={"WARGAME_PATH": str(shared)})[0] == 0
    assert validate(str(path))[0] == 2


def test_only_yaml_files_are_read_and_quoted(tmp_path):
    (tmp_path / "notes.txt").write_text("- secret line\n")
    path = tmp_path / "a.yaml"
    path.write_text("extends: notes.txt\nid: x\n")
    text = problem(path)[1]
    assert "only .yaml or .yml" in text and "secret line" not in text
    code, out = validate(str(tmp_path / "notes.txt"))
    assert code == 2 and "secret line" not in out


def test_names_the_file_system_refuses_are_clean_errors(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(f"extends: {'c' * 300}.yaml\nid: x\n")
    where, text = problem(path)
    assert where == f"{path}:1:10" and "too long for the file system" in text
    code, out = validate("a" * 300)
    assert code == 2 and "too long" in out and "Traceback" not in out
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert "is a folder" in problem(folder)[1]
