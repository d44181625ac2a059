"""The back office and return visits against theory.

Halls here are open around the clock with plenty of windows and a near-instant
window service, so cases reach the back office as a Poisson stream (departures
of a queue with no waiting are its arrivals, shifted)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.cases import COMPLETE
from sim.stats.metrics import queue_area
from sim.stats.theory import fork_join_two_exp_mean, mm1_sojourn_mean
from tests.helpers import assert_matches_theory, continuous, exp, per_rep, run

QUICK = {"dist": "deterministic", "value": 0.01}
LAM = 2.0  # cases per hour


def hall_with_backoffice(stages, route, days=120, **category):
    return continuous(
        {"permit": {"arrivals_per_hour": LAM, "service": QUICK,
                    "backoffice": {"route": route}, **category}},
        [{"id": "A", "count": 20, "serves": ["permit"]}],
        days=days, backoffice={"stages": stages})


def lead_minutes(result):
    return per_rep(result, "by_category", "permit", "lead_time_days_mean") * 1440 - 0.01


def test_tandem_of_single_reviewers_is_a_jackson_network():
    """Three M/M/1 stages in series: the mean lead time is the sum of the M/M/1
    sojourn times (Jackson): 15 + 30 + 60 = 105 minutes at utilisations 1/3, 1/2, 2/3."""
    means = {"review": 10.0, "inspect": 15.0, "decide": 20.0}
    scenario = hall_with_backoffice({k: {"count": 1, "service": exp(m)} for k, m in means.items()},
                                    list(means))
    result = run(scenario, replications=10, keep_records=True)
    theory = sum(mm1_sojourn_mean(LAM / 60, 1 / m) for m in means.values())
    assert theory == pytest.approx(105.0)
    assert_matches_theory(lead_minutes(result), theory, 0.06, "tandem lead time")
    for k, m in means.items():
        assert_matches_theory(per_rep(result, "backoffice", k, "utilisation"), LAM * m / 60,
                              0.03, f"{k} utilisation")


def test_littles_law_on_back_office_work_in_progress():
    means = {"review": 10.0, "inspect": 15.0, "decide": 20.0}
    scenario = hall_with_backoffice({k: {"count": 1, "service": exp(m)} for k, m in means.items()},
                                    list(means), days=120)
    result = run(scenario, replications=8, keep_records=True)
    wips, theory_wip = [], sum(r / (1 - r) for r in (1 / 3, 1 / 2, 2 / 3))  # 3.5 cases
    for rep in result.replications:
        cases = rep.cases
        w0, horizon = 2 * 1440.0, 120 * 1440.0
        ok = cases.status == COMPLETE
        area = queue_area(cases.bo_in[ok], cases.bo_out[ok], np.array([w0, horizon]))[0]
        entered = ((cases.bo_in >= w0) & (cases.bo_in < horizon)).sum()
        sojourn = (cases.bo_out - cases.bo_in)[ok & (cases.bo_in >= w0)].mean()
        wip = area / (horizon - w0)
        assert wip == pytest.approx(entered / (horizon - w0) * sojourn, rel=0.02)
        wips.append(wip)
    assert_matches_theory(np.array(wips), theory_wip, 0.12, "back-office WIP")


def test_fork_join_waits_for_the_slower_branch():
    """Two parallel branches with ample reviewers: E[max] = 1/mu1 + 1/mu2 - 1/(mu1+mu2)."""
    scenario = hall_with_backoffice(
        {"fire": {"count": 30, "service": exp(20)}, "planning": {"count": 30,
                                                                 "service": exp(30)}},
        [{"parallel": ["fire", "planning"]}], days=60)
    result = run(scenario, replications=6)
    theory = fork_join_two_exp_mean(1 / 20, 1 / 30)  # 38 minutes
    assert theory == pytest.approx(38.0)
    assert_matches_theory(lead_minutes(result), theory, 0.05, "fork-join")


def test_parallel_approval_beats_the_same_steps_in_series():
    stages = {k: {"count": 30, "service": exp(m)} for k, m in
              (("licence", 30), ("invoices", 20), ("social", 20), ("bank", 40), ("seal", 10))}
    serial = hall_with_backoffice(stages, list(stages), days=30)
    parallel = hall_with_backoffice(
        stages, ["licence", {"parallel": ["invoices", "social", "bank", "seal"]}], days=30)
    r_s, r_p = run(serial, replications=6), run(parallel, replications=6)
    assert_matches_theory(lead_minutes(r_s), 120.0, 0.05, "serial = sum of means")
    # E[max of four independent exponentials] by inclusion-exclusion
    rates = [1 / 20, 1 / 20, 1 / 40, 1 / 10]
    from itertools import combinations
    e_max = sum((-1) ** (len(s) + 1) / sum(s) for r in range(1, 5)
                for s in combinations(rates, r))
    assert_matches_theory(lead_minutes(r_p), 30.0 + e_max, 0.05, "licence then fork-join")


def test_chief_representative_cuts_five_sign_offs_to_one():
    five = {f"signoff{k}": {"count": 30, "service": exp(60)} for k in range(5)}
    r5 = run(hall_with_backoffice(five, list(five), days=20), replications=5)
    r1 = run(hall_with_backoffice({"chief": {"count": 30, "service": exp(60)}}, ["chief"],
                                  days=20), replications=5)
    # ample reviewers, hours around the clock: 5 x 60 = 300 minutes vs 60
    assert_matches_theory(lead_minutes(r5), 300.0, 0.05, "five sign-offs")
    assert_matches_theory(lead_minutes(r1), 60.0, 0.05, "one sign-off")


def returns_hall(**returns):
    return continuous(
        {"permit": {"arrivals_per_hour": 4, "service": exp(5),
                    "returns": {"delay_days": {"dist": "deterministic", "value": 1},
                                **returns}}},
        [{"id": "A", "count": 10, "serves": ["permit"]}], days=60)


@pytest.mark.parametrize("p", [0.2, 0.5])
def test_visits_per_case_is_one_over_one_minus_p(p):
    result = run(returns_hall(incomplete=p), replications=6)
    assert_matches_theory(per_rep(result, "overall", "visits_per_case"), 1 / (1 - p), 0.02,
                          "visits per case")
    assert_matches_theory(per_rep(result, "overall", "one_visit_share"), 1 - p, 0.03,
                          "one-visit share")


def test_one_time_notice_cuts_repeat_returns_to_its_probability():
    """Incomplete at first with p = 0.4; after a full notice, q = 0.05 each later
    visit: E[visits] = 1 + p / (1 - q) = 1.421 instead of 1 / (1 - p) = 1.667."""
    before = run(returns_hall(incomplete=0.4), replications=12)
    after = run(returns_hall(incomplete=0.4, one_time_notice=0.05), replications=12)
    assert_matches_theory(per_rep(before, "overall", "visits_per_case"), 1 / 0.6, 0.02, "before")
    assert_matches_theory(per_rep(after, "overall", "visits_per_case"), 1 + 0.4 / 0.95, 0.02,
                          "after notice")


def test_accept_with_deficiency_gives_one_visit_at_the_cost_of_a_supplement_delay():
    """No return visits at all; the incomplete share (0.4) waits 2 working days for the
    supplement, so the mean lead time grows by 0.4 x 2 = 0.8 days."""
    base = dict(incomplete=0.4)
    before = run(returns_hall(**base), replications=6)
    after = run(returns_hall(**base, accept_with_deficiency={
        "supplement_days": {"dist": "deterministic", "value": 2}}), replications=6)
    assert per_rep(after, "overall", "visits_per_case").max() == 1.0
    assert per_rep(after, "overall", "one_visit_share").min() == 1.0
    assert_matches_theory(per_rep(after, "overall", "deficiency_share"), 0.4, 0.03,
                          "deficiency share")
    assert_matches_theory(per_rep(after, "overall", "lead_time_days_mean"), 0.8, 0.05,
                          "supplement delay")
    assert per_rep(before, "overall", "one_visit_share").mean() < 0.65


def test_collecting_results_adds_an_output_window_visit():
    """Half the results are collected at the output window (出件) a day later: visits
    per case = 1 + 0.5 and that window sees the extra tickets."""
    scenario = continuous(
        {"permit": {"arrivals_per_hour": 3, "service": exp(5),
                    "backoffice": {"route": ["review"]},
                    "delivery": {"post_share": 0.5, "collect_at": "pickup",
                                 "collect_delay_days": {"dist": "uniform", "low": 0,
                                                        "high": 2}}},
         "pickup": {"arrivals_per_hour": 0, "service": exp(2)}},
        [{"id": "A", "count": 5, "serves": ["permit"]},
         {"id": "OUT", "count": 2, "serves": ["pickup"]}],
        days=40, backoffice={"stages": {"review": {"count": 20, "service": exp(60)}}})
    result = run(scenario, replications=5)
    assert_matches_theory(per_rep(result, "overall", "visits_per_case"), 1.5, 0.02, "visits")
    pickups = per_rep(result, "by_category", "pickup", "arrivals")
    permits = per_rep(result, "by_category", "permit", "arrivals")
    assert_matches_theory(pickups / permits, 0.5, 0.05, "collection tickets")


def test_posted_results_reach_the_citizen_after_the_post_delay():
    scenario = continuous(
        {"permit": {"arrivals_per_hour": 2, "service": QUICK,
                    "backoffice": {"route": ["review"]},
                    "delivery": {"post_share": 1.0,
                                 "post_delay_days": {"dist": "deterministic", "value": 2}}}},
        [{"id": "A", "count": 5, "serves": ["permit"]}],
        days=20, backoffice={"stages": {"review": {"count": 20, "service": exp(60)}}})
    result = run(scenario, replications=3)
    lead = per_rep(result, "overall", "lead_time_days_mean")
    delivered = per_rep(result, "overall", "delivered_days_mean")
    assert delivered - lead == pytest.approx([2.0, 2.0, 2.0])
    assert per_rep(result, "overall", "visits_per_case").max() == 1.0
