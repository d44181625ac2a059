"""Stories about outputs written atomically (:mod:`sim.files.atomic`): a run's JSON is
there whole or not at all, whatever stops the run or the disk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.cli.main import main
from tests.scenario.test_bad_input import (
    assert_bad_input,
    run,
    scenario,
    with_tax,
    with_window,
    write,
)


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob(".*.tmp"))


def test_a_successful_run_writes_its_json_and_leaves_no_temporary_files(tmp_path, capsys):
    out_dir = tmp_path / "results"
    out = out_dir / "run.json"
    code, err = run(capsys, write(tmp_path, scenario()), "--json", str(out))
    assert code == 0, err
    assert json.loads(out.read_text())["scenario"] == "small-hall"
    assert leftovers(out_dir) == []
    assert [p.name for p in out_dir.iterdir()] == ["run.json"]


def test_a_refused_scenario_writes_no_json_at_all(tmp_path, capsys):
    out_dir = tmp_path / "results"
    out_dir.mkdir()
    out = out_dir / "run.json"
    path = write(tmp_path, with_window(count=0))
    code, err = run(capsys, path, "--json", str(out))
    assert_bad_input(code, err, path, "windows.A.count")
    assert list(out_dir.iterdir()) == []


def test_a_refused_scenario_leaves_yesterdays_results_untouched(tmp_path, capsys):
    out = tmp_path / "run.json"
    out.write_text('{"scenario": "yesterday"}\n')
    path = write(tmp_path, with_tax(service={"dist": "weibull", "mean": 8}))
    code, err = run(capsys, path, "--json", str(out))
    assert code == 2, err
    assert out.read_text() == '{"scenario": "yesterday"}\n'
    assert leftovers(tmp_path) == []


def test_a_disk_that_fills_while_writing_the_json_leaves_no_half_file(tmp_path, capsys,
                                                                      monkeypatch):
    scenario_path = write(tmp_path, scenario())
    out_dir = tmp_path / "results"
    out = out_dir / "run.json"

    def half_then_full(self: Path, text: str, *args: Any, **kwargs: Any) -> int:
        with open(self, "w", encoding="utf-8") as f:
            f.write(text[: len(text) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_then_full)
    code = main(["run", str(scenario_path), "-r", "1", "--quiet", "--json", str(out)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "No space left on device" in err and "Traceback" not in err
    assert list(out_dir.iterdir()) == []

