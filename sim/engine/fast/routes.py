"""Back-office routes as flat node tables for the compiled back office
(:mod:`sim.engine.fast.backoffice`): the node trees of
:func:`~sim.engine.backoffice.compile_route`, numbered breadth first, a route's nodes
contiguous from its root."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.engine.backoffice import Node

#: node kinds of the tables
STAGE, SERIES, PARALLEL = 0, 1, 2
_KINDS = {"stage": STAGE, "series": SERIES, "parallel": PARALLEL}


@dataclass
class Routes:
    """Per node its kind, stage (-1 but for a stage), occurrence (the index of its work in
    a case's works), parent (-1: a root) and children (``children[child_ptr[n]:
    child_ptr[n + 1]]``, in order); per route (by its root) its number of nodes."""

    kind: list[int] = field(default_factory=list)
    stage: list[int] = field(default_factory=list)
    occurrence: list[int] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    child_ptr: list[int] = field(default_factory=lambda: [0])
    children: list[int] = field(default_factory=list)
    sizes: dict[int, int] = field(default_factory=dict)

    def add(self, root: Node) -> int:
        """Add a route (a compiled node tree); return its root's index."""
        first = len(self.kind)
        nodes: list[tuple[Node, int]] = []
        order = [(root, -1)]
        while order:  # breadth first: a node's children are numbered together
            node, parent = order.pop(0)
            nodes.append((node, parent))
            order += [(child, first + len(nodes) - 1) for child in node.children]
        for node, parent in nodes:
            self.kind.append(_KINDS[node.kind])
            self.stage.append(node.stage)
            self.occurrence.append(node.occurrence)
            self.parent.append(parent)
        for k, (node, _parent) in enumerate(nodes):
            mine = [first + j for j, (_n, p) in enumerate(nodes) if p == first + k]
            assert len(mine) == len(node.children)
            self.children += mine
            self.child_ptr.append(len(self.children))
        self.sizes[first] = len(nodes)
        return first

    def size(self, root: int) -> int:
        """The number of nodes of the route from ``root``."""
        return self.sizes[root]

    def stages(self, root: int) -> np.ndarray:
        """The stage of each of the route's stage occurrences."""
        nodes = range(root, root + self.sizes[root])
        return np.array([self.stage[n] for n in nodes if self.kind[n] == STAGE],
                        dtype=np.int64)

    def arrays(self) -> tuple[np.ndarray, ...]:
        """``kind, stage, occurrence, parent, child_ptr, children`` as int64 arrays."""
        return tuple(np.array(x, dtype=np.int64) for x in (
            self.kind, self.stage, self.occurrence, self.parent, self.child_ptr,
            self.children))
