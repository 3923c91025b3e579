"""``pca``: projects a vector onto principal components; mirrors MLeap's ``PcaModel``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.numeric import np
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch
from snowleap.ops.vector_map import RowFunction, VectorFunction, VectorMapOp

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes
    from snowleap.numeric import FloatArray


class Projection(VectorFunction):
    """``pc^T x`` for a ``(features, k)`` matrix ``pc``: output ``j`` is ``sum_i pc[i, j] x[i]``.

    Each output is the shared sequential dot product (``ops.linalg``): a sum starting at 0.0
    that adds the products in feature order, like the BLAS ``dgemv`` loop Spark calls.
    ``components`` are the ``k`` columns of ``pc``: one list of ``features`` weights per output.

    Example
    -------
    >>> Projection([[1.0, 1.0], [0.0, 2.0]], 2).row_function()([3.0, 4.0])
    [7.0, 8.0]
    """

    def __init__(self, components: list[list[float]], num_features: int) -> None:
        self.components = components
        self.num_features = num_features

    @property
    def input_size(self) -> int:
        return self.num_features

    @property
    def output_size(self) -> int:
        return len(self.components)

    def apply_batch(self, values: FloatArray) -> FloatArray:
        projected = np.empty((values.shape[0], self.output_size))
        with np.errstate(invalid="ignore", over="ignore"):
            for j, component in enumerate(self.components):
                projected[:, j] = sequential_dot_batch(values, component)
        return projected

    def row_function(self) -> RowFunction:
        components = self.components

        def project(values: list[float]) -> list[float]:
            return [sequential_dot(values, component) for component in components]

        return project


class PcaOp(VectorMapOp):
    op_name = "pca"

    @classmethod
    def function_from(cls, attributes: Attributes) -> Projection:
        # NOTE: MLeap stores Spark's DenseMatrix values as they are, column-major: the values of
        # component j are the j-th column of the (features, k) matrix.
        pc = attributes.get_double_matrix("principal_components", column_major=True)
        features, k = attributes.get_tensor("principal_components").dimensions
        return Projection([[row[j] for row in pc] for j in range(k)], features)

    def store(self) -> StoredNode:
        return stored(
            self.name,
            self.input_col,
            self.output_col,
            self._function().components,
            self._function().num_features,
        )

    def _function(self) -> Projection:
        assert isinstance(self.function, Projection), "from_bundle builds it with function_from"
        return self.function


def stored(
    name: str,
    input_col: str,
    output_col: str,
    components: Sequence[Sequence[float]],
    num_features: int,
) -> StoredNode:
    """The ``pca`` node MLeap writes, as ``from_bundle`` reads it."""
    # NOTE: MLeap stores Spark's pc matrix (features x k) as ``DenseMatrix.values``, column by
    # column: component after component, which is how ``components`` lists them.
    values = [value for component in components for value in component]
    tensor = attr.tensor("double", (num_features, len(components)), values)
    attributes = {"principal_components": tensor}
    return simple_node(name, "pca", input_col, output_col, attributes)
