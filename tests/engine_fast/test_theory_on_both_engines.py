"""Stories: queueing theory holds on both hall engines (Erlang C, Erlang A, pooling, the
long chain, own_first as a priority queue).

The theory tests of ``tests/engine`` and ``tests/optimize`` run here again, with the same
parameters, once on each engine, chosen as ``--engine`` does (:func:`use_engine`). Without
numba this module skips and those tests run on the SimPy engine where they are.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("numba")

from sim.run.replications import use_engine  # noqa: E402
from tests.engine import test_engine_theory as theory  # noqa: E402
from tests.optimize import test_optimize_consolidate as consolidation  # noqa: E402


@pytest.fixture(params=["fast", "simpy"])
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every ``simulate`` of the test runs on this engine."""
    use_engine(request.param)
    yield request.param
    use_engine("auto")


def test_mmc_waits_as_erlang_c_says(engine: str):
    mm5 = theory.mm5_at_090.__wrapped__()
    theory.test_mmc_mean_wait_matches_erlang_c(mm5)
    theory.test_mmc_wait_tail_matches_erlang_c(mm5)
    theory.test_littles_law_on_the_simulated_queue(mm5)


@pytest.mark.parametrize("arrivals_per_hour", [54.0, 66.0], ids=["rho0.9", "overloaded1.1"])
def test_impatient_citizens_abandon_as_erlang_a_says(engine: str, arrivals_per_hour: float):
    theory.test_erlang_a_abandonment(arrivals_per_hour)


def test_pooling_three_items_into_one_queue_cuts_the_wait_as_erlang_c_says(engine: str):
    theory.test_pooling_three_dedicated_items_into_one_queue()


def test_own_first_waits_as_a_priority_queue(engine: str):
    theory.test_own_first_is_a_non_preemptive_priority_queue()


def test_the_long_chain_gets_most_of_full_poolings_gain(engine: str):
    consolidation.test_the_long_chain_gets_most_of_full_poolings_wait_reduction()
