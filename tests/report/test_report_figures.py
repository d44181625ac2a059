"""Stories about ``hallsim report`` and the figure functions: a results document gives a
page whose figures carry units on their axes; with the runs' records file the report
draws the runs' own waiting-time distribution without running the engine; a bad source
exits 2."""

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
from sim.run.replications import run_replication, simulate
from sim.scenario.model import load_scenario

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
    doc, records = tmp_path / "q.json", tmp_path / "q.parquet"
    assert main(["run", str(QUICKSTART), "-r", "3", "--days", "2", "--seed", "5", "--json",
                 str(doc), "--records", str(records), "-q"]) == 0
    plain = tmp_path / "plain"
    assert main(["report", str(doc), "--out", str(plain)]) == 0
    html = (plain / "index.html").read_text(encoding="utf-8")
    assert "quickstart" in html and "replications" in html and "--records" in html
    assert {p.name for p in plain.glob("*.png")} == {
        "wait_cdf.png", "quickstart_by_hour.png", "quickstart_categories.png"}

    # with the run's records the CDF is the runs' own; the engine is not run again
    import sim.run.replications as replications

    def no_engine(*args, **kwargs):
        raise AssertionError("a report ran the engine")

    full = tmp_path / "full"
    original = replications.run_replication
    replications.run_replication = no_engine
    try:
        assert main(["report", str(doc), "--out", str(full), "--records", str(records),
                     "--svg"]) == 0
    finally:
        replications.run_replication = original
    html = (full / "index.html").read_text(encoding="utf-8")
    assert "does not hold the runs" not in html
    assert (full / "wait_cdf.svg").exists() and not (full / "quickstart_heatmap.png").exists()
    assert "on-duty time" in html  # the page says why the heatmap is left out

    # records of other runs (another seed) are flagged on the page
    other_records = tmp_path / "other.csv"
    assert main(["run", str(QUICKSTART), "-r", "3", "--days", "2", "--seed", "6", "-q",
                 "--records", str(other_records)]) == 0
    other = tmp_path / "other"
    assert main(["report", str(doc), "--out", str(other), "--records",
                 str(other_records)]) == 0
    assert "does not hold the runs" in (other / "index.html").read_text(encoding="utf-8")


def test_records_give_the_wait_quantiles_of_the_runs_warm_up_left_out(tmp_path: Path) -> None:
    from sim.report.html import read_records, records_profiles

    sc = load_scenario(QUICKSTART).with_days(3)
    assert sc.hall.warmup_days >= 0
    result = simulate(sc, seed=2, replications=2, keep_records=True)
    path = tmp_path / "r.csv.gz"
    result.records_frame().to_csv(path, index=False)
    doc = result.document()
    profiles, same = records_profiles(read_records(path), doc)
    assert same
    # the same figures a store keeps for each run (sim.batch.analysis.run_profile)
    for prof, rep in zip(profiles, result.replications):
        stored = run_profile(sc, rep.records)["wait_quantiles"]
        assert max(abs(a - b) for a, b in zip(prof["wait_quantiles"], stored)) < 1e-3
    # a document of another warm-up (other tickets counted) is not these records' document
    shifted = {**doc, "overall": {**doc["overall"], "arrivals": doc["overall"]["arrivals"] + 1}}
    assert records_profiles(read_records(path), shifted)[1] is False


def test_bad_records_exit_2_naming_the_file(tmp_path: Path, capsys) -> None:
    doc = tmp_path / "q.json"
    assert main(["run", str(QUICKSTART), "-r", "1", "--days", "1", "--json", str(doc),
                 "-q"]) == 0
    bad = tmp_path / "坏.csv"
    bad.write_text("ticket,category\n1,tax\n", encoding="utf-8")
    assert main(["report", str(doc), "--out", str(tmp_path / "r"), "--records", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "坏.csv" in err and "arrival" in err and "Traceback" not in err
    assert main(["report", str(doc), "--out", str(tmp_path / "r"), "--scenario",
                 str(QUICKSTART)]) == 2
    assert "--records" in capsys.readouterr().err


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


def test_the_report_figure_names_the_queue_in_the_pages_unit():
    """The page's table says 平均排队人数（人）; the report's figure said （号）. Both read the
    metric registry's one heading now, in each language."""
    from sim.report.i18n import metric_heading, set_language

    doc = simulate(load_scenario(QUICKSTART), seed=1, replications=2).document()
    try:
        set_language("zh")
        fig = plot_by_hour({"quickstart": doc["by_hour"]})
        assert fig.axes[1].get_ylabel() == metric_heading("queue_mean") == "平均排队人数（人）"
    finally:
        set_language("en")
    assert plot_by_hour({"q": doc["by_hour"]}).axes[1].get_ylabel() == "mean queue (waiting)"


def test_a_factor_of_one_level_has_one_tick():
    """An experiment that keeps hall.warmup_days at 0 drew the panel's ticks as
    -0.045 -0.030 ... run together: one level is one tick."""
    effects = pd.DataFrame({"scenario": ["q"], "factor": ["hall.warmup_days"], "level": [0],
                            "n_points": [1], "mean": [2.0], "ci95": [0.2], "effect": [0.0],
                            "effect_ci95": [0.1]})
    fig = plot_metric_vs_factors(effects, "overall.wait_mean")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0"]
    assert ax.get_xlim() == (-0.5, 0.5)


def test_two_halls_whose_names_make_the_same_file_name_keep_their_own_figures(tmp_path):
    """"大厅 A" and "大厅_A" both become 大厅_A in a file name: each section must still
    show its own hall's figures, not the second hall's drawn over the first's."""
    import re

    text = (ROOT / "scenarios/quickstart.yaml").read_text(encoding="utf-8")
    for name, rate in (("大厅 A", "27"), ("大厅_A", "30")):
        hall = text.replace("name: quickstart", f"name: {name}")
        hall = hall.replace("arrivals_per_hour: 27 ", f"arrivals_per_hour: {rate} ")
        (tmp_path / f"{rate}.yaml").write_text(hall, encoding="utf-8")
    doc = tmp_path / "c.json"
    assert main(["compare", str(tmp_path / "27.yaml"), str(tmp_path / "30.yaml"), "-r", "2",
                 "--days", "1", "-q", "--json", str(doc)]) == 0
    assert main(["report", str(doc), "--out", str(tmp_path / "rep")]) == 0
    page = (tmp_path / "rep" / "index.html").read_text(encoding="utf-8")
    by_hour = re.findall(r'<img src="([^"]*by_hour[^"]*)"', page)
    assert len(by_hour) == 2 and len(set(by_hour)) == 2, by_hour
    assert all((tmp_path / "rep" / f).exists() for f in by_hour)


def test_a_one_factor_figures_title_is_broken_into_lines_that_fit_it():
    from sim.report.plots import fitted_title, new_figure

    narrow, wide = new_figure(figsize=(4.2, 3.8)), new_figure(figsize=(13.0, 3.8))
    english = "mean wait (min) against each factor (mean over the other factors, 95% CI band)"
    chinese = "平均等待（分钟） 随各因素的变化（对其他因素取平均，95% 置信带）"
    assert fitted_title(wide, english, 10) == english  # room enough: one line
    for text in (english, chinese):
        lines = fitted_title(narrow, text, 10).split("\n")
        assert len(lines) == 2 and "".join(lines).replace(" ", "") == text.replace(" ", "")
        # a Chinese character is about one em wide at 10 pt: 4.2 in holds ~30 of them
        assert all(len(line) <= 60 for line in lines) and max(map(len, lines)) > 20
