"""A called-but-gone (过号) ticket's call time is its turn: the moment a window would have
called its holder had they stayed. That time does not depend on the holder's patience,
which is what the censored patience fit needs (docs/calibration.md, "Patience")."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from sim.calibration.export import export_frame
from sim.calibration.fitting import fit_patience
from sim.engine.arrivals import draw_customers
from sim.run.replications import run_replication
from tests.calibration import truth as T

SEED = 3


@pytest.fixture(scope="module")
def hall():
    scenario = T.truth(days=4)
    customers = draw_customers(scenario, SEED, 0)
    records = run_replication(scenario, SEED, 0, keep_records=True,
                              customers=customers).records.to_frame()
    return scenario, customers, records


def test_a_gone_ticket_is_reached_after_its_holder_left(hall):
    _, _, r = hall
    gone = r[r["outcome"] == "abandoned"]
    assert len(gone) > 20
    assert gone["reached"].notna().all()  # the windows serve every ticket held at closing
    assert (gone["reached"] >= gone["end"]).all()  # end = when the holder left
    assert r.loc[r["outcome"] != "abandoned", "reached"].isna().all()


def test_had_the_holder_stayed_they_would_have_been_called_at_that_very_moment(hall):
    scenario, customers, r = hall
    # every gone ticket, those reached by the all-items group (which looks at three
    # queues and calls the oldest front) among them
    for k in r.index[r["outcome"] == "abandoned"]:
        patient = customers.patience.copy()
        patient[k] = math.inf
        stayed = run_replication(scenario, SEED, 0, keep_records=True,
                                 customers=dataclasses.replace(customers, patience=patient))
        stayed = stayed.records.to_frame()
        assert stayed.loc[k, "outcome"] == "served"
        assert stayed.loc[k, "call"] == r.loc[k, "reached"], (k, r.loc[k, "category"])


def test_the_export_calls_gone_tickets_at_their_turn_not_at_the_next_served_call(hall):
    scenario, _, r = hall
    out = export_frame(r, scenario)
    gone = out[out["状态"] == "过号"]
    assert len(gone) == int((r["outcome"] == "abandoned").sum())
    # many gone tickets are reached with nobody behind them: the next ticket of the item
    # is called later, when it arrives, so that call time overstates the turn
    nxt = r.assign(c=r["call"].where(r["outcome"] == "served")).sort_values(
        ["category", "arrival"]).groupby(["category", "day"], observed=True)["c"].bfill()
    later = (nxt - r["reached"])[r["outcome"] == "abandoned"]
    assert (later > 1.0).sum() > 0.1 * len(later)


def test_current_status_data_recover_an_exponential_patience():
    # the fit's own assumption, in isolation: turn V independent of patience P
    rng = np.random.default_rng(7)
    n, mean = 4000, 20.0
    turn = rng.uniform(0.0, 40.0, n)
    patience = rng.exponential(mean, n)
    outcome = np.where(patience > turn, "served", "no_show").astype(object)
    fit = fit_patience(turn, outcome)
    assert fit.family == "exponential"
    assert abs(fit.mean - mean) <= 2.58 * fit.mean_se


def test_a_hazard_that_falls_with_waiting_is_not_taken_for_exponential():
    rng = np.random.default_rng(8)
    n = 4000
    turn = rng.uniform(0.0, 40.0, n)
    patience = rng.lognormal(math.log(10.0), 1.5, n)  # hazard rising then falling
    outcome = np.where(patience > turn, "served", "no_show").astype(object)
    fit = fit_patience(turn, outcome)
    assert fit.family in ("gamma", "lognormal")


def test_a_log_too_large_to_fit_whole_is_fitted_on_a_sample_of_it():
    # 200,000 tickets: the fit uses every k-th of each kind (the same k), so its test and
    # interval are those of a sample; weighting thinned kinds back by their factors
    # would multiply the likelihood ratio k-fold and reject the true exponential
    for seed in (1, 2, 3):
        rng = np.random.default_rng(seed)
        n, mean = 200_000, 25.0
        turn = rng.exponential(3.0, n)
        outcome = np.where(rng.exponential(mean, n) > turn, "served", "no_show").astype(object)
        fit = fit_patience(turn, outcome)
        assert "fitted on every" in fit.note
        assert fit.family == "exponential", seed
        assert abs(fit.mean - mean) <= 2.58 * fit.mean_se, seed
