"""A planner runs the bundled halls from the command line and compares them."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.cli.main import main

CONTRACT = ["ticket", "category", "day", "arrival", "call", "end", "window", "outcome"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_records_have_the_contract_columns_one_row_per_ticket(tmp_path, suffix, capsys):
    out, doc = tmp_path / f"records{suffix}", tmp_path / "run.json"
    assert main(["run", "scenarios/quickstart.yaml", "-r", "2", "--days", "2",
                 "--records", str(out), "--json", str(doc)]) == 0
    table = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert list(table.columns[1:9]) == CONTRACT and table.columns[0] == "replication"
    results = json.loads(doc.read_text())
    assert len(table) == results["overall"]["arrivals"] * 2
    assert set(table["outcome"]) <= {"served", "abandoned", "balked", "open"}
    served = table[table["outcome"] == "served"]
    assert (served["call"] >= served["arrival"]).all() and served["window"].notna().all()
    assert "mean wait" in capsys.readouterr().out  # the summary table


def test_the_results_document_has_every_contract_key(tmp_path):
    doc = tmp_path / "run.json"
    assert main(["run", "scenarios/quickstart.yaml", "-r", "3", "--days", "2", "-q",
                 "--json", str(doc)]) == 0
    d = json.loads(doc.read_text())
    for key in ("scenario", "seed", "replications", "days", "overall", "ci95", "by_category",
                "by_window", "meta"):
        assert key in d
    for key in ("arrivals", "served", "abandoned", "wait_mean", "wait_p50", "wait_p90",
                "wait_p95", "wait_max", "p_wait_over_target", "abandon_share", "utilisation"):
        assert key in d["overall"]
    for key in ("wait_mean", "wait_p90", "p_wait_over_target", "abandon_share", "utilisation"):
        assert key in d["ci95"] and d["ci95"][key] >= 0
    assert d["replications"] == 3 and d["days"] == 2
    assert {"hallsim_version", "wall_seconds"} <= set(d["meta"])
    assert all({"served", "utilisation"} <= set(w) for w in d["by_window"].values())


def test_compare_pairs_replications_and_names_the_better_hall(tmp_path, capsys):
    out = tmp_path / "cmp.json"
    assert main(["compare", "scenarios/xinglongtai/before.yaml",
                 "scenarios/xinglongtai/after.yaml", "-r", "8", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "xinglongtai-after vs xinglongtai-before" in printed
    d = json.loads(out.read_text())
    assert d["baseline"] == "xinglongtai-before"
    util = d["differences"]["xinglongtai-after"]["overall"]["utilisation"]
    # 10 windows instead of 31 for the same customers: utilisation roughly triples
    assert util["candidate"] > 2.5 * util["baseline"] and util["significant"]
    wait = d["differences"]["xinglongtai-after"]["overall"]["wait_mean"]
    assert wait["diff"] == pytest.approx(wait["candidate"] - wait["baseline"], abs=1e-5)
    # same seeds: both halls saw exactly the same tickets
    before, after = d["scenarios"]["xinglongtai-before"], d["scenarios"]["xinglongtai-after"]
    assert before["overall"]["arrivals"] == after["overall"]["arrivals"]


def test_compare_needs_two_scenarios(capsys):
    assert main(["compare", "scenarios/quickstart.yaml", "-r", "1"]) == 2
    assert "at least two" in capsys.readouterr().err
