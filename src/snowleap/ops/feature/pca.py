"""``pca``: projects a vector onto principal components; mirrors MLeap's ``PcaModel``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from snowleap.errors import BundleError
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch
from snowleap.ops.vector_map import FloatArray, RowFunction, VectorFunction, VectorMapOp

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes


class Projection(VectorFunction):
    """``pc^T x`` for a ``(features, k)`` matrix ``pc``: output ``j`` is ``sum_i pc[i, j] x[i]``.

    Each output is the shared sequential dot product (``ops.linalg``): a sum starting at 0.0
    that adds the products in feature order, like the BLAS ``dgemv`` loop Spark calls.

    Example
    -------
    >>> Projection(np.array([[1.0, 0.0], [1.0, 2.0]])).row_function()([3.0, 4.0])
    [7.0, 8.0]
    """

    def __init__(self, components: FloatArray) -> None:
        self.components = components

    @property
    def input_size(self) -> int:
        return int(self.components.shape[0])

    @property
    def output_size(self) -> int:
        return int(self.components.shape[1])

    def apply_batch(self, values: FloatArray) -> FloatArray:
        projected = np.empty((values.shape[0], self.output_size))
        with np.errstate(invalid="ignore", over="ignore"):
            for j, component in enumerate(self.components.T):
                projected[:, j] = sequential_dot_batch(values, component)
        return projected

    def row_function(self) -> RowFunction:
        components = self.components.T.tolist()

        def project(values: list[float]) -> list[float]:
            return [sequential_dot(values, component) for component in components]

        return project


class PcaOp(VectorMapOp):
    op_name = "pca"

    @classmethod
    def function_from(cls, attributes: Attributes) -> Projection:
        tensor = attributes.get_tensor("principal_components")
        if tensor.base not in ("double", "float") or len(tensor.dimensions) != 2:
            raise BundleError(
                f"{attributes.where}: pca 'principal_components' should be a 2-D double tensor, "
                f"found {tensor.base} of shape {list(tensor.dimensions)}"
            )
        rows, cols = tensor.dimensions
        values = np.asarray(tensor.values, dtype=np.float64).reshape(-1)
        if rows < 0 or cols < 0 or values.size != rows * cols:
            raise BundleError(
                f"{attributes.where}: pca 'principal_components' has {values.size} values for "
                f"shape [{rows}, {cols}]"
            )
        # NOTE: MLeap stores Spark's DenseMatrix values as they are, column-major: the values of
        # component j are values[j * rows:(j + 1) * rows], one per input feature.
        return Projection(values.reshape(cols, rows).T.copy())
