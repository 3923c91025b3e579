"""``elementwise_product``: multiplies each feature by a fixed weight; mirrors MLeap's
``ElementwiseProductModel``."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.numeric import np
from snowleap.ops.vector_map import RowFunction, VectorFunction, VectorMapOp

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes
    from snowleap.numeric import FloatArray


class ElementwiseProduct(VectorFunction):
    """``x * scaling_vec``, feature by feature (the Hadamard product).

    Example
    -------
    >>> ElementwiseProduct([2.0, -1.0]).row_function()([1.5, 3.0])
    [3.0, -3.0]
    """

    def __init__(self, scaling_vec: list[float]) -> None:
        self.scaling_vec = scaling_vec

    @cached_property
    def _weights(self) -> FloatArray:
        return np.asarray(self.scaling_vec, dtype=np.float64)

    @property
    def input_size(self) -> int:
        return len(self.scaling_vec)

    @property
    def output_size(self) -> int:
        return len(self.scaling_vec)

    def apply_batch(self, values: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore", over="ignore"):
            return values * self._weights

    def row_function(self) -> RowFunction:
        weights = self.scaling_vec

        def multiply(values: list[float]) -> list[float]:
            return [x * w for x, w in zip(values, weights, strict=True)]

        return multiply


class ElementwiseProductOp(VectorMapOp):
    op_name = "elementwise_product"

    @classmethod
    def function_from(cls, attributes: Attributes) -> ElementwiseProduct:
        return ElementwiseProduct(attributes.get_double_vector("scaling_vec"))

    def store(self) -> StoredNode:
        return stored(self.name, self.input_col, self.output_col, self._function().scaling_vec)

    def _function(self) -> ElementwiseProduct:
        assert isinstance(self.function, ElementwiseProduct), (
            "from_bundle builds it with function_from"
        )
        return self.function


def stored(name: str, input_col: str, output_col: str, scaling_vec: Sequence[float]) -> StoredNode:
    """The ``elementwise_product`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {"scaling_vec": attr.vector(scaling_vec)}
    return simple_node(name, "elementwise_product", input_col, output_col, attributes)
