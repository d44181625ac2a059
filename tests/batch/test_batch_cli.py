"""End-to-end stories of ``hallsim batch``: an experiment of 2 factors x 3 levels x 5
replications on two bundled scenarios goes from the command line to a store, an export
and a report; failing runs are recorded while the rest finish; a store refuses another
experiment."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from sim.batch.executors import InlineExecutor, LocalExecutor
from sim.batch.experiment import Outcome, Task, load_experiment, run_experiment, run_task
from sim.batch.store import Store
from sim.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, data: dict[str, Any], name: str = "exp.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


TWO_HALLS = {
    "name": "two-halls",
    "scenarios": {"quickstart": str(ROOT / "scenarios/quickstart.yaml"),
                  "xinglongtai": str(ROOT / "scenarios/xinglongtai/after.yaml")},
    "days": 1,
    "factors": {"arrival_scale": [0.9, 1.0, 1.1], "targets.wait_minutes": [10, 20, 30]},
    "replications": 5,
    "seed": 3,
}


def test_two_factors_three_levels_five_replications_end_to_end(tmp_path: Path, capsys) -> None:
    exp = write(tmp_path, TWO_HALLS)
    store = tmp_path / "runs.sqlite"
    assert main(["batch", "run", str(exp), "--store", str(store), "--workers", "2"]) == 0
    err = capsys.readouterr().err
    assert "18 design points x 5 replications = 90 runs" in err and "90 ok" in err

    with Store.open(store) as s:
        runs = s.runs_frame()
        assert len(runs) == 90 and set(runs["status"]) == {"ok"}
        assert not runs.duplicated(["point", "replication"]).any()
        assert set(runs["seed"]) == {3}
    # the longer target can only lower the share waiting over it (same customers)
    tidy_csv = tmp_path / "tidy.csv"
    assert main(["batch", "export", str(store), "--out", str(tidy_csv)]) == 0
    tidy = pd.read_csv(tidy_csv)
    assert {"point", "scenario", "arrival_scale", "targets.wait_minutes", "replication",
            "seed", "metric", "section", "item", "name", "value"} <= set(tidy.columns)
    assert tidy.groupby(["point", "replication"]).ngroups == 90
    over = tidy[tidy["metric"] == "overall.p_wait_over_target"].pivot_table(
        index=["scenario", "arrival_scale", "replication"], columns="targets.wait_minutes",
        values="value")
    assert (over[10] >= over[20]).all() and (over[20] >= over[30]).all()
    assert "by_category.tax.wait_mean" in set(tidy["metric"])
    assert "by_hour.09.queue_mean" in set(tidy["metric"])

    wide = tmp_path / "wide.parquet"
    assert main(["batch", "export", str(store), "--out", str(wide), "--table", "wide"]) == 0
    frame = pd.read_parquet(wide)
    assert len(frame) == 90 and "overall.wait_mean" in frame.columns

    assert main(["batch", "summary", str(store), "-m", "overall.wait_mean"]) == 0
    out = capsys.readouterr().out
    assert "per design point" in out and "differences against point" in out \
        and "main effects" in out

    # the same units as `hallsim run`: shares in percent, differences in points
    assert main(["batch", "summary", str(store)]) == 0
    captured = capsys.readouterr()
    assert "not called within target %" in captured.out and " pp" not in captured.out.split(
        "differences")[0]
    quick = tidy[(tidy["metric"] == "overall.p_wait_over_target") & (tidy["point"] == 1)]
    shown = 100 * quick["value"].mean()
    assert f"{shown:.2f} ±" in captured.out
    # quickstart and xinglongtai share social_insurance: every point is paired
    assert "share no category" not in captured.err

    # unknown metric names are bad input, before anything is written
    for verb in (["batch", "summary", str(store)], ["report", str(store), "--out",
                                                     str(tmp_path / "r2")]):
        assert main([*verb, "-m", "overall.nonsense"]) == 2
        assert "nonsense" in capsys.readouterr().err
    assert not (tmp_path / "r2").exists()

    report = tmp_path / "report"
    assert main(["report", str(store), "--out", str(report)]) == 0
    html = (report / "index.html").read_text(encoding="utf-8")
    assert "two-halls" in html and "seed" in html and "hallsim version" in html
    pngs = sorted(p.name for p in report.glob("*.png"))
    assert any("cdf" in p for p in pngs) and any("heatmap" in p for p in pngs)
    assert any(p.startswith("factors_") for p in pngs)
    for p in pngs:
        assert f'src="{p}"' in html


def test_an_invalid_design_point_is_recorded_and_the_others_finish(tmp_path: Path) -> None:
    data = {"name": "with-a-bad-point", "scenarios": [str(ROOT / "scenarios/quickstart.yaml")],
            "days": 1, "factors": {"windows.B.count": [0, 3, 4]}, "replications": 3,
            "on_invalid": "record"}
    store = tmp_path / "s.sqlite"
    assert main(["batch", "run", str(write(tmp_path, data)), "--store", str(store), "-q",
                 "-j", "2"]) == 0
    with Store.open(store) as s:
        runs = s.runs_frame()
    bad = runs[runs["point"] == 0]
    assert list(bad["status"]) == ["invalid"] * 3
    assert bad["error"].str.contains("windows.B.count").all()
    assert bad["error"].str.contains("greater than or equal to 1").all()
    assert set(runs[runs["point"] > 0]["status"]) == {"ok"} and len(runs) == 9


def test_a_store_whose_baseline_point_is_invalid_is_still_summarised(tmp_path: Path,
                                                                     capsys) -> None:
    """Zero windows make point 0 (the baseline) invalid: the summary warns and compares
    against P1, the first point that ran, as the report does; the status counts nothing
    left to run and says what a resume would do."""
    data = {"name": "bad-baseline", "scenarios": [str(ROOT / "scenarios/quickstart.yaml")],
            "days": 1, "factors": {"windows.B.count": [0, 3, 4]}, "replications": 2,
            "on_invalid": "record"}
    store = tmp_path / "s.sqlite"
    assert main(["batch", "run", str(write(tmp_path, data)), "--store", str(store), "-q"]) == 0
    capsys.readouterr()
    assert main(["batch", "summary", str(store)]) == 0
    out, err = capsys.readouterr()
    assert "baseline point P0 has no finished run: differences against P1" in err
    assert "differences against point P1" in out
    assert main(["batch", "summary", str(store), "--baseline", "0"]) == 2  # asked for: refused
    capsys.readouterr()
    assert main(["batch", "status", str(store)]) == 0
    out = capsys.readouterr().out
    assert "6 runs, 6 recorded" in out and "0 left to run" in out and "runs these 2 again" in out


BOOM_POINT = 1


def exploding(task: Task) -> Outcome:
    """Run a task, except that every run of design point 1 raises inside the worker."""
    if task.point == BOOM_POINT and task.replication % 2 == 0:
        raise RuntimeError("the engine fell over")
    return run_task(task)


@pytest.mark.parametrize("executor", [InlineExecutor, lambda: LocalExecutor(2)])
def test_a_run_that_raises_is_recorded_with_its_error(tmp_path: Path, executor) -> None:
    data = {"name": "raises", "scenarios": [str(ROOT / "scenarios/quickstart.yaml")],
            "days": 1, "factors": {"windows.B.count": [3, 4, 5]}, "replications": 4}
    exp = load_experiment(write(tmp_path, data))
    with Store.for_experiment(tmp_path / "s.sqlite", exp) as store, executor() as ex:
        report = run_experiment(exp, store, ex, work=exploding)
        runs = store.runs_frame()
    assert report.ran == 12 and report.failed == 2
    failed = runs[runs["status"] == "failed"]
    assert list(zip(failed["point"], failed["replication"])) == [(1, 0), (1, 2)]
    assert failed["error"].str.contains("RuntimeError: the engine fell over").all()
    assert (runs["status"] == "ok").sum() == 10


def test_resuming_a_store_of_another_experiment_exits_2(tmp_path: Path, capsys) -> None:
    data = {"name": "a", "scenarios": [str(ROOT / "scenarios/quickstart.yaml")], "days": 1,
            "factors": {"windows.B.count": [3, 4]}, "replications": 2}
    store = str(tmp_path / "s.sqlite")
    assert main(["batch", "run", str(write(tmp_path, data)), "--store", store, "-q"]) == 0
    data["factors"] = {"windows.B.count": [3, 5]}
    assert main(["batch", "run", str(write(tmp_path, data)), "--store", store, "-q"]) == 2
    err = capsys.readouterr().err
    assert "holds experiment 'a'" in err and "not the one in" in err
    # the same command again resumes: nothing left to do
    data["factors"] = {"windows.B.count": [3, 4]}
    assert main(["batch", "run", str(write(tmp_path, data)), "--store", store]) == 0
    assert "4 already done, 0 run now" in capsys.readouterr().err
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 4


def test_batch_with_an_experiment_file_means_batch_run():
    from sim.cli.main import _batch_shorthand

    assert _batch_shorthand(["batch", "exp.yaml", "--store", "s"]) == \
        ["batch", "run", "exp.yaml", "--store", "s"]
    assert _batch_shorthand(["batch", "export", "s", "--out", "t.csv"])[1] == "export"
    assert _batch_shorthand(["batch", "--help"]) == ["batch", "--help"]


def test_an_export_of_a_chinese_experiment_opens_in_excel_with_its_names(tmp_path: Path) -> None:
    """The CSV export carries a byte-order mark: Excel then reads the scenario and
    item names in Chinese instead of mojibake; pandas reads the same table."""
    hall = str(ROOT / "scenarios/tianjin_centre/after.yaml")
    exp = write(tmp_path, {"name": "天津对比", "scenarios": {"天津中心": hall},
                           "days": 1, "factors": {"arrival_scale": [1.0]}, "replications": 1,
                           "seed": 5})
    store, out = tmp_path / "runs.sqlite", tmp_path / "导出.csv"
    assert main(["batch", "run", str(exp), "--store", str(store), "-q"]) == 0
    assert main(["batch", "export", str(store), "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(out)
    assert table.columns[0] == "point" and set(table["scenario"]) == {"天津中心"}
    assert table["item"].astype(str).str.contains("[\u4e00-\u9fff]").any()


def test_the_summary_of_a_latin_hypercube_gives_linear_effects(tmp_path: Path, capsys) -> None:
    """Main effects of a hypercube would mix each factor with the others: the summary gives
    each factor its slope from all points at once, and more social windows wait less."""
    data = {"name": "hypercube", "scenarios": [str(ROOT / "scenarios/quickstart.yaml")],
            "days": 1, "replications": 2, "seed": 4,
            "factors": {"windows.B.count": {"low": 3, "high": 6, "integer": True},
                        "arrival_scale": {"low": 0.9, "high": 1.1}},
            "design": {"type": "lhs", "points": 12, "seed": 2}}
    store = tmp_path / "lhs.sqlite"
    assert main(["batch", "run", str(write(tmp_path, data)), "--store", str(store), "-q"]) == 0
    capsys.readouterr()
    assert main(["batch", "summary", str(store)]) == 0
    out = capsys.readouterr().out
    assert "main effects" not in out and "linear effects on mean wait min" in out
    row = next(ln for ln in out.splitlines() if "windows.B.count" in ln and "3–6" in ln)
    assert row.split("3–6")[1].split()[0].startswith("-")  # per unit: fewer minutes
