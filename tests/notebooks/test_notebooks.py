"""The notebooks run as they stand and print what they print once their assertions pass.

With the ``[notebooks]`` extra installed (nbclient, nbformat, ipykernel) each notebook is
executed by nbclient in a fresh kernel, as Jupyter would run it; otherwise (CI installs only
``[test]``) every code cell is executed in order in one namespace in this process. Either
way a failing assertion in a notebook fails its test.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import matplotlib
import pytest

NOTEBOOKS = sorted(Path("notebooks").glob("*.ipynb"))
#: what each notebook prints once its assertions have passed (every notebook asserts its
#: key numbers itself, against theory or its study's documented result)
PRINTS = {
    "pooling_xinglongtai.ipynb": ("Erlang C", "wait_mean"),
    "tianjin_hotline_by_hour.ipynb": ("Erlang A", "seats needed by hour",
                                      "optimiser seats by hour"),
    "yumen_decomposition.ipynb": ("findings hold", "Yumen cross-authorisation: findings hold"),
    "return_visit_reforms.ipynb": ("theory and direction hold",),
}
#: seconds a notebook may take in nbclient before the test fails (each runs well under one
#: minute; the margin is for a loaded machine, not a timing assertion)
CELL_TIMEOUT = 600


def _have_nbclient() -> bool:
    return all(importlib.util.find_spec(m) is not None
               for m in ("nbclient", "nbformat", "ipykernel"))


def _run_with_nbclient(path: Path) -> str:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(Path.cwd())}}).execute()
    return "".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                   for out in cell.get("outputs", []) if out.get("output_type") == "stream")


def _run_in_process(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    matplotlib.use("Agg")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{path.name}", "exec"), namespace)  # noqa: S102
    return capsys.readouterr().out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_cells_run(path, capsys):
    assert path.name in PRINTS, f"{path.name}: say in PRINTS what it prints when it succeeds"
    printed = _run_with_nbclient(path) if _have_nbclient() else _run_in_process(path, capsys)
    assert all(text in printed for text in PRINTS[path.name])


def test_there_is_a_notebook():
    assert NOTEBOOKS
