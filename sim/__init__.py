"""hallsim: discrete-event simulation of government service halls (政务服务大厅).

The public API, importable from ``sim`` directly (loaded on first use, so that
``import sim`` stays cheap):

- :func:`load_scenario` reads and validates a scenario YAML file into a
  :class:`Scenario`; :func:`scenario_from_dict` does the same for a mapping;
- :func:`simulate` runs replications and returns a :class:`RunResult`, whose
  ``document()`` is the results document;
- :func:`compare` pairs two results run on the same seeds (common random numbers);
- :class:`InputError` is what bad input raises (the command line's exit 2).

The layers below are ``sim.scenario`` (scenario model) → ``sim.engine`` (the hall)
→ ``sim.stats`` (metrics, replications, comparison) → ``sim.batch`` /
``sim.report`` → ``sim.cli``; see ``docs/architecture.md``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from sim.version import VERSION as __version__

if TYPE_CHECKING:
    from sim.files.errors import InputError
    from sim.run.compare import compare_runs as compare
    from sim.run.replications import Replication, RunResult, simulate
    from sim.scenario.model import Scenario, load_scenario, scenario_from_dict

_PUBLIC = {
    "load_scenario": ("sim.scenario.model", "load_scenario"),
    "scenario_from_dict": ("sim.scenario.model", "scenario_from_dict"),
    "Scenario": ("sim.scenario.model", "Scenario"),
    "InputError": ("sim.files.errors", "InputError"),
    "simulate": ("sim.run.replications", "simulate"),
    "RunResult": ("sim.run.replications", "RunResult"),
    "Replication": ("sim.run.replications", "Replication"),
    "compare": ("sim.run.compare", "compare_runs"),
}

__all__ = [
    "InputError", "Replication", "RunResult", "Scenario", "__version__", "compare",
    "load_scenario", "scenario_from_dict", "simulate",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    try:
        module, attr = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'sim' has no attribute {name!r}") from None
    value = getattr(import_module(module), attr)
    globals()[name] = value
    return value
