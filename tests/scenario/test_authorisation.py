"""Stories about authorisation, resolved once, and about the one walker over routes."""

from __future__ import annotations

import pickle

import pytest

from sim.engine.backoffice import compile_route
from sim.files.errors import InputError
from sim.scenario.backoffice import BackOfficeSpec, fold_route
from sim.scenario.model import scenario_from_dict

HALL = {
    "name": "授权",
    "hall": {"open": ["08:30-17:00"], "days": 1},
    "categories": {
        "企业开办": {"department": "市场监管", "zone": "企业", "arrivals_per_hour": 5,
                 "service": {"dist": "exponential", "mean": 10}},
        "税务登记": {"department": "税务", "zone": "企业", "arrivals_per_hour": 5,
                 "service": {"dist": "exponential", "mean": 8}},
        "社保": {"zone": "社保", "arrivals_per_hour": 5,
               "service": {"dist": "exponential", "mean": 6}},
    },
    "windows": [
        {"id": "综合", "count": 2, "serves": ["zone:企业", "社保"],
         "speed": {"*": 1.5, "企业开办": 1.0}},
        {"id": "税", "count": 1, "serves": ["department:税务"]},
        {"id": "全", "count": 1, "serves": ["*"], "primary": ["社保"]},
    ],
}


def test_references_resolve_once_into_a_table_in_first_mention_order():
    auth = scenario_from_dict(HALL).authorisation
    assert auth.serves("综合") == ("企业开办", "税务登记", "社保")
    assert auth.primary("综合") == ("企业开办", "税务登记")  # the first entry: a zone
    assert auth.serves("税") == ("税务登记",)
    assert auth.primary("全") == ("社保",)
    assert auth.serving("税务登记") == ("综合", "税", "全")


def test_a_later_speed_entry_overrides_an_earlier_one_and_unnamed_is_one():
    auth = scenario_from_dict(HALL).authorisation
    assert auth.speed_factor("综合", "企业开办") == 1.0   # "*" then the item itself
    assert auth.speed_factor("综合", "社保") == 1.5
    assert auth.speed_factor("税", "税务登记") == 1.0


def test_the_table_cannot_be_changed_but_travels_to_worker_processes():
    scenario = scenario_from_dict(HALL)
    with pytest.raises(TypeError):
        scenario.authorisation.groups["税"] = None  # type: ignore[index]
    copy = pickle.loads(pickle.dumps(scenario))
    assert copy.authorisation == scenario.authorisation


def test_an_unknown_department_is_named_with_its_path():
    data = {**HALL, "windows": [*HALL["windows"], {"id": "X", "count": 1,
                                                   "serves": ["department:公安"]}]}
    with pytest.raises(InputError) as err:
        scenario_from_dict(data, "hall.yaml")
    assert err.value.path == "windows.X.serves[0]"
    assert "公安" in err.value.problem


class Paths:
    """A fold that lists every stage and route reference with its field path."""

    def stage(self, name, path):
        return [(path, name)]

    def subroute(self, name, path):
        return [(path, "@" + name)]

    def series(self, parts, path):
        return [x for p in parts for x in p]

    def parallel(self, branches, path):
        return [x for b in branches for x in b]


SPEC = BackOfficeSpec.model_validate({
    "stages": {"受理": {"service": {"dist": "deterministic", "value": 1}},
               "审查": {"service": {"dist": "deterministic", "value": 1}},
               "决定": {"service": {"dist": "deterministic", "value": 1}}},
    "routes": {"core": ["审查", "决定"],
               "full": ["受理", {"parallel": [{"route": "core"}, ["审查", "决定"]]}, "决定"]},
})


def test_the_route_walker_visits_items_in_order_with_their_field_paths():
    assert fold_route(SPEC.routes["full"], Paths(), "r") == [
        ("r[0]", "受理"),
        ("r[1].parallel[0].route", "@core"),
        ("r[1].parallel[1][0]", "审查"),
        ("r[1].parallel[1][1]", "决定"),
        ("r[2]", "决定"),
    ]


def test_the_engine_compiles_routes_with_the_same_walker_in_depth_first_order():
    root, occurrences = compile_route(SPEC, "full")
    names = list(SPEC.stages)
    # 受理, then core (审查, 决定) followed in place, then the second branch, then 决定
    assert [names[i] for i in occurrences] == ["受理", "审查", "决定", "审查", "决定", "决定"]
    assert [child.kind for child in root.children] == ["stage", "parallel", "stage"]


def test_union_tags_never_appear_in_field_paths():
    data = {**HALL, "categories": {**HALL["categories"],
                                   "社保": {**HALL["categories"]["社保"],
                                          "arrivals_per_hour": {"08:30": "many"}}}}
    with pytest.raises(InputError) as err:
        scenario_from_dict(data, "hall.yaml")
    assert err.value.path == "categories.社保.arrivals_per_hour.08:30"
    assert "<" not in str(err.value)
