"""hallsim: discrete-event simulation of government service halls (政务服务大厅).

The public entry points:

- :func:`sim.scenario.load_scenario` reads and validates a scenario YAML file;
- :func:`sim.runner.simulate` runs replications and returns a :class:`sim.runner.RunResult`;
- :mod:`sim.metrics` turns per-ticket records into the results document.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
