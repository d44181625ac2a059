"""Breaks and AB backup posts: windows go off duty at random, finishing their customer.

The story: three windows, 12 customers an hour, 10-minute exponential service. Each
clerk goes on a break after an exponential 2 hours on duty (when the current
customer is done) and is away an exponential 20 minutes. The exact answer is a
Markov chain (customers, clerks away, clerks due for a break): mean wait about 12.9
minutes instead of Erlang C's 4.4 with no breaks, and 2.59 windows on duty on
average. The simulation must match both, and its utilisation must be the offered
load over the staffed time it recorded (the utilisation identity).
"""

from __future__ import annotations

import numpy as np

from sim.engine.breaks import draw_break_plan
from sim.stats.theory import mmc_wait_mean, mmc_with_breaks
from tests.helpers import assert_matches_theory, continuous, exp, per_rep, run

LAM, MU, C = 0.2, 0.1, 3  # per minute
UP, DOWN = 120.0, 20.0


def hall_with_breaks(backup=None, days=100):
    breaks = {"every": exp(UP), "duration": exp(DOWN)} | ({"backup": backup} if backup else {})
    return continuous({"社保": {"arrivals_per_hour": LAM * 60, "service": exp(1 / MU)}},
                      [{"id": "综合", "count": C, "serves": ["社保"], "breaks": breaks}],
                      days=days)


def test_breaks_match_the_exact_markov_chain_and_the_utilisation_identity():
    theory = mmc_with_breaks(LAM, MU, C, 1 / UP, 1 / DOWN)
    assert theory.wait_mean > 2.5 * mmc_wait_mean(LAM, MU, C)  # breaks matter
    result = run(hall_with_breaks(), replications=16)
    assert_matches_theory(per_rep(result, "overall", "wait_mean"), theory.wait_mean, 0.10,
                          "mean wait with breaks")
    hours = (100 - 2) * 24.0
    on_duty = per_rep(result, "by_window", "综合", "staffed_hours") / hours
    assert_matches_theory(on_duty, theory.on_duty_mean, 0.01, "windows on duty")
    # utilisation identity: busy time / recorded on-duty time = offered load / on duty
    assert_matches_theory(per_rep(result, "overall", "utilisation"), theory.utilisation, 0.02,
                          "utilisation")
    busy = per_rep(result, "by_window", "综合", "busy_hours")
    staffed = per_rep(result, "by_window", "综合", "staffed_hours")
    assert np.allclose(busy / staffed, per_rep(result, "overall", "utilisation"), rtol=1e-6)


def test_a_window_is_never_serving_while_away():
    """Every service lies inside one of its window's on-duty intervals."""
    result = run(hall_with_breaks(days=5), replications=1, keep_records=True)
    rec = result.replications[0].records
    served = np.flatnonzero(rec.window >= 0)
    duty = rec.duty
    for i in served:
        rows = duty[duty[:, 0] == rec.window[i]]
        inside = (rows[:, 1] <= rec.call[i] + 1e-9) & (rec.end[i] <= rows[:, 2] + 1e-9)
        assert inside.any(), f"ticket {i} served off duty"
    assert len(duty) > 3 * 5 * 24 * 60 / (UP + DOWN) * 0.5  # the windows did take breaks


def test_ab_backup_shortens_breaks_to_the_cover_delay():
    """With a backup covering half the breaks after an exponential 5 minutes, a break
    lasts on average 0.5 x E[min(20-min, 5-min exponentials)] + 0.5 x 20 = 12 minutes."""
    scenario = hall_with_breaks(backup={"probability": 0.5, "delay": exp(5)}, days=400)
    plan = draw_break_plan(scenario, 1, 0)
    downs = np.concatenate([np.asarray(d) for d in plan.down])
    expected = 0.5 * 1 / (1 / 20 + 1 / 5) + 0.5 * 20
    assert abs(downs.mean() - expected) < 4 * downs.std() / np.sqrt(len(downs))
    # the clerks' own break lengths are the same draws with and without the backup (CRN)
    plain = draw_break_plan(hall_with_breaks(days=400), 1, 0)
    assert plain.up == plan.up
    assert all(np.all(np.asarray(b) <= np.asarray(a) + 1e-12)
               for a, b in zip(plain.down, plan.down))
