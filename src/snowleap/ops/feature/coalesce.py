"""``coalesce``: the first of several doubles that is not missing; mirrors MLeap's extension op
``CoalesceModel`` (ports ``input0``, ``input1``... in order, ``output``).

NOTE: snowleap's frames hold a missing double as NaN, so a NaN counts as missing here, where
MLeap's runtime (which has nulls) would return a NaN that is not null. If every input is
missing, the output is missing (NaN; MLeap: null).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, node_shape, numbered
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext


class CoalesceOp(Op):
    op_name = "coalesce"

    def __init__(
        self, name: str, input_cols: list[str], output_col: str, *, ports: NodeShape | None = None
    ) -> None:
        super().__init__(
            name, [Field(c, DOUBLE) for c in input_cols], [Field(output_col, DOUBLE)], ports=ports
        )
        self.input_cols, self.output_col = input_cols, output_col

    @classmethod
    def from_bundle(cls, node: NodeContext) -> CoalesceOp:
        inputs = node.shape.numbered_inputs(node.node_where)
        nullable = node.attributes.get_bool_list("nullable_inputs")
        if len(nullable) != len(inputs):
            raise BundleError(
                f"{node.attributes.where}: coalesce has {len(inputs)} inputs but {len(nullable)} "
                "'nullable_inputs'"
            )
        return cls(
            node.name, inputs, node.shape.output("output", node.node_where), ports=node.shape
        )

    def transform(self, frame: Frame) -> Frame:
        first = np.asarray(frame[self.input_cols[0]], dtype=np.float64)
        result = first.copy()
        for column in self.input_cols[1:]:
            missing = np.isnan(result)
            if not bool(missing.any()):
                break
            values = np.asarray(frame[column], dtype=np.float64)
            result[missing] = values[missing]
        frame[self.output_col] = result
        return frame

    def row_step(self) -> RowStep:
        sources, target = self.input_cols, self.output_col
        isnan = math.isnan

        def first_present(row: Row) -> None:
            for column in sources:
                value = row[column]
                if value is not None and not isnan(value):
                    row[target] = value
                    return
            row[target] = math.nan

        return first_present

    def store(self) -> StoredNode:
        return stored(self.name, self.input_cols, self.output_col)


def stored(name: str, input_cols: list[str], output_col: str) -> StoredNode:
    """The ``coalesce`` node MLeap writes: every input nullable, as missing values may be."""
    attributes = {"nullable_inputs": attr.boolean_list([True] * len(input_cols))}
    shape = node_shape(numbered("input", input_cols), [("output", output_col)])
    return StoredNode(name, shape, StoredModel("coalesce", attributes))
