"""Service time by time of day: the scenario field the calibration writes, and its estimator."""

from __future__ import annotations

import numpy as np
import pytest

from sim.calibration.fitting import time_factors
from sim.files.errors import InputError
from sim.run.replications import simulate
from sim.scenario.model import scenario_from_dict


def _hall(service_by_time):
    return {
        "name": "税务大厅",
        "hall": {"open": ["08:00-16:00"], "days": 2},
        "categories": {"纳税申报": {"arrivals_per_hour": 6,
                                "service": {"dist": "deterministic", "value": 2.0},
                                "service_by_time": service_by_time}},
        "windows": [{"id": "税务", "count": 3, "serves": ["纳税申报"]}],
    }


def test_afternoon_tickets_take_the_afternoon_factor_times_the_draw():
    sc = scenario_from_dict(_hall({"08:00": 1.0, "12:00": 2.5}), "<test>")
    rec = simulate(sc, seed=3, replications=1, keep_records=True).records_frame()
    served = rec[rec["outcome"] == "served"]
    afternoon = (served["arrival"] % 1440) >= 12 * 60
    service = (served["end"] - served["call"]).to_numpy()
    assert afternoon.any() and (~afternoon).any()
    assert np.allclose(service[~afternoon.to_numpy()], 2.0)
    assert np.allclose(service[afternoon.to_numpy()], 5.0)


def test_a_factor_outside_the_opening_hours_is_refused_with_its_field():
    with pytest.raises(InputError) as err:
        scenario_from_dict(_hall({"08:00": 1.0, "17:00": 2.0}), "<test>")
    assert "categories.纳税申报.service_by_time" in str(err.value)


def test_factors_are_written_only_when_the_time_of_day_matters():
    rng = np.random.default_rng(5)
    bins = np.arange(16, 32)
    bin_of = rng.choice(bins, 4000)
    flat = rng.lognormal(1.0, 0.8, 4000)
    assert time_factors(bin_of, flat, bins) is None  # one distribution all day (p >= 0.001)
    slow = flat * np.where(bin_of >= 24, 1.5, 1.0)  # afternoon 50 % longer
    found = time_factors(bin_of, slow, bins)
    assert found is not None
    ratio = found.factors[bins >= 24].mean() / found.factors[bins < 24].mean()
    assert 1.35 < ratio < 1.65
