"""Replay of a simulated day: tickets as dots on the hall's floor plan.

:func:`replay_html` writes one self-contained HTML page (inline CSS, JavaScript and
data; the CJK font subset it needs embedded; nothing fetched from a network): the
floor plan of :mod:`sim.report.floorplan` with a dot per ticket, coloured by item,
waiting in its item's waiting area, walking to the window that called it, and at its
window; a clock, play/pause, a speed, a slider to scrub the day, counters (waiting,
walking, being served, gone so far, served so far, busy windows) and the mean
queue length by hour with a cursor following the clock.

The replay reads records only (``hallsim run --records``): ``arrival``, ``call``,
``end``, ``window``, ``outcome`` and, when present, ``start`` (service start, after
walking to the window; ``start`` = ``call`` without it). A ticket is *waiting* on
[arrival, call) (abandoned: [arrival, end); open: from arrival on), *walking* on
[call, start), *being served* on [start, end); its window is *busy* on [call, end).
*Gone so far* counts abandoned and balked tickets whose ``end`` has passed, *served so
far* served tickets whose service has ended. The JavaScript ``seek(t)`` sets the view
at minute ``t`` of the day from these rules alone; playing calls it.

With the windows' duty (``hallsim run --duty``: the intervals each window was on duty)
a window is drawn in one of three states (:data:`WINDOW_STATES`, explained in a legend):
*busy* as above, else *off duty* outside its on-duty intervals (not staffed then by its
group's schedule, the hall closed, or on a break), else *idle*. Without it no window is
drawn off duty and a note says so. Days are shown counted from 1 (第 1 天); the data
keep the records' 0-based ``day``.

The web application embeds the same view: :func:`replay_fragment` gives the markup,
:data:`REPLAY_JS` / :data:`REPLAY_CSS` the code and style, :func:`replay_data` the
data; ``hallsimReplay(element, data)`` starts it (docs/layout.md).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.files.errors import InputError
from sim.report.floorplan import SCALE, Canvas, embedded_font_css, plan_elements
from sim.report.fonts import CSS_FONT_STACK
from sim.report.i18n import language, tr
from sim.scenario.clock import MINUTES_PER_DAY
from sim.scenario.layout import layout_of, waiting_area_of, window_positions
from sim.scenario.model import Scenario
from sim.stats.metrics import queue_area

_ASSETS = resources.files("sim.report") / "assets"
#: the replay's JavaScript (defines ``hallsimReplay(root, data)``) and its style
REPLAY_JS = (_ASSETS / "replay.js").read_text(encoding="utf-8")
REPLAY_CSS = (_ASSETS / "replay.css").read_text(encoding="utf-8")

#: columns a records file needs for a replay
NEEDED = ("arrival", "call", "end", "window", "outcome")
#: outcome codes in the data: served, abandoned, balked, open
OUTCOME_CODES = {"served": 0, "abandoned": 1, "balked": 2, "open": 3}
#: item colours: 20 categorical colours, each clearly apart from every other (CIE Lab
#: distance 20 or more; after Sasha Trubetskoy's "20 distinct colours", its pale ones
#: deepened so a dot stands out on the pale waiting area); cycled past 20
PALETTE = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
           "#9acd32", "#469990", "#9a6324", "#800000", "#808000", "#000075", "#e6b800",
           "#a9a9a9", "#000000", "#ff8fb1", "#b39ddb", "#00c49a", "#ffb347")
#: seat pitch of the waiting dots and their radius, pixels
PITCH, RADIUS = 11.0, 4.0
#: metres a customer stands in front of the window's counter
STAND_OFF = 0.9
#: replay speeds offered (simulated seconds per real second) and the default
SPEEDS, DEFAULT_SPEED = (60, 300, 600, 1800, 3600), 600
#: the plan's zoom choices: value (``fit``: the plan as wide as the replay, or in the
#: enlarged view as large as the window; else a share of the size it is drawn at, labels
#: 10-13 px at 1) and words; enlarged, a hall that would be fitted at under
#: :data:`FIT_LEAST` of that size (a 230 m row of windows: its labels 3 px) opens at 1
ZOOMS = (("fit", "Fit to window"), ("1", "100%"), ("1.5", "150%"), ("2", "200%"))
FIT_LEAST = 0.5
#: columns a duty file needs (``hallsim run --duty``)
DUTY_COLUMNS = ("window", "start", "end")
#: the states a window is drawn in, the CSS class each adds to the window's element
#: ("" for none) and the legend's words for it; ``off`` only with the windows' duty
WINDOW_STATES = (("idle", "", "idle window: on duty, no customer"),
                 ("busy", "busy", "busy window: calling a customer or serving one"),
                 ("off", "off", "off duty: not staffed in this period, or on a break"))


def item_colours(items: list[str]) -> list[str]:
    """The colour of each item's dots, in the order of ``items``: :data:`PALETTE` in
    turn (distinct for up to 20 items)."""
    return [PALETTE[k % len(PALETTE)] for k in range(len(items))]


def day_of_records(path: str | Path, day: int, replication: int | None = None) -> pd.DataFrame:
    """The tickets of one day (``day`` column) of one replication (default: the first)
    of a records file; :class:`InputError` naming the file and option otherwise."""
    from sim.report.html import read_records

    frame = read_records(path)
    name = str(path)
    for column in NEEDED:
        if column not in frame.columns:
            raise InputError(name, column, "missing column: a replay needs the columns "
                                           f"{', '.join(NEEDED)} (hallsim run --records)")
    frame = _one_replication(frame, name, replication, "file")
    days = frame["day"] if "day" in frame.columns else frame["arrival"] // MINUTES_PER_DAY
    chosen = frame[days.to_numpy() == day]
    if chosen.empty:
        known = sorted(int(d) for d in days.unique())
        raise InputError(name, "--day", f"no ticket on day {day} (days in the file: "
                                        f"{known[0]}..{known[-1]})" if known else
                         "the file holds no ticket")
    out = chosen.reset_index(drop=True)
    out.attrs.update(frame.attrs, day=day)
    return out


def _one_replication(frame: pd.DataFrame, name: str, replication: int | None,
                     what: str) -> pd.DataFrame:
    """The rows of one replication (default: the first) of a records or duty file;
    :class:`InputError` naming the file when it holds no such replication."""
    reps = sorted(int(r) for r in frame["replication"].unique())
    rep = reps[0] if replication is None else replication
    if rep not in reps:
        raise InputError(name, "--replication", f"no replication {rep} in the {what} "
                                                f"(it holds {reps[0]}..{reps[-1]})")
    out = frame[frame["replication"] == rep]
    out.attrs["replication"], out.attrs["replications"] = rep, len(reps)
    return out


def day_of_duty(path: str | Path, day: int, replication: int | None = None) -> pd.DataFrame:
    """The windows' on-duty intervals of one day (0-based) of one replication (default:
    the first) of a duty file (``hallsim run --duty``): columns ``window``, ``start``,
    ``end`` in minutes of that day (intervals cut at midnight); :class:`InputError`
    naming the file and option for a file that is not one."""
    name = str(path)
    if not Path(path).is_file():
        raise InputError(name, "--duty", "file not found")
    try:
        frame = (pd.read_parquet(path) if name.lower().endswith(".parquet")
                 else pd.read_csv(path))
    except Exception as exc:  # noqa: BLE001 - pandas/pyarrow raise many kinds
        raise InputError(name, "--duty", f"cannot read the duty file ({exc})") from None
    for column in DUTY_COLUMNS:
        if column not in frame.columns:
            raise InputError(name, column, "missing column: not a duty file written by "
                                           "hallsim run --duty")
    if "replication" in frame.columns and len(frame):
        frame = _one_replication(frame, name, replication, "duty file")
    origin = MINUTES_PER_DAY * float(day)
    start = frame["start"].to_numpy(dtype=float) - origin
    end = frame["end"].to_numpy(dtype=float) - origin
    keep = (end > 0) & (start < MINUTES_PER_DAY)
    out = pd.DataFrame({"window": frame["window"].astype(str).to_numpy()[keep],
                        "start": np.maximum(start[keep], 0.0),
                        "end": np.minimum(end[keep], float(MINUTES_PER_DAY))})
    out.attrs["day"] = day
    return out


def on_duty(duty: pd.DataFrame, window: str, t: float) -> bool:
    """Whether ``window`` is on duty at minute ``t`` of the day by ``duty``
    (:func:`day_of_duty`): inside one of its intervals ``start <= t < end``."""
    rows = duty[duty["window"] == window]
    return bool(((rows["start"] <= t) & (t < rows["end"])).any())


def _times(day: pd.DataFrame) -> dict[str, np.ndarray]:
    """Ticket times in minutes of the day: arrival, call, start, end (NaN = missing)."""
    origin = MINUTES_PER_DAY * float(day.attrs.get("day", 0))
    a = day["arrival"].to_numpy(dtype=float) - origin
    c = pd.to_numeric(day["call"], errors="coerce").to_numpy(dtype=float) - origin
    e = pd.to_numeric(day["end"], errors="coerce").to_numpy(dtype=float) - origin
    s = (pd.to_numeric(day["start"], errors="coerce").to_numpy(dtype=float) - origin
         if "start" in day.columns else c.copy())
    s = np.where(np.isnan(s), c, s)
    return {"a": a, "c": c, "s": s, "e": e}


def counts_at(day: pd.DataFrame, t: float, duty: pd.DataFrame | None = None,
              windows: tuple[str, ...] = ()) -> dict[str, int]:
    """What the replay shows at minute ``t`` of the day (the rules of the module's
    docstring): waiting, walking, serving, gone, served tickets, busy windows and, of
    ``windows`` (names ``GROUP-k``), those off duty by ``duty`` (:func:`day_of_duty`;
    none without it)."""
    x = _times(day)
    a, c, s, e = x["a"], x["c"], x["s"], x["e"]
    e = np.where(np.isnan(e), np.inf, e)
    outcome = day["outcome"].astype(str).to_numpy()
    here = a <= t
    called = ~np.isnan(c)
    waiting = here & np.where(called, t < c, t < e)
    at_window = here & called & (t >= c) & (t < e)
    left = here & ~waiting & (t >= e)
    busy = set(day["window"].astype(str).to_numpy()[at_window])
    off = (0 if duty is None else
           sum(1 for w in windows if w not in busy and not on_duty(duty, w, t)))
    return {"waiting": int(waiting.sum()),
            "walking": int((at_window & (t < s)).sum()),
            "serving": int((at_window & (t >= s)).sum()),
            "gone": int((left & (outcome != "served")).sum()),
            "served": int((left & (outcome == "served")).sum()),
            "busy": len(busy), "off": off}


def hourly_queue(day: pd.DataFrame, hours: range) -> list[float]:
    """Mean number waiting in each hour of ``hours`` (time average; the rule of
    ``by_hour.queue_mean``: from ticket to call, else to leaving, else to midnight)."""
    x = _times(day)
    leave = np.where(np.isnan(x["c"]), x["e"], x["c"])
    leave = np.where(np.isnan(leave), MINUTES_PER_DAY, leave)
    edges = 60.0 * np.arange(hours.start, hours.stop + 1, dtype=float)
    return [round(float(v) / 60.0, 4) for v in queue_area(x["a"], leave, edges)]


def _stand(x: float, y: float, bounds: tuple[float, float, float, float]) -> tuple[float, float]:
    """Where a customer stands at a window at (x, y): ``STAND_OFF`` metres from it, away
    from the nearest wall of the outline's bounding box."""
    xmin, ymin, xmax, ymax = bounds
    gaps = {(0, 1): y - ymin, (0, -1): ymax - y, (1, 0): x - xmin, (-1, 0): xmax - x}
    dx, dy = min(gaps, key=lambda k: gaps[k])
    return x + dx * STAND_OFF, y + dy * STAND_OFF


def replay_data(sc: Scenario, day: pd.DataFrame,
                duty: pd.DataFrame | None = None) -> dict[str, Any]:
    """The data the replay's JavaScript reads: geometry in pixels, tickets, chart, and
    each window's on-duty intervals of the day from ``duty`` (:func:`day_of_duty`;
    ``None`` without it: no window is drawn off duty)."""
    layout = layout_of(sc)
    canvas = Canvas.of(layout)
    placed = {f"{w.group}-{w.number}": w for w in window_positions(layout, sc)}
    names = list(placed)
    index = {n: k for k, n in enumerate(names)}
    bounds = layout.bounds()
    windows = []
    for n in names:
        w = placed[n]
        x, y = canvas.px(*_stand(w.x, w.y, bounds))
        windows.append({"id": w.element_id, "x": x, "y": y})
    area_names = list(layout.waiting_areas)
    areas = []
    for name in area_names:
        area = layout.waiting_areas[name]
        x, y = canvas.px(area.at[0], area.at[1] + area.size[1])
        width = area.size[0] * SCALE
        cx, cy = canvas.px(*area.centre)
        areas.append({"x": x, "y": y, "pad": PITCH / 2 + 2, "top": 26.0, "pitch": PITCH,
                      "cols": max(1, int((width - PITCH) // PITCH)), "cx": cx, "cy": cy})
    items = list(sc.categories)
    item_of = {c: k for k, c in enumerate(items)}
    where = waiting_area_of(layout, sc)
    unknown = sorted(set(day["category"].astype(str)) - set(items))
    if unknown:
        raise InputError("", "--records", f"items {unknown[:5]} are not in scenario "
                                          f"'{sc.name}': give the scenario the records came from")
    win = day["window"].fillna("").astype(str).to_numpy()
    missing = sorted(set(win[win != ""]) - set(names))
    if missing:
        raise InputError("", "--records", f"windows {missing[:5]} are not in scenario "
                                          f"'{sc.name}': give the scenario the records came from")
    shifts = None
    if duty is not None:
        strange = sorted(set(duty["window"].astype(str)) - set(names))
        if strange:
            raise InputError("", "--duty", f"windows {strange[:5]} are not in scenario "
                                           f"'{sc.name}': give the scenario the duty came from")
        shifts = [[[round(float(a), 4), round(float(b), 4)]
                   for a, b in duty.loc[duty["window"] == n, ["start", "end"]].to_numpy()]
                  for n in names]
    tm = _times(day)
    order = np.argsort(tm["a"], kind="stable")

    def col(v: np.ndarray) -> list[float | None]:
        return [None if math.isnan(t) else round(float(t), 4) for t in v[order]]

    outcome = day["outcome"].astype(str).to_numpy()[order]
    last = np.nanmax(np.concatenate([tm["a"], tm["e"], tm["c"]]))
    opening = min(s for s, _ in sc.hall.periods)
    t0 = float(min(opening, np.nanmin(tm["a"])))
    t1 = float(max(last, t0 + 1.0))
    hours = range(int(t0 // 60), int(math.ceil(t1 / 60)))
    chart: dict[str, Any] = {"x0": 34.0, "t0": 60.0 * hours.start, "width": 320.0, "height": 110.0,
             "hours": list(hours), "queue": hourly_queue(day, hours)}
    chart["scale"] = chart["width"] / (60.0 * len(hours))
    return {
        "day": int(day.attrs.get("day", 0)),
        "replication": int(day.attrs.get("replication", 0)),
        "replications": int(day.attrs.get("replications", 1)), "t0": round(t0, 4),
        "t1": round(t1, 4),
        "radius": RADIUS, "windows": windows, "areas": areas, "duty": shifts,
        "itemArea": [area_names.index(where[c]) for c in items],
        "items": items, "colours": item_colours(items),
        "tickets": {"a": col(tm["a"]), "c": col(tm["c"]), "s": col(tm["s"]), "e": col(tm["e"]),
                    "w": [index.get(v, -1) for v in win[order]],
                    "i": [item_of[c] for c in day["category"].astype(str).to_numpy()[order]],
                    "o": [OUTCOME_CODES.get(v, 3) for v in outcome]},
        "chart": chart,
        "labels": {"play": tr("play"), "pause": tr("pause"), "enlarge": tr("enlarge"),
                   "shrink": tr("back to page size")},
        "fitLeast": FIT_LEAST,
    }


def _chart_svg(chart: dict[str, Any]) -> str:
    w, h, x0 = chart["width"], chart["height"], chart["x0"]
    top = max(chart["queue"] + [1.0])
    bw = w / len(chart["hours"])
    parts = [f'<svg class="hs-chart" width="{x0 + w + 8}" height="{h + 34}">',
             f'<text x="{x0}" y="12">{html.escape(tr("queue length by hour"))}</text>',
             f'<text x="{x0 - 4}" y="24" text-anchor="end">{top:.0f}</text>',
             f'<text x="{x0 - 4}" y="{h + 18}" text-anchor="end">0</text>']
    for k, (hour, v) in enumerate(zip(chart["hours"], chart["queue"])):
        bh = round((h - 16) * v / top, 2)
        x = round(x0 + k * bw, 2)
        parts.append(f'<rect class="barq" x="{x + 1}" y="{round(h + 18 - bh - 2, 2)}" '
                     f'width="{round(bw - 2, 2)}" height="{bh}"><title>{hour:02d}:00 '
                     f'{v:.1f}</title></rect>')
        parts.append(f'<text x="{round(x + bw / 2, 2)}" y="{h + 30}" '
                     f'text-anchor="middle">{hour:02d}</text>')
    parts.append(f'<line class="hs-cursor" x1="{x0}" x2="{x0}" y1="16" y2="{h + 18}"/>')
    return "".join(parts) + "</svg>"


#: the hatching of an off-duty window (in the plan's ``<defs>``; the legend's swatch uses it)
HATCH = ('<defs><pattern id="hs-off-hatch" width="5" height="5" patternUnits="userSpaceOnUse" '
         'patternTransform="rotate(45)"><rect width="5" height="5" fill="#e6e6e6"/>'
         '<line x1="0" y1="0" x2="0" y2="5" stroke="#a8a8a8" stroke-width="2"/></pattern>'
         '</defs>')


def day_title(day: int, replication: int = 0, replications: int = 1) -> str:
    """The day as a planner counts it, from 1: ``Day 1`` / ``第 1 天`` for the records'
    day 0; of a file with several replications (``replications``), which one, from 1
    as well (``Day 1, replication 3`` / ``第 1 天，第 3 次重复`` for ``--replication 2``)."""
    if replications > 1 or replication > 0:
        return tr("Day {day}, replication {replication}").format(
            day=day + 1, replication=replication + 1)
    return tr("Day {day}").format(day=day + 1)


def _day_of(data: Mapping[str, Any]) -> str:
    """:func:`day_title` of a replay's data."""
    return day_title(int(data.get("day", 0)), int(data.get("replication", 0)),
                     int(data.get("replications", 1)))


def _states_legend(duty_known: bool) -> str:
    """The legend of the window states: a window drawn in each, and what it means."""
    out = []
    for key, cls, words in WINDOW_STATES:
        if key == "off" and not duty_known:
            continue
        out.append(f'<span class="hs-state-{key}"><svg width="26" height="16" aria-hidden="true">'
                   f'<g class="{cls}"><rect class="window" x="1" y="1" width="24" '
                   f'height="14"/></g></svg>{html.escape(tr(words))}</span>')
    return "".join(out)


def replay_fragment(sc: Scenario, data: dict[str, Any], root_id: str = "hs-replay") -> str:
    """The replay's markup (no script, no style): a ``<div>`` with id ``root_id`` to hand
    to ``hallsimReplay(element, data)``: the bar (the day, counted from 1, play, enlarge,
    the plan's zoom (:data:`ZOOMS`), speed, clock, slider), the counters, the plan (in a
    box it scrolls in when zoomed), the chart, the legends of the window states and the
    items, and a note."""
    layout = layout_of(sc)
    canvas = Canvas.of(layout)
    plan = "".join(plan_elements(sc, layout, canvas))
    h = canvas.plan_height
    duty_known = data.get("duty") is not None
    shown: tuple[tuple[str, str], ...] = (("waiting", "waiting now"), ("walking", "walking now"),
             ("serving", "being served"), ("gone", "gone so far"),
             ("served", "served so far"), ("busy", "busy windows"))
    if duty_known:
        shown += (("off", "off-duty windows"),)
    counters = "".join(f'<span>{html.escape(tr(label))} <b class="hs-n-{key}">0</b></span>'
                       for key, label in shown)
    speeds = "".join(f'<option value="{s}"{" selected" if s == DEFAULT_SPEED else ""}>'
                     f"×{s}</option>" for s in SPEEDS)
    legend = "".join(f'<span><i style="background:{c}"></i>{html.escape(name)}</span>'
                     for name, c in zip(data["items"], data["colours"]))
    zooms = "".join(f'<option value="{z}"{" selected" if z == "fit" else ""}>'
                    f"{html.escape(tr(words) if z == 'fit' else words)}</option>"
                    for z, words in ZOOMS)
    note = tr(_NOTE) if duty_known else f"{tr(_NOTE)} {tr(_NO_DUTY)}"
    shape = " hs-wide" if canvas.width >= 2.0 * h else ""
    return (
        f'<div class="hs-replay{shape}" id="{html.escape(root_id)}">'
        f'<div class="hs-bar"><b class="hs-day">{html.escape(_day_of(data))}'
        f'</b><button class="hs-play">{html.escape(tr("play"))}</button>'
        f'<button class="hs-zoom">{html.escape(tr("enlarge"))}</button>'
        f'<label class="hs-scale-box">{html.escape(tr("zoom"))} <select class="hs-scale">'
        f'{zooms}</select></label>'
        f'<label>{html.escape(tr("speed"))} <select class="hs-speed">{speeds}</select></label>'
        f'<span class="hs-clock">00:00:00</span>'
        f'<input class="hs-slider" type="range" min="{data["t0"]}" max="{data["t1"]}" '
        f'step="0.05" value="{data["t0"]}"></div>'
        f'<div class="hs-counters">{counters}</div>'
        f'<div class="hs-plan-box"><svg class="hs-plan" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {canvas.width} {h}" width="{canvas.width}" height="{h}">'
        f'{HATCH}{plan}<g class="hs-dots"></g></svg></div>'
        f'<div class="hs-bottom">{_chart_svg(data["chart"])}'
        f'<div class="hs-legends"><div class="hs-states">{_states_legend(duty_known)}</div>'
        f'<div class="hs-legend">{legend}</div></div></div>'
        f'<p class="hs-note">{html.escape(note)}</p></div>')


_NOTE = ("Dots are tickets, coloured by item: in the waiting area, walking to the window "
         "that called them, at their window.")
_NO_DUTY = ("The windows' duty was not given (hallsim run --duty, hallsim replay --duty): "
            "windows off duty are drawn as idle.")


def replay_html(sc: Scenario, day: pd.DataFrame, duty: pd.DataFrame | None = None) -> str:
    """The whole self-contained replay page of one day's records (and the windows' duty
    that day, :func:`day_of_duty`, when given)."""
    data = replay_data(sc, day, duty)
    title = tr("Replay of {day}: {scenario}").format(day=_day_of(data), scenario=sc.name)
    body = replay_fragment(sc, data)
    font = embedded_font_css([title, body])
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    lang = "zh-CN" if language() == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{font}"
            f":root{{--hs-font:{CSS_FONT_STACK}}}body{{margin:1em 2em}}"
            f"h1{{font-size:1.3em;font-family:var(--hs-font)}}{REPLAY_CSS}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>{body}"
            f'<script id="hs-replay-data" type="application/json">{payload}</script>'
            f"<script>{REPLAY_JS}\nwindow.replay = hallsimReplay(document.getElementById("
            f"'hs-replay'), JSON.parse(document.getElementById('hs-replay-data')"
            f".textContent));</script></body></html>\n")
