"""Calibrate a scenario from a ticket log: ``calibrate(log) -> Calibration``.

The estimators live in :mod:`sim.calibration.demand` (days, hours, arrivals),
:mod:`sim.calibration.fitting` (service and patience distributions) and
:mod:`sim.calibration.inferred_windows` (authorisation sets, groups, schedules, speed);
docs/calibration.md explains them. :meth:`Calibration.yaml_text` writes the
scenario with a comment on every estimated field giving its basis.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.calibration.demand import (
    Days,
    Dispersion,
    day_factors,
    day_level,
    open_bins,
    periods_of,
    profile_rates,
    working_days,
)
from sim.calibration.fitting import Fit, TimeFactors, fit_patience, fit_service, time_factors
from sim.calibration.inferred_windows import (
    MIN_WINDOW_TICKETS,
    Group,
    authorisation_sets,
    make_groups,
    on_duty,
    schedules,
    service_factor,
    speeds,
)
from sim.calibration.staffing_relation import learn as learn_staffing
from sim.calibration.tickets import TicketLog
from sim.calibration.turnaround import Turnaround, estimate_turnaround
from sim.files.errors import InputError
from sim.scenario.calendar import WEEKDAYS
from sim.scenario.clock import format_hhmm, format_period

MIN_ITEM_TICKETS = 30


@dataclass(frozen=True)
class Options:
    """Calibration settings (the command line's options)."""

    resolution: int = 30  # minutes per profile and schedule bin
    short_service_seconds: float = 10.0  # services shorter than this are left out
    target_minutes: float = 20.0
    name: str = "calibrated"
    min_open_share: float = 0.5  # a bin is open if tickets were taken in it on this share of days
    patience_family: str = "auto"  # "auto" (likelihood-ratio test) or a family to impose
    turnaround: bool = True  # add the window turnaround estimated from the log to services
    walk_minutes: float = 0.0  # the walk to the window a layout explains: off the turnaround


@dataclass
class ItemFit:
    """Everything estimated for one item."""

    name: str
    department: str
    tickets: int
    rates: np.ndarray  # per open bin, tickets per hour
    service: Fit
    patience: Fit | None
    left: int
    no_show_lost: float | None = None  # mean minutes a window spent on called-but-gone
    by_time: TimeFactors | None = None  # service-time factors by time of day
    fitted: np.ndarray | None = None  # the occupancies the service was fitted to (net of
    # speed and time-of-day factors; service + turnaround): what the report plots


@dataclass
class Calibration:
    """A calibrated hall: the estimates, their basis, and the log they came from."""

    options: Options
    log: TicketLog
    days: Days
    bins: np.ndarray
    periods: list[tuple[int, int]]
    factors: np.ndarray
    dispersion: Dispersion
    items: dict[str, ItemFit]
    groups: list[Group]
    day_index: np.ndarray  # per ticket of the (filtered) log
    turnaround: Turnaround  # added to every fitted service time (0 when not estimated)
    notes: list[str] = field(default_factory=list)
    layout: dict[str, Any] | None = None  # a floor plan copied in (attach_layout)

    @property
    def open_texts(self) -> list[str]:
        """Opening periods as ``HH:MM-HH:MM``."""
        return [format_period(s, e) for s, e in self.periods]

    def bin_key(self, b: int) -> str:
        """The ``HH:MM`` key of a bin."""
        return format_hhmm(b * self.options.resolution)

    def yaml_text(self) -> str:
        """The scenario as YAML, with a comment on every estimated field."""
        return _yaml(self)

    def attach_layout(self, layout: dict[str, Any], source: str) -> str:
        """Copy a floor plan (a scenario's ``layout`` section, from ``source``) into the
        calibrated hall if it fits it: every calibrated window group placed with its
        count, every waiting area's items known (:func:`sim.scenario.layout.check_layout`).
        A plan drawn for other groups is left out. Either way a header note says what
        happened; it is also returned, for the command to print."""
        from sim.scenario.loading import scenario_from_dict

        self.layout = layout
        try:
            scenario_from_dict(yaml.safe_load(self.yaml_text()), source)
        except InputError as exc:
            self.layout = None
            note = (f"layout of {Path(source).name} not copied: it does not fit the calibrated "
                    f"hall (field '{exc.path}': {exc.problem}); add a layout for the groups "
                    "above by hand or in the web app's hall editor")
        else:
            note = (f"layout copied from {Path(source).name} (walking on: the mean walk to "
                    "the window is taken off the turnaround above)")
        self.notes.append(note)
        return note


#: characters a YAML file cannot hold as they are (PyYAML's reader refuses them, or reads
#: them as line breaks: a newline in a name would end a ``#`` comment and leave the rest of
#: the name as YAML)
_UNSAFE = re.compile("[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: PyYAML's longest implicit key (characters from the key to its ':'); a longer one is
#: written as an explicit key (``? "…"``)
_KEY_LENGTH = 1000


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    if c in "\n\r":
        return "\\n" if c == "\n" else "\\r"
    return f"\\x{ord(c):02x}" if ord(c) <= 0xFF else f"\\u{ord(c):04x}"


def _one_line(text: str) -> str:
    """``text`` with every character a YAML file cannot hold as it is written as an escape
    (``\\n``): in a double-quoted scalar the escape reads back as the character; in a
    comment it is shown, and the comment stays one line."""
    return _UNSAFE.sub(_escape, text)


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _key(text: str) -> str:
    """A mapping key for ``text``: quoted, or an explicit key (``? "…" ``) when too long for
    an implicit one; follow it with ``:``."""
    q = _q(text)
    return q if len(q) <= _KEY_LENGTH else f"? {q} "


def _num(x: float) -> str:
    return f"{float(f'{x:.4g}'):g}"


def _flow(d: dict[str, Any]) -> str:
    parts = []
    for k, v in d.items():
        if isinstance(v, list):
            parts.append(f"{k}: [{', '.join(_num(x) for x in v)}]")
        elif isinstance(v, str):
            parts.append(f"{k}: {v}")
        else:
            parts.append(f"{k}: {_num(v)}")
    return "{" + ", ".join(parts) + "}"


def _yaml(cal: Calibration) -> str:
    o, log = cal.options, cal.log
    lines = [
        f"# Calibrated by `hallsim calibrate` from {', '.join(Path(f).name for f in log.files)}.",
        f"# {len(log):,} tickets on {len(cal.days.dates)} working days "
        f"({cal.days.dates[0].date()} to {cal.days.dates[-1].date()}).",
    ]
    lines += [f"# Data source: {credit}" for credit in log.credits]
    for n_reason in log.summary_lines()[1:]:
        lines.append(f"# {n_reason.strip()}")
    lines += [f"# {note}" for note in cal.notes]
    lines.append(f"name: {_q(o.name)}")
    lines.append("hall:")
    lines.append(f"  open: [{', '.join(_q(t) for t in cal.open_texts)}]"
                 f"  # bins of {o.resolution} min with tickets on >= {o.min_open_share:.0%} "
                 "of working days")
    lines.append(f"  days: {len(cal.days.dates)}  # working days in the log")
    weekday_names = [WEEKDAYS[w] for w in np.roll(
        np.array(cal.days.weekdays), -cal.days.weekdays.index(int(cal.days.dates[0].day_of_week)))]
    lines.append(f"  day_factors: [{', '.join(_num(f) for f in cal.factors)}]"
                 f"  # {'/'.join(weekday_names)}: mean tickets of the weekday / mean of all")
    d = cal.dispersion
    basis = (f"index of dispersion of daily counts {d.index:.2f} over {d.n_days} days "
             f"(Poisson 1; p={d.p_value:.2g})")
    lines.append(f"  day_level_cv: {_num(d.cv)}  # {basis}"
                 + ("" if d.cv > 0 else ": not above Poisson"))
    lines.append("calendar:")
    lines.append(f"  start: {cal.days.dates[0].date()}  # first working day of the log")
    lines.append(f"  weekends: [{', '.join(cal.days.weekend_names)}]  # weekdays with under "
                 "half the tickets of the busiest")
    lines.append("targets:")
    lines.append(f"  wait_minutes: {_num(o.target_minutes)}")
    lines.append("categories:")
    bin_h = o.resolution / 60.0
    for name, it in cal.items.items():
        per_day = float(np.sum(it.rates) * bin_h)
        key = _key(name)
        lines += [f"  {key.rstrip()}", "  :"] if key.startswith("?") else [f"  {key}:"]
        if it.department:
            lines.append(f"    department: {_q(it.department)}")
        lines.append(f"    arrivals_per_hour:  # {it.tickets:,} tickets, {per_day:.4g} per "
                     f"average day, by {o.resolution} min")
        for b, r in zip(cal.bins, it.rates):
            lines.append(f"      {_q(cal.bin_key(int(b)))}: {_num(r)}")
        lines.append(f"    service: {_flow(it.service.dist)}  # {it.service.comment()}")
        if it.by_time is not None:
            tf = it.by_time
            lines.append(f"    service_by_time:  # x service by ticket time: mean in the bin / "
                         f"overall, shrunk by n/(n+50); Kruskal-Wallis p={tf.p_value:.2g} over "
                         f"{tf.bins_tested} bins")
            last = None
            for b, v in zip(cal.bins, tf.factors):
                text = _num(round(float(v), 3))
                if text != last:
                    lines.append(f"      {_q(cal.bin_key(int(b)))}: {text}")
                    last = text
        if it.patience is not None:
            lines.append(f"    patience: {_flow(it.patience.dist)}  # {it.patience.comment()}")
        else:
            lines.append(f"    # patience: none ({it.left} tickets left: too few to fit)")
        if it.no_show_lost is not None:
            lines.append(f"    # a called-but-gone ticket cost its window {it.no_show_lost:.2g} "
                         "min on average (not modelled by the engine)")
    lines.append("windows:")
    for g in cal.groups:
        lines.append(f"  - id: {g.id}")
        if g.label:
            lines.append(f"    label: {_q(g.label)}  # the name its windows share in the log")
        shown = ", ".join(g.windows[:12]) + (" ..." if len(g.windows) > 12 else "")
        lines.append(f"    count: {len(g.windows)}  # windows that served exactly these items: "
                     f"{shown}")
        lines.append(f"    serves: [{', '.join(_q(s) for s in g.serves)}]  # {g.tickets:,} "
                     "tickets served")
        lines.append("    schedule:  # windows on duty: serving, or idle with nobody eligible "
                     "waiting; mean over days, rounded")
        last = None
        for b, v in g.schedule.items():
            if v != last:
                lines.append(f"      {_q(cal.bin_key(b))}: {v}  # mean "
                             f"{g.on_duty[b]:.2f}")
                last = v
        if g.speed:
            parts = ", ".join(f"{_key(k)}: {_num(v[0])}" for k, v in g.speed.items())
            basis = "; ".join(f"{k}: n={v[1]}, Welch p={v[2]:.1g}" for k, v in g.speed.items())
            lines.append(f"    speed: {{{parts}}}  # mean service / reference group's ({basis})")
    lines = [_one_line(line) for line in lines]  # names in comments and keys stay one line
    if cal.layout is not None:
        lines.append(yaml.safe_dump({"layout": cal.layout}, allow_unicode=True,
                                    sort_keys=False, width=100).rstrip("\n"))
    return "\n".join(lines) + "\n"


def prepare(log: TicketLog, options: Options) -> None:
    """The rules applied to any log before estimating (also used by the backtest)."""
    f = log.frame
    short = (f["outcome"] == "served") & (f["service"] < options.short_service_seconds / 60.0)
    log.skip(short.to_numpy(), f"service under {options.short_service_seconds:g} s (not a "
                               "real service: left out)")


def calibrate(log: TicketLog, options: Options | None = None) -> Calibration:
    """Estimate a scenario from a tidy ticket log (see the module docs)."""
    options = options or Options()
    if 1440 % options.resolution:
        raise InputError("", "--resolution", "must divide a day (e.g. 15, 30, 60)")
    # every call a window made, before any rule drops one (a skipped short service is
    # still a call: leaving it out would merge two gaps and its service into one)
    turn = (estimate_turnaround(log.frame).net_of_walking(options.walk_minutes)
            if options.turnaround else Turnaround.none())
    prepare(log, options)
    counts = log.frame["item"].value_counts()
    rare = counts[counts < MIN_ITEM_TICKETS].index
    log.skip(log.frame["item"].isin(rare).to_numpy(),
             f"item with fewer than {MIN_ITEM_TICKETS} tickets")
    if not len(log):
        why = "; ".join(f"{n:,} {reason}" for reason, n in log.skipped.most_common(6))
        raise InputError(", ".join(log.files), "", "no usable ticket left to calibrate on"
                         + (f" (rows skipped: {why})" if why else " (the log holds no ticket)"))
    days = working_days(log.date)
    date = log.date
    day_pos = pd.Series(np.arange(len(days.dates)), index=days.dates)
    log.skip(~date.isin(days.dates).to_numpy(), "not on a working day")
    day_index = day_pos[log.date].to_numpy()
    minute = log.minute
    bins = open_bins(minute, day_index, len(days.dates), options.resolution,
                     options.min_open_share)
    n_bins = 1440 // options.resolution
    in_open = np.isin(np.minimum((minute // options.resolution).astype(int), n_bins - 1), bins)
    log.skip(~in_open, "ticket taken outside the opening hours")
    day_index, minute = day_index[in_open], minute[in_open]
    days = Days(days.dates, days.weekdays, np.bincount(day_index, minlength=len(days.dates))
                .astype(float))
    periods = periods_of(bins, options.resolution)
    start_wd = int(days.dates[0].day_of_week)
    factors, per_day = day_factors(days, start_wd)
    expected = days.counts.mean() * per_day
    dispersion = day_level(days.counts, expected, len(days.weekdays))
    frame = log.frame.assign(minute=minute)
    # a served ticket occupies its window for the service and the turnaround: speeds,
    # time-of-day factors and fits all work on that occupancy
    served = frame[frame["outcome"] == "served"]
    served = served.assign(service=served["service"] + turn.minutes)
    item_order = list(frame["item"].value_counts().index)
    groups = make_groups(authorisation_sets(served), served, item_order)
    if not groups:
        raise InputError(", ".join(log.files), "window",
                         "no window served enough tickets to be kept (each needs "
                         f"{MIN_WINDOW_TICKETS} services naming it in the window column, "
                         "办理窗口 by default): the windows and their authorisation sets "
                         "cannot be inferred")
    speeds(groups, served)
    on_duty(groups, frame, day_index, periods, len(days.dates), options.resolution)
    schedules(groups, bins)
    factor = service_factor(groups, served)
    items: dict[str, ItemFit] = {}
    weight_days = float(per_day.sum())
    for name in item_order:
        mask = (frame["item"] == name).to_numpy()
        part = frame[mask]
        dept = part["department"].mode()
        sel = (served["item"] == name).to_numpy()
        x = served["service"].to_numpy()[sel] / factor[sel]
        bin_of = np.minimum((served["minute"].to_numpy()[sel] // options.resolution).astype(int),
                            1440 // options.resolution - 1)
        by_time = time_factors(bin_of, x, bins)
        if by_time is not None:  # the distribution is fitted to times net of the factors
            x = x / by_time.factors[np.searchsorted(bins, bin_of)]
        no_show = part.loc[part["outcome"] == "no_show", "service"].dropna()
        lost = float(no_show.mean()) if len(no_show) and no_show.mean() > 0 else None
        left = int(part["outcome"].isin(["no_show", "abandoned"]).sum())
        items[name] = ItemFit(
            name=name,
            department=str(dept.iloc[0]) if len(dept) else "",
            tickets=int(mask.sum()),
            rates=profile_rates(minute[mask], weight_days, bins, options.resolution),
            service=fit_service(x),
            patience=fit_patience(part["wait"].to_numpy(), part["outcome"].to_numpy(dtype=object),
                                  options.patience_family),
            left=left,
            no_show_lost=lost,
            by_time=by_time,
            fitted=x,
        )
    served_items = {i for g in groups for i in g.serves}
    missing = [i for i in items if i not in served_items]
    cal = Calibration(options, log, days, bins, periods, factors, dispersion, items, groups,
                      day_index, turn)
    if options.turnaround:
        cal.notes.append(turn.comment())
    # the log has no roster: how the clerks seen per hour relate to the windows on duty
    cal.notes.append(learn_staffing(groups, frame, day_index, bins, options.resolution).comment())
    for name in missing:  # served too rarely by any one window to be in its set
        best = max(groups, key=lambda g: int(((served["item"] == name)
                                              & served["window"].isin(g.windows)).sum()))
        best.serves = (*best.serves, name)
        cal.notes.append(f"item {name} added to {best.id}, the group that served most of it")
    return cal


def write_scenario(cal: Calibration, out: str | Path) -> str:
    """Write the scenario atomically after checking that it loads; return its text."""
    from sim.files.atomic import atomic_path
    from sim.scenario.model import load_scenario

    text = cal.yaml_text()
    out = Path(out)
    with atomic_path(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
        try:
            load_scenario(tmp)
        except InputError as exc:
            # the estimates of a degenerate log (every ticket in the same second, say)
            # can lie beyond what any hall holds: the log is the bad input, named here
            raise InputError(", ".join(cal.log.files), "",
                             "the hall estimated from this log is not a valid scenario "
                             f"(field '{exc.path}': {exc.problem}); check that its ticket "
                             "times are real (not one time repeated) and cover the opening "
                             "hours") from None
    return text


def mean_or_nan(x: np.ndarray) -> float:
    """Mean of an array, NaN when empty."""
    return float(np.mean(x)) if len(x) else math.nan
