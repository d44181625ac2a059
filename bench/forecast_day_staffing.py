"""Would the forecast gain from staffing that varies from day to day? On the Anonymous
Bank log (SEE Lab, Technion; Guedj & Mandelbaum 2000).

A plan gives one staffing for every day. The bank's staff on duty vary from day to day
(window-hours on duty per working day: CV 0.13 in January, 0.14 in February), partly with
the day's calls. Waits are convex in staffing, so a model that staffs every day exactly
as planned may understate a month's waits and abandonment. This bench forecasts each
month from the other as ``forecast_bank.py`` does, then simulates the forecast scenario
day by day over the month's working days, each day with

- a demand level: gamma, mean 1, the calibrated ``day_level_cv`` (as the engine draws
  it), times the day's weekday factor;
- a staffing level: lognormal, mean 1, every window group's schedule scaled by it (the
  hall's total per 10-minute step rounded with the remainder carried, then shared among
  the groups as the forecast shares it), correlated with the demand level through a
  Gaussian copula.

Three variants, the same random numbers for the demand:

- ``as planned``: staffing level 1 every day (the forecast as shipped, run day by day);
- ``learned``: the training month's CV of window-hours per day and its correlation (of
  the logarithms) with the day's tickets;
- ``independent``: the same CV without the correlation (a diagnostic).

Printed per direction and variant: hourly mean-wait MAPE and abandonment MAE in points
(the backtest's errors, against the month's log) and the noise floor.

    python bench/forecast_day_staffing.py [-r 20] [--seed 1] [--data ../shared/data/anonymous-bank]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from forecast_bank import DATA, DIRECTIONS, calibrate_months, forecast_month
from scipy import stats
from staffing_transfer import day_hours

from sim.calibration.backtest import _errors, aligned, figures, noise_floor, restrict
from sim.calibration.calibrate import Options
from sim.calibration.forecast import SCHEDULE_MINUTES, _carry
from sim.calibration.inferred_windows import round_across
from sim.calibration.readers import read_logs
from sim.engine.records import ABANDONED, SERVED
from sim.run.replications import run_replication
from sim.scenario.clock import format_hhmm
from sim.scenario.model import Scenario, load_scenario, scenario_from_dict


def staffing_deviation(path: Path) -> tuple[float, float]:
    """CV of a month's window-hours on duty per working day, and the correlation of its
    logarithm with the logarithm of the day's tickets."""
    d = day_hours(path)
    tickets, on = d["tickets"].sum(axis=1), np.nansum(d["on"], axis=1)
    rho = float(np.corrcoef(np.log(tickets), np.log(on))[0, 1])
    return float(on.std(ddof=1) / on.mean()), rho


def day_levels(n: int, cv_demand: float, cv_staff: float, rho: float,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` days' demand levels (gamma) and staffing levels (lognormal), both mean 1,
    correlated through a Gaussian copula."""
    z = rng.multivariate_normal([0.0, 0.0], [[1.0, rho], [rho, 1.0]], n)
    shape = 1.0 / cv_demand**2
    demand = stats.gamma.ppf(stats.norm.cdf(z[:, 0]), shape, scale=1.0 / shape)
    sigma = np.sqrt(np.log1p(cv_staff**2))
    return demand, np.exp(sigma * z[:, 1] - sigma**2 / 2)


def one_day(scenario: Scenario, demand: float, staff: float) -> Scenario:
    """A one-day copy of ``scenario`` with its rates times ``demand`` and every
    window group's staffing times ``staff``."""
    starts = sorted({t for t in range(0, 1440, SCHEDULE_MINUTES)
                     if any(s <= t < e for s, e in scenario.hall.periods)})
    current = np.array([[g.staffed_at(float(t)) for t in starts] for g in scenario.windows],
                       dtype=float)
    total = current.sum(axis=0)
    split = round_across(current / np.where(total > 0, total, 1.0) * _carry(total * staff),
                         np.full(len(scenario.windows), 10**6))
    data = scenario.to_dict()
    data.pop("calendar", None)
    data["hall"].update(days=1, warmup_days=0, day_level_cv=0.0, day_factors=[float(demand)])
    for g, row in zip(data["windows"], split):
        g["schedule"] = {format_hhmm(t): int(v) for t, v in zip(starts, row)}
        g["count"] = max(1, int(g["count"]), int(row.max()))
    return scenario_from_dict(data, "<one day>")


def score(forecast: Path, log_path: Path, cv_staff: float, rho: float, replications: int,
          seed: int) -> tuple[dict, dict]:
    """Errors and noise floor of the forecast simulated day by day over the log's days."""
    scenario = load_scenario(forecast)
    log = read_logs([log_path])
    dates, day = restrict(log, scenario, Options(target_minutes=1.0))
    n = len(dates)
    sc = aligned(scenario, dates)
    items = tuple(sc.categories)
    f = log.frame
    observed = figures(day * 1440.0 + log.minute,
                       f["item"].map({c: k for k, c in enumerate(items)}).to_numpy(np.int32),
                       np.where(f["outcome"] == "served", SERVED, ABANDONED).astype(np.int8),
                       f["wait"].to_numpy(dtype=float), items, n, 1.0)
    weekday = list(sc.hall.day_factors)
    reps = []
    for r in range(replications):
        demand, staff = day_levels(n, sc.hall.day_level_cv, cv_staff, rho,
                                   np.random.default_rng([seed, r]))
        parts = []
        for d in range(n):
            rec = run_replication(one_day(sc, weekday[d % len(weekday)] * demand[d], staff[d]),
                                  seed, r * 100_000 + d, keep_records=True).records
            assert rec is not None
            wait = np.where(rec.outcome == SERVED, rec.call - rec.arrival,
                            rec.end - rec.arrival)
            parts.append((rec.arrival + d * 1440.0, rec.category, rec.outcome, wait))
        reps.append(figures(*(np.concatenate(x) for x in zip(*parts)), items, n, 1.0))
    hours = sorted(h for h in observed.xs("*", level="item").index if h >= 0)
    mean = pd.concat(reps).groupby(level=["item", "hour"]).mean().xs("*", level="item")
    pooled = observed.xs("*", level="item").loc[hours]
    return (_errors(pooled, mean["wait_mean"].reindex(hours),
                    mean["left_share"].reindex(hours), n),
            noise_floor(reps, hours, n, observed))


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-r", "--replications", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=DATA)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="forecast-day-staffing-"))
    calibrate_months(a.data, work)
    print("| calibrated on -> forecast | staffing per day | CV, correlation | forecast "
          "(MAPE, MAE points) | noise floor |")
    print("|---|---|---|---|---|")
    for train, test in DIRECTIONS:
        _, nxt = forecast_month(a.data, work, train, test)
        cv, rho = staffing_deviation(a.data / f"{train}.txt")
        for name, c, p in (("as planned", 0.0, 0.0), ("learned", cv, rho),
                           ("independent", cv, 0.0)):
            e, floor = score(nxt, a.data / f"{test}.txt", c, p, a.replications, a.seed)
            print(f"| {train} -> {test} | {name} | {c:.3f}, {p:.2f} | {e['wait_mape']:.1f} %, "
                  f"{e['abandon_mae_points']:.2f} | {floor['wait_mape']:.1f} %, "
                  f"{floor['abandon_mae_points']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
