"""Backtest: simulate the days of a log a scenario was not fitted on, and set
prediction beside observation per hour of day and per item.

Figures (the same function computes them from the log and from each
replication) are the metric registry's ``backtest`` figures
(:data:`sim.stats.registry.BACKTEST`; keys, labels and units from there): tickets
and tickets served per day, mean wait of served tickets, P(wait > target)
(:func:`sim.stats.service_level.target_misses`, the one definition) and
``left_share``, the share of tickets that left without service (abandoned or
balked: a log tells only served tickets from the others, so this is not the
registry's ``abandon_share``). The prediction is the mean over
replications, the band the 2.5 and 97.5 percentiles of the replications'
figures. Errors: MAPE of the hourly mean wait, mean absolute error of the
hourly ``left_share`` in points, overall and per item; the same errors of
a fitted Erlang A baseline (per hour: the scenario's arrival rate, its staffing,
its mean service time and patience) for comparison.

``arrivals="log"`` replays the log's ticket times and items (trace-driven: the
model's error without arrival randomness); ``"model"`` draws them from the
scenario's profile, day factors and day level.

``staffing="scenario"`` staffs every day with the scenario's schedule (a pure
prediction: the fitted month's average staffing); ``"log"`` infers each day's
windows on duty from the backtested log itself with the calibration's estimator
(:func:`sim.calibration.inferred_windows.on_duty`) and simulates day by day: the hall's own
staffing decisions are replayed like its arrivals, so what is tested is the
model of service, patience and queueing, not a forecast of the managers' rota.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import integrate

from sim.calibration.calibrate import Options, prepare
from sim.calibration.inferred_windows import MIN_WINDOW_TICKETS, Group, daily_schedules, on_duty
from sim.calibration.tickets import TicketLog
from sim.engine.arrivals import Customers, draw_customer_attributes, segments_of_rate
from sim.engine.records import ABANDONED, BALKED, SERVED
from sim.files.errors import InputError
from sim.run.replications import run_replication
from sim.scenario.calendar import WEEKDAYS
from sim.scenario.clock import format_hhmm, hour_of_day
from sim.scenario.model import Scenario, scenario_from_dict
from sim.stats.metrics import clean
from sim.stats.registry import BACKTEST, in_section
from sim.stats.service_level import target_misses
from sim.stats.theory import erlang_a

MIN_SERVED = 20  # an hour (or item-hour) needs this many served tickets to enter the errors
MIN_SERVED_PER_DAY = 2.0  # ... and this many per day on average (a mean of fewer is noise)
#: the registry keys of the figures a backtest reports, in the registry's order
FIGURES = tuple(m.key for m in in_section(BACKTEST))


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
    hour = hour_of_day(arrival)
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
            "arrivals_per_day": s["ticket"] / n_days,
            "served_per_day": s["served"] / n_days,
            "wait_mean": s["wait_served"] / s["served"],
            "p_wait_over_target": s["missed"] / s["counted"],
            "left_share": s["left"] / s["ticket"],
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
        work[mask], patience[mask] = draw_customer_attributes(scenario, name, arrival[mask],
                                                              seed, replication)
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
    keys = [format_hhmm(int(t)) for t in _bin_starts(scenario, bins, resolution)]
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


def trace_counts(arrival: np.ndarray, item: np.ndarray, resolution: int) -> pd.DataFrame:
    """Tickets per day, bin and item code of a trace (``arrival`` from day 0's start)."""
    frame = pd.DataFrame({"day": (arrival // 1440).astype(int),
                          "bin": ((arrival % 1440) // resolution).astype(int), "item": item})
    return frame.groupby(["day", "bin", "item"]).size().rename("n").reset_index()


def expected_counts(scenario: Scenario, bins: np.ndarray, resolution: int) -> pd.DataFrame:
    """The scenario's expected tickets per bin and item on an average day (day 0)."""
    factor = float(np.mean(scenario.hall.day_factors))
    rows = []
    for k, cat in enumerate(scenario.categories.values()):
        segs = segments_of_rate(scenario, cat.arrivals_per_hour)
        for b, start in zip(bins, _bin_starts(scenario, bins, resolution)):
            rate = next((r for s, e, r in segs if s <= start < e), 0.0)
            rows.append((0, int(b), k, rate * factor * resolution / 60.0))
    return pd.DataFrame(rows, columns=["day", "bin", "item", "n"])


def _bin_starts(scenario: Scenario, bins: np.ndarray, resolution: int) -> list[float]:
    """Each open bin's first open minute (its start, or a period's start inside it)."""
    starts = [s for s, _ in scenario.hall.periods]
    return [max([float(b * resolution)] + [s for s in starts
                                           if b * resolution < s < (b + 1) * resolution])
            for b in bins]


def erlang_a_theta(patience: Any, target: float) -> float:
    """The abandonment rate Erlang A uses for a fitted patience distribution.

    Exponential: ``1 / mean``. Another family has no single rate; we take the
    exponential that leaves at the same rate over the first ``target`` minutes,
    ``theta = G(T) / integral_0^T (1 - G(t)) dt`` (the waits Erlang A is asked
    about are around the target). ``None`` (no patience): a negligible rate.
    """
    if patience is None:
        return 1e-6
    if getattr(patience, "dist", "") == "exponential":
        return 1.0 / patience.mean
    frozen = patience.scipy()
    exposure = integrate.quad(frozen.sf, 0.0, target)[0]
    return max(float(frozen.cdf(target)) / exposure, 1e-6)


def erlang_a_baseline(scenario: Scenario, counts: pd.DataFrame, staffing: np.ndarray,
                      bins: np.ndarray, resolution: int,
                      n_days: int) -> dict[int, dict[str, float]]:
    """Per hour, the Erlang A (M/M/c+M) prediction from the simulation's own inputs.

    ``counts``: tickets (``n``) per ``day``, ``bin`` and ``item`` code. For each day
    and bin: ``lambda`` its tickets per minute, ``c``
    the windows on duty the simulation used (``staffing``: days x bins, all groups
    pooled), ``mu`` one over the arrival-weighted mean service time of the bin's items,
    ``theta`` the arrival-weighted :func:`erlang_a_theta` of their patience. The
    hour's mean wait of served tickets and ``left_share`` (Erlang A's abandonment
    probability: nobody balks in M/M/c+M) weight the bins by their served and
    arriving tickets (the observation's weights).
    """
    cats = [scenario.categories[c] for c in scenario.categories]
    service = np.array([c.service.mean for c in cats])  # x the bin's service_by_time factor
    starts = dict(zip((int(b) for b in bins), _bin_starts(scenario, bins, resolution)))
    target = scenario.targets.wait_minutes
    theta = np.array([erlang_a_theta(c.patience, target) for c in cats])
    pos = {int(x): k for k, x in enumerate(bins)}
    sums: dict[int, np.ndarray] = {}  # hour -> [served, served x wait, tickets, abandoned]
    for (d, bb), part in counts.groupby(["day", "bin"]):
        k = pos.get(int(bb))
        n = float(part["n"].sum())
        if n <= 0:
            continue
        c = int(staffing[int(d), k]) if k is not None and d < staffing.shape[0] else 0
        lam = n / resolution
        mix = np.bincount(part["item"].to_numpy(), weights=part["n"].to_numpy(),
                          minlength=len(cats)) / n
        if c < 1:
            served, wait = 0.0, math.nan  # nobody on duty: everybody left
        else:
            t = np.array([starts.get(int(bb), int(bb) * resolution)])
            factor = np.array([float(cat.service_factor_at(t)[0]) for cat in cats])
            res = erlang_a(lam, 1.0 / float(mix @ (service * factor)), float(mix @ theta), c)
            served, wait = 1.0 - res.p_abandon, res.wait_mean_served
        h = int(bb) * resolution // 60
        acc = sums.setdefault(h, np.zeros(4))
        acc += [n * served, n * served * (wait if served > 0 else 0.0), n, n * (1 - served)]
    out: dict[int, dict[str, float]] = {}
    for h, (sv, sw, n, ab) in sorted(sums.items()):
        c_mean = float(np.mean([staffing[d, pos[bb]] for d in range(staffing.shape[0])
                                for bb in pos if bb * resolution // 60 == h]))
        out[h] = {"wait_mean": sw / sv if sv > 0 else math.nan, "left_share": ab / n,
                  "servers": c_mean, "arrivals_per_hour": n / n_days}
    return out


def enough_served(n_served: pd.Series, n_days: int) -> pd.Series:
    """Whether an hour's (or item-hour's) observation enters the errors: at least
    ``MIN_SERVED`` served tickets and ``MIN_SERVED_PER_DAY`` per day on average."""
    return n_served >= max(MIN_SERVED, MIN_SERVED_PER_DAY * n_days)


def _errors(obs: pd.DataFrame, pred: pd.Series, pred_ab: pd.Series,
            n_days: int, judged: pd.DataFrame | None = None) -> dict[str, float]:
    """MAPE of the hourly mean wait, its MAE in minutes (``wait_mae_minutes``, over the
    same hours and those whose observed mean wait is 0, which a percentage cannot judge:
    read it where the observed waits are near nothing and a few seconds make a
    percentage explode, an item served at once), and MAE (points) of the hourly ``left_share`` of
    ``pred`` against ``obs``, over the hours ``judged`` (default ``obs``) has enough
    served tickets for (:func:`enough_served`)."""
    judged = obs if judged is None else judged
    enough = enough_served(judged["n_served"], n_days)
    ok = enough & (judged["wait_mean"] > 0) & (obs["wait_mean"] > 0) & pred.notna()
    ape = (pred[ok] - obs["wait_mean"][ok]).abs() / obs["wait_mean"][ok]
    # the absolute error keeps the hours a percentage cannot judge (observed wait 0)
    ok_gap = enough & obs["wait_mean"].notna() & pred.notna()
    gap = (pred[ok_gap] - obs["wait_mean"][ok_gap]).abs()
    ok_ab = obs["left_share"].notna() & pred_ab.notna() & enough
    ae = (pred_ab[ok_ab] - obs["left_share"][ok_ab]).abs() * 100
    return {"wait_mape": float(ape.mean() * 100) if len(ape) else math.nan,
            "wait_mae_minutes": float(gap.mean()) if len(gap) else math.nan,
            "abandon_mae_points": float(ae.mean()) if len(ae) else math.nan,
            "hours": int(ok.sum())}


def noise_floor(reps: list[pd.DataFrame], hours: list[int], n_days: int,
                observed: pd.DataFrame) -> dict[str, Any]:
    """The errors a model without any error would score in this backtest, whose
    observation is one random draw and whose prediction is a mean of ``R`` replications.

    Each replication in turn is taken as the observation and the mean of the others as
    the prediction (leave-one-out), over the hours the real observation is judged on
    (``observed``: the log's figures, indexed by item and hour like each replication's).
    The difference then has variance
    ``sigma^2 R / (R - 1)``, while a perfect model's prediction (a mean of ``R``
    replications) differs from the observation by ``sigma^2 (R + 1) / R``: the
    averaged errors are scaled by the ratio of the standard deviations,
    ``sqrt(1 - 1 / R^2)``. With ``--arrivals log`` the replications vary what the
    log's days vary given their tickets (services and patience), so this is the part
    of the error measures that no model of service, patience and queueing could
    remove, as far as the fitted model's own randomness is the hall's: a hall more
    variable than its model has a higher floor.
    """
    r = len(reps)
    if r < 2:
        return {"wait_mape": None, "wait_mae_minutes": None, "abandon_mae_points": None,
                "replications": r}
    pooled = [rep.xs("*", level="item").reindex(hours) for rep in reps]
    judged = observed.xs("*", level="item").reindex(hours)
    errs = []
    for k, obs in enumerate(pooled):
        rest = pd.concat([p for j, p in enumerate(pooled) if j != k]).groupby(level=0).mean()
        errs.append(_errors(obs, rest["wait_mean"], rest["left_share"], n_days, judged))
    scale = math.sqrt(1.0 - 1.0 / r**2)
    return {"wait_mape": scale * float(np.mean([e["wait_mape"] for e in errs])),
            "wait_mae_minutes": scale * float(np.mean([e["wait_mae_minutes"] for e in errs])),
            "abandon_mae_points": scale * float(np.mean([e["abandon_mae_points"]
                                                          for e in errs])),
            "replications": r}


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
        pooled_staff = per_day.sum(axis=0)
    else:
        bins = open_bins_of(sc, options.resolution)
        pooled_staff = np.tile([sum(g.staffed_at(start) for g in sc.windows)
                                for start in _bin_starts(sc, bins, options.resolution)],
                               (n_days, 1))
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
        for m in FIGURES:
            o, p, lo, hi = (obs.at[key, m], mean.at[key, m], low.at[key, m], high.at[key, m])
            inside = bool(lo <= o <= hi) if not any(map(pd.isna, (o, lo, hi))) else None
            out[m] = {"observed": clean(o), "predicted": clean(p), "low": clean(lo),
                      "high": clean(hi), "inside_band": inside}
        out["served_tickets"] = int(obs.at[key, "n_served"]) if pd.notna(
            obs.at[key, "n_served"]) else 0
        return out

    hours = sorted(h for h in idx.get_level_values("hour").unique() if h >= 0)
    pooled_obs = obs.xs("*", level="item").loc[hours]
    if arrivals == "log":
        base = erlang_a_baseline(sc, trace_counts(arrival, item, options.resolution),
                                 pooled_staff, bins, options.resolution, n_days)
    else:  # the scenario's expected tickets of an average day
        base = erlang_a_baseline(sc, expected_counts(sc, bins, options.resolution),
                                 pooled_staff[:1], bins, options.resolution, 1)
    base_wait = pd.Series({h: v["wait_mean"] for h, v in base.items()}).reindex(hours)
    base_ab = pd.Series({h: v["left_share"] for h, v in base.items()}).reindex(hours)
    doc: dict[str, Any] = {
        "scenario": scenario.name, "logs": list(log.files), "credits": list(log.credits),
        "arrivals": arrivals,
        "staffing": staffing,
        "replications": replications, "seed": seed, "days": n_days,
        "first_day": str(dates[0].date()), "last_day": str(dates[-1].date()),
        "target_minutes": target,
        "rows": {"kept": len(log), "skipped": dict(log.skipped)},
        "overall": row(("*", -1)),
        "by_hour": {str(h): row(("*", h)) for h in hours},
        "by_item": {},
        "errors": _errors(pooled_obs, mean.xs("*", level="item").loc[hours, "wait_mean"],
                          mean.xs("*", level="item").loc[hours, "left_share"], n_days),
        "baseline_erlang_a": {
            "errors": _errors(pooled_obs, base_wait, base_ab, n_days),
            "by_hour": {str(h): {k: clean(v) for k, v in base[h].items()} for h in base},
            "note": "per day and bin: Erlang A (M/M/c+M) with the bin's tickets, the windows "
                    "on duty the simulation used (pooled), the arrival-weighted mean service "
                    "time and patience rate (an exponential leaving at the fitted patience's "
                    "rate over the first target minutes); hourly wait = mean wait of served "
                    "tickets, as observed",
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
        item_errors[it] = _errors(o, p["wait_mean"], p["left_share"], n_days)
    doc["errors"]["by_item"] = item_errors
    doc["errors"]["noise_floor"] = noise_floor(reps, hours, n_days, obs)
    doc["outside_band"] = {
        "hours": [h for h in doc["by_hour"] if doc["by_hour"][h]["wait_mean"]["inside_band"]
                  is False and bool(enough_served(pd.Series(
                      [doc["by_hour"][h]["served_tickets"]]), n_days).iloc[0])],
        "items": [i for i in doc["by_item"]
                  if doc["by_item"][i]["overall"]["wait_mean"]["inside_band"] is False
                  or doc["by_item"][i]["overall"]["left_share"]["inside_band"] is False],
    }
    return clean(doc)  # undefined figures (an item with no hour to judge) are null
