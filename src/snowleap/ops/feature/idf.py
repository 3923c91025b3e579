"""``idf``: scales each slot of a term-frequency vector by its inverse document frequency;
mirrors MLeap's ``IDFModel`` (Spark's ``IDFModel``).

A sparse vector stays sparse (only its stored values are scaled, as Spark and MLeap do), a dense
one stays dense; the same products on both paths (numpy's element-wise multiply is the scalar
one). The input must be as wide as ``idf``.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.numeric import np
from snowleap.ops.base import Field, Frame, Op, Row, RowStep, vector
from snowleap.ops.sparse import SparseRows, SparseVector
from snowleap.ops.vectors import features_column, features_row_function, reader_of

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


def scale_row(values: list[float] | SparseVector, idf: list[float]) -> list[float] | SparseVector:
    """One vector times ``idf``, slot by slot."""
    if isinstance(values, SparseVector):
        scaled = [x * idf[i] for i, x in zip(values.indices, values.values, strict=True)]
        return SparseVector(values.size, values.indices, scaled)
    return [x * w for x, w in zip(values, idf, strict=True)]


class IdfOp(Op):
    op_name = "idf"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        idf: list[float],
        *,
        ports: NodeShape | None = None,
    ) -> None:
        width = vector(len(idf))
        super().__init__(name, [Field(input_col, width)], [Field(output_col, width)], ports=ports)
        self.input_col = input_col
        self.output_col = output_col
        self.idf = idf

    @cached_property
    def _idf(self) -> FloatArray:
        return np.asarray(self.idf, dtype=np.float64)

    @classmethod
    def from_bundle(cls, node: NodeContext) -> IdfOp:
        return cls(
            node.name,
            node.shape.standard_input(node.node_where),
            node.shape.output("output", node.node_where),
            node.attributes.get_double_vector("idf"),
            ports=node.shape,
        )

    def transform(self, frame: Frame) -> Frame:
        values = features_column(frame, self.input_col, len(self.idf), reader_of(self))
        scaled: Any
        if isinstance(values, SparseRows):
            scaled = values.with_values(values.values * self._idf[values.indices])
        else:
            scaled = values * self._idf
        frame[self.output_col] = scaled
        return frame

    def row_step(self) -> RowStep:
        read = features_row_function(self.input_col, len(self.idf), reader_of(self))
        target, idf = self.output_col, self.idf

        def scale(row: Row) -> None:
            row[target] = scale_row(read(row), idf)

        return scale

    def store(self) -> StoredNode:
        return stored(self.name, self.input_col, self.output_col, self.idf)


def stored(name: str, input_col: str, output_col: str, idf: list[float]) -> StoredNode:
    """The ``idf`` node MLeap writes (``idf`` as a double tensor)."""
    return simple_node(name, "idf", input_col, output_col, {"idf": attr.vector(idf)})
