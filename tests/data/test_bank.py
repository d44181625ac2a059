"""Real data: the Anonymous Bank call-centre log (SEE Lab, Technion; Guedj & Mandelbaum 2000).

Calibrate on one month, backtest on the other; the errors are reported beside a
fitted Erlang A baseline computed the same way. Skipped when the data are absent.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sim.data.backtest import backtest
from sim.data.calibrate import Options, calibrate, write_scenario
from sim.data.readers import read_logs
from sim.spec.scenario import load_scenario

DATA = Path(__file__).parents[2].parent / "shared" / "data" / "anonymous-bank"
pytestmark = pytest.mark.skipif(not (DATA / "1999-01.txt").exists(),
                                reason="Anonymous Bank log not present")


def test_the_bank_log_reads_with_skips_counted_by_reason():
    log = read_logs([DATA / "1999-01.txt"])
    assert len(log) + sum(log.skipped.values()) == 31_599
    assert log.skipped["phantom call (PHANTOM)"] == 240
    assert set(log.frame["outcome"].unique()) == {"served", "abandoned"}


@pytest.mark.parametrize("train, test", [("1999-01", "1999-02"), ("1999-02", "1999-01")])
def test_calibrated_on_one_month_the_model_predicts_the_other(tmp_path, train, test):
    cal = calibrate(read_logs([DATA / f"{train}.txt"]), Options(target_minutes=1.0))
    assert cal.days.weekend_names == ("fri", "sat")  # the bank works Sunday to Thursday
    assert cal.dispersion.cv > 0  # daily counts vary far more than Poisson
    path = tmp_path / "bank.yaml"
    write_scenario(cal, path)
    doc = backtest(load_scenario(path), read_logs([DATA / f"{test}.txt"]), replications=6)
    ours, base = doc["errors"], doc["baseline_erlang_a"]["errors"]
    print(f"{train} -> {test}: MAPE {ours['wait_mape']:.1f} % (Erlang A {base['wait_mape']:.1f} %)"
          f", abandonment MAE {ours['abandon_mae_points']:.2f} points "
          f"(Erlang A {base['abandon_mae_points']:.2f})")
    assert math.isfinite(ours["wait_mape"]) and ours["hours"] >= 15
    assert ours["wait_mape"] < base["wait_mape"]
    assert ours["abandon_mae_points"] < base["abandon_mae_points"]
