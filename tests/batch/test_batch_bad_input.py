"""Bad batch input is refused with exit 2 naming the file and field, before any store exists.

Story: a planner mistypes an experiment (10^8 replications, a seed of 2**80, a
15,000-point design) or points ``--scheduler`` at nothing. Each used to run away
(3.2 GB, SQLite overflow, a 34 s hang with exit 1) and leave an empty store and a
lock file. The cases live in ``tests/fuzz/<name>/`` (``case.yaml``: argv, field, why).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import yaml

from sim.batch.experiment import Outcome
from sim.batch.store import Store
from sim.cli.main import main

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
MINE = ["batch_replications_huge", "batch_seed_overflow", "batch_too_many_points",
        "batch_scheduler_unreachable", "report_unknown_metric", "batch_summary_unknown_metric",
        "batch_factor_named_like_a_column"]


@pytest.mark.parametrize("name", MINE)
def test_each_bad_batch_input_exits_2_and_leaves_nothing(name, monkeypatch, capsys):
    folder = FUZZ / name
    case = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    monkeypatch.chdir(folder)
    before = set(folder.iterdir())
    assert main([str(a) for a in case["argv"]]) == 2
    err = capsys.readouterr().err
    assert case["field"] in err and "Traceback" not in err
    if "experiment.yaml" in case["argv"]:
        assert "experiment.yaml" in err or "--scheduler" in err
    assert set(folder.iterdir()) == before  # no store, no lock file, no report


def test_a_finished_batch_leaves_no_lock_file(tmp_path):
    class _Exp:  # the least an experiment needs to make a store
        name, hash, definition, source = "e", "h" * 64, {}, "e.yaml"
        factor_names, replications, seed, baseline, points = (), 1, 2 ** 63 - 1, 0, ()

    path = tmp_path / "runs.sqlite"
    with Store.for_experiment(path, _Exp()) as store:
        assert (tmp_path / "runs.sqlite.lock").exists()
        store.record(Outcome(0, 0, 2 ** 63 - 1, "ok", None, {"overall": {}}, None, 0.1, "w"))
    assert not (tmp_path / "runs.sqlite.lock").exists()
    with sqlite3.connect(path) as conn:  # the largest seed fits SQLite's integer
        assert conn.execute("SELECT seed FROM runs").fetchone()[0] == 2 ** 63 - 1


def test_a_second_writer_is_refused_while_the_first_holds_the_store(tmp_path):
    from sim.files.errors import InputError

    class _Exp:
        name, hash, definition, source = "e", "h" * 64, {}, "e.yaml"
        factor_names, replications, seed, baseline, points = (), 1, 1, 0, ()

    path = tmp_path / "runs.sqlite"
    with Store.for_experiment(path, _Exp()), pytest.raises(InputError, match="another batch"):
        Store.for_experiment(path, _Exp())


def test_a_quoted_number_as_a_level_is_named_with_its_quotes(tmp_path, capsys):
    """YAML reads "2" as text: the error shows the quotes, so the planner sees why a
    number was refused (it used to print hall.days=2 ... should be a valid integer)."""
    exp = tmp_path / "experiment.yaml"
    exp.write_text(yaml.safe_dump({
        "name": "quoted", "scenarios": {"q": str(Path("scenarios/quickstart.yaml").resolve())},
        "days": 1, "replications": 1, "factors": {"hall.days": ["2", 3]}}), encoding="utf-8")
    assert main(["batch", "run", str(exp), "--store", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err
    assert 'hall.days="2"' in err and "valid integer" in err
    assert not (tmp_path / "s.sqlite").exists()
