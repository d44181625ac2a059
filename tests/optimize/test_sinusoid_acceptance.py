"""Acceptance: certification on the time-varying sinusoid case (slow: about 40 s).

lambda(t) = 100 + 40 sin(2 pi t / 24) per hour, exponential service of 30 minutes,
target P(wait > 0) <= 0.2 in every hour, hourly periods
(``scenarios/optimize/sinusoid.yaml`` and ``sinusoid_spec.yaml``). Staffing each
hour by Erlang C for its own mean rate (SIPP) ignores that the queue of a busy
hour spills into the next one, and falls short in the hours after the peak (as
Green, Kolesar and Soares report for SIPP with long services). The certified plan
must meet the target in all 24 hours on an independent 20-replication run
(point estimates), at a cost stated against SIPP's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from optimize.certify import cell_levels, certify
from optimize.plan import staffed_scenario, window_hours
from optimize.problem import build_problem
from optimize.solve import solve
from optimize.spec import load_inputs
from sim.run.replications import simulate

HERE = Path(__file__).resolve().parents[2] / "scenarios" / "optimize"
INDEPENDENT_SEED = 987_654  # never used by certification (1, 1 + 1,000,003 i, + 7,919)


def hours_over(problem, plan) -> list[str]:
    """Hours whose P(wait > 0) exceeds 0.2 on an independent 20-replication run."""
    run = simulate(staffed_scenario(problem, plan), seed=INDEPENDENT_SEED, replications=20,
                   workers=2, keep_records=True)
    cells = cell_levels(problem, run, "mean")
    assert len(cells) == 24  # every hour judged on its own (about 700 tickets each)
    return [problem.periods[c.period].label for c in cells if c.short]


@pytest.mark.slow
def test_the_certified_plan_meets_p_wait_over_0_in_every_hour_where_sipp_does_not():
    scenario, spec = load_inputs(HERE / "sinusoid.yaml", HERE / "sinusoid_spec.yaml")
    problem = build_problem(scenario, spec)
    sipp = solve(problem)
    assert window_hours(problem, sipp) == 1398  # Erlang C hour by hour: a theory figure
    short_sipp = hours_over(problem, sipp)
    assert len(short_sipp) >= 5 and {"11:00", "14:00"} <= set(short_sipp)

    cert = certify(problem, seed=1, workers=2)

    assert cert.status == "certified"
    cost = window_hours(problem, cert.solution)
    assert 1398 < cost <= 1398 * 1.06  # a few per cent above SIPP, not a blanket margin
    assert hours_over(problem, cert.solution) == []
    sipp_open = sipp.open["DED-item"]
    plan_open = cert.solution.open["DED-item"]
    assert all(p >= s for p, s in zip(plan_open, sipp_open))
