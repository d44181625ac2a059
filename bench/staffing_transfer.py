"""How well one month's clerks-to-windows relation gives another month's windows on duty,
on the Anonymous Bank log (SEE Lab, Technion; Guedj & Mandelbaum 2000).

For each direction (calibrated on one month, applied to the other), the windows on duty
per hour of day of the other month (the calibration's estimate from its own log,
averaged over its working days: what ``--staffing log`` runs) against what a plan's
hour-of-day aggregates give through a relation fitted on the training month's day-hours:

- ``factor``: windows = factor x clerks seen (what ``hallsim forecast`` uses);
- ``factor + work``: windows = a x clerks seen + b x offered work (tickets x mean
  service / 60, erlangs), least squares without intercept;
- ``line + work``: the same with an intercept.

Printed: the mean absolute error over the hours 07-23 (windows) and the mean signed
error. At 5-7 windows and 90-100 % load a quarter window moves the hour's wait by
20-30 % (docs/calibration.md), so this error is the forecast's error budget.

Then, per month, whether a plan by weekday could carry the day-to-day staffing: the
coefficient of variation of the working days' tickets and window-hours on duty, and the
share of their variance left *within* weekdays (pooled within-weekday variance over the
total; about 1 when the weekday explains none of it).

    python bench/staffing_transfer.py [--data ../shared/data/anonymous-bank]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from sim.calibration.calibrate import Options, calibrate
from sim.calibration.readers import read_logs
from sim.calibration.staffing_relation import on_duty_per_hour, seen_per_hour

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "anonymous-bank"
HOURS = np.arange(7, 24)


def day_hours(path: Path) -> dict[str, np.ndarray]:
    """Clerks seen, windows on duty, tickets and served minutes per day and hour."""
    log = read_logs([path])
    options = Options(target_minutes=1.0, patience_family="exponential")
    cal = calibrate(log, options)
    f, n, day = log.frame, len(cal.days.dates), cal.day_index
    hour = (log.minute // 60).astype(int)
    served = (f["outcome"] == "served").to_numpy()
    call = log.minute + f["wait"].fillna(0.0).to_numpy()
    out = {"weekday": np.array([d.weekday() for d in cal.days.dates]),
           "seen": seen_per_hour(f["window"].astype(str).to_numpy()[served], call[served],
                                 day[served], n),
           "on": on_duty_per_hour(cal.groups, cal.bins, options.resolution),
           "tickets": np.zeros((n, 24)), "minutes": np.zeros((n, 24)),
           "served": np.zeros((n, 24))}
    np.add.at(out["tickets"], (day, hour), 1)
    np.add.at(out["minutes"], (day[served], hour[served]), f["service"].to_numpy()[served])
    np.add.at(out["served"], (day[served], hour[served]), 1)
    return out


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DATA)
    a = ap.parse_args()
    months = {m: day_hours(a.data / f"{m}.txt") for m in ("1999-01", "1999-02")}
    print("| calibrated on -> applied to | relation | fitted | MAE (windows) | mean error |")
    print("|---|---|---|---|---|")
    for train, test in (("1999-01", "1999-02"), ("1999-02", "1999-01")):
        d, p = months[train], months[test]
        work = d["tickets"] * d["minutes"] / np.maximum(d["served"], 1) / 60
        ok = (d["seen"] > 0) & np.isfinite(d["on"])
        seen, w, y = d["seen"][ok], work[ok], d["on"][ok]
        # the plan: hour-of-day means of the applied month
        p_seen = p["seen"].mean(axis=0)
        p_work = (p["tickets"].mean(axis=0) * p["minutes"].sum(axis=0)
                  / np.maximum(p["served"].sum(axis=0), 1) / 60)
        truth = np.nanmean(p["on"][:, HOURS], axis=0)
        factor = y.sum() / seen.sum()
        ab = np.linalg.lstsq(np.c_[seen, w], y, rcond=None)[0]
        cab = np.linalg.lstsq(np.c_[np.ones_like(seen), seen, w], y, rcond=None)[0]
        fits = {"factor": (f"{factor:.3f} x seen", factor * p_seen),
                "factor + work": (f"{ab[0]:.3f} x seen {ab[1]:+.3f} x work",
                                  ab[0] * p_seen + ab[1] * p_work),
                "line + work": (f"{cab[0]:.2f} {cab[1]:+.3f} x seen {cab[2]:+.3f} x work",
                                cab[0] + cab[1] * p_seen + cab[2] * p_work)}
        for name, (text, pred) in fits.items():
            err = pred[HOURS] - truth
            print(f"| {train} -> {test} | {name} | {text} | {np.abs(err).mean():.2f} "
                  f"| {err.mean():+.2f} |")
    weekday_table(months)


def within_weekday_share(values: np.ndarray, weekday: np.ndarray) -> float:
    """Pooled within-weekday variance of ``values`` over their total variance."""
    groups = [values[weekday == w] for w in np.unique(weekday)]
    within = sum(((g - g.mean()) ** 2).sum() for g in groups) / (len(values) - len(groups))
    return float(within / values.var(ddof=1))


def weekday_table(months: dict[str, dict[str, np.ndarray]]) -> None:
    """Print how much of the day-to-day variation the weekday explains."""
    print("\n| month | working days | measure | CV over days | variance within weekdays |")
    print("|---|---|---|---|---|")
    for month, d in months.items():
        for name, per_day in (("tickets", d["tickets"].sum(axis=1)),
                              ("window-hours on duty", np.nansum(d["on"], axis=1))):
            print(f"| {month} | {len(per_day)} | {name} | "
                  f"{per_day.std(ddof=1) / per_day.mean():.2f} | "
                  f"{within_weekday_share(per_day, d['weekday']):.2f} |")


if __name__ == "__main__":
    main()
