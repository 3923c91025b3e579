"""``math_unary``: one of ``log``, ``exp``, ``sqrt``, ``sin``, ``cos``, ``tan``, ``abs`` of a
double column; mirrors MLeap's extension op ``MathUnaryModel`` (``java.lang.Math``'s answers,
through ``ops.jvm_math``: NaN or infinity where Python's ``math`` would raise)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.ops import jvm_math
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep
from snowleap.ops.classification.probability_math import exp_row

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext

OPERATIONS: dict[str, Callable[[float], float]] = {
    "log": jvm_math.log,
    "exp": exp_row,
    "sqrt": jvm_math.sqrt,
    "sin": jvm_math.sin,
    "cos": jvm_math.cos,
    "tan": jvm_math.tan,
    "abs": math.fabs,
}


class MathUnaryOp(Op):
    op_name = "math_unary"

    def __init__(
        self, name: str, input_col: str, output_col: str, operation: str, *, ports: NodeShape
    ) -> None:
        super().__init__(name, [Field(input_col, DOUBLE)], [Field(output_col, DOUBLE)], ports=ports)
        self.input_col, self.output_col, self.operation = input_col, output_col, operation
        self.function = OPERATIONS[operation]

    @classmethod
    def from_bundle(cls, node: NodeContext) -> MathUnaryOp:
        operation = node.attributes.get_string("operation")
        if operation not in OPERATIONS:
            raise BundleError(
                f"{node.attributes.where}: math_unary 'operation' is {operation!r}; "
                f"expected one of {', '.join(OPERATIONS)}"
            )
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            operation,
            ports=node.shape,
        )

    def transform(self, frame: Frame) -> Frame:
        frame[self.output_col] = jvm_math.elementwise(self.function, frame[self.input_col])
        return frame

    def row_step(self) -> RowStep:
        source, target, function = self.input_col, self.output_col, self.function

        def apply(row: Row) -> None:
            row[target] = function(row[source])

        return apply

    def store(self) -> StoredNode:
        return stored(self.name, self.input_col, self.output_col, self.operation)


def stored(name: str, input_col: str, output_col: str, operation: str) -> StoredNode:
    """The ``math_unary`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {"operation": attr.string(operation)}
    return simple_node(name, "math_unary", input_col, output_col, attributes)
