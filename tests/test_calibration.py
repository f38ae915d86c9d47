"""`wargame calibrate`: the scores by hand, the bundled incidents, the command."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.calibration import icb, scoring
from sim.calibration.incidents import history_dir, incident_files, load_incident
from sim.cli import main
from sim.errors import ScenarioError

OUTCOMES = ["calm", "incident", "war"]
INCIDENTS = sorted(history_dir().glob("*.yaml"))


def test_brier_of_small_cases_by_hand():
    # (0.2 - 0)^2 + (0.7 - 1)^2 + (0.1 - 0)^2 = 0.04 + 0.09 + 0.01
    assert scoring.brier({"calm": 0.2, "incident": 0.7, "war": 0.1}, "incident", OUTCOMES) == (
        pytest.approx(0.14)
    )
    assert scoring.brier({"incident": 1.0}, "incident", OUTCOMES) == 0
    assert scoring.brier({"calm": 1.0}, "war", OUTCOMES) == 2


def test_log_score_by_hand_and_its_floor():
    assert scoring.log_score({"incident": 0.5}, "incident") == pytest.approx(math.log(2))
    assert scoring.log_score({"incident": 1.0}, "incident") == 0
    assert scoring.log_score({"incident": 0.0}, "incident") == pytest.approx(math.log(1000))
    assert scoring.log_score({}, "war", floor=0.01) == pytest.approx(math.log(100))


def test_nothing_happens_gives_the_rest_evenly():
    forecast = scoring.nothing_happens(OUTCOMES, "calm", 0.9)
    assert forecast == pytest.approx({"calm": 0.9, "incident": 0.05, "war": 0.05})
    # Brier when war happened: 0.81 + 0.0025 + 0.9025
    assert scoring.brier(forecast, "war", OUTCOMES) == pytest.approx(1.715)


def test_leave_one_out_base_rates_never_see_the_incident_itself():
    happened = ["calm", "incident", "incident", "war"]
    assert scoring.leave_one_out_shares(happened, 3, OUTCOMES) == pytest.approx(
        {"calm": 1 / 3, "incident": 2 / 3, "war": 0}
    )
    assert scoring.leave_one_out_shares(["war"], 0, OUTCOMES)["war"] == pytest.approx(1 / 3)


def test_icb_rows_give_counts_and_map_every_base_outcome():
    both = next(r for r in icb.ROWS if "both" in r.name)
    assert (both.crises, both.count("full-scale war")) == (16, 7)
    assert set(icb.VIOLENCE_OF.values()) == set(icb.VIOLENCE)


def test_at_least_six_incidents_are_bundled():
    assert len(INCIDENTS) >= 6


@pytest.mark.parametrize("path", INCIDENTS, ids=lambda p: p.stem)
def test_each_incident_validates_and_records_only_what_it_declares(path):
    incident = load_incident(path)
    assert incident.history.sources
    assert incident.history.outcome in [o.id for o in incident.scenario.spec.outcomes]
    declared = {m.id for m in incident.scenario.spec.measures}
    assert incident.history.measures and set(incident.history.measures) <= declared


def _copy(tmp_path: Path, replace: tuple[str, str]) -> Path:
    source = history_dir() / "poland-drones-2025.yaml"
    text = source.read_text(encoding="utf-8")
    assert replace[0] in text
    target = tmp_path / "incident.yaml"
    target.write_text(text.replace(*replace), encoding="utf-8")
    shutil.copy(source.parent.parent / "airspace-straying.yaml", tmp_path)
    return target


def test_a_history_outcome_the_scenario_lacks_is_a_located_error(tmp_path):
    path = _copy(tmp_path, ("  outcome: contained-incident", "  outcome: contained-incidnt"))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "history names outcome 'contained-incidnt'" in result.output
    line = path.read_text().splitlines().index("  outcome: contained-incidnt") + 1
    assert f"incident.yaml:{line}" in result.output
    assert "contained-incident" in result.output  # the suggestion
    assert "Traceback" not in result.output


def test_a_history_measure_the_scenario_does_not_declare_is_a_located_error(tmp_path):
    path = _copy(tmp_path, ("    reinforced: true", "    reinforce: true"))
    with pytest.raises(ScenarioError) as caught:
        load_incident(path)
    problem = caught.value.problems[0]
    assert "measure 'reinforce'" in problem.message
    assert problem.line == path.read_text().splitlines().index("    reinforce: true") + 1
    assert "reinforced" in (problem.hint or "")


def test_a_recorded_value_a_measure_cannot_take_is_a_located_error(tmp_path):
    path = _copy(tmp_path, ("    article4-consultation: true", "    article4-consultation: 1"))
    with pytest.raises(ScenarioError) as caught:
        load_incident(path)
    problem = caught.value.problems[0]
    assert "measure 'article4-consultation', an `ever` measure" in problem.message
    assert problem.line == path.read_text().splitlines().index("    article4-consultation: 1") + 1
    assert "true or false" in (problem.hint or "")


def test_a_scenario_without_history_cannot_be_calibrated(tmp_path):
    result = CliRunner().invoke(main, ["calibrate", "airspace-straying.yaml", "--runs", "10"])
    assert result.exit_code == 2
    other = history_dir().parent / "airspace-straying.yaml"
    result = CliRunner().invoke(main, ["calibrate", str(other), "--runs", "10"])
    assert result.exit_code == 2
    assert "no `history:` block" in result.output
    assert incident_files([]) == INCIDENTS


def test_calibrate_prints_a_row_per_incident_and_writes_the_figures(tmp_path):
    out = tmp_path / "calibration.json"
    result = CliRunner().invoke(
        main, ["calibrate", "--runs", "2000", "--seed", "1", "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    for path in INCIDENTS:
        assert sum(line.startswith(f"  {path.stem} ") for line in result.output.splitlines()) >= 2
    for name in ("model", "nothing happens", "base rates (leave one out)", "ICB 1990-2017"):
        assert name in result.output
    figures = json.loads(out.read_text())
    assert len(figures["incidents"]) == len(INCIDENTS)
    for incident in figures["incidents"]:
        assert sum(incident["forecast"].values()) == pytest.approx(1)
        assert incident["runs"] == 2000
        assert 0 <= incident["scores"]["model"]["brier"] <= 2
    model = figures["war_shares"][0]
    assert model["crises"] == 2000 * len(INCIDENTS)
    assert model["interval"][0] <= model["share"] <= model["interval"][1]
