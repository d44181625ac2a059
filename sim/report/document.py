"""The shape of a results document (``hallsim run --json``, docs/results.md) as the
report and the floor plan read it.

:func:`check_results` refuses, with the field path, a document whose parts have the
wrong shape (a list where ``overall`` belongs, ``null`` for an item's figures, a word
where a figure belongs) before any page is drawn: the report would otherwise fail
half-way with Python's own words (``'NoneType' object has no attribute 'get'``).
Keys it does not know are left alone (extensions, later versions).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictInt, StrictStr, ValidationError

from sim.files.errors import InputError


def _figure(value: Any) -> Any:
    """A figure: a number, none (not defined for the run), or a mapping of figures (its
    ``ci95``); a word or a list is refused."""
    if isinstance(value, (str, list)):
        shown = f"'{value[:40]}'" if isinstance(value, str) else "a list"
        raise ValueError(f"a number is expected, not {shown}")
    return value


Figure = Annotated[Any, AfterValidator(_figure)]
#: figures by name: an item's, a window group's, an hour's (``{"wait_mean": 2.1, ...}``)
Figures = dict[str, Figure]


class _Document(BaseModel):
    """A results document: the sections the report reads, each of its shape."""

    model_config = ConfigDict(extra="allow")

    scenario: StrictStr | None = None
    seed: StrictInt | None = None
    replications: StrictInt | None = None
    days: StrictInt | None = None
    opening: list[StrictStr] | None = None
    overall: Figures
    ci95: Figures | None = None
    by_category: dict[str, Figures] | None = None
    by_window: dict[str, Figures] | None = None
    by_hour: dict[str, Figures] | None = None
    by_area: dict[str, dict[str, Any]] | None = None
    targets: Figures | None = None
    window_labels: dict[str, StrictStr] | None = None
    meta: dict[str, Any] | None = None


def check_results(doc: Any, source: str, prefix: str = "", option: str = "") -> None:
    """Refuse (:class:`InputError`, naming the field: ``prefix`` before its path, e.g.
    ``scenarios.A`` in a comparison) a results document whose parts have the wrong
    shape. ``option``: the option that named the file, said instead of the field when
    the whole document is not one (``plan-view --results``)."""
    from sim.scenario.loading import validation_error_to_input

    if not isinstance(doc, dict) or "overall" not in doc:
        raise InputError(source, prefix or option, "not a results document (hallsim run "
                                                   "--json)")
    try:
        _Document.model_validate(doc)
    except ValidationError as exc:
        err = validation_error_to_input(exc, source, doc, prefix)
        raise InputError(source, err.path, "not a results document (hallsim run --json): "
                                           f"{err.problem}") from None
