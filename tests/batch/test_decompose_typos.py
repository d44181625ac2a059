"""``hallsim decompose``: a typo is refused in words before any run, and nil shares read ``-``.

Stories (a street hall's planner, her hall and her patches):
- she asks for the wait of an item her hall does not have (``by_category.不存在``), of a
  window group it does not have, or of an hour it is closed: the command exits 2 before
  any run, naming what she asked for and what the hall has (in Chinese under
  ``--lang zh``), and writes nothing. An item one of her changes adds is there;
- a figure the runs leave undefined (case figures without case flow) is left out with
  a warning, and when nothing is left the command says so instead of ``StopIteration``;
- her patch removes a window group, an item or a field that is not there, or gives a
  mistyped group id a new count: the patch is refused naming the field and what there
  is, instead of changing nothing (or asking for the new group's ``serves``). Two
  patches that remove the same group still combine;
- a change that moves nothing has no share: the total's share and each change's read
  ``-``, and a share that rounds to nothing reads ``0%``, never ``-0%``;
- in Chinese the window-hours heading is named as the page names it
  ("在岗（全部窗口组）"), by the one definition the page and the terminal share.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.batch.decompose import (
    check_metric_paths,
    decompose_metric,
    load_change,
    merge_patch,
    plan_decomposition,
)
from sim.cli.decompose_cmd import decomposition_rows, decomposition_table
from sim.cli.main import main
from sim.files.errors import InputError
from sim.report.i18n import set_language

ITEMS = ("社保参保", "户籍办理", "税务申报")
GROUPS = ("人社窗口", "户籍窗口", "税务窗口")


def _write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _street_hall(tmp: Path) -> Path:
    """A street hall open 09:00-12:00, three items each at its own windows."""
    return _write(tmp / "街道大厅.yaml", {
        "name": "街道大厅",
        "hall": {"open": ["09:00-12:00"], "days": 2, "warmup_days": 1},
        "categories": {name: {"arrivals_per_hour": 4,
                              "service": {"dist": "exponential", "mean": 10},
                              "patience": {"dist": "exponential", "mean": 40}}
                       for name in ITEMS},
        "windows": [{"id": g, "count": 1, "serves": [c]} for g, c in zip(GROUPS, ITEMS)],
    })


def _more_tax_windows(tmp: Path) -> str:
    return f"加窗={_write(tmp / '加窗.yaml', {'windows': {'税务窗口': {'count': 2}}})}"


# --- a metric naming what the hall does not have -------------------------------------


@pytest.mark.parametrize(("metric", "named", "known"), [
    ("by_category.不存在.wait_mean", "no item '不存在'", "社保参保, 户籍办理, 税务申报"),
    ("by_window.综合窗口.utilisation", "no window group '综合窗口'",
     "人社窗口, 户籍窗口, 税务窗口"),
    ("by_hour.08.wait_mean", "no hour '08'", "09, 10, 11, 12"),
])
def test_a_metric_of_what_the_hall_lacks_exits_2_before_any_run_and_writes_nothing(
        tmp_path: Path, capsys, metric: str, named: str, known: str) -> None:
    base = _street_hall(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for asked in ([metric], ["overall.wait_mean", metric]):  # alone or beside a good one
        rc = main(["decompose", str(base), "--change", _more_tax_windows(tmp_path),
                   *[a for m in asked for a in ("--metric", m)], "-r", "2",
                   "--json", str(out / "dm.json"), "--figure", str(out / "dm.png"),
                   "--store", str(out / "s.sqlite")])
        err = capsys.readouterr().err
        assert rc == 2, err
        assert "option '--metric'" in err and named in err and f"(known: {known})" in err
        assert "StopIteration" not in err and "Traceback" not in err
        assert list(out.iterdir()) == []  # no run, no document, no figure, no store


def test_the_chinese_planner_reads_the_unknown_item_in_the_catalogues_words(
        tmp_path: Path, capsys) -> None:
    base = _street_hall(tmp_path)
    rc = main(["--lang", "zh", "decompose", str(base), "--change", _more_tax_windows(tmp_path),
               "--metric", "by_category.不存在.wait_mean"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "选项“--metric”" in err and "事项“不存在”" in err
    assert "社保参保、户籍办理、税务申报" in err and "no item" not in err


def test_an_item_a_change_adds_is_there_to_be_asked_for(tmp_path: Path) -> None:
    base = _street_hall(tmp_path)
    new = _write(tmp_path / "新事项.yaml", {
        "categories": {"医保报销": {"arrivals_per_hour": 2,
                                "service": {"dist": "exponential", "mean": 8}}},
        "windows": {"医保窗口": {"count": 1, "serves": ["医保报销"]}}})
    plan = plan_decomposition(base, [load_change("医保进厅", new)], 1)
    check_metric_paths(plan, ["by_category.医保报销.wait_mean", "by_window.医保窗口.served",
                              "by_category.*.wait_mean", "overall.window_hours"])
    with pytest.raises(InputError, match="no item '医保保险'"):
        check_metric_paths(plan, ["by_category.医保保险.wait_mean"])


def test_a_figure_the_runs_leave_undefined_is_said_not_dropped_in_silence(
        tmp_path: Path, capsys) -> None:
    """The hall has no case flow: visits per case is undefined in every run."""
    base = _street_hall(tmp_path)
    doc = tmp_path / "dm.json"
    rc = main(["decompose", str(base), "--change", _more_tax_windows(tmp_path), "-r", "1",
               "-q", "--metric", "overall.wait_mean", "--metric", "overall.visits_per_case",
               "--json", str(doc)])
    err = capsys.readouterr().err
    assert rc == 0
    assert "warning" in err and "overall.visits_per_case" in err
    assert list(json.loads(doc.read_text("utf-8"))["metrics"]) == ["overall.wait_mean"]
    rc = main(["decompose", str(base), "--change", _more_tax_windows(tmp_path), "-r", "1",
               "-q", "--metric", "overall.visits_per_case", "--json", str(tmp_path / "no.json"),
               "--figure", str(tmp_path / "no.png")])
    err = capsys.readouterr().err
    assert rc == 1 and "StopIteration" not in err
    assert "none of the metrics asked for (overall.visits_per_case)" in err
    assert not (tmp_path / "no.json").exists() and not (tmp_path / "no.png").exists()


# --- patches that name what is not there ----------------------------------------------


@pytest.mark.parametrize(("patch", "field", "problem"), [
    ({"windows": {"不存在窗口": None}}, "windows.不存在窗口",
     "no such window group to remove (known: 人社窗口, 户籍窗口, 税务窗口)"),
    ({"categories": {"不存在": None}}, "categories.不存在",
     "no such item to remove (known: 社保参保, 户籍办理, 税务申报)"),
    ({"categories": {"税务申报": {"patince": None}}}, "categories.税务申报.patince",
     "no such entry to remove (known: arrivals_per_hour, service, patience)"),
    ({"windows": {"税务窗囗": {"count": 3}}}, "windows.税务窗囗",
     "no such window group (known: 人社窗口, 户籍窗口, 税务窗口); a new group needs count "
     "and serves"),
])
def test_a_patch_naming_what_the_hall_lacks_exits_2_instead_of_changing_nothing(
        tmp_path: Path, capsys, patch: dict, field: str, problem: str) -> None:
    base = _street_hall(tmp_path)
    typo = _write(tmp_path / "笔误.yaml", patch)
    assert main(["decompose", str(base), "--change", f"撤窗={typo}", "-r", "1"]) == 2
    err = capsys.readouterr().err
    assert f"{typo}: field '{field}': {problem}" in err
    assert "required field is missing" not in err


def test_every_user_of_patches_meets_the_same_check() -> None:
    """merge_patch is the one function every user of patches calls (decompose, the web
    page's decomposition, the studies' tests): it names the typo itself."""
    base = {"windows": [{"id": "A", "count": 1, "serves": ["税务"]}]}
    with pytest.raises(InputError, match="no such window group to remove") as exc:
        merge_patch(base, {"windows": {"B": None}}, "撤窗.yaml")
    assert exc.value.source == "撤窗.yaml" and exc.value.path == "windows.B"
    added = merge_patch(base, {"windows": {"B": {"count": 1, "serves": ["税务"]}}})
    assert [g["id"] for g in added["windows"]] == ["A", "B"]  # a new group, in full


def test_two_patches_removing_one_group_still_combine(tmp_path: Path) -> None:
    base = _street_hall(tmp_path)
    merged = _write(tmp_path / "并窗.yaml", {"windows": {"户籍窗口": None, "人社窗口": {
        "serves": ["社保参保", "户籍办理"]}}})
    again = _write(tmp_path / "撤户籍.yaml", {"windows": {"户籍窗口": None, "人社窗口": {
        "serves": ["社保参保", "户籍办理"]}}})
    plan = plan_decomposition(base, [load_change("并窗", merged), load_change("撤户籍", again)],
                              1)
    both = plan.experiment.points[-1].scenario
    assert [g.id for g in both.windows] == ["人社窗口", "税务窗口"]


def test_two_changes_fine_alone_but_not_together_are_named_in_chinese(
        tmp_path: Path, capsys) -> None:
    """One change shortens the run to one day, the other keeps two days of warm-up: each
    alone makes a hall, together they do not, and the planner reads which two and why."""
    base = _street_hall(tmp_path)
    short = _write(tmp_path / "一天.yaml", {"hall": {"days": 1, "warmup_days": 0}})
    warm = _write(tmp_path / "预热.yaml", {"hall": {"warmup_days": 1}})
    rc = main(["--lang", "zh", "decompose", str(base), "--change", f"一天={short}",
               "--change", f"预热={warm}", "-r", "2"])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"{short} + {warm}" in err and "变更 一天 + 预热 合在一起得到的方案无效" in err
    assert "预热天数（1）须少于模拟天数（1）" in err and "together" not in err


# --- shares of a nil total -------------------------------------------------------------


def _doc(total: float, shares: dict[str, float]) -> dict:
    entry = {"mean": total, "ci": 0.0}
    return {"base": "街道大厅.yaml", "design": "full", "combinations": 4, "replications": 2,
            "seed": 1, "metrics": {"overall.abandon_share": {
                "label": "abandoned", "unit": "%", "direction": "lower",
                "replications_used": 2, "base": {"mean": 0.04, "ci": 0.0},
                "all_changes": {"mean": 0.04 + total, "ci": 0.0},
                "total_effect": entry,
                "shapley": {n: {"mean": total * s if not math.isnan(s) else 0.0, "ci": 0.0}
                            for n, s in shares.items()},
                "shapley_share": shares}}}


def test_a_change_that_moves_nothing_has_no_share_anywhere() -> None:
    _, rows = decomposition_rows(_doc(0.0, {"加窗": math.nan, "提速": math.nan}),
                                 "overall.abandon_share")
    shares = {r[0].strip(): r[2] for r in rows if r[0].strip() in (
        "total effect", "Shapley 加窗", "Shapley 提速")}
    assert shares == {"total effect": "-", "Shapley 加窗": "-", "Shapley 提速": "-"}


def test_a_share_that_rounds_to_nothing_reads_0_percent_not_minus_0() -> None:
    _, rows = decomposition_rows(_doc(0.02, {"加窗": 1.004, "提速": -0.004}),
                                 "overall.abandon_share")
    shares = [str(r[2]) for r in rows]
    assert "-0%" not in shares and shares[2:5] == ["100%", "100%", "0%"]


def test_a_total_of_rounding_alone_is_nil_and_gives_no_share() -> None:
    """Every combination the same up to rounding: the total is nil, not a divisor."""
    values = np.array([[0.3, 0.1 + 0.2, 0.3, 0.1 + 0.2]] * 3)  # 0.30000000000000004

    class _Plan:
        k, changes, masks, orders = 2, (_Named("A"), _Named("B")), (0, 1, 2, 3), None

    d = decompose_metric(values, _Plan())  # type: ignore[arg-type]
    assert all(math.isnan(s) for s in d["shapley_share"].values())


class _Named:
    def __init__(self, name: str) -> None:
        self.name = name


# --- the Chinese heading -----------------------------------------------------------------


def test_the_chinese_table_names_the_window_hours_as_the_page_does() -> None:
    from sim.web.effects import metric_title

    doc = _doc(0.0, {})
    doc["metrics"] = {"overall.window_hours": {
        **doc["metrics"]["overall.abandon_share"], "label": "staffed, all window groups",
        "unit": "h / rep", "direction": None}}
    try:
        set_language("zh")
        table = decomposition_table(doc)
        page = metric_title(doc, "overall.window_hours")
    finally:
        set_language("en")
    assert "在岗（全部窗口组） [overall.window_hours]" in table
    assert "all window groups" not in table and page == "在岗（全部窗口组）"
    assert "staffed, all window groups [overall.window_hours]" in decomposition_table(doc)
