"""The backtest's noise floor: the error a model without any error would score, because
the observed day is itself one random draw."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.data.backtest import noise_floor

HOURS = list(range(8, 18))


def _replication(rng: np.random.Generator, wait_sd: float, abandon_sd: float) -> pd.DataFrame:
    """Hourly figures of one replication: true wait 2 min and abandonment 10 % in every
    hour, each seen with normal noise of the given standard deviations."""
    index = pd.MultiIndex.from_product([["*"], HOURS], names=["item", "hour"])
    return pd.DataFrame({
        "wait_mean": 2.0 + rng.normal(0.0, wait_sd, len(HOURS)),
        "abandon_share": 0.10 + rng.normal(0.0, abandon_sd, len(HOURS)),
        "n_served": np.full(len(HOURS), 1000.0),
    }, index=index)


def test_a_perfect_model_scores_the_mean_absolute_deviation_of_the_observation():
    # E|X - mu| = sigma * sqrt(2 / pi): 1 % of noise on the abandonment share is
    # 0.80 points; 0.1 min on a 2-minute wait is 4.0 % (to first order)
    rng = np.random.default_rng(7)
    reps = [_replication(rng, 0.1, 0.01) for _ in range(300)]
    floor = noise_floor(reps, HOURS, n_days=20)
    assert floor["replications"] == 300
    assert floor["abandon_mae_points"] == pytest.approx(math.sqrt(2 / math.pi), rel=0.04)
    assert floor["wait_mape"] == pytest.approx(100 * 0.05 * math.sqrt(2 / math.pi), rel=0.05)


def test_a_few_replications_do_not_inflate_the_floor():
    # the leave-one-out prediction is a mean of R - 1 noisy replications: without the
    # sqrt((R - 1) / R) correction 3 replications would claim a floor 22 % too high
    rng = np.random.default_rng(8)
    floors = [noise_floor([_replication(rng, 0.1, 0.01) for _ in range(3)], HOURS, 20)
              for _ in range(250)]
    mean = np.mean([f["abandon_mae_points"] for f in floors])
    assert mean == pytest.approx(math.sqrt(2 / math.pi), rel=0.04)


def test_one_replication_has_no_floor():
    floor = noise_floor([_replication(np.random.default_rng(1), 0.1, 0.01)], HOURS, 20)
    assert math.isnan(floor["wait_mape"]) and math.isnan(floor["abandon_mae_points"])
