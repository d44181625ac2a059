"""Story: the calibrated bank's tickets keep arriving until 23:00, but no window serving
PE is staffed from 22:30. The capacity warning said "least possible utilisation inf%";
it now says that no window is staffed, and keeps the percentage for stretches that are
merely short of windows."""

from __future__ import annotations

from pathlib import Path

from sim.cli.main import main

BANK = Path(__file__).resolve().parents[2] / "scenarios" / "calibrated" / \
    "anonymous-bank-1999-01.yaml"


def test_a_stretch_without_staffed_windows_says_so_instead_of_inf_percent(capsys):
    assert main(["validate", str(BANK)]) == 0
    err = capsys.readouterr().err
    assert "inf%" not in err
    assert ("offered load exceeds capacity 22:30-23:00 (day factor 1.115): no window is "
            "staffed for categories PE") in err
    assert "least possible utilisation" in err  # the stretches short of windows keep it
