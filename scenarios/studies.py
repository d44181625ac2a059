"""Write the study READMEs' tables from their documented commands (or check them).

Every table of simulated figures in ``scenarios/*/README.md`` sits between two
markers::

    <!-- studies.py: cangzhou-compare -->
    | metric | ... |
    <!-- /studies.py -->

and is rendered here from the JSON of the commands the README documents (run in a
temporary folder from the repository's root, with the README's options).

    python scenarios/studies.py                 # run every command, rewrite the tables
    python scenarios/studies.py --check         # exit 1 naming each table that differs
    python scenarios/studies.py --only cangzhou-compare --check

``tests/batch/test_study_figures.py`` runs the check on each study's cheapest
command, and ``tests/batch/test_studies.py`` on the reform pairs'
(``scenarios/reforms/README.md``, about 12 s; CI, slow-marked). The simulations are
reproducible (seeded streams) and the fast engine gives the SimPy engine's records, so
the figures depend on neither the machine nor the engine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BEGIN = "<!-- studies.py: {id} -->"
END = "<!-- /studies.py -->"
MINUS = "\u2212"

Outputs = dict[str, Any]  # command key -> its JSON document


@dataclass(frozen=True)
class Command:
    """A documented hallsim command; ``{dir}`` is the temporary output folder."""

    key: str
    argv: tuple[str, ...]
    output: str  # the JSON (or scenario YAML) file it writes, relative to ``{dir}``


@dataclass(frozen=True)
class Table:
    """A README table and the commands whose outputs render it."""

    id: str
    readme: str
    commands: tuple[str, ...]
    render: Callable[[Outputs], list[str]]


COMMANDS = {c.key: c for c in (
    Command("cangzhou", ("compare", "scenarios/cangzhou/before.yaml",
                         "scenarios/cangzhou/after.yaml", "-r", "10", "--json", "{dir}/cz.json"),
            "cz.json"),
    Command("yumen", ("decompose", "scenarios/yumen/before.yaml",
                      "--change", "集中=scenarios/yumen/patches/concentration.yaml",
                      "--change", "交叉授权=scenarios/yumen/patches/cross_authorisation.yaml",
                      "--change", "一件事一次办=scenarios/yumen/patches/bundling.yaml",
                      "--replications", "10", "--seed", "1", "--json", "{dir}/yumen.json"),
            "yumen.json"),
    Command("hotline-average", ("run", "scenarios/tianjin_hotline/average_day.yaml", "-r", "3",
                                "--json", "{dir}/avg.json"), "avg.json"),
    Command("hotline-peak", ("run", "scenarios/tianjin_hotline/peak_day.yaml", "-r", "3",
                             "--json", "{dir}/peak.json"), "peak.json"),
    Command("yumen-auto", ("optimize", "scenarios/yumen/before.yaml", "--spec",
                           "scenarios/yumen/optimize_auto.yaml", "--scenario-out",
                           "{dir}/auto.yaml", "--json", "{dir}/auto.json"), "auto.json"),
    Command("yumen-y11", ("optimize", "scenarios/yumen/before.yaml", "--spec",
                          "scenarios/yumen/optimize_y11.yaml", "--scenario-out",
                          "{dir}/y11.yaml", "--json", "{dir}/y11.json"), "y11.json"),
    Command("hotline-optimise", ("optimize", "scenarios/tianjin_hotline/peak_day.yaml",
                                 "--spec", "scenarios/tianjin_hotline/optimize_peak.yaml",
                                 "--scenario-out", "{dir}/staffed.yaml"), "staffed.yaml"),
    *(Command(f"reforms-{key}", ("compare", *(f"scenarios/reforms/{f}.yaml" for f in files),
                                 "-r", "10", "--json", f"{{dir}}/{key}.json"), f"{key}.json")
      for key, files in (("company", ("company_setup_serial", "company_setup_parallel")),
                         ("signoff", ("signoff_five", "signoff_chief")),
                         ("returns", ("returns_before", "returns_notice", "returns_deficiency")),
                         ("journey", ("journey_windows", "journey_bundle")))),
)}


def signed(x: float, digits: int) -> str:
    """``+1.23`` / ``−1.23`` (a typographic minus, as the READMEs write)."""
    text = f"{x:+.{digits}f}"
    return text.replace("-", MINUS)


def pm(x: float, ci: float, digits: int, sign: bool = False, unit: str = "") -> str:
    """``x ± ci`` with ``digits`` decimals."""
    head = signed(x, digits) if sign else f"{x:.{digits}f}"
    ci_digits = digits if ci == 0 or round(ci, digits) > 0 else digits + 1  # never "± 0"
    return f"{head} ± {ci:.{ci_digits}f}{unit}"


def label(key: str, target: float | None = None) -> str:
    """The registry's label of a metric, as the commands' tables print it."""
    from sim.report.i18n import metric_name

    return metric_name(key, target)


# --- Cangzhou: hallsim compare before after -------------------------------------------

def _cangzhou_parts(out: Outputs) -> tuple[dict, dict, dict, float]:
    doc = out["cangzhou"]
    before, after = doc["scenarios"]["cangzhou-before"], doc["scenarios"]["cangzhou-after"]
    return before, after, doc["differences"]["cangzhou-after"]["overall"], \
        float(before["targets"]["wait_minutes"])


def cangzhou_compare(out: Outputs) -> list[str]:
    """Results: the two scenarios' means ± CI and the paired differences."""
    b, a, d, target = _cangzhou_parts(out)

    def both(key: str, digits: int, pct: bool = False) -> tuple[str, str]:
        k = 100.0 if pct else 1.0
        unit = " %" if pct else ""
        return tuple(pm(k * s["overall"][key], k * s["ci95"][key], digits, unit=unit)
                     for s in (b, a))  # type: ignore[return-value]

    rows = ["| metric | 40 min | 20 min | paired difference |", "|---|---|---|---|"]
    w = both("wait_mean", 2)
    rows.append(f"| {label('wait_mean')} (min) | {w[0]} | {w[1]} | "
                f"{pm(d['wait_mean']['diff'], d['wait_mean']['ci95'], 2, sign=True)} |")
    rows.append(f"| {label('wait_p90')} (min) | {b['overall']['wait_p90']:.2f} | "
                f"{a['overall']['wait_p90']:.2f} | "
                f"{pm(d['wait_p90']['diff'], d['wait_p90']['ci95'], 2, sign=True)} |")
    for key in ("p_wait_over_target", "abandon_share", "utilisation"):
        x = both(key, 1, pct=True)
        rows.append(f"| {label(key, target)} | {x[0]} | {x[1]} | |")
    return rows


def cangzhou_reported(out: Outputs) -> list[str]:
    """Reported figure beside the model."""
    b, a, d, target = _cangzhou_parts(out)
    w = d["wait_mean"]
    p = "p_wait_over_target"
    return [
        "| reported (seed 003) | model, with 95 % CI | set by construction? |",
        "|---|---|---|",
        "| 40 → about 20 minutes a case | service mean 40 → 20 min | yes |",
        f"| (waiting not reported) | mean wait {b['overall']['wait_mean']:.2f} → "
        f"{a['overall']['wait_mean']:.2f} min ({pm(w['diff'], w['ci95'], 2, sign=True)}); "
        f"{100 * b['overall'][p]:.1f} % → {100 * a['overall'][p]:.1f} % "
        f"{label(p, target)} | no |",
        "| (staffing not reported) | windows for 90 % within 20 min: 8 → 4 (Erlang C) | "
        "no (theory) |",
    ]


# --- Yumen: hallsim decompose with three changes --------------------------------------

YUMEN_CHANGES = ("集中", "交叉授权", "一件事一次办")
YUMEN_ERRANDS = (("企业开办一件事", "company setup"), ("二手房一件事", "second-hand home"),
                 ("出生一件事", "newborn"))


def yumen_decompose(out: Outputs) -> list[str]:
    """The decomposition: before, after, total effect and each change's Shapley value."""
    m = out["yumen"]["metrics"]
    rows = ["| metric | before | after | total effect | " + " | ".join(YUMEN_CHANGES) + " |",
            "|" + "---|" * (4 + len(YUMEN_CHANGES))]

    def row(key: str, name: str, digits: int, k: float = 1.0, unit: str = "",
            eff_unit: str = "") -> str:
        x = m[key]
        eff = [x["total_effect"]] + [x["shapley"][c] for c in YUMEN_CHANGES]
        cells = [f"{k * x['base']['mean']:.{digits}f}{unit}",
                 f"{k * x['all_changes']['mean']:.{digits}f}{unit}"]
        cells += [pm(k * e["mean"], k * e["ci"], digits, sign=True, unit=eff_unit) for e in eff]
        return f"| {name} | " + " | ".join(cells) + " |"

    rows.append(row("overall.wait_mean", "mean wait (min)", 2))
    rows.append(row("overall.p_wait_over_target", label("p_wait_over_target", 20.0), 1, 100.0,
                    " %", " pt"))
    rows.append(row("overall.abandon_share", label("abandon_share"), 1, 100.0, " %", " pt"))
    for errand, name in YUMEN_ERRANDS:
        rows.append(row(f"journeys.{errand}.time_in_hall_mean",
                        f"time in hall, {name} errand (min)", 1))
    rows.append(row("overall.window_hours", "window-hours per week", 0))
    return rows


def yumen_reported(out: Outputs) -> list[str]:
    """Reported figure beside the model (the rows with simulated figures)."""
    m = out["yumen"]["metrics"]
    hours = m["overall.window_hours"]["shapley"]["交叉授权"]
    wait = m["overall.wait_mean"]
    cross = wait["shapley"]["交叉授权"]
    p = m["overall.p_wait_over_target"]
    cuts = []
    for errand, _ in YUMEN_ERRANDS:
        x = m[f"journeys.{errand}.time_in_hall_mean"]
        cuts.append(f"{MINUS}{-100 * x['total_effect']['mean'] / x['base']['mean']:.0f} %")
    return [
        "| reported (seed 002) | model, with 95 % CI | set by construction? |",
        "|---|---|---|",
        "| 10 sub-centres → one hall, 9 zones, 114 windows | 15 department groups → 4 zones, "
        "24 → 19 windows (a slice, Y1) | yes (structure) |",
        "| 21 items of 5 low-volume departments cross-authorised | 5 item groups of 5 "
        "departments moved to 3 similar departments; "
        f"{pm(hours['mean'], hours['ci'], 0, sign=True)}"
        " window-hours/week | the five windows closed: yes; the waiting cost "
        f"({pm(cross['mean'], cross['ci'], 2, sign=True)} min) and the share of the saving: no |",
        "| 103 bundles, processing time −45.6 % | 3 bundles, window time −45.6 % | yes (Y9) |",
        f"| (effect on citizens not reported) | time in hall per errand {', '.join(cuts)} "
        "(company, home, newborn); mean wait "
        f"{pm(wait['total_effect']['mean'], wait['total_effect']['ci'], 2, sign=True)} min, "
        f"{label('p_wait_over_target', 20.0)} {100 * p['base']['mean']:.1f} % → "
        f"{100 * p['all_changes']['mean']:.1f} % | no |",
        "| materials −14.2 % | not modelled | — |",
        "| medical exam beside licence windows, 60+ cases/day, +50 % | not modelled | — |",
    ]


# the optimiser's window types as the README names them, and where each plan puts the
# five low-volume departments: the author's reading of the allocation (checked by eye
# when the script rewrites the table; the figures beside it are the commands')
YUMEN_TYPES = {"商事登记区": "商事登记", "社会事务区": "社会事务", "不动产区": "不动产",
               "项目审批区": "项目审批", "CHAIN-market_regulation": "market regulation + tax",
               "CHAIN-real_estate": "real estate + housing fund", "ZONE-社会事务": "social zone",
               "ZONE-项目审批": "project zone", "FULL": "one full window"}
YUMEN_PLANS = (
    ("yumen-y11", "Yumen's pairing (Y11)",
     "culture & tourism, health → business zone; agriculture, water → project zone; civil "
     "affairs → social zone"),
    ("yumen-auto", "optimiser (`auto`)",
     "**agriculture, water → project zone; civil affairs → social zone** (as Y11); **culture "
     "& tourism, health → the one full window** (not market regulation)"),
)


def yumen_plans(out: Outputs) -> list[str]:
    """The optimiser's least-cost plans: Yumen's pairing and the automatic types."""
    rows = ["| plan | windows | window-hours a day | cost | where the five low-volume "
            "departments go |", "|---|---|---|---|---|"]
    for key, name, where in YUMEN_PLANS:
        doc = out[key]
        types = ", ".join(f"{YUMEN_TYPES.get(t, t)} {w['max']}" for t, w in doc["windows"].items()
                          if w["max"] > 0)
        rows.append(f"| {name} | {types} = {doc['headcount']} | {doc['window_hours']:.0f} | "
                    f"{doc['cost']:.0f} | {where} |")
    return rows


# --- Tianjin hotline: hallsim run on the average and the peak day --------------------

def answered_by_erlang_a(path: str) -> float:
    """The day's answered share by Erlang A hour by hour, weighted by the hour's calls."""
    from sim.scenario.model import load_scenario
    from sim.stats.theory import erlang_a

    sc = load_scenario(ROOT / path)
    (cat,) = sc.categories.values()
    (seats,) = sc.windows
    calls = answered = 0.0
    for h in range(24):
        lam = _rate(cat.arrivals_per_hour, 60.0 * h)
        res = erlang_a(lam / 60.0, 1.0 / cat.service.mean, 1.0 / cat.patience.mean,
                       seats.staffed_at(60.0 * h))
        calls += lam
        answered += lam * (1.0 - res.p_abandon)
    return answered / calls


def _rate(rate: Any, minute: float) -> float:
    from sim.scenario.clock import parse_hhmm

    steps = sorted((parse_hhmm(k), float(v)) for k, v in dict(rate).items())
    return next(v for t, v in reversed(steps) if t <= minute)


def hotline_reported(out: Outputs) -> list[str]:
    """Reported figure beside the model: calls per day and answered shares."""
    avg, peak = out["hotline-average"], out["hotline-peak"]

    def per_day(doc: dict) -> str:
        n, ci = doc["overall"]["arrivals"] / doc["days"], doc["ci95"]["arrivals"] / doc["days"]
        return f"{n:,.0f} ± {ci:,.0f}"

    def answered(doc: dict, digits: int) -> str:
        o, c = doc["overall"], doc["ci95"]
        share = 1.0 - o["abandon_share"] - o["balk_share"]
        return f"{100 * share:.{digits}f} ± {100 * c['abandon_share']:.{digits}f} %"

    ea_avg = answered_by_erlang_a("scenarios/tianjin_hotline/average_day.yaml")
    ea_peak = answered_by_erlang_a("scenarios/tianjin_hotline/peak_day.yaml")
    late = peak["overall"]["p_wait_over_target"]
    return [
        "| reported (seed 004) | model, with 95 % CI | set by construction? |",
        "|---|---|---|",
        f"| 25,000 calls a day on average | {per_day(avg)} calls per day simulated | "
        "yes (rates) |",
        "| 49,000 at the peak | 1.96 × every hourly rate | yes |",
        "| 260 seats | 260 seats 07:00–23:00 | yes (H5 for the night) |",
        f"| answer rate > 98 % | average day: {answered(avg, 2)} answered "
        f"(Erlang A: {100 * ea_avg:.1f} %) | no (follows from H2–H5) |",
        f"| (peak-day answer rate not reported) | peak day: {answered(peak, 1)} answered "
        f"(Erlang A: {100 * ea_peak:.1f} %); {100 * late:.0f} % of calls not answered within "
        "30 s | no |",
    ]


def seats_for_answered(lam_per_hour: float, handling: float, patience: float,
                       share: float) -> int:
    """The fewest seats with which Erlang A answers ``share`` of the calls."""
    from sim.stats.theory import erlang_a

    c = 1
    while 1.0 - erlang_a(lam_per_hour / 60.0, 1.0 / handling, 1.0 / patience, c).p_abandon \
            < share:
        c += 1
    return c


def hotline_seats(out: Outputs) -> list[str]:
    """Seats per stretch of the peak day: the optimiser's plan, Erlang A's for 98 %
    answered, and today's."""
    from sim.scenario.clock import parse_hhmm
    from sim.scenario.model import load_scenario

    peak = load_scenario(ROOT / "scenarios/tianjin_hotline/peak_day.yaml")
    (cat,) = peak.categories.values()
    (today,) = peak.windows
    starts = sorted(parse_hhmm(k) for k in dict(cat.arrivals_per_hour))
    ends = starts[1:] + [1440.0]
    (plan,) = out["hotline-optimise"]["windows"]
    staffed = [_rate(plan["schedule"], t) for t in starts]
    names = [f"{int(a) // 60:02d}" + (f"–{int(b) // 60:02d}" if b - a > 60 else "")
             for a, b in zip(starts, ends)]
    erlang = [seats_for_answered(_rate(cat.arrivals_per_hour, t), cat.service.mean,
                                 cat.patience.mean, 0.98) for t in starts]
    best = max(staffed)

    def cells(values: list[float], bold: float | None = None) -> str:
        return " | ".join(f"**{v:.0f}**" if v == bold else f"{v:.0f}" for v in values)

    return [
        "| hours | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
        f"| seats, optimiser (98 % within 30 s, Erlang C) | {cells(staffed, best)} |",
        f"| seats, Erlang A (98 % answered, patience {cat.patience.mean:g} min; above) | "
        f"{cells(erlang)} |",
        f"| seats staffed today (H5) | {cells([today.staffed_at(t) for t in starts])} |",
    ]


# --- Reform pairs: hallsim compare BASELINE REFORM... -r 10 ----------------------------
# One table per pair (scenarios/reforms/README.md): the scenarios' means ± CI from
# ``scenarios.X`` and the paired differences from ``differences.X`` (``overall``,
# ``by_category``, ``journeys``); a figure compare does not pair has no Δ.

def cell(x: float, ci: float | None, digits: int, k: float = 1.0) -> str:
    """``x ± ci``, or ``x`` alone when the interval is exactly 0 (or absent)."""
    return f"{k * x:.{digits}f}" if not ci else pm(k * x, k * ci, digits)


def delta(d: dict | None, digits: int, k: float = 1.0) -> str:
    """A paired difference: ``0`` when exactly none, marked when not significant."""
    if d is None:
        return ""
    if d["diff"] == 0 and d["ci95"] == 0:
        return "0"
    text = signed(k * d["diff"], digits) if d["ci95"] == 0 else \
        pm(k * d["diff"], k * d["ci95"], digits, sign=True)
    return text if d["significant"] else f"{text} (not significant)"


def _pair(out: Outputs, key: str) -> tuple[list[dict], list[dict]]:
    """The scenarios' results (baseline first) and each reform's differences."""
    doc = out[key]
    base = doc["scenarios"][doc["baseline"]]
    runs = [base] + [r for name, r in doc["scenarios"].items() if name != doc["baseline"]]
    return runs, [doc["differences"][r["scenario"]] for r in runs[1:]]


def _stat_days(run: dict) -> int:
    return int(run["days"]) - int(run["meta"]["run"]["warmup_days"])


def _case_rows(runs: list[dict], diffs: list[dict], where: str | None,
               what: str = "") -> Callable[..., str]:
    """A row maker for the case figures of ``overall`` (``where`` None) or a category."""
    def block(run: dict) -> tuple[dict, dict]:
        if where is None:
            return run["overall"], run["ci95"]
        b = run["by_category"][where]
        return b, b["ci95"]

    def paired(d: dict, key: str) -> dict | None:
        part = d["overall"] if where is None else d["by_category"][where]
        return part.get(key)

    def row(key: str, name: str, digits: int, pair: bool = True,
            columns: bool = True) -> str:
        """``pair``: the Δ cells (empty when compare does not pair the figure);
        ``columns``: whether the table has Δ columns at all."""
        cells = [cell(b[key], c.get(key), digits) for b, c in map(block, runs)]
        if columns:
            cells += [delta(paired(d, key), digits) if pair else "" for d in diffs]
        return f"| {name}{what} | " + " | ".join(cells) + " |"
    return row


def _hall_rows(runs: list[dict], diffs: list[dict]) -> list[str]:
    """Hall mean wait and utilisation, paired by compare."""
    rows = []
    for key, name, digits, k in (("wait_mean", "hall `wait_mean` (min)", 2, 1.0),
                                 ("utilisation", "hall `utilisation`", 3, 1.0)):
        cells = [cell(r["overall"][key], r["ci95"][key], digits, k) for r in runs]
        cells += [delta(d["overall"][key], digits, k) for d in diffs]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return rows


def _pool_row(runs: list[dict], diffs: list[dict], pool: str, name: str) -> str:
    """A back-office pool's utilisation (not paired by compare)."""
    cells = [cell(r["backoffice"][pool]["utilisation"],
                  r["backoffice"][pool]["ci95"]["utilisation"], 2) for r in runs]
    return f"| {name} | " + " | ".join(cells + [""] * len(diffs)) + " |"


def reforms_company(out: Outputs) -> list[str]:
    """Parallel approval: company setup's lead times, serial against parallel."""
    runs, diffs = _pair(out, "reforms-company")
    row = _case_rows(runs, diffs, None)
    cat = _case_rows(runs, diffs, "company_setup")
    rows = ["| metric | serial | parallel | Δ (paired) |", "|---|---|---|---|",
            row("lead_time_days_mean", "`lead_time_days_mean` (working days, ticket → result)",
                3),
            row("lead_time_days_p90", "`lead_time_days_p90`", 3),
            row("lead_time_calendar_days_mean", "`lead_time_calendar_days_mean`", 3,
                pair=False),
            cat("on_time_share", "`on_time_share` (promised 3 working days)", 3),
            row("censored_share", "`censored_share` (unfinished at the end of the run)", 3,
                pair=False),
            row("cases", f"cases per replication ({_stat_days(runs[0])} statistics days)", 1,
                pair=False)]
    rows += _hall_rows(runs, diffs)
    rows += [_pool_row(runs, diffs, pool, f"back office `{pool}` utilisation")
             for pool in runs[0]["backoffice"]]
    return rows


def reforms_signoff(out: Outputs) -> list[str]:
    """Chief representative: five sign-offs against one decision."""
    runs, diffs = _pair(out, "reforms-signoff")
    every = _case_rows(runs, diffs, None, ", all cases")
    flat = _case_rows(runs, diffs, "licence_general", ", flattened items (81%)")
    safe = _case_rows(runs, diffs, "licence_safety",
                      ", health / safety items (19%, unchanged)")
    rows = ["| metric | five sign-offs | chief representative | Δ (paired) |",
            "|---|---|---|---|",
            every("lead_time_days_mean", "`lead_time_days_mean`", 3),
            flat("lead_time_days_mean", "`lead_time_days_mean`", 3),
            safe("lead_time_days_mean", "`lead_time_days_mean`", 3),
            every("lead_time_days_p90", "`lead_time_days_p90`", 3),
            every("lead_time_calendar_days_mean", "`lead_time_calendar_days_mean`", 3,
                  pair=False),
            flat("on_time_share", "`on_time_share` (promised 2 working days)", 3),
            safe("on_time_share", "`on_time_share`", 3),
            every("censored_share", "`censored_share`", 3, pair=False),
            flat("censored_share", "`censored_share`", 3, pair=False),
            safe("censored_share", "`censored_share`", 3, pair=False),
            _case_rows(runs, diffs, None)(
                "cases", f"cases per replication ({_stat_days(runs[0])} statistics days)", 1,
                pair=False)]
    rows += _hall_rows(runs, diffs)
    rows += [_pool_row(runs, diffs, "review", "back office `review` utilisation (3 case "
                                              "officers)"),
             _pool_row(runs, diffs, "chief", "back office `chief` utilisation (one person)")]
    return rows


#: the model's values in the returns files' headers: visits per case, one-visit share
RETURNS_MODEL = {"visits_per_case": ("1.729", "1.616", "1.300"),
                 "one_visit_share": ("0.49", "0.49", "0.70")}


def reforms_returns(out: Outputs) -> list[str]:
    """At most one trip: one-time notice and accept with deficiency against before."""
    runs, diffs = _pair(out, "reforms-returns")
    row = _case_rows(runs, diffs, None)
    cat = _case_rows(runs, diffs, "food_licence")

    def with_delta(key: str, name: str, digits: int, how: str = "paired",
                   by_cat: bool = False) -> list[str]:
        rows = [(cat if by_cat else row)(key, name, digits, columns=False)]
        if key in RETURNS_MODEL:
            rows.append("| … model value (header of the files) | "
                        + " | ".join(RETURNS_MODEL[key]) + " |")
        part = (lambda d: d["by_category"]["food_licence"]) if by_cat else \
            (lambda d: d["overall"])
        rows.append(f"| … Δ vs before ({how}) | | "
                    + " | ".join(delta(part(d)[key], digits) for d in diffs) + " |")
        return rows

    accept = [cell(r["by_window"]["ACCEPT"]["utilisation"],
                   r["by_window"]["ACCEPT"]["ci95"]["utilisation"], 2) for r in runs]
    return ["| metric | before | one-time notice | accept with deficiency |",
            "|---|---|---|---|",
            *with_delta("visits_per_case", "`visits_per_case` (collection included)", 3),
            *with_delta("one_visit_share", "`one_visit_share`", 3),
            *with_delta("lead_time_days_mean", "`lead_time_days_mean`", 3),
            *with_delta("lead_time_days_p90", "`lead_time_days_p90`", 3),
            row("lead_time_calendar_days_mean", "`lead_time_calendar_days_mean`", 3,
                columns=False),
            *with_delta("on_time_share", "`on_time_share` (promised 5 working days)", 3,
                        by_cat=True),
            row("deficiency_share", "`deficiency_share`", 3, columns=False),
            row("censored_share", "`censored_share` (unfinished at the end of the run)", 3,
                columns=False),
            row("cases", f"cases per replication ({_stat_days(runs[0])} statistics days)", 1,
                columns=False),
            *with_delta("wait_mean", "hall `wait_mean` (min)", 2),
            "| acceptance-window utilisation | " + " | ".join(accept) + " |"]


JOURNEY_WAITS = (("licence", "licence tickets (one of the two clerks moved to `ONE`)"),
                 ("seal", "seal tickets"), ("tax", "tax tickets"),
                 ("social_insurance", "social insurance tickets"),
                 ("bank_account", "bank account tickets"),
                 ("company_setup_bundle", "bundle tickets"))


def reforms_journey(out: Outputs) -> list[str]:
    """One thing, one visit: the five-window journey against one bundled ticket."""
    runs, (d,) = _pair(out, "reforms-journey")
    (name,) = runs[0]["journeys"]
    js = [r["journeys"][name] for r in runs]
    dj = d["journeys"][name]

    def row(key: str, label_: str, digits: int, pct: bool = False) -> str:
        cells = [cell(j[key], j["ci95"][key], digits) for j in js]
        diff = delta(dj.get(key), digits)
        if pct and dj.get(key):
            diff += f" ({signed(100 * dj[key]['diff'] / dj[key]['baseline'], 1)}%)"
        return f"| journeys `{key}`{label_} | " + " | ".join(cells) + f" | {diff} |"

    rows = ["| metric | five windows | bundle | Δ (paired) |", "|---|---|---|---|",
            row("time_in_hall_mean", " (min)", 1, pct=True),
            row("tickets_mean", "", 0),
            row("visits_mean", " (days in the hall)", 3),
            row("one_day_share", "", 3),
            f"| journeys per replication ({_stat_days(runs[0])} statistics days) | "
            + " | ".join(cell(j["journeys"], j["ci95"]["journeys"], 1) for j in js) + " |  |"]
    rows += _hall_rows(runs, [d])
    for cat, what in JOURNEY_WAITS:
        cells = [cell(r["by_category"][cat]["wait_mean"],
                      r["by_category"][cat]["ci95"]["wait_mean"], 1)
                 if cat in r["by_category"] else "–" for r in runs]
        rows.append(f"| `wait_mean` (min), {what} | " + " | ".join(cells)
                    + f" | {delta(d['by_category'].get(cat, {}).get('wait_mean'), 1)} |")
    for window in runs[-1]["by_window"]:
        cells = [cell(r["by_window"][window]["utilisation"],
                      r["by_window"][window]["ci95"]["utilisation"], 2)
                 if window in r["by_window"] else "–" for r in runs]
        rows.append(f"| window `{window}` utilisation | " + " | ".join(cells) + " |  |")
    return rows


TABLES = {t.id: t for t in (
    Table("cangzhou-compare", "scenarios/cangzhou/README.md", ("cangzhou",), cangzhou_compare),
    Table("cangzhou-reported", "scenarios/cangzhou/README.md", ("cangzhou",), cangzhou_reported),
    Table("yumen-decompose", "scenarios/yumen/README.md", ("yumen",), yumen_decompose),
    Table("yumen-reported", "scenarios/yumen/README.md", ("yumen",), yumen_reported),
    Table("yumen-plans", "scenarios/yumen/README.md", ("yumen-auto", "yumen-y11"),
          yumen_plans),
    Table("hotline-reported", "scenarios/tianjin_hotline/README.md",
          ("hotline-average", "hotline-peak"), hotline_reported),
    Table("hotline-seats", "scenarios/tianjin_hotline/README.md", ("hotline-optimise",),
          hotline_seats),
    *(Table(f"reforms-{key}", "scenarios/reforms/README.md", (f"reforms-{key}",), render)
      for key, render in (("company", reforms_company), ("signoff", reforms_signoff),
                          ("returns", reforms_returns), ("journey", reforms_journey))),
)}


def run_commands(keys: set[str], folder: Path) -> Outputs:
    """Run the documented commands from the repository's root; their JSON documents."""
    out: Outputs = {}
    for key in sorted(keys):
        cmd = COMMANDS[key]
        argv = [a.replace("{dir}", str(folder)) for a in cmd.argv]
        subprocess.run([sys.executable, "-m", "sim.cli.main", *argv, "-q"], cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL)
        text = (folder / cmd.output).read_text(encoding="utf-8")
        out[key] = yaml.safe_load(text) if cmd.output.endswith(".yaml") else json.loads(text)
    return out


def block(text: str, table_id: str) -> tuple[int, int]:
    """Start and end offsets of a table's lines between its markers in a README."""
    begin = BEGIN.format(id=table_id)
    a = text.find(begin)
    if a < 0:
        raise KeyError(f"marker {begin!r} not found")
    start = text.index("\n", a) + 1
    return start, text.index(END, start)


def rendered(tables: list[Table], outputs: Outputs) -> dict[str, str]:
    """Each table's lines as the README holds them."""
    return {t.id: "\n".join(t.render(outputs)) + "\n" for t in tables}


def differing(tables: list[Table], outputs: Outputs) -> list[str]:
    """Ids of the tables whose README text differs from what the commands give."""
    new = rendered(tables, outputs)
    bad = []
    for t in tables:
        text = (ROOT / t.readme).read_text(encoding="utf-8")
        a, b = block(text, t.id)
        if text[a:b] != new[t.id]:
            bad.append(t.id)
    return bad


def write(tables: list[Table], outputs: Outputs) -> None:
    """Replace each table's lines in its README."""
    new = rendered(tables, outputs)
    for t in tables:
        path = ROOT / t.readme
        text = path.read_text(encoding="utf-8")
        a, b = block(text, t.id)
        path.write_text(text[:a] + new[t.id] + text[b:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or ``--check``) the study tables."""
    ap = argparse.ArgumentParser(description="write the study READMEs' tables from their "
                                             "documented commands")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 naming each table that differs")
    ap.add_argument("--only", nargs="+", choices=sorted(TABLES), metavar="TABLE",
                    help=f"only these tables ({', '.join(TABLES)})")
    args = ap.parse_args(argv)
    tables = [TABLES[k] for k in (args.only or TABLES)]
    with tempfile.TemporaryDirectory() as tmp:
        outputs = run_commands({k for t in tables for k in t.commands}, Path(tmp))
    if args.check:
        bad = differing(tables, outputs)
        for b in bad:
            print(f"{TABLES[b].readme}: table {b} differs from what its command prints now "
                  "(python scenarios/studies.py rewrites it)")
        return 1 if bad else 0
    write(tables, outputs)
    print(f"wrote {len(tables)} tables: {', '.join(t.id for t in tables)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
