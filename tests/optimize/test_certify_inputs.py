"""A confidence bound needs at least two replications: certification refuses to call one
replication's point estimate a lower bound."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from optimize.spec import CertifySpec
from sim.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def test_the_lcb_criterion_with_one_replication_is_refused_in_the_spec():
    with pytest.raises(ValidationError, match="at least 2 replications"):
        CertifySpec(replications=1)
    assert CertifySpec(replications=1, criterion="mean").replications == 1


def test_certify_with_one_replication_exits_2_naming_the_option(capsys):
    code = main(["optimize", str(ROOT / "scenarios/xinglongtai/before.yaml"), "--certify",
                 "-r", "1", "--max-iterations", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--replications" in err and "at least 2 replications" in err
