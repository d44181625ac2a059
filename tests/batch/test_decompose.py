"""``hallsim decompose``: splitting a reform's effect between its changes.

Stories:
- two halls' windows, each given one more window by its own change: the changes
  cannot interact, so each Shapley value is that change's effect alone and the
  interaction is nil, and both agree with Erlang C;
- two identical extra windows at one overloaded window: each removes the same
  bottleneck, so together they do less than twice one of them (a positive
  interaction on the wait) and Shapley splits the total evenly between them,
  as Erlang C says it should;
- in every replication the attributions add up to the total effect exactly, and the
  intervals are those of the paired replications;
- an interrupted decomposition resumes from its store; bad input exits 2 naming
  the file and the field.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy import stats

from sim.batch.decompose import (
    DEFAULT_METRICS,
    MAX_CHANGES,
    MAX_FULL_CHANGES,
    Change,
    decompose_metric,
    load_change,
    merge_patch,
    metric_info,
    mobius,
    plan_decomposition,
    run_decomposition,
    shapley_full,
    shapley_orders,
    values_matrix,
)
from sim.batch.executors import InlineExecutor
from sim.batch.experiment import run_experiment
from sim.batch.store import Store
from sim.cli.decompose_cmd import _colour
from sim.cli.main import main
from sim.stats import registry
from sim.stats.theory import mmc_wait_mean

# --- scenarios ---------------------------------------------------------------------


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _two_halls(tmp: Path) -> tuple[Path, list[Change]]:
    """Two departments, each with its own windows and its own customers (M/M/c, no
    abandonment, open around the clock)."""
    base = {
        "name": "两个大厅",
        "hall": {"open": ["00:00-24:00"], "days": 12, "warmup_days": 2},
        "categories": {
            "不动产登记": {"arrivals_per_hour": 5.0,
                      "service": {"dist": "exponential", "mean": 20.0}},  # a = 1.667
            "社保": {"arrivals_per_hour": 12.0,
                   "service": {"dist": "exponential", "mean": 8.0}},  # a = 1.6
        },
        "windows": [{"id": "不动产窗口", "count": 2, "serves": ["不动产登记"]},
                    {"id": "社保窗口", "count": 2, "serves": ["社保"]}],
    }
    path = _write(tmp / "base.yaml", base)
    a = _write(tmp / "a.yaml", {"windows": {"不动产窗口": {"count": 3}}})
    b = _write(tmp / "b.yaml", {"windows": {"社保窗口": {"count": 3}}})
    return path, [load_change("不动产加窗", a), load_change("社保加窗", b)]


def _one_bottleneck(tmp: Path) -> tuple[Path, list[Change]]:
    """One overloaded window (rho = 0.8); each change adds an identical window."""
    base = {
        "name": "瓶颈",
        "hall": {"open": ["00:00-24:00"], "days": 12, "warmup_days": 2},
        "categories": {"企业开办": {"arrivals_per_hour": 4.8,
                                "service": {"dist": "exponential", "mean": 10.0}}},
        "windows": [{"id": "W1", "count": 1, "serves": ["企业开办"]}],
    }
    path = _write(tmp / "base.yaml", base)
    x = _write(tmp / "x.yaml", {"windows": {"窗口X": {"count": 1, "serves": ["企业开办"]}}})
    y = _write(tmp / "y.yaml", {"windows": {"窗口Y": {"count": 1, "serves": ["企业开办"]}}})
    return path, [load_change("X", x), load_change("Y", y)]


def _run(tmp: Path, base: Path, changes: list[Change], reps: int, seed: int = 11):
    plan = plan_decomposition(base, changes, reps, seed=seed)
    with InlineExecutor() as ex:
        doc = run_decomposition(plan, tmp / "store.sqlite", ex,
                                metrics=["overall.wait_mean", "overall.p_wait_over_target",
                                         "by_category.*.wait_mean"])
    return plan, doc


def _inside(entry: dict, value: float) -> bool:
    return entry["low"] <= value <= entry["high"]


# --- additive changes --------------------------------------------------------------


def test_changes_to_separate_halls_add_up_and_do_not_interact(tmp_path: Path) -> None:
    base, changes = _two_halls(tmp_path)
    plan, doc = _run(tmp_path, base, changes, reps=8)
    wait = doc["metrics"]["overall.wait_mean"]
    # every customer is served, so the overall mean is a sum over the two halls' customers:
    # the interaction is nil in every replication, not only on average
    with Store.open(tmp_path / "store.sqlite") as store:
        v = values_matrix(store, plan, "overall.wait_mean")
    m = mobius(v, 2)
    assert np.max(np.abs(m[:, 3])) < 1e-9 * np.max(np.abs(v))
    inter = wait["interactions"]["不动产加窗+社保加窗"]
    assert abs(inter["mean"]) < 1e-9 and _inside(inter, 0.0)
    for name in ("不动产加窗", "社保加窗"):
        assert wait["shapley"][name]["mean"] == pytest.approx(wait["alone"][name]["mean"],
                                                              abs=1e-9)
        assert wait["shapley"][name]["high"] < 0  # a window more shortens the wait
    # per hall, against Erlang C: the change to one hall moves only that hall's wait,
    # by the M/M/2 -> M/M/3 difference
    for cat, name, lam, mu in (("不动产登记", "不动产加窗", 5.0, 3.0),
                               ("社保", "社保加窗", 12.0, 7.5)):
        d = doc["metrics"][f"by_category.{cat}.wait_mean"]
        theory = (mmc_wait_mean(lam, mu, 3) - mmc_wait_mean(lam, mu, 2)) * 60
        assert _inside(d["shapley"][name], theory), (cat, d["shapley"][name], theory)
        other = next(n for n in d["shapley"] if n != name)
        assert d["shapley"][other]["mean"] == pytest.approx(0.0, abs=1e-9)


# --- a known interaction -----------------------------------------------------------


def test_two_cures_of_one_bottleneck_share_the_credit_evenly(tmp_path: Path) -> None:
    base, changes = _one_bottleneck(tmp_path)
    plan, doc = _run(tmp_path, base, changes, reps=10)
    wait = doc["metrics"]["overall.wait_mean"]
    lam, mu = 4.8, 6.0
    w1, w2, w3 = (mmc_wait_mean(lam, mu, c) * 60 for c in (1, 2, 3))
    # together they do less than twice one of them: a positive interaction on the wait
    inter = wait["interactions"]["X+Y"]
    assert inter["low"] > 0
    assert _inside(inter, w3 - 2 * w2 + w1)
    # symmetric changes: Shapley splits the total evenly (the paired difference of the two
    # attributions is zero within its interval), each half of the Erlang C total
    with Store.open(tmp_path / "store.sqlite") as store:
        v = values_matrix(store, plan, "overall.wait_mean")
    phi = shapley_full(v, 2)
    diff = phi[:, 0] - phi[:, 1]
    half = stats.t.ppf(0.975, len(diff) - 1) * stats.sem(diff)
    assert abs(diff.mean()) <= half
    for name in ("X", "Y"):
        assert _inside(wait["shapley"][name], (w3 - w1) / 2)
        assert wait["shapley"][name]["mean"] == pytest.approx(
            wait["alone"][name]["mean"] + inter["mean"] / 2, rel=1e-9)


# --- exact sums and paired intervals -----------------------------------------------


def test_attributions_sum_to_the_total_in_every_replication(tmp_path: Path) -> None:
    base, changes = _one_bottleneck(tmp_path)
    plan, doc = _run(tmp_path, base, changes, reps=6)
    with Store.open(tmp_path / "store.sqlite") as store:
        for metric, d in doc["metrics"].items():
            v = values_matrix(store, plan, metric)
            total = v[:, -1] - v[:, 0]
            np.testing.assert_allclose(shapley_full(v, 2).sum(axis=1), total, atol=1e-12)
            np.testing.assert_allclose(mobius(v, 2)[:, 1:].sum(axis=1), total, atol=1e-12)
            assert d["max_sum_residual"] < 1e-9


def test_intervals_are_those_of_the_paired_replications(tmp_path: Path) -> None:
    base, changes = _two_halls(tmp_path)
    plan, doc = _run(tmp_path, base, changes, reps=8)
    with Store.open(tmp_path / "store.sqlite") as store:
        v = values_matrix(store, plan, "overall.wait_mean")
    d = doc["metrics"]["overall.wait_mean"]
    paired = v[:, -1] - v[:, 0]
    t = stats.t.ppf(0.975, len(paired) - 1)
    assert d["total_effect"]["ci"] == pytest.approx(t * stats.sem(paired), rel=1e-9)
    phi = shapley_full(v, 2)[:, 0]
    assert d["shapley"]["不动产加窗"]["ci"] == pytest.approx(t * stats.sem(phi), rel=1e-9)
    # common random numbers make the pairing pay: the other hall's customers are the same
    # in both runs, so their noise cancels from the effect of one hall's change; comparing
    # independent samples would keep it
    alone = v[:, 1] - v[:, 0]
    unpaired = t * math.sqrt(stats.sem(v[:, 1]) ** 2 + stats.sem(v[:, 0]) ** 2)
    assert d["alone"]["不动产加窗"]["ci"] == pytest.approx(t * stats.sem(alone), rel=1e-9)
    assert d["alone"]["不动产加窗"]["ci"] < 0.8 * unpaired


# --- the arithmetic on its own -----------------------------------------------------


def test_shapley_matches_the_average_over_every_order() -> None:
    rng = np.random.default_rng(3)
    k = 4
    v = rng.normal(size=(5, 2 ** k))
    expected = np.zeros((5, k))
    orders = list(itertools.permutations(range(k)))
    for order in orders:
        m = 0
        for i in order:
            expected[:, i] += v[:, m | 1 << i] - v[:, m]
            m |= 1 << i
    np.testing.assert_allclose(shapley_full(v, k), expected / len(orders), atol=1e-12)
    masks = list(range(2 ** k))
    np.testing.assert_allclose(shapley_orders(v, masks, orders, k), expected / len(orders),
                               atol=1e-12)
    # Shapley = each Möbius term shared equally among its members
    m = mobius(v, k)
    shared = np.zeros((5, k))
    for mask in range(1, 2 ** k):
        size = bin(mask).count("1")
        for i in range(k):
            if mask >> i & 1:
                shared[:, i] += m[:, mask] / size
    np.testing.assert_allclose(shapley_full(v, k), shared, atol=1e-12)


def test_a_sampled_design_beyond_the_full_limit_still_sums_exactly(tmp_path: Path) -> None:
    base, _ = _one_bottleneck(tmp_path)
    k = MAX_FULL_CHANGES + 1
    changes = [load_change(f"c{i}", _write(tmp_path / f"c{i}.yaml",
                                           {"windows": {f"G{i}": {"count": 1,
                                                                  "serves": ["企业开办"]}}}))
               for i in range(k)]
    plan = plan_decomposition(base, changes, 3, seed=5, permutations=4)
    assert plan.design == "sampled" and len(plan.masks) < 2 ** k
    assert plan.masks[0] == 0 and 2 ** k - 1 in plan.masks
    # on a synthetic game: exact sums; an additive game gives each change its own effect
    rng = np.random.default_rng(1)
    effects = rng.normal(size=k)
    v = np.array([[sum(effects[i] for i in range(k) if m >> i & 1) for m in plan.masks]])
    v = v + rng.normal(size=(4, 1))
    assert plan.orders is not None
    phi = shapley_orders(v, plan.masks, plan.orders, k)
    np.testing.assert_allclose(phi, np.tile(effects, (4, 1)), atol=1e-12)
    v2 = rng.normal(size=(4, len(plan.masks)))
    d = decompose_metric(v2, plan)
    assert d["max_sum_residual"] < 1e-12 and "interactions" not in d


def test_patches_merge_mappings_and_replace_lists() -> None:
    base = {"hall": {"open": ["08:30-12:00"], "days": 5},
            "categories": {"税务": {"service": {"dist": "lognormal", "mean": 9, "cv": 0.7},
                                  "patience": {"dist": "exponential", "mean": 60}}},
            "windows": [{"id": "A", "count": 2, "serves": ["税务"]},
                        {"id": "B", "count": 1, "serves": ["税务"]}]}
    out = merge_patch(base, {"hall": {"days": 3},
                             "categories": {"税务": {"service": {"mean": 6}, "patience": None}},
                             "windows": {"A": {"count": 3}, "B": None,
                                         "C": {"count": 1, "serves": ["税务"]}}})
    assert out["hall"] == {"open": ["08:30-12:00"], "days": 3}
    assert out["categories"]["税务"] == {"service": {"dist": "lognormal", "mean": 6, "cv": 0.7}}
    assert [(g["id"], g["count"]) for g in out["windows"]] == [("A", 3), ("C", 1)]
    assert base["windows"][0]["count"] == 2  # the base is not changed
    replaced = merge_patch(base, {"windows": [{"id": "Z", "count": 4, "serves": ["税务"]}]})
    assert [g["id"] for g in replaced["windows"]] == ["Z"]


# --- resuming ----------------------------------------------------------------------


class _Interrupting(InlineExecutor):
    """Runs ``n`` items, then stops as a Ctrl-C would."""

    def __init__(self, n: int) -> None:
        self.n = n

    def map_unordered(self, fn, items):
        for k, item in enumerate(items):
            if k == self.n:
                raise KeyboardInterrupt
            yield item, fn(item), None


class _Refusing(InlineExecutor):
    def map_unordered(self, fn, items):
        assert not list(items), "a finished decomposition must not run anything again"
        return iter(())


def test_an_interrupted_decomposition_resumes_with_the_same_figures(tmp_path: Path) -> None:
    base, changes = _two_halls(tmp_path)
    base_days = tmp_path / "short.yaml"
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    data["hall"].update(days=3, warmup_days=1)
    _write(base_days, data)
    plan = plan_decomposition(base_days, changes, 3, seed=4)
    store = tmp_path / "resumed.sqlite"
    with Store.for_experiment(store, plan.experiment) as s, \
            pytest.raises(KeyboardInterrupt):
        run_experiment(plan.experiment, s, _Interrupting(5))
    with Store.open(store) as s:
        assert len(s.finished()) == 5
    resumed = run_decomposition(plan, store, InlineExecutor())
    again = run_decomposition(plan, store, _Refusing())
    fresh = run_decomposition(plan, tmp_path / "fresh.sqlite", InlineExecutor())
    assert resumed["metrics"] == fresh["metrics"] == again["metrics"]


# --- the command line --------------------------------------------------------------


def test_command_line_writes_the_document_and_the_waterfall(tmp_path: Path, capsys) -> None:
    base, _ = _one_bottleneck(tmp_path)
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    data["hall"].update(days=3, warmup_days=1)
    _write(base, data)
    out, fig = tmp_path / "d.json", tmp_path / "w.png"
    rc = main(["decompose", str(base), "--change", f"加窗X={tmp_path / 'x.yaml'}",
               "--change", f"加窗Y={tmp_path / 'y.yaml'}", "-r", "3", "--json", str(out),
               "--figure", str(fig), "--store", str(tmp_path / "s.sqlite")])
    assert rc == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc["metrics"]["overall.wait_mean"]["shapley"]) == {"加窗X", "加窗Y"}
    assert doc["combinations"] == 4 and doc["design"] == "full"
    assert fig.read_bytes()[:4] == b"\x89PNG"
    printed = capsys.readouterr().out
    assert "Shapley 加窗X" in printed and "interaction 加窗X+加窗Y" in printed


@pytest.mark.parametrize("patch, field", [
    ({"windowz": {"A": {"count": 2}}}, "windowz"),
    ({"windows": {"W1": {"count": 0}}}, "windows"),
])
def test_a_bad_patch_exits_2_naming_file_and_field(tmp_path: Path, capsys, patch, field):
    base, _ = _one_bottleneck(tmp_path)
    bad = _write(tmp_path / "坏补丁.yaml", patch)
    assert main(["decompose", str(base), "--change", f"bad={bad}"]) == 2
    err = capsys.readouterr().err
    assert "坏补丁.yaml" in err and f"'{field}" in err and "Traceback" not in err


def test_bad_change_syntax_and_too_many_changes_exit_2(tmp_path: Path, capsys) -> None:
    base, _ = _one_bottleneck(tmp_path)
    for name in ("x.yaml", "y.yaml"):
        (tmp_path / name).write_text("windows: {A: {count: 2}}\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:  # the command line's own error, as argparse's
        main(["decompose", str(base), "--change", str(tmp_path / "x.yaml")])
    assert stop.value.code == 2
    assert "is not NAME=FILE (e.g. 集中=patch.yaml)" in capsys.readouterr().err
    many = [a for i in range(MAX_CHANGES + 1) for a in ("--change", f"c{i}={tmp_path / 'x.yaml'}")]
    assert main(["decompose", str(base), *many]) == 2
    assert f"at most {MAX_CHANGES}" in capsys.readouterr().err
    twice = ["--change", f"X={tmp_path / 'x.yaml'}", "--change", f"X={tmp_path / 'y.yaml'}"]
    assert main(["decompose", str(base), *twice]) == 2
    assert "two changes are called 'X'" in capsys.readouterr().err


# --- what the figures are: the metric registry ----------------------------------------


def test_labels_units_and_directions_are_the_registrys() -> None:
    for path in DEFAULT_METRICS:
        info = metric_info(path)
        m = registry.metric("staffed_hours" if path == "overall.window_hours"
                            else path.rsplit(".", 1)[-1])
        assert info["unit"] == m.unit and info["direction"] == m.direction
        assert info["label"].startswith(m.label)
    assert metric_info("journeys.二手房.time_in_hall_mean")["label"].endswith("(二手房)")
    assert metric_info("overall.p_wait_over_target")["unit"] == "%"  # shown in percent
    with pytest.raises(ValueError, match="no figure"):
        metric_info("overall.nonsense")


def test_the_waterfall_colours_a_step_by_whether_it_improves_the_metric() -> None:
    lower, higher = registry.metric("wait_mean"), registry.metric("one_visit_share")
    assert _colour(-1.0, lower.direction) == _colour(+1.0, higher.direction)  # better
    assert _colour(+1.0, lower.direction) == _colour(-1.0, higher.direction)  # worse
    assert _colour(-1.0, lower.direction) != _colour(+1.0, lower.direction)
    assert _colour(+1.0, None) == _colour(-1.0, None)  # neither is better


def test_an_unknown_metric_exits_2_before_any_run(tmp_path: Path, capsys) -> None:
    base, _ = _one_bottleneck(tmp_path)
    assert main(["decompose", str(base), "--change", f"X={tmp_path / 'x.yaml'}",
                 "-m", "overall.nonsense", "--store", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "--metric" in err and "nonsense" in err and "Traceback" not in err
    assert not (tmp_path / "s.sqlite").exists()


def test_the_chinese_table_wears_its_units_in_full_width_brackets(tmp_path: Path) -> None:
    """The decomposition's tables in Chinese: "平均等待 [overall.wait_mean]（分钟）", as the
    catalogue's own labels; English keeps "(min)"."""
    from sim.cli.decompose_cmd import decomposition_table
    from sim.report.i18n import set_language

    doc = {"base": "大厅.yaml", "design": "full", "combinations": 2, "replications": 3,
           "seed": 1, "metrics": {"overall.wait_mean": {
               "label": "mean wait", "unit": "min", "base": {"mean": 5.0, "ci95": 0.5},
               "all_changes": {"mean": 3.0, "ci95": 0.4},
               "total_effect": {"mean": -2.0, "ci95": 0.3}, "shapley": {}, "shapley_share": {},
               "replications_used": 3}}}
    try:
        english = decomposition_table(doc)
        set_language("zh")
        chinese = decomposition_table(doc)
    finally:
        set_language("en")
    assert "[overall.wait_mean] (min)" in english
    assert "[overall.wait_mean]（分钟）" in chinese and " (分钟)" not in chinese
