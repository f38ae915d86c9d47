"""`report.html`: self-contained, complete, and rendered by a real browser with no broken image."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from chromium import CHROMIUM_FLAGS
from click.testing import CliRunner

from sim.cli import main
from sim.results.folder import read_results
from sim.views import plots
from sim.views.plots.style import percent_interval
from sim.views.report import write_report

FIXTURES = Path(__file__).parent / "fixtures"
FULL = FIXTURES / "full-language.yaml"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
BROWSER_FLAGS = CHROMIUM_FLAGS
# After load, list each image's natural width (0 when it failed to decode) in the DOM.
PROBE = """<script>
window.addEventListener("load", () => {
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(Array.from(document.images, (img) => img.naturalWidth));
  document.body.appendChild(out);
});
</script>"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "batch"
    arguments = ["run", str(FULL), "--runs", "2000", "--seed", "4", "--set", "fog=true"]
    result = CliRunner().invoke(main, [*arguments, "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


def test_the_report_holds_description_table_charts_and_command(folder):
    text = (folder / "report.html").read_text(encoding="utf-8")
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["title"] in text and summary["description"] in text
    assert summary["command"] in text and "--set fog=true" in text
    for outcome in summary["outcomes"]:
        shown, low, high = percent_interval(outcome["probability"], *outcome["ci95"])
        assert f">{shown}</td>" in text
        assert f">{low} to {high}</td>" in text
    results = read_results(folder)
    for chart in plots.charts_for(results):
        assert f"<h3>{chart.title}</h3>" in text
        assert html.escape(chart.reading.split(",")[0]) in text


def test_the_report_is_self_contained(folder):
    text = (folder / "report.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img src="([^"]*)"', text)
    assert len(sources) == len(plots.charts_for(read_results(folder)))
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        png = base64.b64decode(source.split(",", 1)[1])
        assert png.startswith(b"\x89PNG")
    assert not re.search(r"""(src|href)=["']?(https?:|//|file:)""", text)
    assert "<link" not in text and "@import" not in text and "url(" not in text
    assert not list(folder.glob(".*.tmp"))


def test_the_report_embeds_the_charts_as_drawn(folder):
    text = (folder / "report.html").read_text(encoding="utf-8")
    for png in sorted((folder / "plots").glob("*.png")):
        assert base64.b64encode(png.read_bytes()).decode() in text


def test_a_report_draws_its_charts_when_the_folder_has_none(tmp_path):
    out = tmp_path / "batch"
    arguments = ["run", str(FULL), "--runs", "500", "--out", str(out), "--no-plots", "-q"]
    assert CliRunner().invoke(main, arguments).exit_code == 0
    path = write_report(out)
    assert path == out / "report.html"
    assert not (out / "plots").exists()
    images = re.findall(r'src="data:image/png;base64,', path.read_text(encoding="utf-8"))
    assert len(images) == len(plots.charts_for(read_results(out)))


def _browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def _natural_widths(browser: str, page: Path, profile: Path) -> list[int]:
    command = [
        browser,
        *BROWSER_FLAGS,
        f"--user-data-dir={profile}",
        "--virtual-time-budget=10000",
        "--dump-dom",
        page.as_uri(),
    ]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, f"the page did not finish loading in the browser:\n{dom[:500]}"
    return json.loads(found.group(1))


@pytest.mark.skipif(
    _browser() is None,
    reason="Chromium is not installed (apt-get install chromium; .ci/run installs it as root)",
)
def test_the_report_renders_in_a_headless_browser_with_no_broken_image(folder, tmp_path):
    report = (folder / "report.html").read_text(encoding="utf-8")
    # A copy with the probe, and one broken image to show the probe would see it.
    broken = '<img src="data:image/png;base64,AAAA" alt="broken on purpose">'
    page = tmp_path / "probed.html"
    page.write_text(report.replace("</body>", f"{broken}{PROBE}</body>"), encoding="utf-8")
    widths = _natural_widths(_browser(), page, tmp_path / "profile")
    charts = len(plots.charts_for(read_results(folder)))
    assert len(widths) == charts + 1
    assert widths[-1] == 0  # the deliberately broken image
    assert all(width >= 1000 for width in widths[:-1]), widths
