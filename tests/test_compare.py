"""`wargame compare`: the statistics of a difference between batches, and how it is told."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from scipy import stats

from sim.cli import main
from sim.results import intervals, pairing
from sim.results.compare import IncomparableError, compare, compare_results
from sim.results.folder import read_results

FIXTURES = Path(__file__).parent / "fixtures"
FULL = FIXTURES / "full-language.yaml"
RUNS = 3000


def invoke(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> dict[str, Path]:
    """The same scenario at two seeds, and with a clearly different setting."""
    base = tmp_path_factory.mktemp("compare")
    runs = {
        "seed1": ["--seed", "1"],
        "seed2": ["--seed", "2"],
        "hawkish": ["--seed", "1", "--set", "posture=high"],
    }
    folders = {}
    for name, options in runs.items():
        folder = base / name
        result = invoke("run", FULL, "--runs", RUNS, *options, "--out", folder, "--no-plots", "-q")
        assert result.exit_code == 0, result.output
        folders[name] = folder
    other = base / "one-rule"
    result = invoke(
        "run", FIXTURES / "one-rule.yaml", "--runs", 500, "--out", other, "--no-plots", "-q"
    )
    assert result.exit_code == 0, result.output
    folders["other"] = other
    return folders


def summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text())


# --- the statistics ----------------------------------------------------------------


def test_another_seed_is_not_a_significant_difference(batches):
    comparison = compare([summary(batches["seed1"]), summary(batches["seed2"])])
    assert not comparison.significant
    assert comparison.p_value > 0.05
    assert not any(d.significant for d in comparison.differences)
    for d in comparison.differences:
        assert d.low <= d.estimate <= d.high


def test_a_clearly_different_setting_is_significant(batches):
    comparison = compare([summary(batches["seed1"]), summary(batches["hawkish"])])
    assert comparison.significant
    assert comparison.p_value < 0.001
    changed = [d for d in comparison.differences if d.significant]
    assert changed
    for d in changed:
        assert d.low > 0 or d.high < 0  # the adjusted interval leaves out zero


def test_the_tests_are_the_textbook_ones(batches):
    summaries = [summary(batches[name]) for name in ("seed1", "seed2", "hawkish")]
    comparison = compare(summaries)
    counts = comparison.counts
    assert counts.sum(axis=1).tolist() == [RUNS] * 3
    reached = counts[:, counts.sum(axis=0) > 0]
    expected = stats.chi2_contingency(reached, correction=False)
    assert comparison.chi2 == pytest.approx(expected.statistic)
    assert comparison.dof == expected.dof
    assert comparison.p_value == pytest.approx(expected.pvalue)
    # every later batch against the first, each outcome; Bonferroni over all of them
    assert comparison.comparisons == 2 * len(comparison.outcomes)
    for d in comparison.differences:
        k = comparison.outcomes.index(d.outcome)
        a, b = counts[0, k], counts[d.batch, k]
        assert d.estimate == pytest.approx((b - a) / RUNS)
        p = stats.fisher_exact([[b, RUNS - b], [a, RUNS - a]]).pvalue if a + b else 1.0
        assert d.p_value == pytest.approx(p)
        assert d.p_adjusted == pytest.approx(min(1.0, p * comparison.comparisons))


def test_a_batch_against_itself_differs_by_nothing(batches):
    same = summary(batches["seed1"])
    comparison = compare([same, same])
    assert comparison.p_value == pytest.approx(1.0)
    for d in comparison.differences:
        assert d.estimate == 0 and d.low < 0 < d.high
    assert any("share a seed" in note for note in comparison.notes)


def test_newcombe_interval_covers_the_true_difference_about_95_percent():
    rng = np.random.default_rng(7)
    trials, n = 4000, 400
    p_a, p_b = 0.1, 0.15
    a, b = rng.binomial(n, p_a, trials), rng.binomial(n, p_b, trials)
    _, low, high = intervals.difference(a, n, b, n)
    coverage = np.mean((low <= p_b - p_a) & (p_b - p_a <= high))
    # 95% nominal; the tolerance is five binomial standard errors of the coverage
    assert abs(coverage - 0.95) < 5 * np.sqrt(0.95 * 0.05 / trials)


def test_the_wilson_interval_is_scipys_to_the_last_bit():
    """summary.json's intervals were scipy's; the vectorised one must not move a bit."""
    from scipy.stats import binomtest

    cases = [(0, 10), (3, 1000), (500, 1000), (1000, 1000), (7, 32768), (1, 3)]
    for confidence in (0.95, 0.999):
        lows, highs = intervals.wilson(*np.array(cases).T, confidence)
        for (count, runs), low, high in zip(cases, lows, highs, strict=True):
            exact = binomtest(count, runs).proportion_ci(confidence, method="wilson")
            assert (float(low), float(high)) == (exact.low, exact.high)
    assert [float(bound) for bound in intervals.wilson(0, 0)] == [0.0, 1.0]


def test_different_outcome_sets_cannot_be_compared(batches):
    with pytest.raises(IncomparableError, match="different outcomes"):
        compare([summary(batches["seed1"]), summary(batches["other"])])
    with pytest.raises(IncomparableError):
        compare([summary(batches["seed1"])])


# --- the command ---------------------------------------------------------------------


def test_compare_says_in_words_that_another_seed_is_no_difference(batches):
    result = invoke("compare", batches["seed1"], batches["seed2"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "No significant difference" in text
    assert "significant  " not in text and not text.rstrip().endswith("significant")
    for outcome in compare([summary(batches["seed1"])] * 2).outcomes:
        assert outcome in text
    assert str(batches["seed1"]) in text and str(batches["seed2"]) in text


def test_compare_says_in_words_that_a_setting_made_a_difference(batches):
    result = invoke("compare", batches["seed1"], batches["hawkish"])
    assert result.exit_code == 0, result.output
    assert "Significant difference" in result.output
    assert "posture=high" in result.output
    assert "Outcomes that changed significantly:" in result.output
    assert "Bonferroni" in result.output


def test_compare_draws_a_chart_when_asked(batches, tmp_path):
    out = tmp_path / "comparison.png"
    result = invoke("compare", batches["seed1"], batches["seed2"], batches["hawkish"], "--out", out)
    assert result.exit_code == 0, result.output
    with Image.open(out) as image:
        assert image.width >= 1000
    assert str(out) in result.output


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["seed1", "missing"], "no such results folder"),
        (["seed1", "other"], "different outcomes"),
        (["seed1"], "at least two"),
        (["seed1", "seed2", "--out", "chart.txt"], ".png, .svg or .pdf"),
    ],
    ids=["missing-folder", "different-outcomes", "one-folder", "bad-chart-name"],
)
def test_compare_reports_mistakes_in_one_line(batches, tmp_path, arguments, message):
    folders = {**batches, "missing": tmp_path / "nowhere"}
    result = invoke("compare", *(folders.get(a, a) for a in arguments))
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_compare_reports_an_unfinished_folder_in_one_line(batches, tmp_path):
    unfinished = tmp_path / "unfinished"
    unfinished.mkdir()
    (unfinished / "INCOMPLETE").write_text("{}")
    result = invoke("compare", batches["seed1"], unfinished)
    assert result.exit_code == 2
    assert "did not finish" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_help_has_examples():
    for command in ("compare", "plot"):
        result = invoke(command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.output
        assert f"wargame {command} results/" in result.output


# --- paired runs: the same seed and run numbers -----------------------------------

ONE_RULE = FIXTURES / "one-rule.yaml"


@pytest.fixture(scope="module")
def pairs(tmp_path_factory) -> dict[str, Path]:
    """one-rule at p = 0.1 and 0.105 (same seed and runs), at another seed, and a rule tweak."""
    base = tmp_path_factory.mktemp("pairs")
    tweak = base / "tweak.yaml"
    tweak.write_text(
        f"extends: {ONE_RULE}\nid: tweak\ntitle: Tweak\n"
        "rules:\n  - id: red-escalates\n    chance: p * 1.05\n",
        encoding="utf-8",
    )
    runs = {
        "low": [ONE_RULE, "--seed", "1", "--set", "p=0.1"],
        "high": [ONE_RULE, "--seed", "1", "--set", "p=0.105"],
        "high-seed2": [ONE_RULE, "--seed", "2", "--set", "p=0.105"],
        "high-fewer": [ONE_RULE, "--seed", "1", "--set", "p=0.105", "--runs", 2000],
        "tweak": [tweak, "--seed", "1", "--scenario-path", Path(ONE_RULE).parent],
    }
    folders = {}
    for name, options in runs.items():
        folder = base / name
        result = invoke(
            "run", *options[:1], "--runs", RUNS, *options[1:], "--out", folder, "-q", "--no-plots"
        )
        assert result.exit_code == 0, result.output
        folders[name] = folder
    return folders


def test_paired_runs_see_a_difference_the_unpaired_test_cannot(pairs):
    """p 0.1 -> 0.105 moves P(crisis) by about 1.7 points: within an unpaired test's noise
    at 3,000 runs, but every run that changed changed the same way."""
    low, high = read_results(pairs["low"]), read_results(pairs["high"])
    unpaired = compare([low.summary, high.summary])
    paired = compare_results([low, high])
    crisis = {
        d.test: d for d in [*unpaired.differences, *paired.differences] if d.outcome == "crisis"
    }
    assert not unpaired.significant and not crisis["Fisher's exact test"].significant
    assert paired.significant and crisis["McNemar's exact test (paired runs)"].significant
    assert paired.test.startswith("Stuart-Maxwell")
    # the same estimate, a much narrower interval
    fisher, mcnemar = crisis["Fisher's exact test"], crisis["McNemar's exact test (paired runs)"]
    assert mcnemar.estimate == pytest.approx(fisher.estimate)
    assert mcnemar.high - mcnemar.low < (fisher.high - fisher.low) / 3
    assert 0 < mcnemar.low < mcnemar.estimate < mcnemar.high


def test_the_paired_tests_are_the_textbook_ones(pairs):
    low, high = read_results(pairs["low"]), read_results(pairs["high"])
    a = low.runs.sort_values("run")["outcome"].astype(str).to_numpy() == "crisis"
    b = high.runs.sort_values("run")["outcome"].astype(str).to_numpy() == "crisis"
    lost, gained = int((a & ~b).sum()), int((~a & b).sum())
    expected = stats.binomtest(gained, lost + gained, 0.5).pvalue
    comparison = compare_results([low, high])
    crisis = next(d for d in comparison.differences if d.outcome == "crisis")
    assert crisis.p_value == pytest.approx(expected)
    assert crisis.estimate == pytest.approx((gained - lost) / RUNS)
    # two outcomes: Stuart-Maxwell is McNemar's chi-square (b - c)^2 / (b + c)
    assert comparison.chi2 == pytest.approx((gained - lost) ** 2 / (gained + lost))


def test_paired_interval_covers_the_true_difference_about_95_percent():
    """Newcombe's paired interval over simulated pairs that agree most of the time."""
    rng = np.random.default_rng(11)
    n, p_a, flip, trials, covered = 2000, 0.3, 0.02, 400, 0
    truth = p_a * (1 - flip) + (1 - p_a) * flip - p_a  # B = A with 2% of runs flipped
    for _ in range(trials):
        a = rng.random(n) < p_a
        b = np.where(rng.random(n) < flip, ~a, a)
        table = np.array([[(a & b).sum(), (a & ~b).sum()], [(~a & b).sum(), (~a & ~b).sum()]])
        _, low, high = pairing.paired_difference(table, 0, 0.95)
        covered += low <= truth <= high
    # 95% of 400 with a binomial margin: 380 +- 3 sd (sd = 4.4)
    assert 366 <= covered <= 400


def test_compare_says_which_test_it_used(pairs):
    paired = invoke("compare", pairs["low"], pairs["high"])
    assert paired.exit_code == 0, paired.output
    assert "McNemar's exact test (paired runs)" in words(paired.output)
    assert "Stuart-Maxwell test of marginal homogeneity (paired runs)" in words(paired.output)
    assert "compared run for run" in words(paired.output)
    assert "Warning" not in words(paired.output)
    unpaired = invoke("compare", pairs["low"], pairs["high-seed2"])
    assert "Fisher's exact test" in words(unpaired.output) and "McNemar" not in words(
        unpaired.output
    )
    assert "chi-square test of homogeneity" in words(unpaired.output)
    fewer = invoke("compare", pairs["low"], pairs["high-fewer"])
    assert "Fisher's exact test" in words(fewer.output)
    assert "share seed 1 but not their runs" in words(fewer.output)


def test_compare_warns_when_paired_scenarios_differ_beyond_parameters(pairs):
    result = invoke("compare", pairs["low"], pairs["tweak"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Warning: the scenarios of A and B differ in more than parameters" in text
    assert "(rules: red-escalates)" in text
    assert "McNemar's exact test (paired runs)" in text


def words(output: str) -> str:
    """The output with its line wrapping undone."""
    return " ".join(output.split())
