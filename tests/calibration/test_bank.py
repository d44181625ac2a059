"""Real data: the Anonymous Bank call-centre log (SEE Lab, Technion; Guedj & Mandelbaum 2000).

Calibrate on one month, backtest on the other; the errors are reported beside a
fitted Erlang A baseline computed from the simulation's own inputs. Skipped when
the data are absent. The bounds are the measured levels (docs/calibration.md,
"Real data") with a margin for the replications' noise, not seed-pinned numbers.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.calibration.backtest import backtest
from sim.calibration.calibrate import Options, calibrate, write_scenario
from sim.calibration.readers import read_logs
from sim.scenario.model import load_scenario

DATA = Path(__file__).parents[2].parent / "shared" / "data" / "anonymous-bank"
pytestmark = pytest.mark.skipif(not (DATA / "1999-01.txt").exists(),
                                reason="Anonymous Bank log not present")


def test_the_bank_log_reads_with_skips_counted_by_reason():
    log = read_logs([DATA / "1999-01.txt"])
    assert len(log) + sum(log.skipped.values()) == 31_599
    assert log.skipped["phantom call (PHANTOM)"] == 240
    assert set(log.frame["outcome"].unique()) == {"served", "abandoned"}


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    """Each month calibrated twice: patience family by the likelihood-ratio test (auto)
    and imposed exponential."""
    out = {}
    for month in ("1999-01", "1999-02"):
        for family in ("auto", "exponential"):
            cal = calibrate(read_logs([DATA / f"{month}.txt"]),
                            Options(target_minutes=1.0, patience_family=family))
            assert cal.days.weekend_names == ("fri", "sat")  # the bank works Sunday to Thursday
            assert cal.dispersion.cv > 0  # daily counts vary far more than Poisson
            assert 0.05 < cal.turnaround.minutes < 0.2  # agents take ~6 s between calls
            path = tmp_path_factory.mktemp("bank") / f"{month}-{family}.yaml"
            write_scenario(cal, path)
            out[month, family] = load_scenario(path)
    return out


def _run(scenarios, train, test, staffing, family="exponential"):
    doc = backtest(scenarios[train, family], read_logs([DATA / f"{test}.txt"]), replications=6,
                   staffing=staffing)
    ours, base = doc["errors"], doc["baseline_erlang_a"]["errors"]
    print(f"{train} -> {test} ({family} patience, {staffing} staffing): MAPE "
          f"{ours['wait_mape']:.1f} % (Erlang A {base['wait_mape']:.1f} %), abandonment MAE "
          f"{ours['abandon_mae_points']:.2f} points (Erlang A {base['abandon_mae_points']:.2f}); "
          f"noise floor {ours['noise_floor']['wait_mape']:.1f} %, "
          f"{ours['noise_floor']['abandon_mae_points']:.2f} points")
    assert math.isfinite(ours["wait_mape"]) and ours["hours"] >= 15
    # a month of hourly figures is random enough to cost any model ~0.8 points
    assert 0.4 < ours["noise_floor"]["abandon_mae_points"] < ours["abandon_mae_points"]
    return ours, base


def test_the_training_months_own_days_choose_exponential_patience(scenarios):
    # the in-sample check of docs/calibration.md: each month backtested on itself with
    # the likelihood's family (lognormal for the main items) and with exponential;
    # measured 14.2 / 21.1 % (lognormal) against 13.3 / 12.4 % (exponential)
    mape = {family: sum(_run(scenarios, m, m, "log", family)[0]["wait_mape"]
                        for m in ("1999-01", "1999-02")) for family in ("auto", "exponential")}
    assert mape["exponential"] + 3 < mape["auto"]


@pytest.mark.parametrize("train, test", [("1999-01", "1999-02"), ("1999-02", "1999-01")])
def test_with_the_days_own_staffing_the_model_predicts_the_unseen_month(scenarios, train, test):
    # measured (6 replications, exponential patience, 6 s turnaround): January ->
    # February 15.9 % and 2.30 points, February -> January 17.2 % and 1.58 points;
    # the Erlang A baseline from the same inputs 20.8 % / 2.27 and 16.8 % / 2.04
    ours, base = _run(scenarios, train, test, "log")
    assert ours["wait_mape"] < 20  # the target, met both ways
    assert ours["abandon_mae_points"] < 2.6  # the 1.5-point target is not (docs)
    assert 10 < base["wait_mape"] < 30 and base["abandon_mae_points"] < 3.0
    # abandonment: no worse than Erlang A by more than the replications' noise
    assert ours["abandon_mae_points"] < base["abandon_mae_points"] + 0.3


def test_the_fitted_months_average_staffing_predicts_worse_than_the_days_own(scenarios):
    # the bank staffs each day to its demand: one average schedule for every day
    # overloads the busy days (mean waits are convex in load)
    with_log, _ = _run(scenarios, "1999-02", "1999-01", "log")
    with_scenario, _ = _run(scenarios, "1999-02", "1999-01", "scenario")
    assert with_log["wait_mape"] + 8 < with_scenario["wait_mape"]
