"""Errors that the command line reports as bad input (exit code 2)."""

from __future__ import annotations


class InputError(Exception):
    """Bad user input: an unreadable file, invalid YAML or a field that fails validation.

    ``source`` names the file, ``path`` the dotted field path (may be empty) and
    ``problem`` says what is wrong. ``str(err)`` is the one-paragraph message the
    command line prints.
    """

    def __init__(self, source: str, path: str, problem: str) -> None:
        self.source = source
        self.path = path
        self.problem = problem
        super().__init__(self.message())

    def message(self) -> str:
        """The one-paragraph message: file, field path and what is wrong."""
        where = f"{self.source}: " if self.source else ""
        kind = "option" if self.path.startswith("--") else "field"
        field = f"{kind} '{self.path}': " if self.path else ""
        return f"{where}{field}{self.problem}"


class ScenarioError(ValueError):
    """A semantic error found after the structure was validated, with its field path.

    Raised inside pydantic validators; :func:`sim.scenario.loading.validation_error_to_input`
    turns it into an :class:`InputError` with the file name.
    """

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(problem)
