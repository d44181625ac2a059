"""What every test may count on: it starts in English, whatever the test before it chose
(``hallsim --lang zh`` run in process sets the language for the process; under
pytest-xdist the tests a worker runs before another vary from run to run)."""

from __future__ import annotations

import pytest

from sim.report.i18n import set_language


@pytest.fixture(autouse=True)
def english_first():
    """English at the start and at the end of every test."""
    set_language("en")
    yield
    set_language("en")
