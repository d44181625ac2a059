"""Common random numbers at work: on a consolidation experiment (Xinglongtai's 31
single-department windows against 10 comprehensive ones, same customers), the paired
95% interval of the difference is much narrower than the unpaired one. Pairing
replication r with replication r+1 instead (different customers) loses the gain,
which shows that the shrinkage comes from the shared random numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from sim.batch.analysis import main_effects, paired_comparison, point_summary, welch_halfwidth
from sim.batch.executors import InlineExecutor
from sim.batch.experiment import load_experiment, run_experiment
from sim.batch.store import Store
from sim.run.compare import paired_difference

ROOT = Path(__file__).resolve().parents[2]


def test_paired_intervals_shrink_on_a_consolidation_experiment(tmp_path: Path) -> None:
    data = {"name": "consolidation", "replications": 20, "seed": 7,
            "scenarios": {"before": str(ROOT / "scenarios/xinglongtai/before.yaml"),
                          "after": str(ROOT / "scenarios/xinglongtai/after.yaml")}}
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    exp = load_experiment(path)
    with Store.for_experiment(tmp_path / "s.sqlite", exp) as s, InlineExecutor() as ex:
        run_experiment(exp, s, ex)
        tidy = s.metrics_frame()
    pc = paired_comparison(tidy, baseline=0, metrics=["overall.wait_mean"]).iloc[0]
    print(f"\nconsolidation, overall.wait_mean: diff {pc['diff']:+.3f}, paired ±{pc['ci95']:.3f},"
          f" unpaired ±{pc['ci95_unpaired']:.3f}, ratio {pc['ratio']:.2f}")
    a = tidy[(tidy.point == 0) & (tidy.metric == "overall.wait_mean")]["value"].to_numpy()
    b = tidy[(tidy.point == 1) & (tidy.metric == "overall.wait_mean")]["value"].to_numpy()
    # Shared customers make the two halls' replications positively correlated, beyond
    # chance (one-sided test at 1%), and that correlation is what narrows the interval:
    # the paired half-width is the unpaired one times sqrt(1 - 2 cov / (var a + var b)).
    crn = stats.pearsonr(a, b, alternative="greater")
    assert crn.pvalue < 0.01
    assert pc["ci95"] < welch_halfwidth(a, b)
    assert pc["ratio"] == pytest.approx(pc["ci95"] / pc["ci95_unpaired"])
    # Pairing replication r with r + 1 (other customers) loses it: that correlation lies
    # below the lower end of the 99% interval of the shared-customer correlation.
    shifted = stats.pearsonr(a, np.roll(b, 1))
    assert shifted.statistic < crn.confidence_interval(0.99).low
    assert paired_difference(a, np.roll(b, 1))["ci95"] > pc["ci95"]

    ps = point_summary(tidy, ["overall.wait_mean"])
    assert list(ps["n"]) == [20, 20]
    assert abs(ps["mean"].iloc[1] - ps["mean"].iloc[0] - pc["diff"]) < 1e-12
    assert main_effects(tidy, "overall.wait_mean").empty  # no factors, no effects


def test_points_of_halls_sharing_no_category_are_not_paired():
    """Two halls with different items see different citizens: no common random numbers,
    so their difference gets Welch's interval, flagged as unpaired."""
    import pandas as pd

    rng = np.random.default_rng(5)
    rows = []
    for point, cat in ((0, "企业开办"), (1, "tax"), (2, "企业开办")):
        for r in range(8):
            value = 5.0 + point + rng.normal(0, 1)
            rows += [{"point": point, "scenario": f"s{point}", "replication": r, "seed": 1,
                      "metric": "overall.wait_mean", "section": "overall", "item": "",
                      "name": "wait_mean", "value": value},
                     {"point": point, "scenario": f"s{point}", "replication": r, "seed": 1,
                      "metric": f"by_category.{cat}.wait_mean", "section": "by_category",
                      "item": cat, "name": "wait_mean", "value": value}]
    pc = paired_comparison(pd.DataFrame(rows), baseline=0, metrics=["overall.wait_mean"])
    flags = dict(zip(pc["point"], pc["paired"]))
    assert flags == {1: False, 2: True}
    unpaired = pc[pc["point"] == 1].iloc[0]
    assert unpaired["ci95"] == pytest.approx(unpaired["ci95_unpaired"])


def _design_tidy(points: list[dict], response, replications: int = 4, noise: float = 0.05):
    """A tidy table of one base scenario: each point's factor values, the metric drawn
    around ``response(point)`` per replication."""
    import pandas as pd

    rng = np.random.default_rng(11)
    rows = []
    for p, factors in enumerate(points):
        for r in range(replications):
            rows.append({"point": p, "scenario": "大厅", **factors, "replication": r,
                         "seed": 1, "metric": "overall.wait_mean", "section": "overall",
                         "item": "", "name": "wait_mean",
                         "value": response(factors) + rng.normal(0, noise)})
    return pd.DataFrame(rows)


def test_a_latin_hypercube_reads_linear_effects_where_level_means_would_mislead():
    """A planner's hypercube happens to pair few windows with low demand: the mean of the
    low-demand points is then *higher* (their few windows), although demand raises waits.
    The design is not crossed, and least squares over the points gives each factor its
    own slope: +8 per unit of demand, -1.5 per window, within their intervals."""
    from sim.batch.analysis import crossed, linear_effects

    demand = np.linspace(0.8, 1.2, 12)
    windows = np.array([3, 3, 4, 3, 4, 5, 4, 5, 6, 5, 6, 6])
    points = [{"arrival_scale": float(a), "windows.B.count": int(w)}
              for a, w in zip(demand, windows)]
    tidy = _design_tidy(points, lambda f: 8 * f["arrival_scale"] - 1.5 * f["windows.B.count"])
    assert not crossed(tidy)
    effects = linear_effects(tidy, "overall.wait_mean").set_index("factor")
    for factor, slope in (("arrival_scale", 8.0), ("windows.B.count", -1.5)):
        row = effects.loc[factor]
        assert abs(row["slope"] - slope) <= row["slope_ci95"] < 0.5 * abs(slope)
    assert effects.loc["windows.B.count", "effect"] == pytest.approx(
        3 * effects.loc["windows.B.count", "slope"])  # over its range, 3 to 6
    assert effects["r2"].iloc[0] > 0.99
    # the binned means alone would say demand lowers waits (few windows at low demand)
    low = main_effects(tidy, "overall.wait_mean")
    by_demand = low[low["factor"] == "arrival_scale"]["mean"].to_numpy()
    assert by_demand[0] > by_demand[-1]  # the confounded reading


def test_a_full_factorial_is_crossed_and_one_point_missing_is_not():
    from sim.batch.analysis import crossed

    points = [{"arrival_scale": a, "windows.B.count": w, "规则": r}
              for a in (0.9, 1.1) for w in (3, 4) for r in ("先到先办", "预约优先")]
    tidy = _design_tidy(points, lambda f: f["arrival_scale"] - f["windows.B.count"])
    assert crossed(tidy)
    assert not crossed(tidy[tidy["point"] != 5])  # a point missing: no longer crossed


def test_factors_that_move_together_get_no_slope_rather_than_a_guess():
    """A list of points where the tax windows are always twice the social ones: the
    design cannot tell their effects apart, so neither gets a slope; demand, varied on
    its own, still does."""
    from sim.batch.analysis import crossed, linear_effects

    points = [{"arrival_scale": a, "windows.B.count": b, "windows.C.count": 2 * b}
              for a, b in ((0.9, 2), (1.0, 3), (1.1, 2), (1.2, 4), (0.95, 4), (1.05, 3))]
    tidy = _design_tidy(points, lambda f: 6 * f["arrival_scale"] - f["windows.C.count"])
    effects = linear_effects(tidy, "overall.wait_mean").set_index("factor")
    assert effects[["slope", "slope_ci95"]].loc[["windows.B.count", "windows.C.count"]] \
        .isna().all().all()
    assert abs(effects.loc["arrival_scale", "slope"] - 6) <= \
        effects.loc["arrival_scale", "slope_ci95"]
    assert crossed(_design_tidy([{"arrival_scale": 1.0}] * 2, lambda f: 1.0))
