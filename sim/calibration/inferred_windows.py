"""Windows from a log: authorisation sets, groups, schedules and speed factors.

- A window's authorisation set is the set of items it served (items that make up
  less than ``MIN_ITEM_SHARE`` of its services *and* fewer than ``MIN_ITEM_COUNT``
  tickets are treated as exceptions and left out). Windows with the same set form
  a group. Windows with fewer than ``MIN_WINDOW_TICKETS`` services in the whole
  log (a supervisor's occasional ticket) are left out.
- Schedule (windows on duty by time of day): a log shows who served, not who was
  on duty. A window counts as on duty while it serves and during an idle gap
  between services (or between the opening and its first service, or its last
  service and the closing) in which no ticket it could serve waited for more than
  ``GAP_TOLERANCE`` minutes in all: an on-duty window does not leave an eligible
  customer waiting, so a gap with customers waiting is time off the windows (a
  break, back-office work, another shift). On-duty minutes per bin, summed over
  the group's windows and averaged over working days, give the mean windows on
  duty; rounding is by largest remainder across groups so that the hall's total
  stays the rounded total.
  (Counting windows *seen* in an hour would count a clerk who served one ticket
  as a full hour on duty.)
- Speed: for an item served by several groups, the group that served most of it
  is the reference; another group whose mean service time of the item is longer
  by at least ``MIN_SPEED`` with a Welch test on log times significant at 1 % gets
  the ratio as its ``speed`` factor.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

MIN_ITEM_SHARE = 0.01
MIN_ITEM_COUNT = 5
GAP_TOLERANCE = 1.0
MIN_SPEED = 1.1
MIN_WINDOW_TICKETS = 20


@dataclass
class Group:
    """A window group inferred from the log."""

    id: str
    serves: tuple[str, ...]
    windows: tuple[str, ...]
    tickets: int
    on_duty: np.ndarray = field(default_factory=lambda: np.zeros(0))  # mean windows per bin
    on_duty_days: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # day x bin
    schedule: dict[int, int] = field(default_factory=dict)  # bin -> windows
    speed: dict[str, tuple[float, int, float]] = field(default_factory=dict)  # ratio, n, p
    label: str = ""  # the name its windows share in the log (综合窗口), "" if none


#: a window's number at the end of its name: 综合窗口-1, 社保窗口 2, 3号
_NUMBERING = re.compile(r"[\s\-_#.]*\d+\s*号?$")
#: the longest label a scenario takes (``windows[].label``)
LABEL_LENGTH = 40


def group_label(windows: tuple[str, ...]) -> str:
    """The name a group's windows share in the log, their numbers left off (综合窗口-1,
    综合窗口-2 -> 综合窗口), for people to read beside the group's id; "" when the names
    differ (a bank's agents) or leave nothing."""
    stems = {" ".join(_NUMBERING.sub("", str(w)).split()) for w in windows}
    stem = stems.pop() if len(stems) == 1 else ""
    # a label is one printable line (a name with a control character is no label)
    return stem if stem and len(stem) <= LABEL_LENGTH and stem.isprintable() else ""


def authorisation_sets(served: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Each window's set of items (sorted), from served tickets (``window``, ``item``)."""
    per_window = served.groupby("window", observed=True).size()
    regular = per_window[per_window >= MIN_WINDOW_TICKETS].index
    served = served[served["window"].isin(regular)]
    counts = served.groupby(["window", "item"], observed=True).size()
    totals = counts.groupby(level=0).transform("sum")
    keep = (counts >= MIN_ITEM_COUNT) | (counts >= MIN_ITEM_SHARE * totals)
    sets: dict[str, list[str]] = defaultdict(list)
    for (w, item), ok in keep.items():
        if ok:
            sets[w].append(item)
    return {w: tuple(sorted(items)) for w, items in sets.items()}


def make_groups(sets: dict[str, tuple[str, ...]], served: pd.DataFrame,
                item_order: list[str]) -> list[Group]:
    """Windows with the same authorisation set, largest group (by tickets) first."""
    per_window = served.groupby("window", observed=True).size()
    by_set: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for w, s in sets.items():
        by_set[s].append(w)
    order = {item: k for k, item in enumerate(item_order)}
    groups = []
    for s, windows in by_set.items():
        groups.append(Group("", tuple(sorted(s, key=lambda i: order.get(i, 0))),
                            tuple(sorted(windows)), int(per_window[windows].sum())))
    groups.sort(key=lambda g: (-g.tickets, g.serves))
    for k, g in enumerate(groups):
        g.id = f"G{k + 1}"
        g.label = group_label(g.windows)
    return groups


def _merged(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Union of intervals as cumulative-measure knots ``(t, measure up to t)``."""
    if len(starts) == 0:
        return np.array([0.0, 1.0]), np.array([0.0, 0.0])
    order = np.argsort(starts)
    s, e = starts[order], ends[order]
    e = np.maximum.accumulate(e)
    new = np.r_[True, s[1:] > e[:-1]]
    gs = s[new]
    ge = np.r_[e[np.flatnonzero(new)[1:] - 1], e[-1]]
    lengths = ge - gs
    cum = np.r_[0.0, np.cumsum(lengths)]
    t = np.ravel(np.column_stack([gs, ge]))
    m = np.ravel(np.column_stack([cum[:-1], cum[1:]]))
    return t, m


def _weighted_measure(starts: np.ndarray, ends: np.ndarray, weights: np.ndarray,
                      at: np.ndarray) -> np.ndarray:
    """``sum_i w_i * |[s_i, e_i] ∩ (-inf, t]|`` at each ``t`` in ``at``."""
    def ramp(points: np.ndarray) -> np.ndarray:
        order = np.argsort(points)
        p, w = points[order], weights[order]
        cw, cwp = np.r_[0.0, np.cumsum(w)], np.r_[0.0, np.cumsum(w * p)]
        k = np.searchsorted(p, at, side="right")
        return cw[k] * at - cwp[k]
    return ramp(starts) - ramp(ends)


def on_duty(groups: list[Group], tickets: pd.DataFrame, day_of: np.ndarray,
            periods: list[tuple[int, int]], n_days: int, resolution: int) -> None:
    """Fill each group's mean windows on duty per bin of the day (see module doc).

    ``tickets`` needs ``item``, ``window``, ``outcome``, ``wait``, ``service`` and
    ``minute`` (ticket time, minutes after midnight); ``day_of`` each ticket's
    working-day index. Times are put on one axis: day x 1440 + minute.
    """
    t0 = day_of * 1440.0 + tickets["minute"].to_numpy()
    wait = tickets["wait"].fillna(0.0).to_numpy()
    call = t0 + wait
    service = tickets["service"].fillna(0.0).to_numpy()
    served = (tickets["outcome"] == "served").to_numpy()
    item = tickets["item"].to_numpy(dtype=object)
    window = tickets["window"].to_numpy(dtype=object)
    edges = np.arange(0, 1440 * n_days + resolution, resolution, dtype=float)
    day_open = [(d * 1440.0 + s, d * 1440.0 + e) for d in range(n_days) for s, e in periods]
    opens = np.array([o for o, _ in day_open])
    closes = np.array([c for _, c in day_open])
    for g in groups:
        eligible = np.isin(item, g.serves) & (wait > 0)
        knots_t, knots_m = _merged(t0[eligible], t0[eligible] + wait[eligible])

        def waiting(a: np.ndarray, b: np.ndarray, kt=knots_t, km=knots_m) -> np.ndarray:
            return np.interp(b, kt, km) - np.interp(a, kt, km)

        mine = served & np.isin(window, g.windows)
        starts_all, ends_all, weights_all = [], [], []
        frame = pd.DataFrame({"w": window[mine], "s": call[mine], "e": call[mine] + service[mine]})
        frame = frame.sort_values(["w", "s"], kind="stable")
        s, e = frame["s"].to_numpy(), frame["e"].to_numpy()
        w = frame["w"].to_numpy(dtype=object)
        starts_all.append(s)
        ends_all.append(e)
        weights_all.append(np.ones(len(s)))
        # gaps between consecutive services of one window within one opening period
        period_of = np.searchsorted(opens, s, side="right") - 1
        same = (w[1:] == w[:-1]) & (period_of[1:] == period_of[:-1])
        gap_a = np.r_[e[:-1][same]]
        gap_b = np.r_[s[1:][same]]
        # leading and trailing gaps: opening -> first service, last service -> closing
        first = np.r_[True, ~same]
        last = np.r_[~same, True]
        ok_first = first & (period_of >= 0)
        ok_last = last & (period_of >= 0)
        gap_a = np.r_[gap_a, opens[period_of[ok_first]], e[ok_last]]
        gap_b = np.r_[gap_b, s[ok_first], closes[period_of[ok_last]]]
        good = gap_b > gap_a
        gap_a, gap_b = gap_a[good], gap_b[good]
        idle_ok = waiting(gap_a, gap_b) <= GAP_TOLERANCE
        starts_all.append(gap_a[idle_ok])
        ends_all.append(gap_b[idle_ok])
        weights_all.append(np.ones(int(idle_ok.sum())))
        cum = _weighted_measure(np.concatenate(starts_all), np.concatenate(ends_all),
                                np.concatenate(weights_all), edges)
        per_bin = np.diff(cum) / resolution  # windows on duty in each bin of each day
        g.on_duty_days = per_bin.reshape(n_days, 1440 // resolution)
        g.on_duty = g.on_duty_days.mean(axis=0)


def round_across(mean: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Round ``mean`` (groups x bins) to whole windows by largest remainder across
    groups in each bin (the bin's total is its rounded total); at most ``cap`` each."""
    mean = np.minimum(mean, cap[:, None])
    values = np.floor(mean).astype(int)
    short = np.rint(mean.sum(axis=0)).astype(int) - values.sum(axis=0)
    remainder = np.where(values < cap[:, None], mean - values, -1.0)
    order = np.argsort(-remainder, axis=0, kind="stable")
    for j in range(mean.shape[1]):
        for gi in order[: max(short[j], 0), j]:
            values[gi, j] += 1
    return values


def schedules(groups: list[Group], bins: np.ndarray) -> None:
    """Round the groups' mean windows on duty in the open bins into schedules.

    Rounding is by largest remainder across groups in each bin, so the hall's
    total is the rounded total (rounding each small group on its own would
    lose the half windows of many groups).
    """
    values = round_across(np.array([g.on_duty[bins] for g in groups]),
                          np.array([len(g.windows) for g in groups]))
    for gi, g in enumerate(groups):
        g.schedule = {int(b): int(v) for b, v in zip(bins, values[gi])}


def daily_schedules(groups: list[Group], bins: np.ndarray) -> np.ndarray:
    """Each day's windows on duty (groups x days x open bins), rounded as :func:`schedules`."""
    n_days = groups[0].on_duty_days.shape[0] if groups else 0
    cap = np.array([len(g.windows) for g in groups])
    out = np.zeros((len(groups), n_days, len(bins)), dtype=int)
    for d in range(n_days):
        out[:, d, :] = round_across(np.array([g.on_duty_days[d, bins] for g in groups]), cap)
    return out


def speeds(groups: list[Group], served: pd.DataFrame) -> None:
    """Speed factors of groups measurably slower on an item than its reference group."""
    group_of = {w: g for g in groups for w in g.windows}
    gid = served["window"].map({w: g.id for w, g in group_of.items()})
    frame = pd.DataFrame({"item": served["item"].to_numpy(), "g": gid.to_numpy(),
                          "x": served["service"].to_numpy()})
    frame = frame[frame["x"] > 0]
    for item, part in frame.groupby("item"):
        sizes = part.groupby("g").size()
        if len(sizes) < 2:
            continue
        ref = sizes.idxmax()
        ref_x = part.loc[part["g"] == ref, "x"].to_numpy()
        for g in groups:
            if g.id == ref or g.id not in sizes.index or sizes[g.id] < 30:
                continue
            x = part.loc[part["g"] == g.id, "x"].to_numpy()
            ratio = float(x.mean() / ref_x.mean())
            p = float(stats.ttest_ind(np.log(x), np.log(ref_x), equal_var=False).pvalue)
            if ratio >= MIN_SPEED and p < 0.01:
                g.speed[str(item)] = (round(ratio, 2), len(x), p)


def service_factor(groups: list[Group], served: pd.DataFrame) -> np.ndarray:
    """Each served ticket's speed factor (1 unless its group is slower on its item)."""
    factor = np.ones(len(served))
    window = served["window"].to_numpy(dtype=object)
    item = served["item"].to_numpy(dtype=object)
    for g in groups:
        for it, (ratio, _, _) in g.speed.items():
            factor[np.isin(window, g.windows) & (item == it)] = ratio
    return factor
