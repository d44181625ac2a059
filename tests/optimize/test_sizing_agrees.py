"""Story: the fewest windows for a load, asked once per type and period, is read off
the same Erlang C test the staffing tables bisect on, so the two never disagree."""

from __future__ import annotations

import numpy as np

from sim.stats.sizing import Target, pool_table, windows_needed


def test_windows_needed_is_the_first_pool_size_whose_table_carries_the_load():
    rng = np.random.default_rng(20)
    for _ in range(200):
        load = float(rng.uniform(0.05, 80.0))
        service = float(rng.uniform(2.0, 45.0))
        targets = [Target("tail", float(rng.uniform(0.0, 20.0)), float(rng.uniform(0.5, 0.95)))
                   if rng.random() < 0.5 else Target("mean", float(rng.uniform(0.1, 5.0)))]
        if rng.random() < 0.3:  # a pool serving items with two different targets
            targets.append(Target("tail", 5.0, 0.8))
        n = windows_needed(load, service, targets)
        table = pool_table(n + 1, service, targets)
        assert table[n] >= load > table[n - 1]


def test_thirteen_windows_hold_a_mean_wait_cap_of_one_minute_at_965_erlangs():
    # 9.65 erlangs of 10-minute service: E[W] = 0.70 min on 13 windows, 1.6 on 12
    assert windows_needed(9.65, 10.0, Target("mean", 1.0)) == 13
    assert windows_needed(0.0, 10.0, Target("mean", 1.0)) == 0
