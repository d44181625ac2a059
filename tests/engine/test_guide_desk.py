"""The guide desk (导引台) and wrong tickets: a feedback loop in front of the windows.

The story: a social-insurance hall (社保) of three windows. Without a guide, half the
customers' tickets are for the wrong item: the clerk turns them away (here after an
exponential time as long as a real service, so that every visit is an exponential
service and the hall is a Jackson network) and they take a new ticket, which may be
wrong again. A customer then makes 1 / (1 - p) visits, and the windows see
lam / (1 - p) tickets. A guide desk in front of the ticket machine (one guide, three
minutes a customer) halves the wrong share: the hall becomes a tandem of an M/M/1
desk and the M/M/3 station with feedback, whose mean time in system Jackson's
theorem gives exactly. A loop that re-queued only once (1 + p visits) would give a
time in system 17 % shorter, far outside the intervals.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.arrivals import draw_customers
from sim.engine.door import wrong_counts
from sim.scenario.model import scenario_from_dict
from sim.stats.load import extra_visit_rates, ticket_segments
from sim.stats.theory import mm1_sojourn_mean, mmc_feedback_sojourn_mean
from tests.helpers import assert_matches_theory, continuous, exp, per_rep, run

RATE = 10.8  # customers an hour: 0.18 a minute
SERVICE = 10.0
GUIDE = 3.0


def hall(share: float, guide: bool, days: int = 60):
    extra = {"guide": {"count": 1, "service": exp(GUIDE), "wrong_ticket_factor": 0.5}} \
        if guide else {}
    return continuous({"社保": {"arrivals_per_hour": RATE, "service": exp(SERVICE),
                               "wrong_ticket": {"share": share, "turn_away": exp(SERVICE)}}},
                      [{"id": "综合窗口", "count": 3, "serves": ["社保"]}], days=days, **extra)


@pytest.mark.parametrize("share, guide", [(0.3, False), (0.5, True)])
def test_feedback_loop_matches_jackson(share, guide):
    lam = RATE / 60.0
    p = share * (0.5 if guide else 1.0)
    sojourn = mmc_feedback_sojourn_mean(lam, p, 1 / SERVICE, 3)
    if guide:
        sojourn += mm1_sojourn_mean(lam, 1 / GUIDE)
    result = run(hall(share, guide), replications=12)
    assert_matches_theory(per_rep(result, "overall", "tickets_per_customer"), 1 / (1 - p),
                          0.01, "visits per customer")
    assert_matches_theory(per_rep(result, "overall", "utilisation"),
                          lam / (1 - p) * SERVICE / 3, 0.02, "window utilisation")
    assert_matches_theory(per_rep(result, "overall", "time_in_hall_mean"), sojourn, 0.05,
                          "mean time from the door to the end of the right service")
    if guide:
        assert_matches_theory(per_rep(result, "overall", "guide_utilisation"), lam * GUIDE,
                              0.03, "guide utilisation")


def test_geometric_wrong_tickets_and_a_guide_only_removes_them():
    u = np.random.default_rng(1).random(200_000)
    k = wrong_counts(u, 0.3)
    assert abs(k.mean() - 0.3 / 0.7) < 4 * k.std() / np.sqrt(len(k))
    assert np.all(wrong_counts(u, 0.15) <= k)  # common random numbers: a subset
    # same customers, same draws: the guided hall's wrong tickets are the unguided's, fewer
    a = draw_customers(hall(0.5, False, days=5), 3, 0)
    b = draw_customers(hall(0.5, True, days=5), 3, 0)
    assert np.array_equal(a.arrival, b.arrival) and np.array_equal(a.work, b.work)
    assert np.all(b.door.wrong <= a.door.wrong) and b.door.wrong.sum() < a.door.wrong.sum()
    for i, times in b.door.turn_away.items():
        assert times == a.door.turn_away[i][:len(times)]
    # the guide desk delays every ticket, never advances one
    assert np.all(b.door.ticket >= b.arrival) and np.array_equal(a.door.ticket, a.arrival)


def test_wrong_tickets_count_in_the_offered_load_of_the_category_they_queue_for():
    sc = scenario_from_dict({
        "name": "导引", "hall": {"open": ["09:00-17:00"], "days": 2},
        "categories": {
            "社保": {"arrivals_per_hour": 12, "service": exp(10),
                     "wrong_ticket": {"share": 0.2, "turn_away": exp(2), "to": "医保"}},
            "医保": {"arrivals_per_hour": 6, "service": exp(8)}},
        "windows": [{"id": "A", "count": 4, "serves": ["*"]}]})
    segs = ticket_segments(sc)

    def erlangs(c):
        return sum(r * (e - s) for s, e, r in segs[c]) / 480 * \
            sc.categories[c].service.mean / 60
    assert erlangs("社保") == pytest.approx(12 * 10 / 60)
    # 0.2 / 0.8 wrong tickets per customer, 2 minutes each, at the 医保 windows
    assert erlangs("医保") == pytest.approx(6 * 8 / 60 + 12 * 0.25 * 2 / 60)


def returns_hall(guide: bool):
    extra = {"guide": {"count": 2, "service": exp(1), "incomplete_factor": 0.4}} \
        if guide else {}
    return continuous({"社保": {"arrivals_per_hour": 6, "service": exp(10),
                               "returns": {"incomplete": 0.3, "one_time_notice": 0.1,
                                           "delay_days": {"dist": "deterministic",
                                                          "value": 1}}}},
                      [{"id": "A", "count": 3, "serves": ["社保"]}], days=40, warmup=3,
                      **extra)


@pytest.mark.parametrize("guide", [False, True])
def test_guides_pre_check_cuts_return_visits(guide):
    """Visits per case are 1 + p / (1 - q) with p, q the incomplete probabilities after
    the pre-check (0.3 and 0.1 without a guide; 0.12 and 0.04 with one)."""
    f = 0.4 if guide else 1.0
    p, q = 0.3 * f, 0.1 * f
    sc = returns_hall(guide)
    assert sc.incomplete_probabilities("社保") == pytest.approx((p, q))
    assert extra_visit_rates(sc)["社保"] == pytest.approx(6 * p / (1 - q))
    result = run(sc, replications=8)
    assert_matches_theory(per_rep(result, "overall", "visits_per_case"), 1 + p / (1 - q),
                          0.01, "visits per case")


def test_every_customer_ends_with_one_right_ticket_and_cases_follow_it():
    sc = returns_hall(True).model_copy()  # add wrong tickets to a hall with cases
    data = sc.to_dict()
    data["categories"]["社保"]["wrong_ticket"] = {"share": 0.4, "turn_away": exp(1)}
    sc = scenario_from_dict(data)
    result = run(sc.with_days(6), replications=1, keep_records=True)
    rep = result.replications[0]
    rec, cases = rep.records, rep.cases
    x = rec.extra
    mine = x["customer"] >= 0
    right = mine & (x["wrong"] == 0)
    # each customer: exactly one right ticket (no patience: every one is reached)
    assert np.array_equal(np.bincount(x["customer"][right]),
                          np.ones(int(x["customer"].max()) + 1, dtype=int))
    # wrong tickets belong to the customer's case and count among its tickets
    first_cases = cases.visits.size
    assert np.sum(rec.extra["case"] >= 0) == int(cases.tickets.sum())
    assert first_cases == int(np.sum(x["customer"] == np.arange(len(rec))))
    # a customer's tickets follow one another: each re-queue at the previous one's end
    order = np.lexsort((rec.arrival, x["customer"]))
    c, a, e = x["customer"][order], rec.arrival[order], rec.end[order]
    same = (c[1:] == c[:-1]) & (c[1:] >= 0)
    assert same.any() and np.allclose(a[1:][same], e[:-1][same])
