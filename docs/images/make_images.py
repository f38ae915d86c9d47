"""Draw the README's example charts from a results folder or copy an exploration's.

The README shows chart 1 (outcome distribution) and chart 4 (rules associated with each
outcome) of `wargame run turkish-straits --runs 100000 --seed 1`. This script
draws both from that batch's results folder (by default
results/turkish-straits-seed1-100000), 1000 pixels wide, as 256-colour PNGs
with no software stamp, into this folder:

    python docs/images/make_images.py RESULTS_DIR

Given the folders of the README's two `wargame explore` examples (the sweep and
the sobol-indices design), it copies the heat map and discovery chart of the first and the
sensitivity chart of the second, as drawn, as 256-colour PNGs:

    python docs/images/make_images.py --explore straits-sweep straits-sobol

Pillow, which saves the 256-colour PNGs, comes with matplotlib.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

import sim
from sim.views import plots

HERE = Path(__file__).resolve().parent
DPI = 1000 / 11  # the charts are 11 inches wide: 1000 pixels
CHARTS = {
    "turkish-straits-outcomes.png": plots.outcome_distribution,
    "turkish-straits-drivers.png": plots.what_drives_outcomes,
}
EXPLORE_CHARTS = {  # (which folder, its chart) -> the name here
    (0, "target-heat-map.png"): "turkish-straits-explore-heat-map.png",
    (0, "discovery.png"): "turkish-straits-explore-discovery.png",
    (1, "sensitivity.png"): "turkish-straits-explore-sensitivity.png",
}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--explore"] and len(argv) == 3:
        for (folder, chart), name in EXPLORE_CHARTS.items():
            with Image.open(Path(argv[1 + folder]) / "plots" / chart) as image:
                image.convert("RGB").save(HERE / name, optimize=True)
            print(f"{HERE / name}: {image.width} x {image.height}")
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    results = sim.read_results(argv[0])
    for name, draw in CHARTS.items():
        figure = draw(results).get_figure(root=True)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        buffer.seek(0)
        save_small(buffer, name)
    return 0


def save_small(source: Path | io.BytesIO, name: str) -> None:
    """Save a PNG here as 256 colours, without its software stamp."""
    with Image.open(source) as image:
        small = image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
    small.save(HERE / name, optimize=True)
    print(f"{HERE / name}: {small.width} x {small.height}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
