"""The engine's modules import one another one way only, so they read bottom up.

Every import counts: at the top, inside functions and under ``TYPE_CHECKING`` (a circle
hidden from the interpreter is still one for the reader). Mechanisms import the core;
the core never imports a mechanism.
"""

from __future__ import annotations

import ast
from pathlib import Path

import sim.engine
from sim.engine.parts import PARTS

ENGINE = Path(sim.engine.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ENGINE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def engine_imports() -> dict[str, set[str]]:
    """Each engine module's imports of other engine modules (any place in the file)."""
    modules = {module_name(p): p for p in ENGINE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for m, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                     if isinstance(node, ast.ImportFrom) and node.module else [])
            graph[m] |= {n for n in names if n in modules and n != m}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph`` (one path each), by depth-first search."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                found.append(path[path.index(n):] + [n])
            elif n not in state:
                visit(n, path + [n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return found


def test_no_engine_module_imports_itself_back():
    assert circles(engine_imports()) == []


def test_the_circle_finder_sees_a_circle_through_type_checking_imports():
    # the circle the engine had: hall -> breaks -> (TYPE_CHECKING) hall, and via recording
    found = circles({"hall": {"breaks", "recording"}, "breaks": {"hall"},
                     "recording": {"hall"}, "records": set()})
    assert found == [["breaks", "hall", "breaks"], ["hall", "recording", "hall"]]


def test_the_core_knows_no_mechanism():
    graph = engine_imports()
    mechanisms = {build.__self__.__module__ for build in PARTS} | {"sim.engine.parts"}
    assert "sim.engine.kiosk_users" in mechanisms

    def below(m: str, seen: set[str]) -> set[str]:
        for n in graph[m] - seen:
            seen.add(n)
            below(n, seen)
        return seen

    assert not below("sim.engine.core", set()) & mechanisms
