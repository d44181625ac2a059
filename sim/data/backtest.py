"""Backtest: simulate the days of a log a scenario was not fitted on, and set
prediction beside observation per hour of day and per item.

Figures (the same function computes them from the log and from each
replication): tickets, tickets served per day, mean wait of served tickets,
P(wait > target) (:func:`sim.stats.service_level.target_misses`, the one
definition) and the abandonment share. The prediction is the mean over
replications, the band the 2.5 and 97.5 percentiles of the replications'
figures. Errors: MAPE of the hourly mean wait, mean absolute error of the
hourly abandonment share in points, overall and per item; the same errors of
a fitted Erlang A baseline (per hour: the scenario's arrival rate, its staffing,
its mean service time and patience) for comparison.

``arrivals="log"`` replays the log's ticket times and items (trace-driven: the
model's error without arrival randomness); ``"model"`` draws them from the
scenario's profile, day factors and day level.

``staffing="scenario"`` staffs every day with the scenario's schedule (a pure
prediction: the fitted month's average staffing); ``"log"`` infers each day's
windows on duty from the backtested log itself with the calibration's estimator
(:func:`sim.data.staffing.on_duty`) and simulates day by day: the hall's own
staffing decisions are replayed like its arrivals, so what is tested is the
model of service, patience and queueing, not a forecast of the managers' rota.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sim.data.calibrate import Options, prepare
from sim.data.staffing import MIN_WINDOW_TICKETS, Group, daily_schedules, on_duty
from sim.data.tickets import TicketLog
from sim.engine.arrivals import Customers
from sim.engine.records import ABANDONED, BALKED, SERVED
from sim.engine.streams import Purpose, stream
from sim.spec.calendar import WEEKDAYS
from sim.spec.clock import format_hhmm
from sim.spec.errors import InputError
from sim.spec.scenario import Scenario, scenario_from_dict
from sim.stats.replications import run_replication
from sim.stats.service_level import target_misses
from sim.stats.theory import erlang_a

MIN_SERVED = 20  # an hour (or item-hour) needs this many served tickets to enter the errors
MIN_SERVED_PER_DAY = 2.0  # ... and this many per day on average (a mean of fewer is noise)
METRICS = ("tickets_per_day", "served_per_day", "wait_mean", "p_wait_over_target",
           "abandon_share")


def figures(arrival: np.ndarray, item: np.ndarray, outcome: np.ndarray, wait: np.ndarray,
            items: tuple[str, ...], n_days: int, target: float) -> pd.DataFrame:
    """Figures per (item, hour of ticket time); item ``"*"`` pools all items.

    ``arrival`` minutes from the start of day 0; ``outcome`` record codes; ``wait``
    minutes to the call (served) or to leaving (abandoned).
    """
    served = outcome == SERVED
    call = np.where(served, arrival + wait, np.nan)
    end = np.where(served, np.nan, arrival + wait)
    counted, missed = target_misses(arrival, call, end, outcome, target)
    hour = ((arrival % 1440.0) // 60).astype(int)
    frame = pd.DataFrame({
        "item": np.asarray(items, dtype=object)[item], "hour": hour,
        "ticket": 1.0, "served": served.astype(float),
        "wait_served": np.where(served, wait, 0.0),
        "left": ((outcome == ABANDONED) | (outcome == BALKED)).astype(float),
        "counted": counted.astype(float), "missed": (missed & counted).astype(float),
    })
    cols = ["ticket", "served", "wait_served", "left", "counted", "missed"]
    by_item = frame.groupby(["item", "hour"])[cols].sum()
    pooled = frame.groupby("hour")[cols].sum()
    pooled.index = pd.MultiIndex.from_product([["*"], pooled.index], names=["item", "hour"])
    all_items = frame.groupby("item")[cols].sum()
    all_items.index = pd.MultiIndex.from_product([all_items.index, [-1]], names=["item", "hour"])
    total = frame[cols].sum().to_frame().T
    total.index = pd.MultiIndex.from_tuples([("*", -1)], names=["item", "hour"])
    s = pd.concat([by_item, pooled, all_items, total])
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame({
            "tickets_per_day": s["ticket"] / n_days,
            "served_per_day": s["served"] / n_days,
            "wait_mean": s["wait_served"] / s["served"],
            "p_wait_over_target": s["missed"] / s["counted"],
            "abandon_share": s["left"] / s["ticket"],
            "n_served": s["served"],
        })
    return out


def _working(scenario: Scenario) -> list[int]:
    weekends = scenario.calendar.weekends if scenario.calendar else ("sat", "sun")
    return [w for w in range(7) if WEEKDAYS[w] not in weekends]


def restrict(log: TicketLog, scenario: Scenario, options: Options) -> tuple[pd.DatetimeIndex,
                                                                            np.ndarray]:
    """Apply the calibration's rules and keep the scenario's items, working days and
    opening hours; return the working dates and each ticket's day index."""
    prepare(log, options)
    log.skip(~log.frame["item"].isin(list(scenario.categories)).to_numpy(),
             "item not in the scenario")
    working = _working(scenario)
    log.skip(~np.isin(log.date.dt.day_of_week.to_numpy(), working), "not on a working day")
    minute = log.minute
    log.skip(~_open_mask(scenario, minute), "ticket taken outside the opening hours")
    if not len(log):
        raise InputError(", ".join(log.files), "", "no ticket of the scenario's items on its "
                                                    "working days and hours")
    dates = pd.DatetimeIndex(sorted(log.date.unique()))
    day = pd.Series(np.arange(len(dates)), index=dates)[log.date].to_numpy()
    return dates, day


def _open_mask(scenario: Scenario, minute: np.ndarray) -> np.ndarray:
    ok = np.zeros(len(minute), dtype=bool)
    for s, e in scenario.hall.periods:
        ok |= (minute >= s) & (minute < e)
    return ok


def aligned(scenario: Scenario, dates: pd.DatetimeIndex) -> Scenario:
    """The scenario over the log's days, its weekday factors starting at the log's first day."""
    data = scenario.to_dict()
    working = _working(scenario)
    factors = list(scenario.hall.day_factors)
    start = scenario.calendar.start if scenario.calendar else None
    if start is not None and len(factors) == len(working) and start.weekday() in working:
        shift = working.index(int(dates[0].day_of_week)) - working.index(start.weekday()) \
            if int(dates[0].day_of_week) in working else 0
        data["hall"]["day_factors"] = list(np.roll(factors, -shift))
    data["hall"]["days"] = len(dates)
    data["hall"]["warmup_days"] = 0
    if "calendar" in data:
        data["calendar"]["start"] = str(dates[0].date())
    return scenario_from_dict(data, "<backtest>")


def replay(scenario: Scenario, arrival: np.ndarray, item: np.ndarray, seed: int,
           replication: int) -> Customers:
    """Customers with the log's ticket times and items, service and patience drawn
    from the scenario (streams per item, as :func:`sim.engine.arrivals.draw_customers`)."""
    names = tuple(scenario.categories)
    work = np.empty(len(arrival))
    patience = np.full(len(arrival), np.inf)
    for k, name in enumerate(names):
        mask = item == k
        n = int(mask.sum())
        cat = scenario.categories[name]
        work[mask] = cat.service.sample(stream(seed, replication, Purpose.SERVICE, name), n)
        if cat.patience is not None:
            patience[mask] = cat.patience.sample(
                stream(seed, replication, Purpose.PATIENCE, name), n)
    order = np.argsort(arrival, kind="stable")
    return Customers(names, arrival[order], item[order].astype(np.int32), work[order],
                     patience[order])


def log_groups(scenario: Scenario, served: pd.DataFrame) -> list[Group]:
    """The scenario's window groups staffed with the log's windows: each window
    (with at least ``MIN_WINDOW_TICKETS`` services) joins the group whose items
    cover most of its services (ties: the larger group)."""
    per = served.groupby(["window", "item"], observed=True).size()
    members: dict[str, list[str]] = {g.id: [] for g in scenario.windows}
    for window, counts in per.groupby(level=0):
        if int(counts.sum()) < MIN_WINDOW_TICKETS:
            continue
        items = counts.droplevel(0)
        best = max(scenario.windows, key=lambda g: (int(items[items.index.isin(g.serves)].sum()),
                                                     g.count))
        members[best.id].append(str(window))
    return [Group(g.id, tuple(g.serves), tuple(members[g.id]), 0) for g in scenario.windows]


def open_bins_of(scenario: Scenario, resolution: int) -> np.ndarray:
    """Bins of ``resolution`` minutes that start (or contain the start of) an opening period."""
    return np.array([b for b in range(1440 // resolution)
                     if any(s < (b + 1) * resolution and b * resolution < e
                            for s, e in scenario.hall.periods)], dtype=int)


def log_staffing(scenario: Scenario, frame: pd.DataFrame, day: np.ndarray, minute: np.ndarray,
                 n_days: int, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """Each day's windows on duty per group and open bin (groups x days x bins), inferred
    from the log with the calibration's estimator, and the open bins."""
    groups = log_groups(scenario, frame[frame["outcome"] == "served"])
    periods = [(int(s), int(e)) for s, e in scenario.hall.periods]
    on_duty(groups, frame.assign(minute=minute), day, periods, n_days, resolution)
    bins = open_bins_of(scenario, resolution)
    return daily_schedules(groups, bins), bins


def _day_scenario(scenario: Scenario, schedule: np.ndarray, bins: np.ndarray,
                  resolution: int) -> Scenario:
    """A one-day copy of the scenario staffed by ``schedule`` (groups x bins)."""
    data = scenario.to_dict()
    hall = data["hall"]
    hall.update(days=1, warmup_days=0, day_factors=[1.0], day_level_cv=0.0)
    data.pop("calendar", None)
    starts = [s for s, _ in scenario.hall.periods]
    keys = [format_hhmm(int(max([b * resolution] + [s for s in starts
                                                    if b * resolution < s < (b + 1) * resolution])))
            for b in bins]
    for g, row in zip(data["windows"], schedule):
        g["schedule"] = {k: int(v) for k, v in zip(keys, row)}
        g["count"] = max(1, int(g["count"]), int(row.max()))
    return scenario_from_dict(data, "<backtest day>")


def simulate_days(scenario: Scenario, arrival: np.ndarray, item: np.ndarray,
                  staffing: np.ndarray, bins: np.ndarray, resolution: int, seed: int,
                  replication: int) -> tuple[np.ndarray, ...]:
    """Trace-driven simulation day by day, each day with its own staffing; returns the
    records' arrival (from the start of day 0), category, outcome and wait."""
    day = (arrival // 1440).astype(int)
    out: list[tuple[np.ndarray, ...]] = []
    for d in range(staffing.shape[1]):
        mask = day == d
        if not mask.any():
            continue
        sc = _day_scenario(scenario, staffing[:, d, :], bins, resolution)
        index = replication * 100_000 + d  # one stream family per (replication, day)
        rec = run_replication(sc, seed, index, keep_records=True,
                              customers=replay(sc, arrival[mask] - d * 1440.0, item[mask],
                                               seed, index)).records
        assert rec is not None
        wait = np.where(rec.outcome == SERVED, rec.call - rec.arrival, rec.end - rec.arrival)
        out.append((rec.arrival + d * 1440.0, rec.category, rec.outcome, wait))
    return tuple(np.concatenate(col) for col in zip(*out))


def erlang_a_baseline(scenario: Scenario, hours: list[int]) -> dict[int, dict[str, float]]:
    """Per hour: Erlang A with the scenario's mean rate, staffing, service mean and patience."""
    from sim.engine.arrivals import segments_of_rate

    cats = scenario.categories
    daily = {c: sum((e - s) / 60 * r for s, e, r in segments_of_rate(scenario,
                                                                      cats[c].arrivals_per_hour))
             for c in cats}
    weight = sum(daily.values()) or 1.0
    service = sum(daily[c] * cats[c].service.mean for c in cats) / weight
    with_p = [c for c in cats if cats[c].patience is not None]
    patience = (sum(daily[c] * cats[c].patience.mean for c in with_p)  # type: ignore[union-attr]
                / max(sum(daily[c] for c in with_p), 1e-9)) if with_p else math.inf
    factor = float(np.mean(scenario.hall.day_factors))
    out: dict[int, dict[str, float]] = {}
    for h in hours:
        minutes = [h * 60 + m for m in range(0, 60, 5) if scenario.hall.is_open_at(h * 60 + m)]
        if not minutes:
            continue
        lam = 0.0
        for c in cats:
            segs = segments_of_rate(scenario, cats[c].arrivals_per_hour)
            lam += np.mean([next((r for s, e, r in segs if s <= t < e), 0.0) for t in minutes])
        lam *= factor / 60.0
        c_h = int(round(np.mean([sum(g.staffed_at(t) for g in scenario.windows)
                                 for t in minutes])))
        if lam <= 0 or c_h < 1:
            continue
        theta = 1.0 / patience if math.isfinite(patience) else 1e-6
        res = erlang_a(lam, 1.0 / service, theta, c_h)
        out[h] = {"wait_mean": res.wait_mean_all, "abandon_share": res.p_abandon,
                  "servers": c_h, "arrivals_per_hour": lam * 60}
    return out


def enough_served(n_served: pd.Series, n_days: int) -> pd.Series:
    """Whether an hour's (or item-hour's) observation enters the errors: at least
    ``MIN_SERVED`` served tickets and ``MIN_SERVED_PER_DAY`` per day on average."""
    return n_served >= max(MIN_SERVED, MIN_SERVED_PER_DAY * n_days)


def _errors(obs: pd.DataFrame, pred: pd.Series, pred_ab: pd.Series,
            n_days: int) -> dict[str, float]:
    enough = enough_served(obs["n_served"], n_days)
    ok = enough & (obs["wait_mean"] > 0) & pred.notna()
    ape = (pred[ok] - obs["wait_mean"][ok]).abs() / obs["wait_mean"][ok]
    ok_ab = obs["abandon_share"].notna() & pred_ab.notna() & enough
    ae = (pred_ab[ok_ab] - obs["abandon_share"][ok_ab]).abs() * 100
    return {"wait_mape": float(ape.mean() * 100) if len(ape) else math.nan,
            "abandon_mae_points": float(ae.mean()) if len(ae) else math.nan,
            "hours": int(ok.sum())}


def backtest(scenario: Scenario, log: TicketLog, arrivals: str = "log", replications: int = 20,
             seed: int = 1, options: Options | None = None,
             staffing: str = "scenario") -> dict[str, Any]:
    """Compare a scenario's predictions with a log (see the module doc); a JSON-ready dict."""
    options = options or Options(target_minutes=scenario.targets.wait_minutes)
    target = scenario.targets.wait_minutes
    dates, day = restrict(log, scenario, options)
    n_days = len(dates)
    items = tuple(scenario.categories)
    code = {c: k for k, c in enumerate(items)}
    f = log.frame
    arrival = day * 1440.0 + log.minute
    item = f["item"].map(code).to_numpy(dtype=np.int32)
    outcome = np.where(f["outcome"] == "served", SERVED, ABANDONED).astype(np.int8)
    obs = figures(arrival, item, outcome, f["wait"].to_numpy(dtype=float), items, n_days, target)
    sc = aligned(scenario, dates)
    if staffing == "log" and arrivals != "log":
        raise InputError("", "--staffing", "log staffing needs --arrivals log (the log's days)")
    per_day = None
    if staffing == "log":
        per_day, bins = log_staffing(sc, f, day, log.minute, n_days, options.resolution)
    reps = []
    for r in range(replications):
        if per_day is not None:
            reps.append(figures(*simulate_days(sc, arrival, item, per_day, bins,
                                               options.resolution, seed, r),
                                items, n_days, target))
            continue
        customers = replay(sc, arrival, item, seed, r) if arrivals == "log" else None
        rec = run_replication(sc, seed, r, keep_records=True, customers=customers).records
        assert rec is not None
        wait = np.where(rec.outcome == SERVED, rec.call - rec.arrival, rec.end - rec.arrival)
        reps.append(figures(rec.arrival, rec.category, rec.outcome, wait, items, n_days, target))
    stacked = pd.concat(reps, keys=range(replications), names=["rep"])
    idx = obs.index.union(stacked.index.droplevel(0).unique())
    grouped = stacked.groupby(level=["item", "hour"])
    mean = grouped.mean().reindex(idx)
    low = grouped.quantile(0.025).reindex(idx)
    high = grouped.quantile(0.975).reindex(idx)
    obs = obs.reindex(idx)

    def row(key: tuple[str, int]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for m in METRICS:
            o, p, lo, hi = (obs.at[key, m], mean.at[key, m], low.at[key, m], high.at[key, m])
            inside = bool(lo <= o <= hi) if not any(map(pd.isna, (o, lo, hi))) else None
            out[m] = {"observed": _clean(o), "predicted": _clean(p), "low": _clean(lo),
                      "high": _clean(hi), "inside_band": inside}
        out["served_tickets"] = int(obs.at[key, "n_served"]) if pd.notna(
            obs.at[key, "n_served"]) else 0
        return out

    hours = sorted(h for h in idx.get_level_values("hour").unique() if h >= 0)
    pooled_obs = obs.xs("*", level="item").loc[hours]
    base = erlang_a_baseline(sc, hours)
    base_wait = pd.Series({h: v["wait_mean"] for h, v in base.items()}).reindex(hours)
    base_ab = pd.Series({h: v["abandon_share"] for h, v in base.items()}).reindex(hours)
    doc: dict[str, Any] = {
        "scenario": scenario.name, "logs": list(log.files), "arrivals": arrivals,
        "replications": replications, "seed": seed, "days": n_days,
        "first_day": str(dates[0].date()), "last_day": str(dates[-1].date()),
        "target_minutes": target,
        "rows": {"kept": len(log), "skipped": dict(log.skipped)},
        "overall": row(("*", -1)),
        "by_hour": {str(h): row(("*", h)) for h in hours},
        "by_item": {},
        "errors": _errors(pooled_obs, mean.xs("*", level="item").loc[hours, "wait_mean"],
                          mean.xs("*", level="item").loc[hours, "abandon_share"], n_days),
        "baseline_erlang_a": {
            "errors": _errors(pooled_obs, base_wait, base_ab, n_days),
            "by_hour": {str(h): {k: _clean(v) for k, v in base[h].items()} for h in base},
            "note": "per hour: Erlang A (M/M/c+M) with the scenario's mean arrival rate, "
                    "its staffing, rate-weighted mean service time and patience; wait = mean "
                    "over all arrivals",
        },
    }
    item_errors = {}
    for it in items:
        if (it, -1) not in idx:
            continue
        it_hours = [h for h in hours if (it, h) in idx]
        doc["by_item"][it] = {"overall": row((it, -1)),
                              "by_hour": {str(h): row((it, h)) for h in it_hours}}
        o = obs.xs(it, level="item").loc[it_hours]
        p = mean.xs(it, level="item").loc[it_hours]
        item_errors[it] = _errors(o, p["wait_mean"], p["abandon_share"], n_days)
    doc["errors"]["by_item"] = item_errors
    doc["outside_band"] = {
        "hours": [h for h in doc["by_hour"] if doc["by_hour"][h]["wait_mean"]["inside_band"]
                  is False and bool(enough_served(pd.Series(
                      [doc["by_hour"][h]["served_tickets"]]), n_days).iloc[0])],
        "items": [i for i in doc["by_item"]
                  if doc["by_item"][i]["overall"]["wait_mean"]["inside_band"] is False
                  or doc["by_item"][i]["overall"]["abandon_share"]["inside_band"] is False],
    }
    return doc


def _clean(x: Any) -> Any:
    if x is None or (isinstance(x, float) and not math.isfinite(x)) or pd.isna(x):
        return None
    return round(float(x), 6)
