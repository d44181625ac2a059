"""Story: the capacity warning of ``run`` and ``validate`` skips its linear programme
when a simple split of the load already fits, so it must never hide an overload: the
split's utilisation is an upper bound of the LP's least achievable one, on every
bundled scenario and period, and on a hall that is overloaded only without pooling."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario.model import load_scenario, scenario_from_dict
from sim.stats import load as L

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))


def loads_and_staffing(scenario, minute: float):
    segs = L.ticket_segments(scenario)
    factor = max(scenario.hall.day_factors)
    loads = {c: L.rate_at(segs[c], minute) * factor * cat.service.mean / 60.0
             for c, cat in scenario.categories.items()}
    return loads, [g.staffed_at(minute) for g in scenario.windows]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_split_never_undercuts_the_lp(path: Path) -> None:
    try:
        scenario = load_scenario(path)
    except Exception:  # noqa: BLE001 - not every YAML under scenarios/ is a hall
        pytest.skip("not a scenario file")
    for minute in range(0, 1440, 30):
        if not scenario.hall.is_open_at(minute):
            continue
        loads, staffed = loads_and_staffing(scenario, minute)
        lp, _ = L.least_max_utilisation(scenario, loads, staffed)
        assert L._spread_utilisation(scenario, loads, staffed) >= lp - 1e-9


def test_split_moves_load_to_the_idle_group_before_crying_overload() -> None:
    # a: 1.5 erlangs on its own window and 2 shared ones; b: 0.6 erlangs on the shared
    # ones only. Pooled, 2.1 erlangs on 3 windows is 0.7 each: no overload to report.
    sc = scenario_from_dict({
        "name": "pool", "hall": {"open": ["08:00-17:00"]},
        "categories": {"a": {"arrivals_per_hour": 9, "service": {"dist": "exponential",
                                                                    "mean": 10}},
                       "b": {"arrivals_per_hour": 3.6, "service": {"dist": "exponential",
                                                                      "mean": 10}}},
        "windows": [{"id": "A", "count": 1, "serves": ["a"]},
                    {"id": "S", "count": 2, "serves": ["a", "b"]}],
    })
    loads, staffed = loads_and_staffing(sc, 600)
    lp, _ = L.least_max_utilisation(sc, loads, staffed)
    split = L._spread_utilisation(sc, loads, staffed)
    assert lp == pytest.approx(0.7, abs=1e-6) and lp <= split < 1.0
    assert L.overloads(sc) == []
