"""A node whose op snowleap does not implement, kept in place so a bundle is read to its end.

Loading notes each such node instead of stopping at the first one: ``snowleap.load`` then names
them all in one ``UnknownOpError`` (a user learns every op their pipeline lacks at once), and
``snowleap inspect`` shows the bundle with those nodes marked. A placeholder never scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from snowleap.errors import BundleError, UnknownOpError
from snowleap.ops.base import Frame, Op, RowStep

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.bundle.store import StoredNode

UNKNOWN_TYPE = "?"


class UnsupportedOp(Op):
    """Stands for a node of an op the runtime lacks: its name, op name, ports and location."""

    op_name = "unsupported"

    def __init__(self, name: str, bundle_op: str, where: str, *, ports: NodeShape) -> None:
        # NOTE: its columns' types are unknown, so it declares none; ``partial_schemas`` reads
        # its ports instead.
        super().__init__(name, [], [], ports=ports)
        self.bundle_op = bundle_op
        self.where = where

    @classmethod
    def from_bundle(cls, node: NodeContext) -> UnsupportedOp:
        return cls(node.name, node.op, node.node_where, ports=node.shape)

    @property
    def reads(self) -> list[str]:
        assert self.ports is not None, "from_bundle always keeps the ports"
        return [socket.name for socket in self.ports.inputs]

    @property
    def writes(self) -> list[str]:
        assert self.ports is not None, "from_bundle always keeps the ports"
        return [socket.name for socket in self.ports.outputs]

    def _refuse(self) -> BundleError:
        return UnknownOpError(f"{self.where}: op {self.bundle_op!r} is not supported by snowleap")

    def transform(self, frame: Frame) -> Frame:
        raise self._refuse()

    def row_step(self) -> RowStep:
        raise self._refuse()

    def store(self) -> StoredNode:
        raise self._refuse()

    def describe(self) -> dict[str, Any]:
        described = super().describe()
        described["op"] = self.bundle_op
        described["unsupported"] = True
        described["inputs"] = dict.fromkeys(self.reads, UNKNOWN_TYPE)
        described["outputs"] = dict.fromkeys(self.writes, UNKNOWN_TYPE)
        return described


def unknown_ops_error(nodes: Sequence[UnsupportedOp], supported: Sequence[str]) -> UnknownOpError:
    """One error naming every unsupported node (where, op), then the ops snowleap supports."""
    supported_list = f"supported ops: {', '.join(supported)}"
    if len(nodes) == 1:
        node = nodes[0]
        return UnknownOpError(
            f"{node.where}: op {node.bundle_op!r} is not supported by snowleap; {supported_list}"
        )
    missing = sorted({node.bundle_op for node in nodes})
    listed = "; ".join(f"{node.where}: op {node.bundle_op!r}" for node in nodes)
    return UnknownOpError(
        f"{len(nodes)} nodes use ops snowleap does not support "
        f"({', '.join(repr(op) for op in missing)}): {listed}; {supported_list}"
    )


def partial_schemas(root: Op) -> tuple[dict[str, str], dict[str, str]]:
    """Input and output schemas (column -> type name) of a graph that may hold unsupported
    nodes: their columns have type ``?``, and what they write is not asked of the caller."""
    produced: set[str] = set()
    inputs: dict[str, str] = {}
    outputs: dict[str, str] = {}
    for leaf in root.leaves():
        if isinstance(leaf, UnsupportedOp):
            reads = dict.fromkeys(leaf.reads, UNKNOWN_TYPE)
            writes = dict.fromkeys(leaf.writes, UNKNOWN_TYPE)
        else:
            reads = {field.name: str(field.type) for field in leaf.inputs}
            writes = {field.name: str(field.type) for field in leaf.outputs}
        for name, kind in reads.items():
            if name not in produced and name not in inputs:
                inputs[name] = kind
        for name, kind in writes.items():
            produced.add(name)
            outputs[name] = kind
    return inputs, outputs
