"""A store at rest is one file: reading it (export, summary, status, report) leaves no
``-wal`` or ``-shm`` files beside it, whether the reading succeeds or fails."""

from __future__ import annotations

from pathlib import Path

from sim.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def beside(store: Path) -> list[str]:
    return sorted(p.name for p in store.parent.iterdir() if p.name.startswith(store.name))


def test_reading_a_finished_store_leaves_it_one_file(tmp_path, capsys):
    experiment = tmp_path / "小实验.yaml"
    experiment.write_text(
        f"name: 小实验\nscenarios: [{ROOT / 'scenarios/quickstart.yaml'}]\ndays: 1\n"
        "factors:\n  arrival_scale: [0.9, 1.1]\nreplications: 2\nseed: 1\n", encoding="utf-8")
    store = tmp_path / "结果.sqlite"
    assert main(["batch", "run", str(experiment), "--store", str(store), "-q", "-j", "1"]) == 0
    assert beside(store) == ["结果.sqlite"]
    assert main(["batch", "export", str(store), "--out", str(tmp_path / "表.csv")]) == 0
    assert main(["batch", "summary", str(store)]) == 0
    assert main(["batch", "status", str(store)]) == 0
    assert main(["batch", "summary", str(store), "--metric", "nonsense.x"]) == 2
    assert main(["batch", "summary", str(store), "--metric", "overall.nonsense"]) == 2
    capsys.readouterr()
    assert beside(store) == ["结果.sqlite"]
