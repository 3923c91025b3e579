"""``imputer``: replaces missing values with a surrogate; mirrors MLeap's ``ImputerModel``.

A value is missing when it is NaN (which is also how a null arrives) or equals ``missing_value``
(NaN when the bundle does not say). ``strategy`` (mean, median...) only records how the surrogate
was computed at training time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, Field, Frame, Op, Row, RowStep

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


@dataclass(frozen=True)
class Imputation:
    """``surrogate`` where the value is NaN or ``missing``, else the value."""

    surrogate: float
    missing: float

    def apply_batch(self, values: FloatArray) -> FloatArray:
        missing = np.isnan(values) | (values == self.missing)
        return np.where(missing, self.surrogate, values)


class ImputerOp(Op):
    op_name = "imputer"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        imputation: Imputation,
        strategy: str,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        super().__init__(name, [Field(input_col, DOUBLE)], [Field(output_col, DOUBLE)], ports=ports)
        self.input_col = input_col
        self.output_col = output_col
        self.imputation = imputation
        self.strategy = strategy

    @classmethod
    def from_bundle(cls, node: NodeContext) -> ImputerOp:
        attributes = node.attributes
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            Imputation(
                surrogate=attributes.get_double("surrogate_value"),
                missing=attributes.get_double("missing_value", default=math.nan),
            ),
            attributes.get_string("strategy"),
            ports=node.shape,
        )

    def transform(self, frame: Frame) -> Frame:
        frame[self.output_col] = self.imputation.apply_batch(frame[self.input_col])
        return frame

    def row_step(self) -> RowStep:
        source, target = self.input_col, self.output_col
        surrogate, missing = self.imputation.surrogate, self.imputation.missing

        def impute(row: Row) -> None:
            value = row[source]
            # NOTE: value != value is the NaN test without a function call.
            row[target] = surrogate if value != value or value == missing else value

        return impute

    def store(self) -> StoredNode:
        return stored(
            self.name,
            self.input_col,
            self.output_col,
            self.imputation.surrogate,
            self.imputation.missing,
            self.strategy,
        )


def stored(
    name: str,
    input_col: str,
    output_col: str,
    surrogate: float,
    missing: float,
    strategy: str,
    nullable_input: bool = True,
) -> StoredNode:
    """The ``imputer`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {
        "surrogate_value": attr.double(surrogate),
        "missing_value": attr.double(missing),
        "strategy": attr.string(strategy),
        "nullable_input": attr.boolean(nullable_input),
    }
    return simple_node(name, "imputer", input_col, output_col, attributes)
