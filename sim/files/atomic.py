"""Atomic file output: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``path``, on error it is removed.
    A symbolic link is followed: the file it names is replaced, the link kept."""
    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_folder(path: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; on success its files take their places in
    ``path`` (made if missing; same-named files and folders there are replaced, others
    kept), on error it is removed: a failed report leaves neither an empty folder nor half
    of its files."""
    import shutil

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        yield tmp
        if not path.exists():
            os.replace(tmp, path)
            return
        for entry in tmp.iterdir():
            dest = path / entry.name
            if dest.is_dir() and not dest.is_symlink():
                shutil.rmtree(dest)
            os.replace(entry, dest)
        tmp.rmdir()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _check_writable(path: Path, option: str, what: str) -> None:
    """Refuse a place where no ``what`` (file or folder) can be made: its nearest existing
    folder must be a folder this process can write in."""
    from sim.files.errors import InputError

    folder = path.parent if what == "file" else path
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        if not folder.is_dir():
            raise OSError(f"'{folder}' is not a folder")
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:  # the reason, in the folder the user can see (not the probe's name)
        reason = f"{exc.strerror}: '{folder}'" if exc.strerror else str(exc)
        raise InputError(str(path), option, f"cannot write a {what} here ({reason})") from None


def check_output(path: str | Path | None, option: str) -> None:
    """Refuse, before any work is done, an output path that cannot be written.

    Raises :class:`sim.files.errors.InputError` (exit 2) naming the option when the
    path is a directory, a named pipe, a device or a socket (a file is written beside
    it and renamed into its place: the device itself would be replaced, ``/dev/null``
    included), or its folder cannot be created or written.
    """
    from sim.files.errors import InputError
    from sim.files.reading import not_a_file

    if path is None:
        return
    path = Path(path)
    if path.is_dir():
        raise InputError(str(path), option, "is a directory; give a file name")
    try:
        mode = path.stat().st_mode  # a link's target
    except OSError:
        mode = None  # nothing there yet (or a link to nothing): a file will be made
    kind = None if mode is None else not_a_file(mode)
    if kind is not None:
        raise InputError(str(path), option, f"is {kind}, not a regular file; give a file")
    _check_writable(path, option, "file")


def check_folder(path: str | Path | None, option: str) -> None:
    """Refuse, before any work is done, an output folder that cannot be written: an
    existing file of that name, or a place where no folder can be made.

    Raises :class:`sim.files.errors.InputError` (exit 2) naming the option.
    """
    from sim.files.errors import InputError

    if path is None:
        return
    from sim.files.reading import not_a_file

    path = Path(path)
    if path.exists() and not path.is_dir():
        kind = not_a_file(path.stat().st_mode)
        if kind is not None:  # /dev/null, a pipe: not "a file" to the reader
            raise InputError(str(path), option, f"is {kind}, not a folder; give a folder name")
        raise InputError(str(path), option, "is a file; give a folder name")
    _check_writable(path, option, "folder")


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write text to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json_atomic(path: str | Path, document: Any) -> None:
    """Write a JSON document (indented, keys in insertion order) atomically."""
    write_text_atomic(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
