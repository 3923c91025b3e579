"""``pipeline``: runs its child nodes in order; mirrors MLeap's ``Pipeline`` transformer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from snowleap.ops.base import Field, Frame, Op, RowStep, chain_steps

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.bundle.store import StoredNode


class PipelineOp(Op):
    op_name = "pipeline"

    def __init__(self, name: str, children: list[Op], *, ports: NodeShape | None = None) -> None:
        produced: set[str] = set()
        inputs: dict[str, Field] = {}
        outputs: list[Field] = []
        for child in children:
            for field in child.inputs:
                if field.name not in produced and field.name not in inputs:
                    inputs[field.name] = field
            for field in child.outputs:
                produced.add(field.name)
                outputs.append(field)
        super().__init__(name, list(inputs.values()), outputs, ports=ports)
        self.children = children

    @classmethod
    def from_bundle(cls, node: NodeContext) -> PipelineOp:
        # NOTE: only the nodes the pipeline lists run; a bundle folder may hold others.
        names = node.attributes.get_string_list("nodes")
        return cls(node.name, [node.load_child(child) for child in names], ports=node.shape)

    def leaves(self) -> list[Op]:
        return [leaf for child in self.children for leaf in child.leaves()]

    def transform(self, frame: Frame) -> Frame:
        for child in self.children:
            frame = child.transform(frame)
        return frame

    def row_step(self) -> RowStep:
        return chain_steps([leaf.row_step() for leaf in self.leaves()])

    def describe(self) -> dict[str, Any]:
        described = super().describe()
        described["nodes"] = [child.describe() for child in self.children]
        return described

    def store(self) -> StoredNode:
        return stored(self.name, [child.store() for child in self.children])


def stored(name: str, children: Sequence[StoredNode]) -> StoredNode:
    """A ``pipeline`` node: its children's names in order, each child a folder beside it."""
    # NOTE: imported here: writing a bundle is never on a cold start's path.
    from snowleap.bundle import store as attr
    from snowleap.bundle.store import StoredModel, StoredNode, node_shape

    nodes = attr.string_list([child.name for child in children])
    return StoredNode(
        name, node_shape(), StoredModel("pipeline", {"nodes": nodes}, children=children)
    )
