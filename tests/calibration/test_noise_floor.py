"""The backtest's noise floor: the error a model without any error would score, because
the observed day is itself one random draw."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.calibration.backtest import noise_floor

HOURS = list(range(8, 18))


def _replication(rng: np.random.Generator, wait_sd: float, abandon_sd: float) -> pd.DataFrame:
    """Hourly figures of one replication: true wait 2 min and abandonment 10 % in every
    hour, each seen with normal noise of the given standard deviations."""
    index = pd.MultiIndex.from_product([["*"], HOURS], names=["item", "hour"])
    return pd.DataFrame({
        "wait_mean": 2.0 + rng.normal(0.0, wait_sd, len(HOURS)),
        "left_share": 0.10 + rng.normal(0.0, abandon_sd, len(HOURS)),
        "n_served": np.full(len(HOURS), 1000.0),
    }, index=index)


def test_a_perfect_model_scores_the_mean_absolute_deviation_of_the_observation():
    # E|X - mu| = sigma * sqrt(2 / pi): 1 % of noise on the abandonment share is
    # 0.80 points; 0.1 min on a 2-minute wait is 4.0 % (to first order)
    rng = np.random.default_rng(7)
    reps = [_replication(rng, 0.1, 0.01) for _ in range(300)]
    floor = noise_floor(reps, HOURS, n_days=20, observed=reps[0])
    assert floor["replications"] == 300
    assert floor["abandon_mae_points"] == pytest.approx(math.sqrt(2 / math.pi), rel=0.04)
    assert floor["wait_mape"] == pytest.approx(100 * 0.05 * math.sqrt(2 / math.pi), rel=0.05)


def test_the_floor_counts_the_hours_the_real_observation_is_judged_on():
    # the log had too few served tickets at 08:00 to judge that hour: neither is the floor
    rng = np.random.default_rng(9)
    reps = [_replication(rng, 0.1, 0.01) for _ in range(20)]
    for rep in reps:  # a wild hour the log does not judge
        rep.loc[("*", 8), "left_share"] = rng.uniform(0.0, 1.0)
    log = reps[0].copy()
    log.loc[("*", 8), "n_served"] = 3.0
    judged = noise_floor(reps, HOURS, n_days=20, observed=log)["abandon_mae_points"]
    assert judged < 1.2  # about 0.8 without the wild hour; about 3.5 with it


def test_with_few_replications_the_floor_is_what_a_perfect_model_would_score():
    # a perfect model's prediction is a mean of R replications, so with R = 3 it misses
    # an observation by sigma * sqrt(4/3) * sqrt(2/pi) on average; the leave-one-out
    # estimate (a mean of 2) would say sigma * sqrt(3/2) * sqrt(2/pi) without its
    # sqrt(1 - 1/R^2) correction
    rng = np.random.default_rng(8)
    floors = []
    for _ in range(250):
        reps = [_replication(rng, 0.1, 0.01) for _ in range(3)]
        floors.append(noise_floor(reps, HOURS, 20, observed=reps[0])["abandon_mae_points"])
    assert np.mean(floors) == pytest.approx(math.sqrt(2 / math.pi) * math.sqrt(4 / 3), rel=0.04)


def test_one_replication_has_no_floor():
    rep = _replication(np.random.default_rng(1), 0.1, 0.01)
    floor = noise_floor([rep], HOURS, 20, observed=rep)
    assert floor["wait_mape"] is None and floor["abandon_mae_points"] is None


def test_the_waits_absolute_error_judges_the_hours_a_percentage_cannot():
    """An item served at once waits 0 in the log at 09:00: no percentage error there, but
    the prediction's 0.2 minutes count in the absolute error beside it."""
    import pandas as pd

    from sim.calibration.backtest import _errors

    obs = pd.DataFrame({"wait_mean": [0.0, 1.0], "left_share": [0.0, 0.1],
                        "n_served": [400, 400]}, index=[9, 10])
    pred, left = pd.Series([0.2, 1.1], index=[9, 10]), pd.Series([0.0, 0.1], index=[9, 10])
    e = _errors(obs, pred, left, n_days=10)
    assert e["wait_mape"] == pytest.approx(10.0) and e["hours"] == 1
    assert e["wait_mae_minutes"] == pytest.approx(0.15)
