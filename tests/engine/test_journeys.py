"""Journeys: several items one citizen needs, visited one after another, and their
bundled counterpart (一件事一次办)."""

from __future__ import annotations

import pytest

from sim.scenario.model import scenario_from_dict
from tests.helpers import assert_matches_theory, exp, per_rep, run

STEPS = {"licence": 20.0, "seal": 10.0, "tax": 15.0, "social_insurance": 10.0, "bank": 15.0}


def hall(journey_steps, categories, windows=10, open_=("00:00-24:00",), days=30):
    return scenario_from_dict({
        "name": "journey", "hall": {"open": list(open_), "days": days, "warmup_days": 1},
        "categories": categories,
        "journeys": {"company_setup": {"arrivals_per_hour": 1, "steps": journey_steps}},
        "windows": [{"id": "W", "count": windows, "serves": ["*"]}],
    })


def test_with_free_windows_time_in_hall_is_the_sum_of_the_steps():
    cats = {k: {"arrivals_per_hour": 0, "service": exp(m)} for k, m in STEPS.items()}
    result = run(hall(list(STEPS), cats), replications=6)
    j = "company_setup"
    assert_matches_theory(per_rep(result, "journeys", j, "time_in_hall_mean"),
                          sum(STEPS.values()), 0.04, "five tickets back to back")
    assert per_rep(result, "journeys", j, "tickets_mean").min() == 5.0


def test_the_bundle_takes_one_ticket_and_the_seeds_share_of_the_time():
    """Yumen: bundled services cut processing time by 45.6%."""
    bundle_mean = 0.544 * sum(STEPS.values())
    cats = {"company_setup_bundle": {"arrivals_per_hour": 0, "service": exp(bundle_mean)}}
    result = run(hall(["company_setup_bundle"], cats), replications=12)
    assert_matches_theory(per_rep(result, "journeys", "company_setup", "time_in_hall_mean"),
                          bundle_mean, 0.05, "bundle")
    assert per_rep(result, "journeys", "company_setup", "tickets_mean").max() == 1.0


def test_a_journey_that_outlasts_the_day_continues_the_next_morning():
    """Steps of 3 hours in a hall open 09:00-12:00: each step is another day's visit."""
    cats = {k: {"arrivals_per_hour": 0, "service": {"dist": "deterministic", "value": 200}}
            for k in ("a", "b")}
    scenario = hall(["a", "b"], cats, windows=50, open_=("09:00-12:00",), days=20)
    result = run(scenario, replications=2)
    visits = per_rep(result, "journeys", "company_setup", "visits_mean")
    assert visits == pytest.approx([2.0, 2.0])
    assert per_rep(result, "journeys", "company_setup", "one_day_share").max() == 0.0


def test_compare_reports_paired_journey_differences():
    from sim.run.compare import compare_runs

    steps = {k: {"arrivals_per_hour": 0, "service": exp(m)} for k, m in STEPS.items()}
    bundle = {"bundle": {"arrivals_per_hour": 0,
                         "service": exp(0.544 * sum(STEPS.values()))}}
    r_steps = run(hall(list(STEPS), steps, days=10), replications=5)
    r_bundle = run(hall(["bundle"], bundle, days=10), replications=5)
    diff = compare_runs(r_steps, r_bundle)["journeys"]["company_setup"]
    assert diff["tickets_mean"]["diff"] == -4.0
    assert diff["time_in_hall_mean"]["better"] == "candidate"
    assert diff["time_in_hall_mean"]["significant"]
    assert diff["time_in_hall_mean"]["diff"] == pytest.approx(-0.456 * 70, rel=0.25)
