"""Stories about reports that carry the numbers: the page opens with the summary
tables (overall, by category, by window group) and, for a comparison, the paired
differences with their CIs and a significance mark, before any figure; bands stay
in the valid range of their quantity; window counts get whole-number ticks; the
legend of the CDF stands beside the plot, not on it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.cli.main import main
from sim.report.plots import clipped_band, plot_metric_vs_factors, plot_wait_cdf
from tests.report.chinese import MORE_WINDOWS, write_hall


def test_comparison_page_opens_with_tables_and_differences(tmp_path: Path) -> None:
    base, more = write_hall(tmp_path), write_hall(tmp_path, MORE_WINDOWS, "增开.yaml")
    doc = tmp_path / "cmp.json"
    assert main(["compare", str(base), str(more), "-r", "4", "--json", str(doc), "-q"]) == 0
    assert main(["report", str(doc), "--out", str(tmp_path / "r")]) == 0
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    first_figure = page.index("<img")
    for heading in ("Overall (mean over replications", "By category", "By window group",
                    "Differences against the baseline", "增开窗口 against 兴隆台政务服务大厅"):
        assert page.index(heading) < first_figure, heading
    diffs = page[page.index("Differences against the baseline"):first_figure]
    assert "difference ± 95% CI" in diffs and " ± " in diffs and "pp" in diffs
    # a third window in the busy group shortens the wait clearly: marked significant
    row = diffs[diffs.index("<td>mean wait (min)</td>"):]
    row = row[:row.index("</tr>")]
    assert "✱" in row and "<td>增开窗口</td>" in row  # the better one, by name


def test_bands_are_clipped_to_valid_ranges() -> None:
    low, high = clipped_band(np.array([0.5, 2.0, 99.0]), np.array([1.0, 1.0, 3.0]), 0, 100)
    assert low.tolist() == [0.0, 1.0, 96.0] and high.tolist() == [1.5, 3.0, 100.0]
    effects = pd.DataFrame({"scenario": ["s"] * 3, "factor": ["windows.A.count"] * 3,
                            "level": [2, 3, 4], "n_points": [1] * 3,
                            "mean": [0.02, 0.01, 0.005], "ci95": [0.05, 0.04, 0.03],
                            "effect": [0.0] * 3, "effect_ci95": [0.0] * 3})
    fig = plot_metric_vs_factors(effects, "overall.p_wait_over_target")
    ax = fig.axes[0]
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() >= 0.0  # a share's band never dips below 0 %
    fig.canvas.draw()
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)  # no 3.5 windows


def test_cdf_legend_does_not_cover_the_curves() -> None:
    q = np.linspace(0, 30, 101)
    fig = plot_wait_cdf({"基准": q, "增开窗口": q / 2, "第三方案": q / 3}, 20)
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    assert not legend.overlaps(ax.get_window_extent())


def test_a_small_wait_never_reads_as_possibly_negative() -> None:
    """Three replications of a quiet item: mean wait 6.8 min, half-width 7.8. Printed
    as 6.8 ±7.8 a planner reads "maybe -1 minute"; the interval is shown within 0."""
    from sim.report.tables import fmt_metric

    quiet = fmt_metric("wait_mean", 6.8, 7.8)
    assert str(quiet) == "6.8 (0.0–14.6)" and quiet.half == 7.8  # exports keep the half
    assert str(fmt_metric("wait_mean", 6.8, 2.0)) == "6.8 ±2.0"  # inside 0: as before
    # shares stop at 100 %: 97 % ± 5 points abandoned is 97.0 (92.0–100.0) %
    assert str(fmt_metric("abandon_share", 0.97, 0.05)) == "97.0 (92.0–100.0)"
    # a difference may be negative: it keeps its ±
    assert str(fmt_metric("wait_mean", 0.5, 2.0, sign=True)) == "+0.5 ±2.0"
