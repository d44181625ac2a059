"""Story: two departments are short of windows at once, one worse than the other. The
capacity warning names both, stretch by stretch, not only the worse one: a planner who
fixes the worst department must not be surprised by the next."""

from __future__ import annotations

import pytest

from sim.scenario.model import scenario_from_dict
from sim.stats import load as L


def hall() -> dict:
    """民政 (1.5 erlangs on one window, all day) and 企业开办 (0.6 erlangs on one window,
    1.2 in the last hour): 民政 is over all day, 企业开办 only from 17:00."""
    return {
        "name": "两个部门", "hall": {"open": ["08:30-12:00", "14:30-18:00"]},
        "categories": {
            "民政": {"arrivals_per_hour": 9,
                     "service": {"dist": "exponential", "mean": 10}},
            "企业开办": {"arrivals_per_hour": {"08:30": 3.6, "17:00": 7.2},
                        "service": {"dist": "exponential", "mean": 10}}},
        "windows": [{"id": "MZ", "count": 1, "serves": ["民政"]},
                    {"id": "QY", "count": 1, "serves": ["企业开办"]}],
    }


def test_both_short_departments_are_named_in_the_stretch_they_share() -> None:
    found = L.overloads(scenario_from_dict(hall()))
    said = [(o.categories, L.format_hhmm(o.start), L.format_hhmm(o.end)) for o in found]
    assert said == [(("民政",), "08:30", "12:00"), (("民政",), "14:30", "18:00"),
                    (("企业开办",), "17:00", "18:00")]
    qy = found[-1]
    assert qy.utilisation == pytest.approx(1.2)
    assert [(s.needed, s.staffed) for s in qy.stretches] == [(pytest.approx(1.2), 1)]


def test_worst_first_then_what_is_left() -> None:
    sc = scenario_from_dict(hall())
    sets = L.overloaded_sets(sc, {"民政": 1.5, "企业开办": 1.2}, [1, 1])
    assert [(round(t, 6), cats) for t, cats, _ in sets] == [(1.5, ("民政",)),
                                                           (1.2, ("企业开办",))]
    assert L.overloaded_sets(sc, {"民政": 0.5, "企业开办": 0.6}, [1, 1]) == []
