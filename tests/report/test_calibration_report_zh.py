"""A Chinese planner calibrates the bundled hall export with ``--lang zh``: the
calibration report reads in Chinese (title, rows kept and skipped, the notes, the basis
of every fit, captions), while the English report and the scenario file keep the
calibration's English words exactly."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.report import calibration_text as ct
from sim.report.i18n import set_language, tr

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sim" / "web" / "samples" / "示例大厅叫号导出.csv"

#: Latin words a Chinese report may keep: statistics' names and the groups' ids
ALLOWED = {"AIC", "KS", "LR", "MLE", "D", "R", "n", "p"}


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch):
    monkeypatch.delenv("HALLSIM_LANG", raising=False)
    yield
    set_language("en")


def _report(tmp_path: Path, lang: str) -> str:
    rep = tmp_path / f"rep-{lang}"
    assert main(["--lang", lang, "calibrate", str(SAMPLE), "--out", str(tmp_path / "h.yaml"),
                 "-q", "--report", str(rep)]) == 0
    set_language("en")
    return (rep / "index.html").read_text(encoding="utf-8")


def _words(page: str) -> set[str]:
    body = re.sub(r"<[^>]+>", " ", page[page.index("<body>"):])
    return set(re.findall(r"[A-Za-z][A-Za-z_.\-]*", html.unescape(body)))


def test_the_chinese_calibration_report_has_no_english_left(tmp_path: Path) -> None:
    page = _report(tmp_path, "zh")
    assert "<h1>校准：来自 示例大厅叫号导出</h1>" in page
    assert "<h2>记录行</h2>" in page and "<h2>说明</h2>" in page
    assert "保留 2,660 条取号记录（来自 1 个文件）" in page
    assert "每次办理时间加上窗口叫号间隔" in page and "工作人员与在岗窗口" in page
    assert "办理时间：n=1,009；伽马分布（AIC）" in page
    assert 'alt="社保办理：办理时间拟合与到达曲线"' in page
    assert _words(page) <= ALLOWED, sorted(_words(page) - ALLOWED)


def test_the_english_calibration_report_keeps_the_calibrations_words(tmp_path: Path) -> None:
    page = _report(tmp_path, "en")
    assert "<h1>Calibration: calibrated from 示例大厅叫号导出</h1>" in page
    assert "2,660 tickets kept from 1 file(s)" in page
    assert "service: n=1,009; gamma by AIC; dAIC exponential +149" in page
    assert "window turnaround 0 s added to every service time" in page
    assert 'alt="社保办理: service fit and arrival profile"' in page
    text = (tmp_path / "h.yaml").read_text(encoding="utf-8")
    assert "window turnaround 0 s added" in text and "伽马" not in text


NOTES = [
    "window turnaround 12 s added to every service time: median gap from a service's end "
    "to the window's next call while a ticket it serves was waiting, over 1,234 gaps "
    "(quartiles 6 / 12 / 30 s); less 8 s of it, the walk to the window the layout explains "
    "(the model walks it: layout.walking)",
    "window turnaround: not estimated (12 gaps with a ticket waiting, fewer than 50): "
    "services are used as logged",
    "clerks-to-windows: windows on duty = 1.0048 x clerks seen in the hour (ratio of sums "
    "over 70 working day-hours; R^2 n/a, windows on duty hardly vary, mean absolute error "
    "0.08 windows); least-squares line 8.998 + 0.0003 x clerks seen (R^2 0.91, mean "
    "absolute error 0.00); the log has no roster: windows on duty are the calibration's "
    "estimate",
    "item 户籍 added to G2, the group that served most of it",
    "layout copied from 大厅.yaml (walking on: the mean walk to the window is taken off the "
    "turnaround above)",
]


def test_every_note_of_a_calibrated_hall_reads_in_chinese_and_english_is_kept() -> None:
    for text in NOTES:
        assert ct.note(text) == text  # English: word for word
    set_language("zh")
    for text in NOTES:
        shown = ct.note(text)
        latin = shown.replace("layout.walking", "").replace(".yaml", "")
        assert not re.search(r"[a-z]{3,}", latin), shown
    assert "8 秒" in ct.note(NOTES[0]) and "R² 无（在岗窗口数几乎不变）" in ct.note(NOTES[2])
    assert ct.note("a note no catalogue knows") == "a note no catalogue knows"


def test_the_basis_of_every_kind_of_fit_reads_in_chinese() -> None:
    from sim.calibration.fitting import Fit

    censored = Fit({"dist": "exponential", "mean": 29.0}, "exponential", 377, 29.0, 1.0,
                   aic={"exponential": 10.0, "gamma": 10.0, "lognormal": 10.2},
                   chosen_by="likelihood-ratio test",
                   note="censored MLE: 40 left (40 called but gone), 337 served "
                        "(right-censored); fitted on every 2-th ticket; gamma vs exponential "
                        "LR 2.4, p=0.12; mean 29 ± 9")
    empirical = Fit({"dist": "empirical", "values": [1.0]}, "empirical", 900, 5.0, 0.5,
                    ks=0.08, aic={"gamma": 1.0, "lognormal": 2.0, "exponential": 3.0},
                    note="best family gamma off by KS D=0.080 > 0.06: 200 quantiles")
    single = Fit({"dist": "deterministic", "value": 3.0}, "deterministic", 1, 3.0, 0.0,
                 note="too few services to fit")
    for fit in (censored, empirical, single):
        assert ct.fit_basis(fit) == fit.comment()
    set_language("zh")
    for fit in (censored, empirical, single):
        shown = ct.fit_basis(fit)
        assert not set(re.findall(r"[A-Za-z]+", shown)) - ALLOWED, shown
    assert "每 2 张号票取一张拟合" in ct.fit_basis(censored)
    assert tr("n/a") == "无"


def test_the_chinese_backtest_report_names_its_modes_and_tabulates_the_items() -> None:
    import tempfile

    from sim.report.calibration import backtest_report

    errors = {"wait_mape": 16.8, "abandon_mae_points": 1.5, "hours": 7,
              "noise_floor": {"wait_mape": 26.2, "abandon_mae_points": 0.9},
              "by_item": {"社保办理": {"wait_mape": 44.9, "abandon_mae_points": 1.8, "hours": 7}}}
    by_hour = {"9": {m: {"observed": 1.0, "predicted": 1.1, "low": 0.9, "high": 1.3}
                     for m in ("wait_mean", "left_share")}}
    doc = {"scenario": "calibrated from 示例", "days": 10, "arrivals": "log",
           "staffing": "scenario", "replications": 3, "errors": errors,
           "baseline_erlang_a": {"errors": errors}, "by_hour": by_hour}
    with tempfile.TemporaryDirectory() as d:
        en = backtest_report(doc, Path(d) / "en").read_text(encoding="utf-8")
        set_language("zh")
        zh = backtest_report(doc, Path(d) / "zh").read_text(encoding="utf-8")
    # the items' errors as a table in either language (English once printed the JSON)
    assert "arrivals: log; staffing: scenario" in en and "<td>社保办理</td><td>44.90</td>" in en
    assert "<h1>Backtest: calibrated from 示例</h1>" in en
    assert "到达：按取号日志；排班：按方案排班" in zh and "<h1>回测：来自 示例</h1>" in zh
    assert "wait_mape" not in zh and "<td>社保办理</td><td>44.90</td>" in zh


def test_the_backtests_share_left_is_drawn_in_percent_as_its_label_says(monkeypatch,
                                                                        tmp_path) -> None:
    """A tenth of the tickets left: the figure's right panel draws 10 (%), not 0.1."""
    import sim.report.calibration as cal

    figures = []

    def keep(*args, **kwargs):
        fig = new_figure(*args, **kwargs)
        figures.append(fig)
        return fig

    from sim.report.plots import new_figure
    monkeypatch.setattr(cal, "new_figure", keep)
    by_hour = {"9": {"wait_mean": {"observed": 1.0, "predicted": 1.1, "low": 0.9, "high": 1.3},
                     "left_share": {"observed": 0.10, "predicted": 0.12, "low": 0.08,
                                    "high": 0.15}}}
    errors = {"wait_mape": 16.8, "abandon_mae_points": 1.5, "hours": 1, "by_item": {}}
    doc = {"scenario": "s", "days": 10, "arrivals": "log", "staffing": "log",
           "replications": 3, "errors": errors, "baseline_erlang_a": {"errors": errors},
           "by_hour": by_hour}
    cal.backtest_report(doc, tmp_path / "bt")
    wait, left = figures[0].axes
    assert wait.lines[0].get_ydata()[0] == 1.0
    assert left.lines[0].get_ydata()[0] == pytest.approx(10.0)
    assert left.lines[1].get_ydata()[0] == pytest.approx(12.0)


def test_an_aic_difference_never_reads_minus_zero() -> None:
    """A family a fraction of a point below the chosen one (the likelihood-ratio test
    chose the simpler) read "伽马分布 -0"; now a small difference keeps its tenth."""
    from sim.report.calibration_text import _aic_difference

    assert [_aic_difference(d) for d in (-0.3, -0.04, 0.0, 2.26, 41.7, -12.2)] == \
        ["-0.3", "0", "0", "+2.3", "+42", "-12"]
