"""Self-service kiosks (自助终端): a share of a simple item's customers never need a clerk.

The story: a social-insurance hall prints insurance records (参保证明打印). 60 % of
the customers try one of the kiosks first; a quarter of those cannot finish (a
card that will not read, a record that needs a clerk) and take a ticket for a
staffed window when they leave the kiosk. Who tries a kiosk and who fails are
independent coins per customer, so:

- the customers are the same with and without kiosks (common random numbers), and
  the staffed windows see an exact thinning: ``share x (1 - fail)`` of the item's
  customers never take a ticket;
- with Poisson arrivals and exponential kiosk sessions the kiosks are an M/M/m
  queue, and (Burke's theorem: its departures are Poisson) the windows an M/M/c
  queue at the thinned rate: both waits match Erlang C.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.arrivals import draw_customers
from sim.engine.records import SERVED
from sim.files.errors import InputError
from sim.run.replications import run_replication
from sim.scenario.model import scenario_from_dict
from sim.stats.load import ticket_segments
from sim.stats.theory import mmc_wait_mean
from tests.helpers import assert_matches_theory, continuous, exp, per_rep, run

ITEM = "参保证明打印"
SHARE, FAIL = 0.6, 0.25
RATE, WINDOW_MEAN, KIOSK_MEAN = 30.0, 6.0, 5.0  # per hour, minutes, minutes
WINDOWS, KIOSKS = 2, 2


def printing_hall(share: float = SHARE, fail: float = FAIL, days: int = 30):
    kiosk = {"kiosk": {"share": share, "fail": fail, "service": exp(KIOSK_MEAN)}} if share else {}
    return continuous({ITEM: {"arrivals_per_hour": RATE, "service": exp(WINDOW_MEAN), **kiosk}},
                      [{"id": "窗口", "count": WINDOWS, "serves": [ITEM]},
                       {"id": "自助终端", "count": KIOSKS, "kiosk": True, "serves": [ITEM]}],
                      days=days, warmup=1)


def test_kiosk_users_are_a_thinning_of_the_same_customers():
    before = draw_customers(printing_hall(0.0), 5, 0)
    after = draw_customers(printing_hall(), 5, 0)
    assert np.array_equal(before.arrival, after.arrival)  # the same customers come
    assert np.array_equal(before.work, after.work)
    k = after.kiosk
    n, used, done = len(after), int((k.group >= 0).sum()), int(k.done.sum())
    assert abs(used / n - SHARE) < 4 * np.sqrt(SHARE * (1 - SHARE) / n)
    p = SHARE * (1 - FAIL)
    assert abs(done / n - p) < 4 * np.sqrt(p * (1 - p) / n)
    # a larger share sends more of the same customers: the users of 0.3 are among those of 0.6
    fewer = draw_customers(printing_hall(0.3), 5, 0).kiosk
    assert np.all(k.group[fewer.group >= 0] >= 0)


def test_window_load_falls_by_share_times_one_minus_fail():
    def tickets(scenario):
        return sum(r * (e - s) for s, e, r in ticket_segments(scenario)[ITEM])
    assert tickets(printing_hall()) == pytest.approx(
        (1 - SHARE * (1 - FAIL)) * tickets(printing_hall(0.0)), rel=1e-12)


def test_every_customer_is_done_at_a_kiosk_or_takes_one_ticket_after_it():
    scenario = printing_hall(days=3)
    customers = draw_customers(scenario, 11, 0)
    rec = run_replication(scenario, 11, 0, keep_records=True).records
    k = customers.kiosk
    failed = (k.group >= 0) & ~k.done
    # conservation: one window ticket per customer not done at a kiosk
    assert len(rec) + int(k.done.sum()) == len(customers)
    # the failed take their ticket when they leave the kiosk, never before they came
    ticket_times = np.sort(np.concatenate([customers.arrival[k.group < 0], k.end[failed]]))
    assert np.allclose(np.sort(rec.arrival), ticket_times)
    assert np.all(k.start[k.group >= 0] >= customers.arrival[k.group >= 0])
    # kiosks are busy one session at a time: never more than KIOSKS sessions at once
    s, e = k.start[k.group >= 0], k.end[k.group >= 0]
    events = sorted([(t, 1) for t in s] + [(t, -1) for t in e], key=lambda x: (x[0], x[1]))
    assert max(np.cumsum([d for _, d in events])) <= KIOSKS
    # the kiosk sessions are in the records; staffed windows never serve at a kiosk
    assert rec.kiosk is not None and len(rec.kiosk.start) == int((k.group >= 0).sum())
    assert set(rec.window[rec.outcome == SERVED].tolist()) <= set(range(WINDOWS))


def test_kiosks_and_windows_match_erlang_c():
    result = run(printing_hall(), replications=10)
    lam = RATE / 60.0
    kiosk_rate, window_rate = lam * SHARE, lam * (1 - SHARE * (1 - FAIL))
    # kiosk utilisation = offered kiosk load / kiosks
    assert_matches_theory(per_rep(result, "by_window", "自助终端", "utilisation"),
                          kiosk_rate * KIOSK_MEAN / KIOSKS, 0.03, "kiosk utilisation")
    assert_matches_theory(per_rep(result, "by_window", "自助终端", "wait_mean_kiosk"),
                          mmc_wait_mean(kiosk_rate, 1 / KIOSK_MEAN, KIOSKS), 0.12, "kiosk wait")
    assert_matches_theory(per_rep(result, "by_window", "自助终端", "done_share"),
                          1 - FAIL, 0.03, "finished at the kiosk")
    assert_matches_theory(per_rep(result, "by_window", "窗口", "utilisation"),
                          window_rate * WINDOW_MEAN / WINDOWS, 0.03, "window utilisation")
    assert_matches_theory(per_rep(result, "overall", "wait_mean"),
                          mmc_wait_mean(window_rate, 1 / WINDOW_MEAN, WINDOWS), 0.15,
                          "window wait")


@pytest.mark.parametrize("change, field", [
    ({"windows": [{"id": "自助终端", "count": 2, "kiosk": True, "serves": [ITEM]}]},
     f"categories.{ITEM}.kiosk"),
    ({"windows": [{"id": "窗口", "count": 2, "serves": [ITEM]}]}, f"categories.{ITEM}.kiosk"),
    ({"windows": [{"id": "窗口", "count": 2, "serves": [ITEM]},
                  {"id": "自助终端", "count": 2, "kiosk": True, "serves": [ITEM],
                   "schedule": {"00:00": 1}}]}, "windows.自助终端.schedule"),
])
def test_kiosks_without_a_staffed_window_or_with_staff_rules_are_rejected(change, field):
    data = printing_hall().to_dict() | change
    with pytest.raises(InputError) as err:
        scenario_from_dict(data)
    assert err.value.path == field
