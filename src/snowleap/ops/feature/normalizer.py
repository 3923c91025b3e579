"""``normalizer``: scales each vector to unit p-norm; mirrors MLeap's ``NormalizerModel``."""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.vector_map import RowFunction, VectorFunction, VectorMapOp, optional_size

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes
    from snowleap.numeric import FloatArray


def _power(base: float, exponent: float) -> float:
    """``math.pow`` that overflows to infinity as Java's ``Math.pow`` does, not to an error."""
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return math.inf


@cache
def _batch_power() -> Any:
    """``_power`` as a numpy ufunc, built at the first batch.

    NOTE: numpy's SIMD power (AVX-512) differs from libm's pow in the last bit for some inputs,
    so the batch path calls the same function as the row path, element by element, for a
    general p.
    """
    return np.frompyfunc(_power, 2, 1)


class Normalization(VectorFunction):
    """``x / ||x||_p`` with Spark's ``Vectors.norm`` (sums run feature by feature, in order).

    A zero norm leaves the vector as it is. For ``p = inf`` the norm is the largest absolute
    value that is not NaN (Spark's ``value > max`` test skips NaN); for other p a NaN makes the
    norm, and so every output, NaN.

    Example
    -------
    >>> Normalization(2.0, None).row_function()([3.0, 4.0])
    [0.6, 0.8]
    """

    def __init__(self, p: float, size: int | None) -> None:
        self.p = p
        self.size = size

    @property
    def input_size(self) -> int | None:
        return self.size

    @property
    def output_size(self) -> int | None:
        return self.size

    def _batch_norms(self, values: FloatArray) -> FloatArray:
        p = self.p
        columns = values.T
        norms = np.zeros(values.shape[0])
        if p == math.inf:
            for column in columns:
                magnitude = np.abs(column)
                norms = np.where(magnitude > norms, magnitude, norms)
            return norms
        # NOTE: one column at a time, so each row's sum runs in feature order as in Spark's loop
        # and the row path (np.sum would add pairwise and round differently).
        for column in columns:
            if p == 1.0:
                norms = norms + np.abs(column)
            elif p == 2.0:
                norms = norms + column * column
            else:
                norms = norms + _batch_power()(np.abs(column), p).astype(np.float64)
        if p == 1.0:
            return norms
        if p == 2.0:
            return np.sqrt(norms)
        return np.asarray(_batch_power()(norms, 1.0 / p), dtype=np.float64)

    def apply_batch(self, values: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            norms = self._batch_norms(values)[:, np.newaxis]
            return np.where(norms != 0.0, values / norms, values)

    def row_function(self) -> RowFunction:
        p = self.p
        inverse_p = 1.0 / p
        pow_, sqrt = _power, math.sqrt

        # NOTE: explicit loops, not sum(): Python 3.12+ sums floats with compensation.
        def norm_of(values: list[float]) -> float:
            total = 0.0
            if p == 2.0:
                for x in values:
                    total += x * x
                return sqrt(total)
            if p == 1.0:
                for x in values:
                    total += abs(x)
                return total
            if p == math.inf:
                for x in values:
                    magnitude = abs(x)
                    if magnitude > total:
                        total = magnitude
                return total
            for x in values:
                total += pow_(abs(x), p)
            return pow_(total, inverse_p)

        def normalize(values: list[float]) -> list[float]:
            norm = norm_of(values)
            if norm != 0.0:
                return [x / norm for x in values]
            return list(values)

        return normalize


class NormalizerOp(VectorMapOp):
    op_name = "normalizer"

    @classmethod
    def function_from(cls, attributes: Attributes) -> Normalization:
        p = attributes.get_double("p_norm")
        if not p >= 1.0:
            raise BundleError(
                f"{attributes.where}: normalizer 'p_norm' should be at least 1 (Spark's rule), "
                f"got {p}"
            )
        # NOTE: bundles written before MLeap 0.9 have no input_size: any width is accepted.
        return Normalization(p, optional_size(attributes, "input_size"))

    def store(self) -> StoredNode:
        return stored(
            self.name, self.input_col, self.output_col, self._function().p, self._function().size
        )

    def _function(self) -> Normalization:
        assert isinstance(self.function, Normalization), "from_bundle builds it with function_from"
        return self.function


def stored(
    name: str, input_col: str, output_col: str, p: float, input_size: int | None
) -> StoredNode:
    """The ``normalizer`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {"p_norm": attr.double(p)}
    if input_size is not None:
        attributes["input_size"] = attr.int32(input_size)
    return simple_node(name, "normalizer", input_col, output_col, attributes)
