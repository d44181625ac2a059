"""Common random numbers at work: on a consolidation experiment (Xinglongtai's 31
single-department windows against 10 comprehensive ones, same customers), the paired
95% interval of the difference is much narrower than the unpaired one. Pairing
replication r with replication r+1 instead (different customers) loses the gain,
which shows that the shrinkage comes from the shared random numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from sim.batch.analysis import main_effects, paired_comparison, point_summary, welch_halfwidth
from sim.batch.executors import InlineExecutor
from sim.batch.experiment import load_experiment, run_experiment
from sim.batch.store import Store
from sim.stats.compare import paired_difference

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
    assert pc["ratio"] < 0.85
    a = tidy[(tidy.point == 0) & (tidy.metric == "overall.wait_mean")]["value"].to_numpy()
    b = tidy[(tidy.point == 1) & (tidy.metric == "overall.wait_mean")]["value"].to_numpy()
    assert np.corrcoef(a, b)[0, 1] > 0.4
    shifted = paired_difference(a, np.roll(b, 1))["ci95"]
    assert shifted > 0.9 * welch_halfwidth(a, b) > pc["ci95"]

    ps = point_summary(tidy, ["overall.wait_mean"])
    assert list(ps["n"]) == [20, 20]
    assert abs(ps["mean"].iloc[1] - ps["mean"].iloc[0] - pc["diff"]) < 1e-12
    assert main_effects(tidy, "overall.wait_mean").empty  # no factors, no effects
