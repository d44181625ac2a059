"""The forecast on real data: the Anonymous Bank log (SEE Lab, Technion; Guedj & Mandelbaum 2000).

Calibrate on one month, write the other month's hourly aggregates (tickets, mean
service, clerks seen per hour, averaged over its working days) as a plan, forecast
with ``hallsim forecast`` and backtest the forecast on that month with arrivals
drawn from the scenario (``--arrivals model``: nothing of the month but the plan).
Beside it: the fitted Erlang A baseline (the same plan, staffing = the training
month's plain factor x clerks seen, patience from the training month), the noise
floor, the training month forecast from its own plan (in sample: what a month-average
plan leaves out even where the model was fitted), and the backtest with the month's
own log staffing and tickets.

    python bench/forecast_bank.py [-r 6] [--data ../shared/data/anonymous-bank]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from sim.calibration.backtest import backtest
from sim.calibration.calibrate import Options
from sim.calibration.forecast import SCHEDULE_MINUTES
from sim.calibration.hourly_plan import hourly_plan
from sim.calibration.readers import read_logs
from sim.files.atomic import write_json_atomic
from sim.scenario.model import Scenario, load_scenario

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "anonymous-bank"


def hallsim(*args: str) -> None:
    """Run a hallsim verb quietly, failing loudly."""
    subprocess.run([sys.executable, "-m", "sim.cli.main", *args, "-q"], check=True)


def inferred_windows(scenario: Scenario, hours: pd.Series) -> list[float]:
    """Windows on duty per hour of a calibrated scenario's schedule (mean over the hour's
    open half hours, all groups)."""
    out = []
    for h in hours:
        starts = [t for t in range(60 * int(h), 60 * int(h) + 60, 30)
                  if any(s <= t < e for s, e in scenario.hall.periods)]
        out.append(round(sum(g.staffed_at(t) for g in scenario.windows for t in starts)
                         / max(len(starts), 1), 3))
    return out


def errors(path: Path) -> tuple[dict, dict, dict]:
    """Errors, Erlang A baseline errors and noise floor of a backtest JSON."""
    doc = json.loads(path.read_text())
    return doc["errors"], doc["baseline_erlang_a"]["errors"], doc["errors"]["noise_floor"]


def forecast_backtest(scenario: Path, log: Path, replications: int, out: Path) -> None:
    """``hallsim backtest SCENARIO LOG --arrivals model`` with the Erlang A baseline by the
    forecast schedule's steps (its windows change every ``SCHEDULE_MINUTES``; by half
    hours the baseline would see only each half hour's first step)."""
    doc = backtest(load_scenario(scenario), read_logs([log]), arrivals="model",
                   replications=replications,
                   options=Options(resolution=SCHEDULE_MINUTES, target_minutes=1.0))
    write_json_atomic(out, doc)


MONTHS = ("1999-01", "1999-02")
DIRECTIONS = (("1999-01", "1999-02"), ("1999-02", "1999-01"))


def calibrate_months(data: Path, work: Path) -> None:
    """``hallsim calibrate`` each month into ``work/cal-MONTH.yaml`` (target 1 minute,
    exponential patience, as docs/calibration.md)."""
    for month in MONTHS:
        hallsim("calibrate", str(data / f"{month}.txt"), "--out", str(work / f"cal-{month}.yaml"),
                "--target", "1", "--patience-family", "exponential")


def forecast_month(data: Path, work: Path, train: str, test: str) -> tuple[pd.DataFrame, Path]:
    """The ``test`` month's hourly aggregates as a plan (``work/plan-TEST.csv``) and the
    ``train`` month's calibration forecast with it (``work/next-TEST.yaml``)."""
    plan = hourly_plan(read_logs([data / f"{test}.txt"]), load_scenario(work / f"cal-{train}.yaml"),
                       Options(target_minutes=1.0))
    plan_path = work / f"plan-{test}.csv"
    plan.to_csv(plan_path, index=False)
    nxt = work / f"next-{test}.yaml"
    hallsim("forecast", str(work / f"cal-{train}.yaml"), "--plan", str(plan_path),
            "--out", str(nxt))
    return plan, nxt


def main() -> None:
    """Print the forecast table of docs/calibration.md."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-r", "--replications", type=int, default=6)
    ap.add_argument("--data", type=Path, default=DATA)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="forecast-bank-"))
    rows = []
    calibrate_months(a.data, work)
    for train, test in DIRECTIONS:
        cal = work / f"cal-{train}.yaml"
        plan, nxt = forecast_month(a.data, work, train, test)
        r = str(a.replications)
        out = {}
        js = work / f"bt-{test}-forecast.json"
        forecast_backtest(nxt, a.data / f"{test}.txt", a.replications, js)
        out["forecast"] = errors(js)
        # diagnostic: the month's own windows on duty (the calibration's estimate from its
        # log, averaged over its days) in place of the factor x clerks seen
        own = inferred_windows(load_scenario(work / f"cal-{test}.yaml"), plan["hour"])
        own_path = work / f"plan-{test}-own-windows.csv"
        plan.drop(columns="clerks_seen").assign(windows=own).to_csv(own_path, index=False)
        nxt = work / f"next-{test}-own-windows.yaml"
        hallsim("forecast", str(cal), "--plan", str(own_path), "--out", str(nxt))
        js = work / f"bt-{test}-own-windows.json"
        forecast_backtest(nxt, a.data / f"{test}.txt", a.replications, js)
        out["own"] = errors(js)
        # diagnostic: the training month forecast from its own plan (in sample): what a
        # month-average plan leaves out even where the model was fitted
        own_plan = work / f"plan-{train}-in-sample.csv"
        hourly_plan(read_logs([a.data / f"{train}.txt"]), load_scenario(cal),
                    Options(target_minutes=1.0)).to_csv(own_plan, index=False)
        nxt = work / f"next-{train}-in-sample.yaml"
        hallsim("forecast", str(cal), "--plan", str(own_plan), "--out", str(nxt))
        js = work / f"bt-{train}-in-sample.json"
        forecast_backtest(nxt, a.data / f"{train}.txt", a.replications, js)
        out["in_sample"] = errors(js)
        js = work / f"bt-{test}-log.json"
        hallsim("backtest", str(cal), str(a.data / f"{test}.txt"), "--json", str(js), "-r", r,
                "--staffing", "log")
        out["log"] = errors(js)
        ours, base, floor = out["forecast"]
        log, log_base, log_floor = out["log"]
        own_windows = out["own"][0]
        rows.append({
            "direction": f"{train} -> {test}",
            "forecast": f"{ours['wait_mape']:.1f} %, {ours['abandon_mae_points']:.2f}",
            "Erlang A (same plan)": f"{base['wait_mape']:.1f} %, "
                                    f"{base['abandon_mae_points']:.2f}",
            "forecast, the month's inferred windows": f"{own_windows['wait_mape']:.1f} %, "
                                                      f"{own_windows['abandon_mae_points']:.2f}",
            "noise floor": f"{floor['wait_mape']:.1f} %, {floor['abandon_mae_points']:.2f}",
            "in sample: forecast / Erlang A": "{:.1f} %, {:.2f} / {:.1f} %, {:.2f}".format(
                out["in_sample"][0]["wait_mape"], out["in_sample"][0]["abandon_mae_points"],
                out["in_sample"][1]["wait_mape"], out["in_sample"][1]["abandon_mae_points"]),
            "backtest, log staffing": f"{log['wait_mape']:.1f} %, "
                                      f"{log['abandon_mae_points']:.2f}",
            "its floor": f"{log_floor['wait_mape']:.1f} %, "
                         f"{log_floor['abandon_mae_points']:.2f}",
            "its Erlang A": f"{log_base['wait_mape']:.1f} %, "
                            f"{log_base['abandon_mae_points']:.2f}",
        })
        print(rows[-1], flush=True)
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows:
        print("| " + " | ".join(row.values()) + " |")
    print(f"(files in {work})")


if __name__ == "__main__":
    main()
