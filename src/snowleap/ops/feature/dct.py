"""``dct``: the discrete cosine transform of a vector; mirrors MLeap's ``DCTModel`` and Spark's
``DCT`` (both call JTransforms' ``DoubleDCT_1D`` with scaling: the orthonormal DCT-II, or its
inverse, the DCT-III, when ``inverse`` is set).

The transform is a fixed ``n x n`` matrix, so it is a projection (``pca``'s math): output ``k``
is the sequential dot product of the input with row ``k`` of the matrix, the same sums in the
same order on both paths. JTransforms sums through an FFT instead; the two agree to rounding
(the parity suite holds them to 1e-9).
"""

from __future__ import annotations

import math

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.bundle.values import Attributes
from snowleap.errors import BundleError
from snowleap.ops.feature.pca import Projection
from snowleap.ops.vector_map import VectorMapOp

#: NOTE: the matrix has ``n * n`` entries held as Python floats; DCT features are short signals,
#: and a hostile ``input_size`` must not allocate gigabytes at load.
MAX_DCT_WIDTH = 1024


def dct_matrix(size: int, inverse: bool) -> list[list[float]]:
    """Rows of the orthonormal DCT-II matrix (``inverse``: of its transpose, the DCT-III).

    Example
    -------
    >>> [[round(v, 6) for v in row] for row in dct_matrix(2, inverse=False)]
    [[0.707107, 0.707107], [0.707107, -0.707107]]
    """
    scale = [math.sqrt((1.0 if k == 0 else 2.0) / size) for k in range(size)]
    forward = [
        [scale[k] * math.cos(math.pi * (n + 0.5) * k / size) for n in range(size)]
        for k in range(size)
    ]
    if not inverse:
        return forward
    return [[forward[k][n] for k in range(size)] for n in range(size)]


class CosineTransform(Projection):
    """The DCT of vectors of ``size`` features, as the projection onto ``dct_matrix``'s rows.

    Example
    -------
    >>> [round(v, 9) for v in CosineTransform(2, inverse=False).row_function()([1.0, 1.0])]
    [1.414213562, 0.0]
    """

    def __init__(self, size: int, inverse: bool) -> None:
        super().__init__(dct_matrix(size, inverse), size)
        self.inverse = inverse


class DctOp(VectorMapOp):
    op_name = "dct"

    @classmethod
    def function_from(cls, attributes: Attributes) -> CosineTransform:
        inverse = attributes.get_bool("inverse")
        size = attributes.get_int("input_size")
        if not 0 < size <= MAX_DCT_WIDTH:
            raise BundleError(
                f"{attributes.where}: dct 'input_size' is {size}; snowleap transforms vectors "
                f"of 1 to {MAX_DCT_WIDTH} features"
            )
        return CosineTransform(size, inverse)

    def store(self) -> StoredNode:
        function = self.function
        assert isinstance(function, CosineTransform), "from_bundle builds it with function_from"
        return stored(
            self.name, self.input_col, self.output_col, function.inverse, function.num_features
        )


def stored(
    name: str, input_col: str, output_col: str, inverse: bool, input_size: int
) -> StoredNode:
    """The ``dct`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {"inverse": attr.boolean(inverse), "input_size": attr.int32(input_size)}
    return simple_node(name, "dct", input_col, output_col, attributes)
