"""``math_binary``: ``add``, ``sub``, ``mul``, ``div``, ``rem``, ``log_n`` or ``pow`` of two
doubles; mirrors MLeap's extension op ``MathBinaryModel``.

Each operand is a column (ports ``input_a``, ``input_b``) or, where its port is absent, the
constant ``da`` / ``db``. ``java.lang.Math``'s answers throughout (``ops.jvm_math``): ``1 / 0``
is infinity, ``x % 0`` NaN, ``pow(1, inf)`` NaN.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel, StoredNode, node_shape
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops import jvm_math
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray

OPERATIONS: dict[str, Callable[[float, float], float]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "div": jvm_math.divide,
    "rem": jvm_math.remainder,
    "log_n": jvm_math.log_n,
    "pow": jvm_math.java_pow,
}
#: NOTE: numpy's +, -, * are IEEE's, the very operations Python's floats do; the others map
#: the row path's function over the values.
_NUMPY_EXACT = {"add": "add", "sub": "subtract", "mul": "multiply"}


class MathBinaryOp(Op):
    op_name = "math_binary"

    def __init__(
        self,
        name: str,
        operation: str,
        a: str | float,
        b: str | float,
        output_col: str,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        inputs = [Field(column, DOUBLE) for column in (a, b) if isinstance(column, str)]
        super().__init__(name, inputs, [Field(output_col, DOUBLE)], ports=ports)
        self.operation, self.a, self.b, self.output_col = operation, a, b, output_col
        self.function = OPERATIONS[operation]

    @classmethod
    def from_bundle(cls, node: NodeContext) -> MathBinaryOp:
        attributes = node.attributes
        operation = attributes.get_string("operation")
        if operation not in OPERATIONS:
            raise BundleError(
                f"{node.attributes.where}: math_binary 'operation' is {operation!r}; "
                f"expected one of {', '.join(OPERATIONS)}"
            )
        operands: list[str | float] = []
        for port, constant in (("input_a", "da"), ("input_b", "db")):
            column = next((s.name for s in node.shape.inputs if s.port == port), None)
            if column is not None:
                operands.append(column)
            elif constant in attributes:
                operands.append(attributes.get_double(constant))
            else:
                raise BundleError(
                    f"{node.attributes.where}: math_binary has neither an input port {port!r} "
                    f"nor the constant {constant!r}"
                )
        output = node.shape.output("output", node.node_where)
        return cls(node.name, operation, operands[0], operands[1], output, ports=node.shape)

    def _operand(self, frame: Frame, operand: str | float, rows: int) -> FloatArray:
        if isinstance(operand, str):
            values: FloatArray = np.asarray(frame[operand], dtype=np.float64)
            return values
        return np.full(rows, operand)

    def transform(self, frame: Frame) -> Frame:
        rows = len(next(iter(frame.values()))) if frame else 0
        a, b = self._operand(frame, self.a, rows), self._operand(frame, self.b, rows)
        exact = _NUMPY_EXACT.get(self.operation)
        with np.errstate(all="ignore"):
            if exact is not None:
                result = getattr(np, exact)(a, b)
            else:
                result = jvm_math.elementwise2(self.function, a, b)
        frame[self.output_col] = result
        return frame

    def row_step(self) -> RowStep:
        a, b, target, function = self.a, self.b, self.output_col, self.function
        if isinstance(a, str) and isinstance(b, str):

            def columns(row: Row) -> None:
                row[target] = function(row[a], row[b])

            return columns
        if isinstance(a, str):
            constant_b = float(b)

            def column_a(row: Row) -> None:
                row[target] = function(row[a], constant_b)

            return column_a
        constant_a = float(a)
        if isinstance(b, str):

            def column_b(row: Row) -> None:
                row[target] = function(constant_a, row[b])

            return column_b
        value = function(constant_a, float(b))

        def constant(row: Row) -> None:
            row[target] = value

        return constant

    def store(self) -> StoredNode:
        return stored(self.name, self.operation, self.a, self.b, self.output_col)


def stored(
    name: str, operation: str, a: str | float, b: str | float, output_col: str
) -> StoredNode:
    """The ``math_binary`` node MLeap writes: a column operand is a port, a constant an
    attribute (``da``, ``db``)."""
    attributes = {"operation": attr.string(operation)}
    inputs = []
    for port, constant, operand in (("input_a", "da", a), ("input_b", "db", b)):
        if isinstance(operand, str):
            inputs.append((port, operand))
        else:
            attributes[constant] = attr.double(operand)
    shape = node_shape(inputs, [("output", output_col)])
    return StoredNode(name, shape, StoredModel("math_binary", attributes))
