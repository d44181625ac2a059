"""The seed studies in scenarios/<place>/: every file loads, every patch applies, and each
study's after.yaml is exactly its before.yaml with its patches merged in (so the
decomposition and `hallsim compare before after` talk about the same reform)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from sim.batch.decompose import load_change, merge_patch
from sim.files.yaml_reader import read_yaml
from sim.scenario.model import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
STUDIES = {  # place -> patches of after.yaml, in order
    "yumen": ["concentration", "cross_authorisation", "bundling"],
    "wuqing": ["parallel", "faster_reviews", "one_visit"],
    "tianjin_centre": ["fewer_steps", "fewer_materials", "appointments"],
}
MIDDLE_STEPS = {  # place -> (generated file, its patches)
    "xinglongtai": ("pooled_31", ["pooling"]),
}


def _as_named_x(data: dict) -> dict:
    return scenario_from_dict({**data, "name": "x"}).to_dict()


def _before_with(place: str, patches: list[str]) -> dict:
    folder = ROOT / "scenarios" / place
    data = read_yaml(folder / "before.yaml")
    for name in patches:
        data = merge_patch(data, load_change(name, folder / "patches" / f"{name}.yaml").patch)
    return _as_named_x(data)


@pytest.mark.parametrize("place", sorted(STUDIES))
def test_after_is_before_with_the_patches(place: str) -> None:
    after = load_scenario(ROOT / "scenarios" / place / "after.yaml").to_dict()
    assert _as_named_x(after) == _before_with(place, STUDIES[place])


@pytest.mark.parametrize("place", sorted(MIDDLE_STEPS))
def test_a_middle_step_is_before_with_its_patches(place: str) -> None:
    stem, patches = MIDDLE_STEPS[place]
    middle = load_scenario(ROOT / "scenarios" / place / f"{stem}.yaml").to_dict()
    assert _as_named_x(middle) == _before_with(place, patches)


STUDY_FILES = sorted(p for place in ("yumen", "cangzhou", "tianjin_hotline", "tianjin_centre",
                                     "wuqing", "xinglongtai")
                     for p in (ROOT / "scenarios" / place).glob("*.yaml")
                     if not p.name.startswith("optimize_"))
#: optimiser specs of the studies: (spec, the scenario it is read with)
SPECS = {"yumen/optimize_auto.yaml": "yumen/before.yaml",
         "yumen/optimize_y11.yaml": "yumen/before.yaml",
         "tianjin_hotline/optimize_peak.yaml": "tianjin_hotline/peak_day.yaml"}


@pytest.mark.parametrize("path", STUDY_FILES, ids=[f"{p.parent.name}/{p.name}"
                                                   for p in STUDY_FILES])
def test_every_study_scenario_loads(path: Path) -> None:
    assert load_scenario(path).categories


def test_every_study_has_a_readme_citing_its_seed() -> None:
    for place in {p.parent.name for p in STUDY_FILES}:
        text = (ROOT / "scenarios" / place / "README.md").read_text(encoding="utf-8")
        assert "seed article 00" in text and "../shared" not in text


def test_every_optimiser_spec_of_a_study_loads_with_its_scenario() -> None:
    from optimize.spec import load_inputs

    found = {f"{p.parent.name}/{p.name}" for p in (ROOT / "scenarios").glob("*/optimize_*.yaml")}
    assert found == set(SPECS)
    for spec, scenario in SPECS.items():
        hall, opt = load_inputs(ROOT / "scenarios" / scenario, ROOT / "scenarios" / spec)
        assert hall.categories and opt.service_level.alpha > 0.5


def test_the_unguided_xinglongtai_hall_is_after_with_its_two_patches() -> None:
    """after_unguided.yaml = after.yaml + wrong tickets + fixed-order calling (generated)."""
    folder = ROOT / "scenarios" / "xinglongtai"
    data = read_yaml(folder / "after.yaml")
    for name in ("wrong_tickets", "fixed_order"):
        data = merge_patch(data, load_change(name, folder / "patches" / f"{name}.yaml").patch)
    unguided = load_scenario(folder / "after_unguided.yaml").to_dict()
    assert _as_named_x(unguided) == _as_named_x(data)


def _studies_script():
    """scenarios/studies.py as a module (tests/batch/test_study_figures.py loads it too)."""
    path = ROOT / "scenarios" / "studies.py"
    loaded = sys.modules.get("studies")
    if loaded is not None and Path(getattr(loaded, "__file__", "")) == path:
        return loaded
    spec = importlib.util.spec_from_file_location("studies", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["studies"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_reforms_readme_quotes_what_its_compare_commands_print(tmp_path: Path) -> None:
    """scenarios/reforms/README.md: its four tables are what `hallsim compare ... -r 10`
    prints now (about 12 s on two cores), as `python scenarios/studies.py --check`."""
    studies = _studies_script()
    tables = [t for t in studies.TABLES.values() if t.readme == "scenarios/reforms/README.md"]
    assert {t.id for t in tables} == {"reforms-company", "reforms-signoff", "reforms-returns",
                                      "reforms-journey"}
    outputs = studies.run_commands({k for t in tables for k in t.commands}, tmp_path)
    assert studies.differing(tables, outputs) == []
