"""``pca``: projects a vector onto principal components; mirrors MLeap's ``PcaModel``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from snowleap.errors import BundleError
from snowleap.ops.vector_map import FloatArray, RowFunction, VectorFunction, VectorMapOp

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes


class Projection(VectorFunction):
    """``pc^T x`` for a ``(features, k)`` matrix ``pc``: output ``j`` is ``sum_i pc[i, j] x[i]``.

    Each sum starts at 0.0 and adds the products in feature order, like the BLAS ``dgemv`` loop
    Spark calls, in both paths.

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
        projected = np.zeros((values.shape[0], self.output_size))
        with np.errstate(invalid="ignore", over="ignore"):
            # NOTE: one feature at a time (not values @ pc), so every output adds in feature order.
            for feature, weights in enumerate(self.components):
                projected = projected + values[:, feature, np.newaxis] * weights
        return projected

    def row_function(self) -> RowFunction:
        columns = self.components.T.tolist()

        def project(values: list[float]) -> list[float]:
            out = []
            for weights in columns:
                total = 0.0
                for x, w in zip(values, weights, strict=True):
                    total += x * w
                out.append(total)
            return out

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
