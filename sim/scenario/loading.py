"""Loading scenarios: YAML (read by :mod:`sim.files.yaml_reader`) validated into a
:class:`~sim.scenario.model.Scenario`, and pydantic errors in user terms.

:func:`validation_error_to_input` turns a pydantic :class:`~pydantic.ValidationError`
into one :class:`InputError` naming every failing field; the experiment and optimiser
spec readers use it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from sim.files.errors import InputError, ScenarioError
from sim.files.yaml_reader import format_loc, read_yaml
from sim.scenario.distributions import DIST_NAMES

if TYPE_CHECKING:
    from sim.scenario.model import Scenario


def _describe(err: Any) -> tuple[str, str]:
    """``(path, problem)`` of one pydantic error; the path only for a :class:`ScenarioError`."""
    ctx = err.get("ctx") or {}
    ctx_error = ctx.get("error")
    if isinstance(ctx_error, ScenarioError):
        return ctx_error.path, ctx_error.problem
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "union_tag_invalid":
        what = "distribution" if ctx.get("discriminator") == "'dist'" else "kind"
        msg = f"unknown {what} '{ctx['tag']}' (choose one of {', '.join(DIST_NAMES)})" \
            if what == "distribution" else f"unknown {what} '{ctx['tag']}'"
    elif err["type"] == "union_tag_not_found":
        msg = f"missing field 'dist' (choose one of {', '.join(DIST_NAMES)})" \
            if ctx.get("discriminator") == "'dist'" else msg
    elif err["type"] in ("float_parsing", "int_parsing") and err.get("input") in ("true",
                                                                                  "false"):
        msg = f"a number is expected, not {err['input']}"
    elif err["type"] == "extra_forbidden":
        msg = "unknown field"
    elif err["type"] == "missing":
        msg = "required field is missing"
    return "", msg


def validation_error_to_input(exc: ValidationError, source: str, data: Any,
                              prefix: str = "") -> InputError:
    """Turn a pydantic error into one :class:`InputError` naming every failing field.

    ``prefix`` is put before every path (e.g. ``optimize`` for a section of a file).
    A container's length complaint caused by a bad member is left out.
    """
    found: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for err in exc.errors():
        path, msg = _describe(err)
        if not path:
            path = format_loc(tuple(err["loc"]), data, missing=err["type"] == "missing")
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        kinds.setdefault(path, err["type"])
        if msg not in found.setdefault(path, []):
            found[path].append(msg)
    paths = [p for p in found if not (kinds[p] == "too_short" and any(
        q != p and q.startswith(p + ".") for q in found))]
    problems = [(p, " or ".join(found[p])) for p in paths]
    first_path, first_msg = problems[0]
    more = "".join(f"; field '{p}': {m}" for p, m in problems[1:8])
    if len(problems) > 8:
        more += f"; and {len(problems) - 8} more"
    return InputError(source, first_path, first_msg + more)


def scenario_from_dict(data: Any, source: str = "<scenario>") -> Scenario:
    """Validate plain data (as read from YAML) into a :class:`~sim.scenario.model.Scenario`."""
    from sim.scenario.model import Scenario

    if not isinstance(data, dict):
        raise InputError(source, "", "a scenario must be a mapping with name, hall, categories, "
                                     "windows")
    if "optimize" in data:  # the optimiser's spec (docs/optimize.md); not part of the hall
        data = {k: v for k, v in data.items() if k != "optimize"}
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise validation_error_to_input(exc, source, data) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file."""
    return scenario_from_dict(read_yaml(path), str(path))


def dump_scenario(scenario: Scenario) -> str:
    """YAML text of a scenario that :func:`load_scenario` reads back unchanged."""
    return yaml.safe_dump(scenario.to_dict(), sort_keys=False, allow_unicode=True)
