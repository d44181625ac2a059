"""A window's turnaround: the seconds between a service's end and the next call while
people wait, which a log of services alone does not show."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.calibration.calibrate import Options, calibrate
from sim.calibration.fitting import fit_patience
from sim.calibration.tickets import TicketLog
from sim.calibration.turnaround import MIN_GAPS, estimate_turnaround

START = pd.Timestamp("2026-03-02 09:00:00")


def _rows(window: str, item: str, n: int, service: float, turn: float, first_call: float,
          ticket_every: float = 0.0) -> list[dict]:
    """``n`` tickets served back to back by ``window``: service ``service`` min, the next
    call ``turn`` min after each end; tickets taken every ``ticket_every`` min from 09:00
    (0: all at 09:00, so someone always waits)."""
    rows, call = [], first_call
    for k in range(n):
        ticket = k * ticket_every
        call = max(call, ticket)
        rows.append({"item": item, "department": "", "window": window,
                     "ticket_time": START + pd.Timedelta(minutes=ticket),
                     "wait": call - ticket, "service": service, "outcome": "served"})
        call = call + service + turn
    return rows


def test_a_clerk_who_needs_half_a_minute_between_customers_shows_it_while_people_wait():
    frame = pd.DataFrame(_rows("窗口1", "社保登记", 60, service=4.0, turn=0.5, first_call=0.0))
    found = estimate_turnaround(frame)
    assert found.gaps == 59  # every end but the last had somebody waiting
    assert found.minutes == pytest.approx(0.5)
    assert "30 s" in found.comment()


def test_idle_gaps_when_nobody_waits_are_not_turnaround():
    # a ticket every 10 minutes, served in 4: the window idles 6 minutes between them
    frame = pd.DataFrame(_rows("窗口1", "社保登记", 80, service=4.0, turn=0.0, first_call=0.0,
                               ticket_every=10.0))
    found = estimate_turnaround(frame)
    assert found.gaps == 0 and found.minutes == 0.0
    assert "not estimated" in found.comment()


def test_a_window_is_not_held_to_the_queue_of_an_item_it_does_not_serve():
    # the tax window idles between its spaced tickets while the social queue stays full
    tax = _rows("税务窗口", "纳税申报", 40, service=3.0, turn=0.0, first_call=0.0,
                ticket_every=8.0)
    social = _rows("社保窗口", "社保登记", 60, service=5.0, turn=0.25, first_call=0.0)
    found = estimate_turnaround(pd.DataFrame(tax + social))
    assert found.gaps == 59 and found.minutes == pytest.approx(0.25)


def test_too_few_gaps_give_no_estimate():
    few = pd.DataFrame(_rows("窗口1", "社保登记", MIN_GAPS, service=4.0, turn=0.5,
                             first_call=0.0))
    assert estimate_turnaround(few).minutes == 0.0  # MIN_GAPS - 1 gaps
    enough = pd.DataFrame(_rows("窗口1", "社保登记", MIN_GAPS + 1, service=4.0, turn=0.5,
                                first_call=0.0))
    assert estimate_turnaround(enough).minutes == pytest.approx(0.5)


def test_a_clerk_who_calls_the_next_at_once_has_no_turnaround():
    # whole-second log times: a gap of exactly 0 s must count as 0, not be lost to
    # float rounding as an "overlap"; 60 % of the gaps are 0 and 40 % are 10 s
    rows, call = [], 0.0
    for k in range(100):
        rows.append({"item": "社保登记", "department": "", "window": "窗口1",
                     "ticket_time": START, "wait": call, "service": 3.0 + 7 / 60,
                     "outcome": "served"})
        call += 3.0 + 7 / 60 + (10 / 60 if k % 5 in (0, 1) else 0.0)
    found = estimate_turnaround(pd.DataFrame(rows))
    assert found.gaps == 99 and found.minutes == 0.0 and found.quartiles[0] == 0.0


def test_calibration_adds_the_turnaround_to_the_fitted_service_and_says_so():
    rows = []
    for day in range(3):  # three mornings of a full queue: 4-minute services, 30 s between
        for r in _rows("窗口1", "社保登记", 50, service=4.0, turn=0.5, first_call=0.0):
            r["ticket_time"] += pd.Timedelta(days=day)
            rows.append(r)
    frame = pd.DataFrame(rows)
    log = TicketLog(frame.assign(source="test.csv"), files=("test.csv",))
    with_turn = calibrate(log, Options(target_minutes=5.0))
    assert with_turn.turnaround.minutes == pytest.approx(0.5)
    assert with_turn.items["社保登记"].service.mean == pytest.approx(
        4.0 + with_turn.turnaround.minutes, rel=1e-3)
    assert any("window turnaround" in note for note in with_turn.notes)
    log = TicketLog(frame.assign(source="test.csv"), files=("test.csv",))
    as_logged = calibrate(log, Options(target_minutes=5.0, turnaround=False))
    assert as_logged.items["社保登记"].service.mean == pytest.approx(4.0, rel=1e-3)


def test_an_imposed_exponential_patience_is_the_censored_exponential_mle():
    # exponential MLE with exact and right-censored data: total time at risk / departures
    rng = np.random.default_rng(3)
    patience = rng.exponential(6.0, 3000)
    wait = rng.exponential(4.0, 3000)
    left = patience < wait
    observed = np.where(left, patience, wait)
    outcome = np.where(left, "abandoned", "served").astype(object)
    fit = fit_patience(observed, outcome, "exponential")
    assert fit is not None and fit.family == "exponential"
    assert fit.chosen_by == "--patience-family"
    assert fit.mean == pytest.approx(observed.sum() / left.sum(), rel=2e-3)
    assert math.isclose(fit.cv, 1.0)
    with pytest.raises(ValueError):
        fit_patience(observed, outcome, "weibull")
