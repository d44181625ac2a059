"""Story: a store comes back from a colleague damaged (a summary edited by hand into
something that is not JSON, a finished run whose summary is gone, the runs table dropped)
or made by an older hallsim (layout ``hallsim-store/1``). ``batch summary``, ``export``,
``report`` and ``status`` used to fail with exit 1 (JSONDecodeError, "no such table:
runs", a TypeError), or worse, export 0 rows and call the store fine. Each now exits 2
saying the store is damaged, or that it is another version's, before writing anything."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from sim.cli.main import main

QUICKSTART = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    exp = folder / "e.yaml"
    exp.write_text(f"name: e\nscenarios: ['{QUICKSTART}']\ndays: 1\nreplications: 2\n"
                   "engine: simpy\nfactors: {arrival_scale: [1]}\n", encoding="utf-8")
    path = folder / "runs.sqlite"
    assert main(["batch", "run", str(exp), "--store", str(path), "--quiet"]) == 0
    return path


def _damaged(store: Path, tmp_path: Path, sql: str) -> Path:
    copy = tmp_path / "copy.sqlite"
    shutil.copy(store, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute(sql)
    conn.close()
    return copy


VERBS = {
    "summary": lambda s, t: ["batch", "summary", str(s)],
    "status": lambda s, t: ["batch", "status", str(s)],
    "export": lambda s, t: ["batch", "export", str(s), "--out", str(t / "x.csv")],
    "report": lambda s, t: ["report", str(s), "--out", str(t / "rep")],
}
DAMAGE = {
    "summary not JSON": ("UPDATE runs SET summary='{not json'",
                         "the store is damaged (run P0 replication 0 is recorded as finished "
                         "but its summary is not a JSON object)"),
    "summary missing": ("UPDATE runs SET summary=NULL",
                        "the store is damaged (run P0 replication 0 is recorded as finished "
                        "but its summary is missing)"),
    "runs dropped": ("DROP TABLE runs", "the store is damaged (table 'runs' is missing)"),
    "older layout": ("UPDATE meta SET value='hallsim-store/1' WHERE key='schema'",
                     "a store of another hallsim version (layout hallsim-store/1; this "
                     "version reads hallsim-store/2)"),
}


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_or_older_store_exits_2_and_writes_nothing(store, tmp_path, capsys, verb,
                                                             damage):
    sql, says = DAMAGE[damage]
    copy = _damaged(store, tmp_path, sql)
    assert main(VERBS[verb](copy, tmp_path)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hallsim: error: {copy}: {says}")
    assert "Traceback" not in err and "not a hallsim store" not in err
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "rep").exists()


def test_the_intact_store_still_reads(store, tmp_path, capsys):
    assert main(["batch", "status", str(store)]) == 0
    assert main(["batch", "export", str(store), "--out", str(tmp_path / "x.csv")]) == 0
    assert "x.csv: " in capsys.readouterr().err


def test_export_to_an_excel_name_names_the_option(store, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["batch", "export", str(store), "--out", str(tmp_path / "x.xlsx")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "argument --out: " in err and "must end in .csv or .parquet" in err
    assert not (tmp_path / "x.xlsx").exists()
