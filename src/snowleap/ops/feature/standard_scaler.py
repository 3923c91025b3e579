"""``standard_scaler``: centres and/or scales a vector; mirrors MLeap's ``StandardScalerModel``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from snowleap.errors import BundleError
from snowleap.ops.vector_map import FloatArray, RowFunction, VectorFunction, VectorMapOp

if TYPE_CHECKING:
    from snowleap.bundle.values import Attributes


class StandardScaling(VectorFunction):
    """``(x - mean) * (1 / std)``, where a zero std gives 0 (Spark's rule, kept by MLeap).

    With a mean only, ``x - mean``; with a std only, ``x * (1 / std)``.

    Example
    -------
    >>> StandardScaling(np.array([1.0, 1.0]), np.array([2.0, 0.0])).row_function()([3.0, 5.0])
    [1.0, 0.0]
    """

    def __init__(self, mean: FloatArray | None, std: FloatArray | None) -> None:
        reference = std if std is not None else mean
        if reference is None:
            raise ValueError("standard scaling needs a mean or a std")
        self.mean = mean
        self.std = std
        self.size = len(reference)
        self.factors: FloatArray | None = None
        if std is not None:
            with np.errstate(divide="ignore"):
                self.factors = np.where(std != 0.0, 1.0 / std, 0.0)

    @property
    def input_size(self) -> int:
        return self.size

    @property
    def output_size(self) -> int:
        return self.size

    def apply_batch(self, values: FloatArray) -> FloatArray:
        factors = self.factors
        if self.mean is not None:
            centred = values - self.mean
            if factors is None:
                return centred
            # NOTE: a zero std gives 0 even for NaN or infinite input when centring (MLeap's rule).
            return np.where(self.std != 0.0, centred * factors, 0.0)
        assert factors is not None
        return values * factors

    def row_function(self) -> RowFunction:
        if self.mean is None:
            assert self.factors is not None
            factors = self.factors.tolist()

            def scale(values: list[float]) -> list[float]:
                return [x * f for x, f in zip(values, factors, strict=True)]

            return scale
        mean = self.mean.tolist()
        if self.factors is None:

            def centre(values: list[float]) -> list[float]:
                return [x - m for x, m in zip(values, mean, strict=True)]

            return centre
        assert self.std is not None
        params = list(zip(mean, self.factors.tolist(), (self.std != 0.0).tolist(), strict=True))

        def standardise(values: list[float]) -> list[float]:
            return [
                (x - m) * f if keep else 0.0 for x, (m, f, keep) in zip(values, params, strict=True)
            ]

        return standardise


class StandardScalerOp(VectorMapOp):
    op_name = "standard_scaler"

    @classmethod
    def function_from(cls, attributes: Attributes) -> StandardScaling:
        mean = attributes.get_double_vector("mean") if "mean" in attributes else None
        std = attributes.get_double_vector("std") if "std" in attributes else None
        if mean is None and std is None:
            raise BundleError(
                f"{attributes.where}: standard_scaler needs a 'mean' or a 'std' attribute"
            )
        if mean is not None and std is not None and len(mean) != len(std):
            raise BundleError(
                f"{attributes.where}: standard_scaler 'mean' has {len(mean)} values, "
                f"'std' {len(std)}"
            )
        return StandardScaling(mean=mean, std=std)
