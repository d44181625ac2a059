"""A bad-input message stays one readable paragraph even when the bad value is huge."""

from __future__ import annotations

from sim.cli.main import MAX_MESSAGE, main


def test_a_hundred_kilobyte_name_is_cut_from_the_message(tmp_path, capsys):
    hall = tmp_path / "厅.yaml"
    hall.write_text(
        "name: 厅\nhall: {open: ['08:30-12:00'], days: 1}\ncategories:\n"
        "  社保: {arrivals_per_hour: 5, service: {dist: exponential, mean: 5}}\n"
        f"windows:\n  - {{id: A, count: 1, serves: [{'窗' * 100_000}]}}\n", encoding="utf-8")
    assert main(["validate", str(hall)]) == 2
    err = capsys.readouterr().err
    assert "厅.yaml" in err and "windows.A.serves" in err
    assert len(err) < MAX_MESSAGE + 100
    assert "more characters left out" in err
