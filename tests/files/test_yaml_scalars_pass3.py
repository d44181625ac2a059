"""Story: a clerk types a date that does not exist (2023-02-29) as the calendar's start,
or a value whose tag cannot read it (``!!int abc``, ``!!bool maybe``, a bare ``.`` that
YAML takes for a number). PyYAML's constructors let Python's own ValueError or KeyError
escape, and hallsim exited 1 with "ValueError: day is out of range for month". Now the
one YAML reader says which file, line and field, and the command exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main
from sim.files.errors import InputError
from sim.files.yaml_reader import read_yaml

QUICKSTART = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"


@pytest.mark.parametrize(("value", "says"), [
    ("2023-02-29", "'2023-02-29' is not a valid date (day is out of range for month)"),
    ("2024-02-30", "'2024-02-30' is not a valid date"),
    ("!!int abc", "'abc' is not a valid integer"),
    ("!!int 0b102", "'0b102' is not a valid integer"),
    ("!!float x", "'x' is not a valid number"),
    ("!!bool maybe", "'maybe' is not true or false"),
    ('!!int ""', "'' is not a valid integer"),
    (".", "'.' is not a valid number"),
    ("-.", "'-.' is not a valid number"),
    ("+.", "'+.' is not a valid number"),
    ("._", "'._' is not a valid number"),
])
def test_a_value_its_tag_cannot_read_names_file_line_and_field(tmp_path, value, says):
    path = tmp_path / "hall.yaml"
    path.write_text(f"name: hall\nhall:\n  days: 1\n  start: {value}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_yaml(path)
    err = caught.value
    assert err.source == str(path) and err.path == "hall.start"
    assert err.problem.startswith("invalid YAML at line 4, column 10: ")
    assert says in err.problem


def test_a_key_that_is_no_date_is_named_by_its_text(tmp_path):
    path = tmp_path / "hall.yaml"
    path.write_text("name: hall\ncategories:\n  2024-02-30: 1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_yaml(path)
    assert caught.value.path == "categories.2024-02-30"


def test_validate_of_a_calendar_starting_on_february_29_2023_exits_2(tmp_path, capsys):
    text = QUICKSTART.read_text(encoding="utf-8") + "calendar:\n  start: 2023-02-29\n"
    path = tmp_path / "feb29.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.count("\n")  # the last line of the file
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hallsim: error: {path}: field 'calendar.start': invalid YAML at "
                          f"line {line}, column 10: '2023-02-29' is not a valid date")
    assert "ValueError" not in err and "Traceback" not in err


def test_an_experiment_naming_a_bare_dot_as_its_scenario_exits_2(tmp_path, capsys):
    path = tmp_path / "e.yaml"
    path.write_text("name: e\nscenarios: [.]\nreplications: 1\nfactors: {arrival_scale: [1]}\n",
                    encoding="utf-8")
    assert main(["batch", "run", str(path), "--store", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "field 'scenarios.0': invalid YAML at line 2" in err and "ValueError" not in err
    assert not (tmp_path / "s.sqlite").exists()


def test_well_formed_values_still_read_as_before(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("a: 2024-02-29\nb: !!int 0b101\nc: 1_000.5\nd: .5\ne: '10:00'\nf: !!bool yes\n",
                    encoding="utf-8")
    data = read_yaml(path)
    assert str(data["a"]) == "2024-02-29" and data["b"] == 5 and data["c"] == 1000.5
    assert data["d"] == 0.5 and data["e"] == "10:00" and data["f"] is True
