"""What every clustering model shares: the math's interface, the argmin/argmax rules, and the
frame plumbing that mirrors MLeap's clustering transformers.

Port ``features`` in; ``prediction`` out, the cluster's index as an ``int`` (Spark's
``IntegerType``, MLeap's ``ScalarType.Int``); ``probability`` out (a vector of one value per
cluster) for the models that have it, when the node wires it. The index is the first cluster of
the smallest distance (k-means) or of the largest probability (mixtures); a NaN never wins, as
with the JVM's strict comparisons.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from snowleap.numeric import np
from snowleap.ops.base import ColumnType
from snowleap.ops.predictor import PredictionOp

if TYPE_CHECKING:
    from snowleap.numeric import AnyArray, FloatArray

INT = ColumnType("int")

ScoresRowFunction = Callable[[list[float]], list[float]]


def argmin_batch(values: FloatArray) -> AnyArray:
    """Per row, the first index of the smallest value (from +inf; NaN never wins), as int32."""
    best = np.full(values.shape[0], math.inf)
    index = np.zeros(values.shape[0], dtype=np.int32)
    for k in range(values.shape[1]):
        column = values[:, k]
        better = column < best
        index[better] = k
        best = np.where(better, column, best)
    return index


def argmin_row(values: list[float]) -> int:
    best_index, best = 0, math.inf
    for k, value in enumerate(values):
        if value < best:
            best_index, best = k, value
    return best_index


def argmax_batch(values: FloatArray) -> AnyArray:
    """Spark's ``Vector.argmax`` per row (first index of the largest value), as int32."""
    best = values[:, 0]
    index = np.zeros(values.shape[0], dtype=np.int32)
    for k in range(1, values.shape[1]):
        column = values[:, k]
        better = column > best
        index[better] = k
        best = np.where(better, column, best)
    return index


def argmax_row(values: list[float]) -> int:
    best_index, best = 0, values[0]
    for k in range(1, len(values)):
        if values[k] > best:
            best_index, best = k, values[k]
    return best_index


class Clusterer(ABC):
    """The math of a clustering model: a cluster index per row of ``num_features`` features."""

    def __init__(self, num_features: int, num_clusters: int) -> None:
        self.num_features = num_features
        self.num_clusters = num_clusters

    @abstractmethod
    def predict_batch(self, features: FloatArray) -> AnyArray:
        """The cluster index (int32) of each row of a (rows, features) batch."""

    @abstractmethod
    def predict_row_function(self) -> Callable[[list[float]], int]:
        """A function from one row's features to its cluster index, prepared once."""


class ClustererOp(PredictionOp[Clusterer]):
    """Frame plumbing of a clustering model without probabilities: ``features`` in,
    ``prediction`` (int) out."""

    prediction_type = INT

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "num_clusters": self.model.num_clusters}
