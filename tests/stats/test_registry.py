"""Every figure hallsim reports is defined once, in the metric registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.stats import registry
from sim.stats.registry import METRICS, metric, resolve
from tests.helpers import continuous, exp, run

ROOT = Path(__file__).resolve().parents[2]


def _keys(block: dict) -> set[str]:
    return {k for k, v in block.items() if k != "ci95" and not isinstance(v, dict)}


def test_every_figure_of_a_results_document_is_a_registered_metric_of_its_section():
    scenario = continuous({"企业开办": {"arrivals_per_hour": 5, "service": exp(10),
                                    "patience": exp(20)}},
                          [{"id": "窗口A", "count": 1, "serves": ["企业开办"]}], days=3, warmup=1)
    doc = run(scenario, replications=2).document()
    sections = {"overall": [doc["overall"]], "by_category": doc["by_category"].values(),
                "by_window": doc["by_window"].values(), "by_hour": doc["by_hour"].values()}
    for section, blocks in sections.items():
        allowed = {m.key for m in registry.in_section(section)}
        for block in blocks:
            assert _keys(block) <= allowed, (section, _keys(block) - allowed)
            for key in block.get("ci95", {}):
                assert metric(key).ci == "t" or section == "overall"


def test_the_results_contract_ci_keys_come_first_in_the_overall_ci95():
    assert registry.ci_keys("overall")[:5] == ("wait_mean", "wait_p90", "p_wait_over_target",
                                              "abandon_share", "utilisation")


def test_directions_read_as_a_planner_would():
    assert metric("wait_mean").lower_is_better is True
    assert metric("one_visit_share").lower_is_better is False
    assert metric("utilisation").lower_is_better is None
    assert metric("p_wait_over_target").unit == "%" and metric("p_wait_over_target").scale == 100


@pytest.mark.parametrize("path", ["overall.wait_mean", "by_category.企业开办.wait_p90",
                                  "by_window.窗口A.utilisation", "by_hour.08.p_wait_positive",
                                  "journeys.trip.visits_mean", "overall.lead_time_days_mean"])
def test_known_paths_resolve(path):
    assert resolve(path).key == path.rsplit(".", 1)[-1]


@pytest.mark.parametrize("path, words", [
    ("overall.nonsense", "no figure 'nonsense'"),
    ("nonsense", "first part"),
    ("overall.tax.wait_mean", "expected overall.NAME"),
    ("by_window.A.wait_p90", "not reported in by_window"),
    ("by_category.wait_mean", "expected by_category.ITEM.NAME"),
])
def test_unknown_paths_are_refused_with_the_reason(path, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        resolve(path)


def test_compare_pairs_only_registered_compared_metrics():
    assert [m.key for m in registry.compared("journeys")] == [
        "lost_share", "time_in_hall_mean", "tickets_mean", "visits_mean", "one_day_share"]
    assert "wait_p50" not in {m.key for m in registry.compared("overall")}


def test_no_second_definition_of_metric_metadata_remains():
    """The names of the five old metadata tables are gone from the code."""
    pattern = re.compile(r"^(CI_KEYS|CASE_CI_KEYS|COMPARED|JOURNEY_COMPARED)\s*=|def _diff_row\(|"
                         r"def ci_halfwidth|def welch_halfwidth.*\n.*stats\.t", re.M)
    for path in list((ROOT / "sim").rglob("*.py")):
        assert not pattern.search(path.read_text(encoding="utf-8")) or \
            path.name == "tables.py", path
    assert set(METRICS) >= {"wait_mean", "p_wait_over_target", "censored_share"}
