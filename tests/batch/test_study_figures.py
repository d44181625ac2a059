"""The study READMEs quote what their documented commands print now.

Every table of simulated figures in scenarios/*/README.md is written by
``scenarios/studies.py`` from the commands the README documents; here each study's
commands are run again and the README's table must be what they give, digit for
digit (the simulations are seeded, and the fast engine gives the SimPy engine's
records). When a change moves a figure, ``python scenarios/studies.py`` rewrites
the tables; the prose around them is the author's to check.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _studies():
    spec = importlib.util.spec_from_file_location("studies", ROOT / "scenarios" / "studies.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["studies"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


studies = _studies()


def test_every_study_table_sits_between_its_markers_in_its_readme():
    for table in studies.TABLES.values():
        text = (ROOT / table.readme).read_text(encoding="utf-8")
        start, end = studies.block(text, table.id)
        lines = text[start:end].splitlines()
        assert lines and all(line.startswith("|") for line in lines), table.id


@pytest.mark.slow
@pytest.mark.parametrize("study", ["cangzhou", "tianjin_hotline", "yumen"])
def test_a_readme_quotes_what_its_documented_command_prints(study, tmp_path):
    tables = [t for t in studies.TABLES.values() if t.readme == f"scenarios/{study}/README.md"]
    outputs = studies.run_commands({k for t in tables for k in t.commands}, tmp_path)
    assert studies.differing(tables, outputs) == []


def test_a_figure_the_command_no_longer_gives_is_caught(tmp_path, monkeypatch):
    # the Cangzhou table rendered from a run whose mean wait moved by 0.01 minute
    table = studies.TABLES["cangzhou-compare"]
    readme = tmp_path / "README.md"
    readme.write_text(f"{studies.BEGIN.format(id=table.id)}\n| old |\n{studies.END}\n",
                      encoding="utf-8")
    monkeypatch.setattr(studies, "ROOT", tmp_path)
    moved = studies.Table(table.id, "README.md", (), lambda out: ["| new |"])
    assert studies.differing([moved], {}) == [table.id]
    studies.write([moved], {})
    assert studies.differing([moved], {}) == []
    assert "| new |" in readme.read_text(encoding="utf-8")
