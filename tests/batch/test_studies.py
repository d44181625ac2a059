"""The seed studies in scenarios/<place>/: every file loads, every patch applies, and each
study's after.yaml is exactly its before.yaml with its patches merged in (so the
decomposition and `hallsim compare before after` talk about the same reform)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.batch.decompose import load_change, merge_patch
from sim.spec.scenario import load_scenario, read_yaml, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
STUDIES = {  # place -> patches of after.yaml, in order
    "yumen": ["concentration", "cross_authorisation", "bundling"],
    "wuqing": ["parallel", "faster_reviews", "one_visit"],
    "tianjin_centre": ["fewer_steps", "fewer_materials", "appointments"],
}


@pytest.mark.parametrize("place", sorted(STUDIES))
def test_after_is_before_with_the_patches(place: str) -> None:
    folder = ROOT / "scenarios" / place
    data = read_yaml(folder / "before.yaml")
    for name in STUDIES[place]:
        data = merge_patch(data, load_change(name, folder / "patches" / f"{name}.yaml").patch)
    merged = scenario_from_dict({**data, "name": "x"}).to_dict()
    after = load_scenario(folder / "after.yaml").to_dict()
    assert {**after, "name": "x"} == merged


STUDY_FILES = sorted(p for place in ("yumen", "cangzhou", "tianjin_hotline", "tianjin_centre",
                                     "wuqing")
                     for p in (ROOT / "scenarios" / place).glob("*.yaml"))


@pytest.mark.parametrize("path", STUDY_FILES, ids=[f"{p.parent.name}/{p.name}"
                                                   for p in STUDY_FILES])
def test_every_study_scenario_loads(path: Path) -> None:
    assert load_scenario(path).categories


def test_every_study_has_a_readme_citing_its_seed() -> None:
    for place in {p.parent.name for p in STUDY_FILES}:
        text = (ROOT / "scenarios" / place / "README.md").read_text(encoding="utf-8")
        assert "seed article 00" in text and "../shared" not in text
