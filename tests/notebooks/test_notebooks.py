"""The notebooks run as they stand: every code cell, in order, in one namespace."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest

NOTEBOOKS = sorted(Path("notebooks").glob("*.ipynb"))
#: what each notebook prints once its assertions have passed (every notebook asserts its
#: key numbers itself, against theory or its study's documented result)
PRINTS = {
    "pooling_xinglongtai.ipynb": ("Erlang C", "wait_mean"),
    "tianjin_hotline_by_hour.ipynb": ("Erlang A", "seats needed by hour"),
    "yumen_decomposition.ipynb": ("findings hold",),
    "return_visit_reforms.ipynb": ("theory and direction hold",),
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_cells_run(path, capsys):
    matplotlib.use("Agg")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{path.name}", "exec"), namespace)  # noqa: S102
    printed = capsys.readouterr().out
    assert path.name in PRINTS, f"{path.name}: say in PRINTS what it prints when it succeeds"
    assert all(text in printed for text in PRINTS[path.name])


def test_there_is_a_notebook():
    assert NOTEBOOKS
