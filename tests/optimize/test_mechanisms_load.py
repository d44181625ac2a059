"""The optimiser sizes windows on the load the hall mechanisms leave, on a case done by hand.

The story: a social-insurance department (人社) receives 60 customers an hour with
exponential 10-minute services (10 erlangs), and must keep the mean wait within
2 minutes. By hand, an M/M/n pool then needs the smallest n with
``C(n, a) x 10 / (n - a) <= 2`` (Erlang C; :mod:`sim.stats.theory`, not the
optimiser's own tables). Then the reforms:

- 30 % apply online: a = 0.7 x 10 = 7 erlangs;
- without a guide 20 % of tickets are wrong, each turned away after 8 minutes (the
  clerk reads the application before sending the customer to the right window):
  0.25 wrong tickets per customer add 2 minutes of window work each (12 erlangs); a
  guide desk halves the share (10 %: 1/9 wrong tickets per customer, 0.889 minutes);
- half the customers try a self-service kiosk and 1 in 5 of them cannot finish
  there: a = (1 - 0.5 x 0.8) x 10 = 6 erlangs at the windows (the kiosks are no
  windows: the optimiser neither sizes nor counts them);
- half the customers book an appointment and a fifth of those do not come:
  a = (1 - 0.5 x 0.2) x 10 = 9 erlangs;
- a share of the elderly called first (priority) changes nobody's mean wait over
  the pool: with equal service rates the mean wait over all classes of a
  non-preemptive priority M/M/n equals the FCFS Erlang C wait (Cobham; the
  conservation law), so a pool sized for its mean wait is sized exactly, and the
  optimiser must give the same answer with and without priority.
"""

from __future__ import annotations

from typing import Any

import pytest

from optimize.problem import build_problem
from optimize.solve import solve
from optimize.spec import spec_from_dict
from sim.scenario.model import scenario_from_dict
from sim.stats.theory import mmc_priority_wait_means, mmc_wait_mean

RATE, SERVICE, TARGET = 60.0, 10.0, 2.0


def windows_by_hand(erlangs: float) -> int:
    """Smallest n with Erlang C mean wait <= TARGET at ``erlangs`` of 10-minute work."""
    n = int(erlangs) + 1
    while mmc_wait_mean(erlangs / SERVICE, 1 / SERVICE, n) > TARGET:
        n += 1
    return n


def department(**category: Any):
    social = {"department": "人社", "arrivals_per_hour": RATE,
              "service": {"dist": "exponential", "mean": SERVICE}, **category}
    extra = {}
    if "online" in category:
        social["backoffice"] = {"share": 1.0, "route": ["审批"]}
        extra["backoffice"] = {"stages": {"审批": {"count": 5, "service": {
            "dist": "exponential", "mean": 20}}}}
    guide = social.pop("guide", None)
    if guide:
        extra["guide"] = guide
    return scenario_from_dict({"name": "人社", "hall": {"open": ["09:00-10:00"], "days": 1},
                               "categories": {"社保": social},
                               "windows": [{"id": "窗口", "count": 40, "serves": ["*"]}]
                               + ([{"id": "自助终端", "count": 40, "kiosk": True,
                                    "serves": ["社保"]}] if "kiosk" in category else []),
                               **extra}, "hall.yaml")


def sized(scenario) -> int:
    spec = spec_from_dict({"structure": "dedicated", "period_minutes": 60,
                           "categories": {"社保": {"mean_wait_minutes": TARGET}}}, "spec")
    sol = solve(build_problem(scenario, spec))
    assert sol.status == "optimal"
    return sol.open["DED-人社"][0]


WRONG = {"share": 0.2, "turn_away": {"dist": "exponential", "mean": 8}}
BOOKED = {"share": 0.5, "slot_minutes": 10, "per_slot": 10, "no_show": 0.2}
KIOSK = {"share": 0.5, "fail": 0.2, "service": {"dist": "exponential", "mean": 3}}
GUIDE = {"count": 1, "service": {"dist": "exponential", "mean": 1}, "wrong_ticket_factor": 0.5}


@pytest.mark.parametrize("mechanisms, erlangs", [
    ({}, 10.0),
    ({"online": {"share": 0.3}}, 7.0),
    ({"wrong_ticket": WRONG}, 10.0 + 60 * 0.25 * 8 / 60),
    ({"wrong_ticket": WRONG, "guide": GUIDE}, 10.0 + 60 * (0.1 / 0.9) * 8 / 60),
    ({"online": {"share": 0.3}, "wrong_ticket": WRONG, "guide": GUIDE},
     0.7 * (10.0 + 60 * (0.1 / 0.9) * 8 / 60)),
    ({"kiosk": KIOSK}, 6.0),
    ({"appointments": BOOKED}, 9.0),
])
def test_windows_sized_on_the_load_left_by_the_mechanisms(mechanisms, erlangs):
    assert sized(department(**mechanisms)) == windows_by_hand(erlangs)


def test_the_mechanisms_change_the_answer():
    """The hand answers differ, so the test above would catch a load left uncounted."""
    loads = (10.0, 7.0, 10 + 0.25 * 8, 10 + 8 / 9, 0.7 * (10 + 8 / 9))
    assert [windows_by_hand(a) for a in loads] == [13, 9, 15, 14, 10]
    assert windows_by_hand(6.0) == 8  # with kiosks
    assert windows_by_hand(9.0) == 12  # with appointments


def test_priority_leaves_the_pool_sized_for_its_mean_wait():
    elderly = {"priority_share": {"share": 0.2, "priority": 1, "label": "老年人"}}
    n = sized(department(**elderly))
    assert n == sized(department()) == windows_by_hand(10.0)
    lam, mu = RATE / 60, 1 / SERVICE
    high, low = mmc_priority_wait_means([0.2 * lam, 0.8 * lam], mu, n)
    # the conservation law that makes the pooled table exact for the mean over classes
    assert 0.2 * high + 0.8 * low == pytest.approx(mmc_wait_mean(lam, mu, n), rel=1e-9)
    # ... but not class by class: the others wait longer than the pool's mean
    assert low > mmc_wait_mean(lam, mu, n) > high
