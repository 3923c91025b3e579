"""``max_abs_scaler``: divides each feature by its largest absolute value; mirrors MLeap's
``MaxAbsScalerModel``."""

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


class MaxAbsScaling(VectorFunction):
    """``x / max_abs`` clipped to ``[-1, 1]``; a zero ``max_abs`` divides by 1, NaN stays NaN.

    Example
    -------
    >>> MaxAbsScaling([4.0, 0.0]).row_function()([-2.0, 3.0])
    [-0.5, 1.0]
    """

    def __init__(self, max_abs: list[float]) -> None:
        # NOTE: MLeap replaces a zero max_abs by 1 (a feature that was always 0 passes through,
        # clipped), rather than dividing by zero.
        self.max_abs = max_abs
        self.divisors = [1.0 if m == 0.0 else m for m in max_abs]

    @cached_property
    def _divisors(self) -> FloatArray:
        return np.asarray(self.divisors, dtype=np.float64)

    @property
    def input_size(self) -> int:
        return len(self.divisors)

    @property
    def output_size(self) -> int:
        return len(self.divisors)

    def apply_batch(self, values: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore", over="ignore"):
            # NOTE: np.minimum/np.maximum keep NaN, as MLeap leaves NaN untouched.
            return np.maximum(-1.0, np.minimum(1.0, values / self._divisors))

    def row_function(self) -> RowFunction:
        divisors = self.divisors

        def rescale(values: list[float]) -> list[float]:
            # NOTE: comparisons written so NaN falls through unchanged (Python's min() would not).
            return [
                1.0 if (q := x / d) > 1.0 else (-1.0 if q < -1.0 else q)
                for x, d in zip(values, divisors, strict=True)
            ]

        return rescale


class MaxAbsScalerOp(VectorMapOp):
    op_name = "max_abs_scaler"

    @classmethod
    def function_from(cls, attributes: Attributes) -> MaxAbsScaling:
        return MaxAbsScaling(attributes.get_double_vector("maxAbs"))

    def store(self) -> StoredNode:
        return stored(self.name, self.input_col, self.output_col, self._function().max_abs)

    def _function(self) -> MaxAbsScaling:
        assert isinstance(self.function, MaxAbsScaling), "from_bundle builds it with function_from"
        return self.function


def stored(name: str, input_col: str, output_col: str, max_abs: Sequence[float]) -> StoredNode:
    """The ``max_abs_scaler`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {"maxAbs": attr.vector(max_abs)}
    return simple_node(name, "max_abs_scaler", input_col, output_col, attributes)
