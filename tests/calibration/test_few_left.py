"""Story: a small item (公积金提取, 150 tickets in a week) lost 13 callers who gave up.
Too few for the test between patience families (20 needed), but not too few for a rate:
the calibration fits it an exponential patience instead of none. With none, the model
said nobody leaves against the log's 9 %, and its waits were twice the log's."""

from __future__ import annotations

import numpy as np
import pytest

from sim.calibration.fitting import MIN_LEFT, MIN_LEFT_EXPONENTIAL, fit_patience


def _log(n: int, patience_mean: float, wait_mean: float, seed: int):
    rng = np.random.default_rng(seed)
    wait = rng.exponential(wait_mean, n)
    patience = rng.exponential(patience_mean, n)
    gone = patience < wait
    outcome = np.where(gone, "abandoned", "served").astype(object)
    return np.where(gone, patience, wait), outcome


def test_a_few_who_left_give_an_exponential_patience_without_the_family_test():
    wait, outcome = _log(150, 30.0, 3.0, seed=4)
    left = int((outcome == "abandoned").sum())
    assert MIN_LEFT_EXPONENTIAL <= left < MIN_LEFT
    fit = fit_patience(wait, outcome)
    assert fit is not None and fit.family == "exponential" and not fit.aic
    assert "too few left for the family test (20 needed)" in fit.note
    # the censored MLE of an exponential: events over exposure
    assert fit.mean == pytest.approx(wait.sum() / left, rel=1e-3)
    assert fit.mean - 1.96 * fit.mean_se < 30.0 < fit.mean + 1.96 * fit.mean_se


def test_almost_nobody_left_means_no_patience():
    wait, outcome = _log(150, 400.0, 3.0, seed=1)
    assert (outcome == "abandoned").sum() < MIN_LEFT_EXPONENTIAL
    assert fit_patience(wait, outcome) is None


def test_the_fit_reads_in_chinese():
    from sim.report.calibration_text import fit_basis
    from sim.report.i18n import set_language

    wait, outcome = _log(150, 30.0, 3.0, seed=4)
    fit = fit_patience(wait, outcome)
    assert fit is not None
    try:
        set_language("zh")
        said = fit_basis(fit)
    finally:
        set_language("en")
    assert "离开人数不足以检验分布族（需 20 人），按指数分布" in said
