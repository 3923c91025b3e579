"""``binarizer``: 1.0 where a value is above ``threshold``, else 0.0; mirrors MLeap's
``BinarizerModel`` (Spark's ``Binarizer``), for a scalar or a vector input.

NaN is not above any threshold, so it gives 0.0. Spark 3's multi-column form (``thresholds``)
is refused, as MLeap's runtime refuses it. Bundles written before MLeap 0.8 have no
``input_shapes``; the input's shape then comes from its data (a 2-D batch column or a list in a
row is a vector), and an input the pipeline does not produce is expected to be a double scalar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from snowleap.bundle.values import Attributes, DataShape
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.base import DOUBLE, ColumnType, Field, Frame, Op, Row, RowStep, vector

if TYPE_CHECKING:
    from snowleap.bundle.definitions import NodeShape
    from snowleap.bundle.reader import NodeContext
    from snowleap.bundle.store import StoredNode
    from snowleap.numeric import FloatArray

Kind = Literal["scalar", "vector", "any"]


def binarize_batch(values: FloatArray, threshold: float) -> FloatArray:
    """Element-wise ``1.0 if value > threshold else 0.0`` for scalars and vectors alike."""
    return (values > threshold).astype(np.float64)


class BinarizerOp(Op):
    op_name = "binarizer"

    def __init__(
        self,
        name: str,
        input_col: str,
        output_col: str,
        threshold: float,
        kind: Kind,
        width: int | None = None,
        *,
        ports: NodeShape | None = None,
    ) -> None:
        # NOTE: with kind "any" the declared double is a guess; the output takes the input's shape.
        column_type: ColumnType = vector(width) if kind == "vector" else DOUBLE
        super().__init__(
            name, [Field(input_col, column_type)], [Field(output_col, column_type)], ports=ports
        )
        self.input_col = input_col
        self.output_col = output_col
        self.threshold = threshold
        self.kind = kind

    @classmethod
    def from_bundle(cls, node: NodeContext) -> BinarizerOp:
        attributes = node.attributes
        if "thresholds" in attributes:
            raise BundleError(
                f"{node.where}: multi-column binarizer ('thresholds') is not supported "
                "(MLeap's runtime does not support it either)"
            )
        threshold = attributes.get_double("threshold")
        source = node.shape.standard_input(node.node_where)
        target = node.shape.output("output", node.node_where)
        ports = node.shape
        if "input_shapes" not in attributes:
            # NOTE: legacy form (MLeap < 0.8): no shape stored; it comes from the data.
            return cls(node.name, source, target, threshold, "any", ports=ports)
        shape = cls.stored_input_shape(attributes)
        if shape.base == "scalar":
            return cls(node.name, source, target, threshold, "scalar", ports=ports)
        dims = shape.tensor_dimensions
        if shape.base == "tensor" and dims is not None and len(dims) == 1:
            width = dims[0] if dims[0] >= 0 else None
            return cls(node.name, source, target, threshold, "vector", width, ports=ports)
        raise BundleError(
            f"{node.where}: binarizer input of shape {shape.base} "
            f"{list(dims) if dims is not None else ''} is not supported (scalar or 1-D tensor)"
        )

    @classmethod
    def stored_input_shape(cls, attributes: Attributes) -> DataShape:
        """The input's shape as the bundle stores it (``sklearn_binarizer``: in a list)."""
        return attributes.get_data_shape("input_shapes")

    def transform(self, frame: Frame) -> Frame:
        frame[self.output_col] = binarize_batch(frame[self.input_col], self.threshold)
        return frame

    def row_step(self) -> RowStep:
        source, target, threshold = self.input_col, self.output_col, self.threshold

        def binarize_scalar(row: Row) -> None:
            row[target] = 1.0 if row[source] > threshold else 0.0

        def binarize_vector(row: Row) -> None:
            row[target] = [1.0 if x > threshold else 0.0 for x in row[source]]

        if self.kind == "scalar":
            return binarize_scalar
        if self.kind == "vector":
            return binarize_vector

        def binarize_any(row: Row) -> None:
            if row[source].__class__ is list:
                binarize_vector(row)
            else:
                binarize_scalar(row)

        return binarize_any

    def store(self) -> StoredNode:
        return stored(
            self.name, self.input_col, self.output_col, self.threshold, self._input_shape()
        )

    def _input_shape(self) -> DataShape | None:
        # NOTE: nullability is not kept by the op; true accepts what MLeap's runtime is given.
        if self.kind == "scalar":
            return DataShape("scalar", True)
        if self.kind == "vector":
            width = self.inputs[0].type.size
            return DataShape("tensor", True, (width if width is not None else -1,))
        return None


def stored(
    name: str, input_col: str, output_col: str, threshold: float, input_shape: DataShape | None
) -> StoredNode:
    """The ``binarizer`` node MLeap writes, as ``from_bundle`` reads it."""
    # NOTE: imported here: writing a bundle is never on a cold start's path.
    from snowleap.bundle import store as attr
    from snowleap.bundle.store import simple_node

    attributes = {"threshold": attr.double(threshold)}
    if input_shape is not None:
        attributes["input_shapes"] = attr.data_shape(input_shape)
    return simple_node(name, "binarizer", input_col, output_col, attributes)
