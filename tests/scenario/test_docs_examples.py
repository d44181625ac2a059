"""Story: a new user copies a whole hall from the documentation (the first example of
docs/scenario-format.md is the first thing copied) and validates it: every YAML block in
docs/ and the README that is a whole hall (``hall``, ``categories`` and ``windows``) is
one the scenario model accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sim.scenario.loading import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


def _halls() -> list[tuple[str, dict]]:
    out = []
    for page in PAGES:
        blocks = re.findall(r"```yaml\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
        for k, block in enumerate(blocks):
            try:
                data = yaml.safe_load(block)
            except yaml.YAMLError:
                continue  # a fragment with placeholders, not a file to copy
            if isinstance(data, dict) and {"hall", "categories", "windows"} <= set(data):
                out.append((f"{page.name}#{k}", data))
    return out


HALLS = _halls()


def test_the_format_page_opens_with_a_whole_hall() -> None:
    assert HALLS and HALLS[0][0].startswith("scenario-format.md")


@pytest.mark.parametrize("where,data", HALLS, ids=[w for w, _ in HALLS])
def test_a_hall_copied_from_the_docs_validates(where: str, data: dict) -> None:
    scenario_from_dict(data, where)
