"""Opening input files safely: only regular files, never more than a documented size.

A path given as input may be a folder, a named pipe (FIFO) that blocks until someone
writes to it, or a device such as ``/dev/zero`` that never ends. :func:`check_input_file`
refuses all of them before anything is opened, and :func:`read_bytes_limited` reads at
most ``limit`` bytes, so an input can neither hang a command nor exhaust memory.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from sim.files.errors import InputError


def not_a_file(mode: int) -> str | None:
    """What a path of this ``st_mode`` is when it is neither a regular file nor a folder
    ("a named pipe", "a device", ...), else None."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return "a named pipe" if stat.S_ISFIFO(mode) else \
        "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


def check_input_file(path: str | Path) -> Path:
    """The path, if it names a regular file that exists; otherwise an
    :class:`InputError` saying what it is instead (missing, a folder, a pipe, a device)."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError(str(path), "", "file not found") from None
    except OSError as exc:
        raise InputError(str(path), "", f"cannot read file ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        raise InputError(str(path), "", "is a folder, not a file")
    kind = not_a_file(mode)
    if kind is not None:
        raise InputError(str(path), "", f"is {kind}, not a regular file; give a file")
    return path


def read_bytes_limited(path: str | Path, limit: int, limit_name: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (``limit_name`` says where
    the limit is documented); larger files, and files that grow past it while being
    read, raise :class:`InputError`."""
    path = check_input_file(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(str(path), "", f"cannot read file ({exc.strerror})") from None
    if len(data) > limit:
        raise InputError(str(path), "", f"file larger than the limit of {limit:,} bytes "
                                        f"(see {limit_name})")
    return data


def decode_text(raw: bytes) -> str:
    """Text of a file in UTF-8 (with or without a byte-order mark) or, failing that, in
    GB18030, the superset of GBK that Chinese Windows editors save in; raises
    :class:`UnicodeDecodeError` if it is neither."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def read_json(path: str | Path, what: str, option: str = "") -> Any:
    """The JSON document at ``path`` (``what`` names it in messages: "the results
    document"), read as the other inputs are: a regular file, in UTF-8 (a byte-order mark
    allowed) or GBK/GB18030. Unreadable files, bad JSON and lists or mappings nested
    deeper than Python's parser goes (about a thousand levels: no document of hallsim's
    nests more than a few) raise :class:`InputError` (``option``: the option that named
    the file, if any)."""
    try:
        path = check_input_file(path)
        with open(path, "rb") as fh:
            raw = fh.read()
    except InputError as exc:
        raise InputError(exc.source, option, exc.problem) from None
    except OSError as exc:
        raise InputError(str(path), option, f"cannot read file ({exc.strerror})") from None
    try:
        text = decode_text(raw)
    except UnicodeDecodeError:
        raise InputError(str(path), option, f"cannot read {what}: its text is neither UTF-8 "
                                            "nor GBK/GB18030") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), option, f"cannot read {what} ({exc})") from None
    except RecursionError:
        raise InputError(str(path), option, f"cannot read {what}: lists or mappings nested "
                                            "too deeply") from None
    except ValueError:  # a whole number of more digits than Python converts
        raise InputError(str(path), option, f"cannot read {what}: a number too long to "
                                            "read") from None
