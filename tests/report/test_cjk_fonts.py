"""Stories about Chinese names in figures and pages: a planning office's category
企业开办 and window 窗口A are drawn with a CJK font that hallsim's own install
brings, never as boxes, and the HTML page names a CJK font stack and ships the
glyphs it uses."""

from __future__ import annotations

import io
import logging
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.cli.main import main
from sim.report.fonts import CJK_FAMILY, CSS_FONT_STACK, cjk_font_file, use_cjk_fonts
from sim.report.plots import (
    plot_by_hour,
    plot_categories,
    plot_metric_vs_factors,
    plot_utilisation_heatmap,
    plot_wait_cdf,
)
from tests.report.chinese import write_hall

NAMES = ["企业开办", "社保业务", "不动产登记"]


def render_without_missing_glyphs(fig: Figure, caplog: pytest.LogCaptureFixture) -> bytes:
    """Draw ``fig`` to PNG; fail on any missing-glyph warning or font-not-found log."""
    buf = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        fig.savefig(buf, format="png")
    problems = [str(w.message) for w in caught if "Glyph" in str(w.message)
                or "missing" in str(w.message)]
    problems += [r.getMessage() for r in caplog.records if "font" in r.getMessage().lower()]
    assert not problems, problems
    return buf.getvalue()


def test_the_install_brings_a_simplified_chinese_font() -> None:
    path = cjk_font_file()
    assert path is not None and path.is_file()
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(path), fontNumber=0).getBestCmap()
    for ch in "企业开办窗口平均等待放弃率利用率证照办理": # simplified forms
        assert ord(ch) in cmap, ch
    assert use_cjk_fonts() == CJK_FAMILY


def test_a_figure_with_chinese_labels_has_no_missing_glyph(caplog) -> None:
    fig = plot_categories({n: {"abandon_share": 0.05 * k, "p_wait_over_target": 0.1 * k,
                               "ci95": {"abandon_share": 0.02, "p_wait_over_target": 0.03}}
                           for k, n in enumerate(NAMES, 1)}, 15, title="各事项 窗口A")
    png = render_without_missing_glyphs(fig, caplog)
    assert png.startswith(b"\x89PNG")
    # the category names are drawn as tick labels of the figure, not dropped
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == NAMES


def test_every_figure_function_draws_chinese_names(caplog) -> None:
    hour = {"09": {"wait_mean": 3.0, "queue_mean": 1.5, "ci95": {"wait_mean": 1.0}},
            "10": {"wait_mean": 6.0, "queue_mean": 2.5, "ci95": {"wait_mean": 1.0}}}
    heat = pd.DataFrame({"09": [0.5, 0.9], "10": [0.7, 0.95]}, index=["窗口A", "综合窗口"])
    effects = pd.DataFrame({"scenario": ["兴隆台", "兴隆台"], "factor": ["windows.窗口A.count"] * 2,
                            "level": [2, 3], "n_points": [1, 1], "mean": [4.0, 2.0],
                            "ci95": [1.0, 0.5], "effect": [1.0, -1.0], "effect_ci95": [.1, .1]})
    for fig in (plot_wait_cdf({"基准": [float(k) for k in range(101)],
                               "增开窗口": [k / 2 for k in range(101)]}, 20),
                plot_by_hour({"兴隆台": hour, "增开窗口": hour}, title="兴隆台: 按时段"),
                plot_utilisation_heatmap(heat, title="窗口利用率"),
                plot_metric_vs_factors(effects, "overall.wait_mean")):
        render_without_missing_glyphs(fig, caplog)


def test_report_page_of_a_chinese_hall(tmp_path: Path, caplog) -> None:
    scenario = write_hall(tmp_path)
    doc = tmp_path / "结果.json"
    records = tmp_path / "记录.parquet"
    assert main(["run", str(scenario), "-r", "2", "--json", str(doc), "-q",
                 "--records", str(records)]) == 0
    out = tmp_path / "报告"
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        assert main(["report", str(doc), "--out", str(out), "--records", str(records)]) == 0
    assert not [str(w.message) for w in caught if "Glyph" in str(w.message)]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "企业开办" in page and "窗口A" in page and "兴隆台政务服务大厅" in page
    assert CSS_FONT_STACK in page and "Noto Sans CJK SC" in page
    # the page ships a subset of the CJK font with every Chinese character it shows
    subset = out / "cjk-subset.otf"
    assert subset.is_file() and subset.stat().st_size < 200_000
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(subset)).getBestCmap()
    shown = set(re.sub(r"<[^>]+>", "", page)) - set(map(chr, range(128)))
    assert {c for c in shown if "\u4e00" <= c <= "\u9fff"} <= {chr(c) for c in cmap}
