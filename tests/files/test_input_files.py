"""Inputs that are not files: a pipe, a device, a folder. Each is refused at once with exit
2 and a message saying what it is, instead of hanging or filling memory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.files.errors import InputError
from sim.files.reading import check_input_file, read_bytes_limited
from sim.files.yaml_reader import read_yaml


def hallsim(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim.cli.main", *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_named_pipe_given_as_the_scenario_is_refused_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "大厅.yaml"
    os.mkfifo(pipe)
    proc = hallsim("validate", str(pipe), cwd=tmp_path)  # would block forever if opened
    assert proc.returncode == 2
    assert "named pipe" in proc.stderr and "大厅.yaml" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_device_is_refused_before_a_byte_is_read(tmp_path):
    proc = hallsim("validate", "/dev/zero", cwd=tmp_path)
    assert proc.returncode == 2
    assert "/dev/zero: is a device" in proc.stderr


def test_a_folder_given_as_a_ticket_log_says_it_is_a_folder(tmp_path):
    (tmp_path / "叫号日志").mkdir()
    proc = hallsim("calibrate", "叫号日志", "--out", "厅.yaml", "-q", cwd=tmp_path)
    assert proc.returncode == 2
    assert "叫号日志: is a folder, not a file" in proc.stderr
    assert not (tmp_path / "厅.yaml").exists()


def test_a_missing_file_is_named_as_missing(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        check_input_file(tmp_path / "无.yaml")


def test_a_file_over_the_limit_is_refused_even_when_its_size_is_not_known_in_advance(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 30)
    assert read_bytes_limited(big, 150, "the docs") == b"a: 1\n" * 30
    with pytest.raises(InputError, match="larger than the limit of 149 bytes"):
        read_bytes_limited(big, 149, "the docs")


def test_yaml_is_still_read_as_before(tmp_path):
    f = tmp_path / "厅.yaml"
    f.write_text("name: 测试\nopen: 08:30\n", encoding="gbk")
    assert read_yaml(f) == {"name": "测试", "open": "08:30"}


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")


@needs_fifo
@pytest.mark.parametrize("argv", [
    ["report", "管道.json", "--out", "报告"],
    ["batch", "status", "管道.json"],
    ["batch", "summary", "管道.json"],
    ["batch", "export", "管道.json", "--out", "表.csv"],
    ["plan-view", "厅.yaml", "--results", "管道.json", "--out", "图.svg"],
    ["forecast", "厅.yaml", "--plan", "管道.json", "--out", "下月.yaml"],
    ["replay", "厅.yaml", "--records", "管道.json", "--out", "回放.html"],
], ids=lambda argv: "-".join(argv[:2]))
def test_every_verb_refuses_a_named_pipe_as_input_instead_of_waiting(tmp_path, argv):
    os.mkfifo(tmp_path / "管道.json")
    (tmp_path / "厅.yaml").write_text(
        (Path(__file__).resolve().parents[2] / "scenarios/quickstart.yaml").read_text("utf-8"),
        encoding="utf-8")
    proc = hallsim(*argv, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "管道.json: " in proc.stderr and "is a named pipe" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["厅.yaml", "管道.json"]


@needs_fifo
def test_an_output_that_is_a_pipe_or_a_device_is_refused_and_left_as_it_is(tmp_path):
    """Writing beside an output and renaming the file into its place would replace the
    device itself: as root, ``--json /dev/null`` once turned /dev/null into a file."""
    scenario = Path(__file__).resolve().parents[2] / "scenarios/quickstart.yaml"
    os.mkfifo(tmp_path / "结果.json")
    proc = hallsim("run", str(scenario), "--days", "1", "-r", "1", "--json", "结果.json",
                   cwd=tmp_path)
    assert proc.returncode == 2
    assert "结果.json: option '--json': is a named pipe, not a regular file" in proc.stderr
    assert (tmp_path / "结果.json").is_fifo()
    proc = hallsim("run", str(scenario), "--days", "1", "-r", "1", "--json", os.devnull,
                   cwd=tmp_path)
    assert proc.returncode == 2 and "is a device" in proc.stderr
    assert Path(os.devnull).is_char_device()


def test_an_output_through_a_link_replaces_the_file_and_keeps_the_link(tmp_path):
    from sim.files.atomic import write_text_atomic

    (tmp_path / "真.json").write_text("old", encoding="utf-8")
    (tmp_path / "链.json").symlink_to("真.json")
    write_text_atomic(tmp_path / "链.json", "new")
    assert (tmp_path / "链.json").is_symlink()
    assert (tmp_path / "真.json").read_text(encoding="utf-8") == "new"
