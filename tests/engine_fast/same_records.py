"""Records of the two engines compared column by column (a helper of the fast-engine tests)."""

from __future__ import annotations

import numpy as np

from sim.engine.arrivals import Customers
from sim.engine.fast import run_fast
from sim.engine.hall import run_hall
from sim.engine.layout import HallLayout
from sim.engine.records import Records

COLUMNS = ("arrival", "category", "call", "end", "window", "outcome", "duty", "window_group")


def differences(a: Records, b: Records) -> list[str]:
    """The columns in which two records differ (dtype, shape or any bit; NaN equals NaN)."""
    out = []
    for name in COLUMNS:
        x, y = getattr(a, name), getattr(b, name)
        if x.dtype != y.dtype or x.shape != y.shape or not np.array_equal(x, y, equal_nan=True):
            out.append(name)
    if list(a.extra) != list(b.extra):
        out.append(f"extra columns {list(a.extra)} != {list(b.extra)}")
    else:
        out += [f"extra.{k}" for k in a.extra
                if a.extra[k].dtype != b.extra[k].dtype
                or not np.array_equal(a.extra[k], b.extra[k], equal_nan=True)]
    for name in ("category_names", "window_names", "group_names"):
        if getattr(a, name) != getattr(b, name):
            out.append(name)
    if (a.kiosk is None) != (b.kiosk is None):
        out.append("kiosk")
    return out


def both_engines(layout: HallLayout, customers: Customers, days: int
                 ) -> tuple[Records, Records]:
    """The SimPy engine's records and the fast engine's, of the same customers."""
    return run_hall(layout, customers, days), run_fast(layout, customers, days)
