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
