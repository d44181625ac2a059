"""Priority classes: a window calls the highest priority level first (non-preemptive).

The story: a social-insurance hall (社保) of four windows runs at utilisation 0.9.
Thirty per cent of its customers are elderly (老年人) and are called first. Cobham's
formulas for the non-preemptive priority M/M/c queue give each class's mean wait:
about 2.7 minutes for the elderly and 27 for the rest, where first come, first served
would give both about 19.7. The simulated waits must match both classes, in intervals
narrow enough that a hall ignoring priorities (or pre-empting) would fail.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.records import ABANDONED, SERVED
from sim.stats.theory import mmc_priority_wait_means, mmc_wait_mean
from tests.helpers import assert_matches_theory, continuous, exp, per_rep, run

PER_MIN = 1.0 / 60.0
RATE = 21.6  # tickets an hour: 0.36 a minute on four 10-minute windows, utilisation 0.9
SHARE = 0.3


def elderly_share_hall():
    """One category; 30 % of its customers have priority 1 (a customer share)."""
    return continuous({"社保": {"arrivals_per_hour": RATE, "service": exp(10),
                               "priority_share": {"share": SHARE, "priority": 1,
                                                  "label": "老年人"}}},
                      [{"id": "综合窗口", "count": 4, "serves": ["社保"]}], days=100)


def key_project_hall():
    """Two categories; the key projects' category (重点项目) has priority 2 as a whole."""
    return continuous({"重点项目": {"arrivals_per_hour": RATE * SHARE, "service": exp(10),
                                   "priority": 2},
                       "企业开办": {"arrivals_per_hour": RATE * (1 - SHARE),
                                   "service": exp(10)}},
                      [{"id": "综合窗口", "count": 4, "serves": ["*"]}], days=100)


@pytest.mark.parametrize("build, high, low", [(elderly_share_hall, "1", "0"),
                                              (key_project_hall, "2", "0")])
def test_two_priority_classes_match_cobham(build, high, low):
    lam = RATE * PER_MIN
    w_high, w_low = mmc_priority_wait_means([SHARE * lam, (1 - SHARE) * lam], 0.1, 4)
    fcfs = mmc_wait_mean(lam, 0.1, 4)
    assert w_high < 0.2 * fcfs and w_low > 1.3 * fcfs  # the classes are far apart
    result = run(build(), replications=16)
    assert_matches_theory(per_rep(result, "by_priority", high, "wait_mean"), w_high, 0.10,
                          "high class mean wait")
    assert_matches_theory(per_rep(result, "by_priority", low, "wait_mean"), w_low, 0.10,
                          "low class mean wait")


def test_share_of_customers_with_priority_is_the_drawn_share():
    result = run(elderly_share_hall().with_days(20), replications=4)
    high = per_rep(result, "by_priority", "1", "arrivals")
    total = per_rep(result, "overall", "arrivals")
    share = high.sum() / total.sum()
    se = np.sqrt(SHARE * (1 - SHARE) / total.sum())
    assert abs(share - SHARE) < 4 * se


def test_no_priority_inversion_at_call_time():
    """Whenever a window calls a ticket, no ticket it may serve with a higher level is
    waiting (two groups, own_first, impatient customers, a schedule)."""
    scenario = continuous(
        {"社保": {"arrivals_per_hour": 14, "service": exp(10), "patience": exp(40),
                  "priority_share": {"share": 0.2, "priority": 3}},
         "医保": {"arrivals_per_hour": 8, "service": exp(8), "priority": 1},
         "公积金": {"arrivals_per_hour": 6, "service": exp(6)}},
        [{"id": "A", "count": 2, "serves": ["社保", "医保"], "call_rule": "own_first",
          "primary": ["医保"]},
         {"id": "B", "count": 2, "serves": ["*"], "schedule": {"00:00": 2, "12:00": 1}}],
        days=3, warmup=0)
    result = run(scenario, replications=1, keep_records=True)
    rec = result.replications[0].records
    level = rec.extra["priority"]
    serves = {gi: {rec.category_names.index(c) for c in scenario.serves(g)}
              for gi, g in enumerate(rec.group_names)}
    gone = np.where(rec.outcome == SERVED, rec.call,
                    np.where(rec.outcome == ABANDONED, rec.end, np.inf))
    called = np.flatnonzero(rec.outcome == SERVED)
    assert len(called) > 1000 and len(np.unique(level)) == 3
    inversions = 0
    for i in called:
        t = rec.call[i]
        g = int(rec.window_group[rec.window[i]])
        waiting = (rec.arrival < t) & (gone > t)
        eligible = np.isin(rec.category, list(serves[g]))
        inversions += int(np.any(waiting & eligible & (level > level[i])))
    assert inversions == 0


def test_without_priorities_no_priority_figures():
    scenario = continuous({"a": {"arrivals_per_hour": 10, "service": exp(5)}},
                          [{"id": "A", "count": 1, "serves": ["a"]}], days=2, warmup=0)
    result = run(scenario, replications=1, keep_records=True)
    assert "by_priority" not in result.replications[0].summary
    assert "priority" not in result.replications[0].records.extra
