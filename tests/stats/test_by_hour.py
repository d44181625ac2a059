"""Hourly figures cover the same tickets as the overall ones, and truncated cases are flagged.

Story: a licence office with return visits runs five days. Returns and collections
scheduled after the last day used to be counted in the hourly rows (overall 547
tickets, hourly rows adding up to 812). Hourly rows now add up to the overall count,
and the share of cases still running at the end is reported with a warning.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.scenario.model import load_scenario
from sim.stats.metrics import CENSORED_WARNING_SHARE, warnings_for
from tests.helpers import per_rep, run


@pytest.fixture(scope="module")
def short_licence_run():
    scenario = load_scenario("scenarios/reforms/returns_before.yaml").with_days(5)
    return scenario, run(scenario, replications=3)


def test_hourly_arrivals_add_up_to_overall_arrivals(short_licence_run):
    scenario, result = short_licence_run
    stat_days = scenario.hall.days - scenario.hall.warmup_days
    for rep in result.replications:
        hourly = sum(row["arrivals_per_day"] for row in rep.summary["by_hour"].values())
        assert hourly * stat_days == pytest.approx(rep.summary["overall"]["arrivals"])


def test_hourly_service_level_and_probability_of_waiting_are_shares_with_intervals(
        short_licence_run):
    _, result = short_licence_run
    doc = result.document()
    for row in doc["by_hour"].values():
        for key in ("p_wait_over_target", "p_wait_positive"):
            assert key in row["ci95"]
            if row[key] is not None:
                assert 0.0 <= row[key] <= 1.0
    # not called within T implies not called at once
    for row in doc["by_hour"].values():
        if row["p_wait_over_target"] is not None:
            assert row["p_wait_over_target"] <= row["p_wait_positive"] + 1e-12


def test_cases_cut_by_a_short_horizon_are_counted_and_warned_about(short_licence_run):
    scenario, result = short_licence_run
    censored = per_rep(result, "overall", "censored_share")
    # 2.5-day returns and a back office on a 3-day statistics window: many cases run on
    assert np.all(censored > CENSORED_WARNING_SHARE)
    warnings = warnings_for(scenario, result.document())
    assert any("unfinished at the end" in w for w in warnings)


def test_a_long_run_has_few_truncated_cases():
    scenario = load_scenario("scenarios/reforms/returns_before.yaml").with_days(30)
    result = run(scenario, replications=2)
    assert per_rep(result, "overall", "censored_share").mean() < 0.15


def test_a_warm_up_shorter_than_the_return_delay_is_warned_about(short_licence_run):
    scenario, result = short_licence_run
    warnings = warnings_for(scenario, result.document())
    assert any("returns.delay_days" in w and "warmup_days" in w for w in warnings)


def test_the_hourly_p90_wait_is_the_90th_percentile_of_that_hours_served_waits():
    """A planner reads "9 in 10 wait less than this" hour by hour: each replication's
    hourly P90 is numpy's percentile of the waits of the tickets served from that hour,
    and the document gives it a confidence interval like the mean."""
    scenario = load_scenario("scenarios/quickstart.yaml").with_days(3)
    result = run(scenario, replications=3, keep_records=True)
    for rep in result.replications:
        rec = rep.records
        served = (rec.outcome == 0) & (rec.arrival >= scenario.hall.warmup_days * 1440)
        hour = (rec.arrival[served] % 1440 // 60).astype(int)
        wait = (rec.call - rec.arrival)[served]
        for hh, row in rep.summary["by_hour"].items():
            mine = wait[hour == int(hh)]
            if len(mine):
                assert row["wait_p90"] == pytest.approx(np.percentile(mine, 90), abs=1e-9)
            else:
                assert np.isnan(row["wait_p90"])
    doc = result.document()
    assert all("wait_p90" in row["ci95"] for row in doc["by_hour"].values())
