"""Stories about ``hallsim report`` and the figure functions: a results document gives a
page whose figures carry units on their axes; with the scenario file the report
re-simulates the very runs of the document; a bad source exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from sim.batch.analysis import run_profile
from sim.cli.main import main
from sim.report.plots import (
    plot_by_hour,
    plot_categories,
    plot_metric_vs_factors,
    plot_utilisation_heatmap,
    plot_wait_cdf,
    pooled_quantiles,
)
from sim.spec.scenario import load_scenario
from sim.stats.replications import run_replication, simulate

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"


def labels(fig: Figure) -> str:
    return " | ".join(f"{ax.get_xlabel()} / {ax.get_ylabel()}" for ax in fig.axes)


def test_figures_have_units_and_heatmap_matches_overall_utilisation() -> None:
    sc = load_scenario(QUICKSTART).with_days(2)
    result = simulate(sc, seed=4, replications=3, keep_records=True)
    doc = result.document()
    profiles = [run_profile(sc, r.records) for r in result.replications]
    # the heatmap's open-hours utilisation agrees with the document's (which adds overtime)
    table = pd.concat([pd.DataFrame(p["utilisation_by_hour"]).T for p in profiles]) \
        .groupby(level=0).mean()
    assert set(table.index) == {"A", "B", "C"} and list(table.columns)[0] == "08"
    assert abs(table.loc["B"].mean() - doc["by_window"]["B"]["utilisation"]) < 0.08
    q = pooled_quantiles(profiles)
    assert q is not None and len(q) == 101 and q[0] >= 0 and all(q[1:] >= q[:-1])
    # quantile 90 of the pooled distribution is close to the document's P90
    assert abs(q[90] - doc["overall"]["wait_p90"]) < 0.5 + 0.1 * doc["overall"]["wait_p90"]

    figs = {
        "cdf": plot_wait_cdf({"quickstart": q}, 20),
        "hour": plot_by_hour({"quickstart": doc["by_hour"]}),
        "heat": plot_utilisation_heatmap(table),
        "cat": plot_categories(doc["by_category"], 20),
        "fac": plot_metric_vs_factors(pd.DataFrame(
            {"scenario": ["q", "q"], "factor": ["arrival_scale"] * 2, "level": [1.0, 1.2],
             "n_points": [1, 1], "mean": [2.0, 3.0], "ci95": [0.2, 0.3], "effect": [-.5, .5],
             "effect_ci95": [.1, .1]}), "overall.wait_mean"),
    }
    assert "minutes" in labels(figs["cdf"]) and "%" in labels(figs["cdf"])
    assert "hour of day" in labels(figs["hour"]) and "tickets" in labels(figs["hour"])
    assert "minutes" in labels(figs["hour"])
    assert "window group" in labels(figs["heat"]) and "%" in labels(figs["heat"])
    assert "%" in labels(figs["cat"])
    assert "(min)" in labels(figs["fac"]) and "arrival rate" in labels(figs["fac"])


def test_report_from_a_results_document(tmp_path: Path, capsys) -> None:
    doc = tmp_path / "q.json"
    assert main(["run", str(QUICKSTART), "-r", "3", "--days", "1", "--seed", "5", "--json",
                 str(doc), "-q"]) == 0
    plain = tmp_path / "plain"
    assert main(["report", str(doc), "--out", str(plain)]) == 0
    html = (plain / "index.html").read_text(encoding="utf-8")
    assert "quickstart" in html and "replications" in html and "--scenario" in html
    assert {p.name for p in plain.glob("*.png")} == {
        "wait_cdf.png", "quickstart_by_hour.png", "quickstart_categories.png"}

    full = tmp_path / "full"
    assert main(["report", str(doc), "--out", str(full), "--scenario", str(QUICKSTART),
                 "--svg"]) == 0
    html = (full / "index.html").read_text(encoding="utf-8")
    assert "does not reproduce" not in html
    assert (full / "quickstart_heatmap.png").exists() and (full / "wait_cdf.svg").exists()

    # a scenario file that does not match the document is flagged on the page
    other = tmp_path / "other"
    assert main(["report", str(doc), "--out", str(other), "--scenario",
                 str(ROOT / "scenarios/xinglongtai/after.yaml")]) == 0
    assert "does not reproduce" in (other / "index.html").read_text(encoding="utf-8")


def test_report_of_a_replication_matches_its_records() -> None:
    sc = load_scenario(QUICKSTART).with_days(1)
    rep = run_replication(sc, 9, 0, keep_records=True)
    prof = run_profile(sc, rep.records)
    assert abs(prof["wait_quantiles"][50] - rep.summary["overall"]["wait_p50"]) < 1e-9
    assert abs(prof["wait_quantiles"][100] - rep.summary["overall"]["wait_max"]) < 1e-9


def test_bad_report_sources_exit_2(tmp_path: Path, capsys) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text(json.dumps({"hello": 1}), encoding="utf-8")
    assert main(["report", str(junk), "--out", str(tmp_path / "r")]) == 2
    assert "not a results document" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "missing.sqlite"), "--out", str(tmp_path / "r")]) == 2
    assert "file not found" in capsys.readouterr().err
