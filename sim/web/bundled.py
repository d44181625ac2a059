"""Scenarios and sample logs that come with hallsim, to open without uploading anything.

The study scenarios live in the repository's ``scenarios/`` folder (beside the
``sim`` package in a checkout or an editable install, ``pip install -e .``); the
environment variable ``HALLSIM_SCENARIOS`` names another folder. The sample ticket
log, a Chinese queue-system export (``sim/web/samples/``), is package data and is
there in any install.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import sim

#: environment variable naming the folder of bundled scenarios
ENV_VAR = "HALLSIM_SCENARIOS"
#: sample ticket logs shipped as package data
SAMPLES = Path(__file__).with_name("samples")


def scenarios_dir() -> Path | None:
    """The folder of bundled scenarios: ``$HALLSIM_SCENARIOS``, else the checkout's
    ``scenarios/`` beside the ``sim`` package; None when neither exists."""
    env = os.environ.get(ENV_VAR)
    candidates = [Path(env)] if env else []
    candidates.append(Path(sim.__file__).resolve().parents[1] / "scenarios")
    return next((c for c in candidates if c.is_dir()), None)


#: the top-level sections every hall has (other YAML under ``scenarios/``, optimiser
#: specs, experiments and patches, has not)
_HALL = re.compile(r"^hall:.*^categories:|^categories:.*^hall:", re.MULTILINE | re.DOTALL)


def is_hall(path: Path) -> bool:
    """Whether the YAML file at ``path`` is a hall (has ``hall:`` and ``categories:``
    sections), not an optimiser spec, an experiment or a patch."""
    try:
        return _HALL.search(path.read_text(encoding="utf-8")) is not None
    except (OSError, UnicodeDecodeError):
        return False


def bundled_scenarios() -> dict[str, Path]:
    """Bundled halls by label (path under ``scenarios/`` without ``.yaml``)."""
    root = scenarios_dir()
    if root is None:
        return {}
    return {p.relative_to(root).with_suffix("").as_posix(): p
            for p in sorted(root.rglob("*.yaml")) if "patches" not in p.parts and is_hall(p)}


def sample_logs() -> dict[str, Path]:
    """Bundled sample ticket logs by file name."""
    return {p.name: p for p in sorted(SAMPLES.iterdir()) if p.suffix in (".csv", ".xlsx")}
