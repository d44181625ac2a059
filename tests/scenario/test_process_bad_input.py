"""Bad back-office, return-visit and journey sections exit 2 with the field path."""

from __future__ import annotations

import copy

import pytest
import yaml

from sim.cli.main import main

BASE = {
    "name": "bad",
    "hall": {"open": ["08:30-17:00"], "days": 2},
    "backoffice": {"stages": {"review": {"service": {"dist": "exponential", "mean": 30}},
                              "decide": {"service": {"dist": "exponential", "mean": 10}}},
                   "routes": {"std": ["review", "decide"]}},
    "categories": {"permit": {"arrivals_per_hour": 2,
                              "service": {"dist": "exponential", "mean": 10},
                              "backoffice": {"route": "std"}}},
    "windows": [{"id": "A", "count": 1, "serves": ["permit"]}],
}


def run_bad(tmp_path, capsys, mutate):
    data = copy.deepcopy(BASE)
    mutate(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    code = main(["run", str(path), "-r", "1", "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert "bad.yaml" in err and "Traceback" not in err
    return err


def test_routes_that_refer_to_each_other_in_a_cycle(tmp_path, capsys):
    def mutate(d):
        d["backoffice"]["routes"] = {"std": ["review", {"route": "again"}],
                                     "again": ["decide", {"route": "std"}]}
    err = run_bad(tmp_path, capsys, mutate)
    assert "backoffice.routes." in err and "cycle" in err


def test_a_parallel_group_with_one_branch(tmp_path, capsys):
    def mutate(d):
        d["backoffice"]["routes"]["std"] = ["review", {"parallel": [["decide"]]}]
    err = run_bad(tmp_path, capsys, mutate)
    assert "backoffice.routes.std[1].parallel" in err and "two branches" in err


@pytest.mark.parametrize("field,value", [("share", 1.5), ("share", -0.1)])
def test_a_back_office_share_outside_zero_one(tmp_path, capsys, field, value):
    err = run_bad(tmp_path, capsys,
                  lambda d: d["categories"]["permit"]["backoffice"].update({field: value}))
    assert f"categories.permit.backoffice.{field}" in err


def test_an_incomplete_probability_outside_zero_one(tmp_path, capsys):
    def mutate(d):
        d["categories"]["permit"]["returns"] = {
            "incomplete": 2, "delay_days": {"dist": "deterministic", "value": 1}}
    err = run_bad(tmp_path, capsys, mutate)
    assert "categories.permit.returns.incomplete" in err


def test_a_journey_naming_an_unknown_item(tmp_path, capsys):
    def mutate(d):
        d["journeys"] = {"setup": {"arrivals_per_hour": 1, "steps": ["permit", "seal"]}}
    err = run_bad(tmp_path, capsys, mutate)
    assert "journeys.setup.steps[1]" in err and "seal" in err


def test_a_route_naming_an_unknown_stage(tmp_path, capsys):
    err = run_bad(tmp_path, capsys,
                  lambda d: d["backoffice"]["routes"].update({"std": ["review", "sign"]}))
    assert "backoffice.routes.std[1]" in err and "sign" in err


def test_a_category_sent_to_an_unknown_route(tmp_path, capsys):
    err = run_bad(tmp_path, capsys,
                  lambda d: d["categories"]["permit"]["backoffice"].update({"route": "fast"}))
    assert "categories.permit.backoffice.route" in err and "fast" in err


def test_collection_at_an_unknown_output_item(tmp_path, capsys):
    def mutate(d):
        d["categories"]["permit"]["delivery"] = {
            "post_share": 0.5, "collect_at": "pickup",
            "collect_delay_days": {"dist": "deterministic", "value": 1}}
    err = run_bad(tmp_path, capsys, mutate)
    assert "categories.permit.delivery.collect_at" in err


def test_back_office_hours_out_of_order(tmp_path, capsys):
    err = run_bad(tmp_path, capsys, lambda d: d["backoffice"].update(
        {"hours": ["13:30-17:00", "08:30-12:00"]}))
    assert "backoffice.hours" in err and "order" in err


def test_back_office_hours_that_overlap(tmp_path, capsys):
    err = run_bad(tmp_path, capsys, lambda d: d["backoffice"].update(
        {"hours": ["08:30-12:00", "11:00-17:00"]}))
    assert "backoffice.hours" in err and "overlaps" in err


def test_a_named_route_may_be_a_parallel_branch_but_not_part_of_a_cycle(tmp_path, capsys):
    data = copy.deepcopy(BASE)
    data["backoffice"]["routes"] = {"std": [{"parallel": [{"route": "check"}, "review"]}],
                                    "check": ["decide"]}
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["run", str(path), "-r", "1", "-q"]) == 0

    def mutate(d):
        d["backoffice"]["routes"] = {"std": [{"parallel": [{"route": "check"}, "review"]}],
                                     "check": [{"parallel": [{"route": "std"}, "decide"]}]}
    assert "cycle" in run_bad(tmp_path, capsys, mutate)


def test_journey_tickets_count_in_the_capacity_warning(tmp_path, capsys):
    data = {"name": "journeys", "hall": {"open": ["08:30-12:00"], "days": 1},
            "categories": {"a": {"arrivals_per_hour": 0,
                                 "service": {"dist": "exponential", "mean": 30}}},
            "journeys": {"j": {"arrivals_per_hour": 4, "steps": ["a"]}},
            "windows": [{"id": "A", "count": 1, "serves": ["a"]}]}
    path = tmp_path / "journeys.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert "exceeds capacity 08:30-12:00" in err and "utilisation 200%" in err
