"""Reading input files safely: YAML with documented limits, in user terms.

:func:`read_yaml` parses any input file (scenario, experiment, optimiser spec)
and refuses, with the file and the field path, what no valid file holds: a
file larger than :data:`~sim.files.limits.MAX_FILE_BYTES`, nesting deeper than
:data:`~sim.files.limits.MAX_NESTING`, more than :data:`~sim.files.limits.MAX_VALUES`
values once aliases are expanded, NaN or infinity. :func:`format_loc` turns a
location in such data into the dotted field path that messages name.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from sim.files.errors import InputError
from sim.files.limits import MAX_FILE_BYTES, MAX_NESTING, MAX_VALUES
from sim.files.reading import decode_text, read_bytes_limited


class _TooDeep(yaml.YAMLError):
    """Nesting beyond the limit, found while composing (before any recursion runs deep)."""

    def __init__(self, path: list[Any], line: int) -> None:
        super().__init__()
        self.path = path
        self.line = line


#: what a value of these tags must be, as a message says it
_KINDS = {
    "tag:yaml.org,2002:timestamp": "a valid date",
    "tag:yaml.org,2002:int": "a valid integer",
    "tag:yaml.org,2002:float": "a valid number",
    "tag:yaml.org,2002:bool": "true or false",
}


class _BadValue(yaml.YAMLError):
    """A value whose tag (given, or read from its form) cannot construct it: an invalid
    date such as ``2023-02-29``, ``!!int abc``, ``!!bool maybe``."""

    def __init__(self, node: yaml.Node, path: list[Any], exc: Exception) -> None:
        super().__init__()
        self.node = node
        self.path = path
        # why a date is not one ("day is out of range for month"); Python's words on a
        # number ("invalid literal for int() with base 10") say nothing more than ours
        self.reason = str(exc.args[0]) if (isinstance(exc, ValueError) and exc.args and
                                           node.tag == "tag:yaml.org,2002:timestamp") else ""

    def problem(self) -> str:
        """What is wrong, with the line and column: the problem of an ``invalid YAML``
        message."""
        mark = self.node.start_mark
        tag = self.node.tag
        if isinstance(self.node, yaml.ScalarNode):
            kind = _KINDS.get(tag) or f"a value of tag '{tag}'"
            value = self.node.value if len(self.node.value) <= 40 else \
                self.node.value[:40] + "..."
            detail = f"'{value}' is not {kind}"
        else:
            detail = f"cannot read the value as tag '{tag}'"
        if self.reason:
            detail += f" ({self.reason})"
        return f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {detail}"


def _node_path(root: yaml.Node, target: yaml.Node) -> list[Any]:
    """The keys and indices leading from ``root`` to ``target`` (a key itself is named by
    its own text); empty if ``target`` is the root or not found."""
    stack: list[tuple[yaml.Node, list[Any]]] = [(root, [])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if id(node) in seen:  # an alias met again (or a recursive one)
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                part = key.value if isinstance(key, yaml.ScalarNode) else "?"
                if key is target:
                    return [*path, part]
                stack.append((value, [*path, part]))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, [*path, k]) for k, item in enumerate(node.value))
    return []


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps ``10:00`` a string (YAML 1.1 would read it as 600), refuses
    a key given twice in one mapping (YAML would silently keep the last) and stops at
    :data:`MAX_NESTING` levels of lists and mappings."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._path: list[Any] = []

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose one node, keeping the path to it; refuse nesting beyond the limit."""
        if parent is None:
            return super().compose_node(parent, index)
        part = index.value if isinstance(index, yaml.ScalarNode) else index
        self._path.append("?" if part is None or isinstance(part, yaml.Node) else part)
        try:
            if len(self._path) > MAX_NESTING:
                raise _TooDeep(list(self._path), self.peek_event().start_mark.line)
            return super().compose_node(parent, index)
        finally:
            self._path.pop()

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        """A mapping, refusing a key given twice and keys that are lists or mappings."""
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value, not a list or mapping",
                    key_node.start_mark) from None
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' appears twice in one mapping (first at line "
                    f"{seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_document(self, node: yaml.Node) -> Any:
        """The document's data; the root node is kept to name the field of a value that
        cannot be read (:class:`_BadValue`)."""
        self._root = node
        return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """One value; a scalar its tag cannot read (``2023-02-29`` as a date, ``!!int abc``,
        ``!!bool maybe``) raises :class:`_BadValue` naming it, where PyYAML's constructors
        let Python's own ``ValueError`` or ``KeyError`` escape."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError,
                OverflowError) as exc:
            root = getattr(self, "_root", None)
            raise _BadValue(node, _node_path(root, node) if root is not None else [],
                            exc) from None


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers
          if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(0|[1-9][0-9_]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$|^[-+]?[0-9]+[eE][-+]?[0-9]+$"
               r"|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$"),
    list("-+0123456789."),
)


def _check_values(data: Any, source: str) -> None:
    """Refuse NaN, infinity and alias-expanded data beyond :data:`MAX_VALUES` values."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    count = 0
    while stack:
        node, loc = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise InputError(source, "", f"more than {MAX_VALUES:,} values once YAML aliases "
                                         "are expanded (a limit, see 'Limits' in "
                                         "docs/scenario-format.md)")
        if isinstance(node, float) and not math.isfinite(node):
            problem = "NaN is not allowed" if math.isnan(node) else "infinity is not allowed"
            raise InputError(source, format_loc(loc, data), f"{problem}: give a finite number")
        if isinstance(node, dict):
            stack.extend((v, (*loc, k)) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((v, (*loc, k)) for k, v in reversed(list(enumerate(node))))


def read_text(path: str | Path) -> str:
    """The text of an input file (a scenario, a spec, a patch) as :func:`read_yaml` reads
    it: at most :data:`~sim.files.limits.MAX_FILE_BYTES`, in UTF-8 or GBK/GB18030;
    anything else raises :class:`InputError`."""
    raw = read_bytes_limited(path, MAX_FILE_BYTES, "'Limits' in docs/scenario-format.md")
    try:
        return decode_text(raw)
    except UnicodeDecodeError:
        raise InputError(str(path), "", "cannot read file: its text is neither UTF-8 nor "
                                        "GBK/GB18030") from None


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file safely; unreadable files, bad YAML and data beyond the limits
    (size, nesting, values, NaN and infinity) raise :class:`InputError`."""
    source = str(path)
    text = read_text(path)
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except _TooDeep as exc:
        raise InputError(source, ".".join(map(str, exc.path)),
                         f"nested more than {MAX_NESTING} levels deep (line {exc.line + 1}; a "
                         "limit, see 'Limits' in docs/scenario-format.md)") from None
    except _BadValue as exc:
        raise InputError(source, ".".join(map(str, exc.path)), exc.problem()) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(source, "", f"invalid YAML{where}: {problem}") from None
    _check_values(data, source)
    return data


def format_loc(loc: tuple[Any, ...], data: Any, missing: bool = False) -> str:
    """A user-facing dotted path for a pydantic error location in ``data``.

    Window groups are named by id. A string in ``loc`` that is not a key of the data
    at that point is the tag of a discriminated union and is left out, unless it is
    the last one of a ``missing`` error (the name of the missing field).
    """
    parts: list[str] = []
    node = data
    for k, item in enumerate(loc):
        is_key = isinstance(node, dict) and item in node
        if isinstance(item, str) and not is_key and not (missing and k == len(loc) - 1):
            continue
        if isinstance(item, int) and parts and parts[-1] == "windows" and isinstance(node, list):
            entry = node[item] if item < len(node) else None
            wid = entry.get("id") if isinstance(entry, dict) else None
            parts.append(str(wid) if wid else str(item))
        else:
            parts.append(str(item))
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)
