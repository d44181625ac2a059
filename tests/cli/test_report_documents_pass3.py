"""Story: a planner hands ``hallsim report`` (and ``plan-view --results``) a results
document that went through other hands: saved again by a Windows editor with a byte-order
mark or in GBK, cut and pasted into the wrong shape (``null`` for an item's figures, a list
for ``overall``, a word for ``by_hour``), or a hostile one nested 100,000 levels deep.
The readable ones are reported as any other; the broken ones exit 2 naming the file and
the field, never with Python's words ("'NoneType' object has no attribute 'get'") nor a
RecursionError (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("doc") / "q.json"
    assert main(["run", str(QUICKSTART), "-r", "2", "--days", "1", "-q", "--json",
                 str(out), "--engine", "simpy"]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _report(tmp_path: Path, path: Path, capsys) -> tuple[int, str]:
    code = main(["report", str(path), "--out", str(tmp_path / "rep")])
    return code, capsys.readouterr().err


def test_a_document_saved_with_a_byte_order_mark_or_in_gbk_is_reported(tmp_path, results,
                                                                        capsys):
    text = json.dumps(results | {"scenario": "示例大厅"}, ensure_ascii=False)
    for name, raw in (("bom.json", b"\xef\xbb\xbf" + text.encode("utf-8")),
                      ("gbk.json", text.encode("gbk"))):
        path = tmp_path / name
        path.write_bytes(raw)
        code, err = _report(tmp_path / name.removesuffix(".json"), path, capsys)
        assert code == 0, err
        page = (tmp_path / name.removesuffix(".json") / "rep" / "index.html").read_text(
            encoding="utf-8")
        assert "示例大厅" in page


@pytest.mark.parametrize(("change", "field"), [
    ({"by_category": {"tax": None}}, "by_category.tax"),
    ({"overall": []}, "overall"),
    ({"overall": float("nan")}, "overall"),
    ({"by_hour": "x"}, "by_hour"),
    ({"replications": "2"}, "replications"),
])
def test_a_document_of_the_wrong_shape_exits_2_naming_the_field(tmp_path, results, capsys,
                                                                change, field):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(results | change), encoding="utf-8")
    code, err = _report(tmp_path, path, capsys)
    assert code == 2
    assert err.startswith(f"hallsim: error: {path}: field '{field}': not a results document")
    assert "object has no attribute" not in err and "Traceback" not in err
    assert not (tmp_path / "rep").exists()
    code = main(["plan-view", str(QUICKSTART), "--results", str(path), "--out",
                 str(tmp_path / "p.svg")])
    assert code == 2 and f"field '{field}'" in capsys.readouterr().err


def test_a_figure_given_as_a_word_is_named(tmp_path, results, capsys):
    doc = results | {"overall": results["overall"] | {"wait_mean": "long"}}
    path = tmp_path / "word.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, err = _report(tmp_path, path, capsys)
    assert code == 2 and ("field 'overall.wait_mean': not a results document (hallsim run "
                          "--json): a number is expected, not 'long'") in err


def test_a_document_nested_100000_levels_deep_exits_2(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, err = _report(tmp_path, path, capsys)
    assert code == 2 and "nested too deeply" in err and "RecursionError" not in err
    code = main(["plan-view", str(QUICKSTART), "--results", str(path), "--out",
                 str(tmp_path / "p.svg")])
    err = capsys.readouterr().err
    assert code == 2 and "option '--results'" in err and "nested too deeply" in err
