"""``min_max_scaler``: rescales each feature to a range; mirrors MLeap's ``MinMaxScalerModel``."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredNode, simple_node
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.vector_map import RowFunction, VectorFunction, VectorMapOp

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes
    from snowleap.numeric import FloatArray


class MinMaxScaling(VectorFunction):
    """``(x - min) / (max - min) * (max_value - min_value) + min_value``, feature by feature.

    A feature whose training range is zero maps to ``0.5 * (max_value - min_value) +
    min_value``; NaN stays NaN (Spark 2.4's rule, which MLeap follows since 0.16).

    Example
    -------
    >>> MinMaxScaling([0.0], [4.0], 0.0, 1.0).row_function()([1.0])
    [0.25]
    """

    def __init__(
        self,
        original_min: list[float],
        original_max: list[float],
        min_value: float,
        max_value: float,
    ) -> None:
        self.original_min = original_min
        self.original_max = original_max
        self.max_value = max_value
        self.original_range = [
            high - low for low, high in zip(original_min, original_max, strict=True)
        ]
        self.min_value = min_value
        self.scale = max_value - min_value
        # NOTE: the zero-range value is computed once, as MLeap's raw 0.5 * scale + min_value.
        self.middle = 0.5 * self.scale + min_value

    @property
    def input_size(self) -> int:
        return len(self.original_min)

    @property
    def output_size(self) -> int:
        return len(self.original_min)

    @cached_property
    def _arrays(self) -> tuple[FloatArray, FloatArray]:
        return (
            np.asarray(self.original_min, dtype=np.float64),
            np.asarray(self.original_range, dtype=np.float64),
        )

    def apply_batch(self, values: FloatArray) -> FloatArray:
        original_min, original_range = self._arrays
        has_range = original_range != 0.0
        safe_range = np.where(has_range, original_range, 1.0)
        with np.errstate(invalid="ignore", over="ignore"):
            scaled = (values - original_min) / safe_range * self.scale + self.min_value
        scaled = np.where(has_range, scaled, self.middle)
        return np.where(np.isnan(values), values, scaled)

    def row_function(self) -> RowFunction:
        scale, low, middle = self.scale, self.min_value, self.middle
        params = [
            (m, r, r != 0.0) for m, r in zip(self.original_min, self.original_range, strict=True)
        ]

        def rescale(values: list[float]) -> list[float]:
            return [
                x if x != x else ((x - m) / r * scale + low if ranged else middle)
                for x, (m, r, ranged) in zip(values, params, strict=True)
            ]

        return rescale


class MinMaxScalerOp(VectorMapOp):
    op_name = "min_max_scaler"

    @classmethod
    def function_from(cls, attributes: Attributes) -> MinMaxScaling:
        original_min = attributes.get_double_vector("min")
        original_max = attributes.get_double_vector("max")
        if len(original_min) != len(original_max):
            raise BundleError(
                f"{attributes.where}: min_max_scaler 'min' has {len(original_min)} values, "
                f"'max' {len(original_max)}"
            )
        # NOTE: bundles written before MLeap 0.16 have no target range: Spark's default [0, 1].
        min_value = attributes.get_double("minValue") if "minValue" in attributes else 0.0
        max_value = attributes.get_double("maxValue") if "maxValue" in attributes else 1.0
        return MinMaxScaling(original_min, original_max, min_value, max_value)

    def store(self) -> StoredNode:
        return stored(
            self.name,
            self.input_col,
            self.output_col,
            self._function().original_min,
            self._function().original_max,
            self._function().min_value,
            self._function().max_value,
        )

    def _function(self) -> MinMaxScaling:
        assert isinstance(self.function, MinMaxScaling), "from_bundle builds it with function_from"
        return self.function


def stored(
    name: str,
    input_col: str,
    output_col: str,
    original_min: Sequence[float],
    original_max: Sequence[float],
    min_value: float,
    max_value: float,
) -> StoredNode:
    """The ``min_max_scaler`` node MLeap writes, as ``from_bundle`` reads it."""
    attributes = {
        "min": attr.vector(original_min),
        "max": attr.vector(original_max),
        "minValue": attr.double(min_value),
        "maxValue": attr.double(max_value),
    }
    return simple_node(name, "min_max_scaler", input_col, output_col, attributes)
