"""Acceptance: certification on the time-varying sinusoid case (slow: about 100 s).

lambda(t) = 100 + 40 sin(2 pi t / 24) per hour, exponential service of 30 minutes,
target P(wait > 0) <= 0.2 in every hour, hourly periods
(``scenarios/optimize/sinusoid.yaml`` and ``sinusoid_spec.yaml``). Staffing each
hour by Erlang C for its own mean rate (SIPP) ignores that the queue of a busy
hour spills into the next one, and falls short in the hours after the peak (as
Green, Kolesar and Soares report for SIPP with long services). The certified plan
must truly meet the target in all 24 hours: on 100 independent replications every
hour's P(wait > 0) is at most 0.2, at a cost a few per cent above SIPP's and no
more than the 1,444 certified before trimming. (On a single independent
20-replication run a plan that just meets the target shows some hour above it
by noise alone: 6 of 10 such runs pass all 24 hours for the trimmed plan.)
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


def hours_over(problem, plan, replications: int = 20) -> list[str]:
    """Hours whose P(wait > 0) exceeds 0.2 on an independent run (point estimates)."""
    run = simulate(staffed_scenario(problem, plan), seed=INDEPENDENT_SEED,
                   replications=replications, workers=2, keep_records=True)
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
    assert 1398 < cost <= 1444  # a few per cent above SIPP, not a blanket margin
    assert hours_over(problem, cert.solution, replications=100) == []
    sipp_open = sipp.open["DED-item"]
    plan_open = cert.solution.open["DED-item"]
    # more windows than SIPP after the peak, where the queue of the busy hours spills
    # over; trimming may open fewer where arrivals rise (the queue lags behind them)
    assert all(plan_open[h] > sipp_open[h] for h in range(11, 16))
