"""Draw the README's two example charts from a results folder.

The README shows chart 1 (outcome distribution) and chart 4 (rules associated with each
outcome) of `wargame run turkish-straits --runs 100000 --seed 1`. This script
draws both from that batch's results folder (by default
results/turkish-straits-seed1-100000), 1000 pixels wide, as 256-colour PNGs
with no software stamp, into this folder:

    python docs/images/make_images.py RESULTS_DIR

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


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    results = sim.read_results(argv[0])
    for name, draw in CHARTS.items():
        figure = draw(results).get_figure(root=True)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        buffer.seek(0)
        with Image.open(buffer) as image:
            small = image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
        small.save(HERE / name, optimize=True)
        print(f"{HERE / name}: {small.width} x {small.height}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
