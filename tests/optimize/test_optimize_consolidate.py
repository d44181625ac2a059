"""Stories about consolidation: pooling and the long chain.

Four balanced departments, no slowdown, the same headcount in every structure:
the chain (each department's windows also serve the next department, in a ring)
gets most of the wait reduction that full pooling gets over dedicated windows.
"""

from __future__ import annotations

import json

from optimize.consolidate import consolidate
from optimize.spec import spec_from_dict
from sim.cli.main import main
from sim.report.consolidation import consolidation_table
from sim.scenario.model import dump_scenario, scenario_from_dict


def balanced_hall(windows_per_department: int = 2, rho: float = 0.85, days: int = 10):
    m = windows_per_department
    cats = {f"item{d}": {"department": f"dept{d}", "zone": "front" if d < 2 else "back",
                         "arrivals_per_hour": rho * m * 60 / 10,
                         "service": {"dist": "exponential", "mean": 10}} for d in range(4)}
    return scenario_from_dict({
        "name": "four-balanced", "hall": {"open": ["08:00-16:00"], "days": days},
        "categories": cats,
        "windows": [{"id": f"W{d}", "count": m, "serves": [f"item{d}"]} for d in range(4)]})


def test_the_long_chain_gets_most_of_full_poolings_wait_reduction():
    doc = consolidate(balanced_hall(), spec_from_dict({}, "t"), ("dedicated", "chain", "full"),
                      replications=10, seed=3, slowdowns=(1.0, 1.3))
    s = doc["structures"]
    assert s["dedicated"]["windows"] == {f"DED-dept{d}": 2 for d in range(4)}
    assert s["full"]["windows"] == {"FULL": 8}
    ded, chain, full = (s[k]["today"]["wait_mean"] for k in ("dedicated", "chain", "full"))
    share = (ded - chain) / (ded - full)
    print(f"mean wait: dedicated {ded:.2f}, chain {chain:.2f}, full {full:.2f} min; chain gets "
          f"{share:.0%} of full's reduction")
    assert full < chain < ded
    assert share >= 0.7
    for k in ("chain", "full"):
        d = s[k]["vs_dedicated"]["wait_mean"]
        assert d["diff"] < 0 and d["significant"]
    # least cost: pooling never needs more staff than dedicated windows
    assert s["full"]["optimised"]["cost"] <= s["chain"]["optimised"]["cost"] \
        <= s["dedicated"]["optimised"]["cost"]
    sweep = doc["speed_sweep"]["rows"]
    assert sweep[0]["full"]["wait_mean"] < sweep[0]["chain"]["wait_mean"]
    # 30% slower generalists: full pooling loses to the chain
    assert sweep[1]["full"]["wait_mean"] > sweep[1]["chain"]["wait_mean"]
    # interval-based: full is significantly better at equal speed, significantly worse
    # at 30% slower, so the crossover lies after 1.0 and at the latest 1.3
    equal, slower = (row["full_minus_chain"]["wait_mean"] for row in sweep)
    assert equal["diff"] + equal["ci95"] < 0 < slower["diff"] - slower["ci95"]
    assert 1.0 < doc["speed_sweep"]["full_stops_beating_chain_on_wait_at"] <= 1.3
    table = consolidation_table(doc)
    assert "speed sweep" in table and "P90 wait" in table
    # the sweep's verdict reads as a sentence, whichever way it went
    assert "on mean wait, full beats chain " in table and "on least cost, full beats chain" in table


def test_consolidate_cli_writes_json_and_figure(tmp_path, capsys):
    path = tmp_path / "hall.yaml"
    path.write_text(dump_scenario(balanced_hall(days=2)), encoding="utf-8")
    out, fig = tmp_path / "c.json", tmp_path / "c.png"
    code = main(["consolidate", str(path), "--structures", "dedicated,zone,full", "-r", "3",
                 "--slowdowns", "1.0,1.2", "--json", str(out), "--figure", str(fig)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    doc = json.loads(out.read_text())
    assert list(doc["structures"]) == ["dedicated", "zone", "full"]
    assert fig.stat().st_size > 10_000
    assert "least cost" in captured.out
    # the reference row says what it is, and the service level has its one name
    assert "dedicated *" in captured.out and "* dedicated: one window type per" in captured.out
    assert "not called within 20 min %" in captured.out
    assert "\r" not in captured.err  # no bar when stderr is not a terminal (a log)
    code = main(["consolidate", str(path), "--structures", "dedicated,ring"])
    assert code == 2
    assert "ring" in capsys.readouterr().err


def test_the_study_reads_in_chinese_for_a_planner_who_asked(tmp_path, capsys):
    """Under ``--lang zh`` the consolidation study names its structures as the optimise
    tab does (专窗, 分区综合, 全事项综合), its columns, its reference note and its verdict
    in Chinese, and the figure beside it is written too."""
    from sim.report.i18n import set_language

    path = tmp_path / "大厅.yaml"
    path.write_text(dump_scenario(balanced_hall(days=2)), encoding="utf-8")
    out, fig = tmp_path / "c.json", tmp_path / "对比.png"
    try:
        code = main(["--lang", "zh", "consolidate", str(path), "--structures",
                     "dedicated,zone,full", "-r", "3", "--slowdowns", "1.0,1.2",
                     "--json", str(out), "--figure", str(fig)])
    finally:
        set_language("en")
    text = capsys.readouterr().out
    assert code == 0
    assert "专窗 *" in text and "分区综合" in text and "全事项综合" in text
    assert "* 专窗：每个部门一类窗口" in text and "办理速度扫描" in text
    assert "按平均等待，" in text and "按最低成本，" in text
    for english in ("structure", "least cost", "dedicated", "speed sweep", "beats"):
        assert english not in text
    assert fig.stat().st_size > 10_000
