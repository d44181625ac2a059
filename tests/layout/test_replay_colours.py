"""A story about the replay's legend: Yumen's hall has 17 items (18 with a marriage
registry added); every item's dots get a colour of their own, far enough from every
other colour to tell apart on the pale floor plan (企业开办 and 水务审批 were both blue)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

from sim.report.replay import PALETTE, item_colours
from sim.scenario.model import load_scenario

ROOT = Path(__file__).resolve().parents[2]
#: CIE Lab distance below which two dot colours pass for one at 8 px
APART = 20.0
#: lightness above which a dot vanishes on the waiting area's pale blue
PALE = 86.0


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE Lab (D65) of a ``#rrggbb`` colour."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
           0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    fx, fy, fz = (v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def test_eighteen_items_get_eighteen_colours_that_tell_apart() -> None:
    items = list(load_scenario(ROOT / "scenarios" / "yumen" / "before.yaml").categories)
    items.append("婚姻登记")
    assert len(items) == 18
    colours = item_colours(items)
    assert len(set(colours)) == 18
    for a, b in itertools.combinations(colours, 2):
        assert math.dist(_lab(a), _lab(b)) >= APART, (a, b)
    assert all(_lab(c)[0] < PALE for c in colours)


def test_the_palette_holds_twenty_distinct_colours() -> None:
    assert len(set(PALETTE)) == 20
    assert min(math.dist(_lab(a), _lab(b)) for a, b in itertools.combinations(PALETTE, 2)) \
        >= APART
