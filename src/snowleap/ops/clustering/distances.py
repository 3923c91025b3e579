"""The distances Spark's clustering models measure (``EuclideanDistanceMeasure``,
``CosineDistanceMeasure``), on both scoring paths, summed in the same order.

Euclidean: the squared distance ``sum_j (x_j - c_j)^2``, added feature by feature (Spark and
MLeap pick the same nearest center; they compute the distance through the norms, which only
decides exact ties differently). Cosine: Spark's ``1 - x . c / |x| / |c|``, NaN for a zero vector.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from snowleap.numeric import np
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch, sequential_sum_batch

if TYPE_CHECKING:
    from snowleap.numeric import FloatArray

EUCLIDEAN = "euclidean"
COSINE = "cosine"
DISTANCE_MEASURES = (EUCLIDEAN, COSINE)


def norm(values: Sequence[float]) -> float:
    """The Euclidean norm, the squares added left to right (as the batch path does)."""
    return math.sqrt(sequential_dot(values, values))


def squared_norms_batch(features: FloatArray) -> FloatArray:
    """Each row's ``x . x``, added feature by feature (``norm``'s batch twin, before the root)."""
    total = np.zeros(features.shape[0])
    for column in np.ascontiguousarray(features.T):
        total += column * column
    return total


def cosine(dot: float, x_norm: float, c_norm: float) -> float:
    # NOTE: a zero vector gives 0 / 0: NaN, as on the JVM (never the nearest).
    try:
        return 1.0 - dot / x_norm / c_norm
    except ZeroDivisionError:
        if dot == 0.0 or math.isnan(dot):
            return math.nan
        return 1.0 - math.copysign(math.inf, dot)


def squared_distance(x: Sequence[float], center: Sequence[float]) -> float:
    total = 0.0
    for a, b in zip(x, center, strict=True):
        difference = a - b
        total += difference * difference
    return total


def distances_batch(
    features: FloatArray,
    centers: Sequence[Sequence[float]],
    center_norms: Sequence[float],
    measure: str,
) -> FloatArray:
    """A (rows, centers) array of each row's distance to each center (the batch twin of
    ``cosine`` and ``squared_distance``)."""
    distances = np.empty((features.shape[0], len(centers)))
    if measure == COSINE:
        feature_norms = np.sqrt(squared_norms_batch(features))
        for k, (center, center_norm) in enumerate(zip(centers, center_norms, strict=True)):
            dots = sequential_dot_batch(features, center)
            distances[:, k] = 1.0 - dots / feature_norms / center_norm
        return distances
    for k, center in enumerate(centers):
        difference = features - np.asarray(center, dtype=np.float64)
        distances[:, k] = sequential_sum_batch(difference * difference)
    return distances
