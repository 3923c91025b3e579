"""``bucketed_random_projection_lsh``: Euclidean LSH hashes of a vector; mirrors Spark's and
MLeap's ``BucketedRandomProjectionLSHModel``.

Hash ``j`` is ``floor(x . u_j / bucket_length)`` for the random unit vector ``u_j``. Spark
outputs an array of one-element vectors and MLeap a ``(hash tables, 1)`` tensor; snowleap's
output is the same numbers as one vector of ``hash tables`` values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch
from snowleap.ops.vector_map import RowFunction, VectorFunction, VectorMapOp

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes
    from snowleap.numeric import FloatArray


class RandomProjectionHashes(VectorFunction):
    """``floor(x . u / bucket_length)`` for each random unit vector ``u``.

    Example
    -------
    >>> RandomProjectionHashes([[1.0, 0.0], [0.0, 1.0]], 2.0, 2).row_function()([3.0, -1.0])
    [1.0, -1.0]
    """

    def __init__(self, unit_vectors: list[list[float]], bucket_length: float, size: int) -> None:
        self.unit_vectors = unit_vectors
        self.bucket_length = bucket_length
        self.size = size

    @property
    def input_size(self) -> int:
        return self.size

    @property
    def output_size(self) -> int:
        return len(self.unit_vectors)

    def apply_batch(self, values: FloatArray) -> FloatArray:
        hashes = np.empty((values.shape[0], self.output_size))
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            for j, unit in enumerate(self.unit_vectors):
                hashes[:, j] = np.floor(sequential_dot_batch(values, unit) / self.bucket_length)
        return hashes

    def row_function(self) -> RowFunction:
        units, length = self.unit_vectors, self.bucket_length

        def hashes(values: list[float]) -> list[float]:
            return [_floor(sequential_dot(values, unit) / length) for unit in units]

        return hashes


def _floor(value: float) -> float:
    """``Math.floor``: a double, NaN and infinities kept (``math.floor`` returns ints)."""
    return float(math.floor(value)) if math.isfinite(value) else value


class BucketedRandomProjectionLshOp(VectorMapOp):
    op_name = "bucketed_random_projection_lsh"

    @classmethod
    def function_from(cls, attributes: Attributes) -> RandomProjectionHashes:
        size = attributes.get_int("input_size")
        units = []
        for tensor in attributes.get_tensor_list("random_unit_vectors"):
            unit = [float(v) for v in tensor.values]
            if len(unit) != size:
                raise BundleError(
                    f"{attributes.where}: bucketed_random_projection_lsh has a random unit "
                    f"vector of {len(unit)} values for 'input_size' {size}"
                )
            units.append(unit)
        return RandomProjectionHashes(units, attributes.get_double("bucket_length"), size)

    def store(self) -> StoredNode:
        function = self.function
        assert isinstance(function, RandomProjectionHashes), "from_bundle builds it"
        return stored(
            self.name,
            self.input_col,
            self.output_col,
            function.unit_vectors,
            function.bucket_length,
            function.size,
        )


def stored(
    name: str,
    input_col: str,
    output_col: str,
    unit_vectors: Sequence[Sequence[float]],
    bucket_length: float,
    input_size: int,
) -> StoredNode:
    """The ``bucketed_random_projection_lsh`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {
        "random_unit_vectors": attr.tensor_list([attr.vector(u) for u in unit_vectors]),
        "bucket_length": attr.double(bucket_length),
        "input_size": attr.int32(input_size),
    }
    return simple_node(name, "bucketed_random_projection_lsh", input_col, output_col, attributes)
