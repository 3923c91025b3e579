"""Dot products that add in a fixed order, so the batch and row paths agree to the last bit.

Spark's BLAS ``dot`` adds ``x[j] * y[j]`` from the first feature to the last. ``np.dot`` and
``sum()`` do not promise an order (numpy uses pairwise/SIMD sums; Python 3.12's ``sum`` of floats
compensates rounding), so the two paths would drift apart in the last bits. These two functions
are the one definition every linear model uses.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def sequential_dot_batch(features: FloatArray, coefficients: FloatArray) -> FloatArray:
    """Row-wise ``features[:, 0] * c[0] + features[:, 1] * c[1] + ...``, added in that order.

    Example
    -------
    >>> sequential_dot_batch(np.array([[1.0, 2.0], [0.5, 0.0]]), np.array([3.0, 4.0])).tolist()
    [11.0, 1.5]
    """
    # NOTE: vectorised over rows, one feature at a time; contiguous columns read faster.
    columns = np.ascontiguousarray(features.T)
    total = np.zeros(features.shape[0])
    for column, coefficient in zip(columns, coefficients.tolist(), strict=True):
        total += column * coefficient
    return total


def sequential_dot(features: list[float], coefficients: list[float]) -> float:
    """``features[0] * c[0] + features[1] * c[1] + ...`` added in that order (the row twin).

    Example
    -------
    >>> sequential_dot([1.0, 2.0], [3.0, 4.0])
    11.0
    """
    total = 0.0
    for x, c in zip(features, coefficients, strict=True):
        total += x * c
    return total
