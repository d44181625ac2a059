"""The results document shown in docs/results.md is what its command writes: a reader who
runs ``hallsim run scenarios/quickstart.yaml --json q.json`` finds every figure the page
shows, to the digits it shows them (the page quoted figures of an older engine once)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sim.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def _shown() -> dict[str, Any]:
    text = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    block = re.search(r"## The document.*?```json\n(.*?)```", text, re.DOTALL)
    assert block is not None
    return json.loads(block[1])


def _leaves(node: Any, path: tuple[str, ...] = ()):
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("...", "meta"):
                yield from _leaves(value, (*path, key))
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path, node


def test_every_figure_the_page_shows_is_what_the_command_writes(tmp_path):
    shown = _shown()
    out = tmp_path / "q.json"
    assert main(["run", "scenarios/quickstart.yaml", "--json", str(out), "-q"]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    leaves = list(_leaves(shown))
    assert len(leaves) > 30
    for path, value in leaves:
        actual = written
        for key in path:
            actual = actual[key]
        digits = len(repr(float(value)).split(".")[1])
        assert abs(actual - value) <= 0.5 * 10 ** -digits + 1e-9, (path, value, actual)
    assert shown["opening"] == written["opening"]
