"""``k_means``: the nearest cluster center; mirrors MLeap's ``KMeansModel`` (Spark's
``KMeansModel.predict``).

MLeap's op stores ``cluster_centers`` (one vector each) and ``num_features``, and measures the
Euclidean distance. Spark also fits k-means with the cosine distance (``distanceMeasure``), which
MLeap's format cannot say: snowleap's writer adds ``distance_measure = "cosine"`` to such a model
(an attribute MLeap's runtime ignores) and snowleap scores it with Spark's cosine distance. An
absent attribute is MLeap's Euclidean model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel
from snowleap.bundle.values import Value
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.clustering.clusterer import Clusterer, ClustererOp, argmin_batch, argmin_row
from snowleap.ops.linalg import sequential_dot, sequential_dot_batch, sequential_sum_batch

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import AnyArray, FloatArray

EUCLIDEAN = "euclidean"
COSINE = "cosine"
DISTANCE_MEASURES = (EUCLIDEAN, COSINE)


def norm(values: Sequence[float]) -> float:
    """The Euclidean norm, the squares added left to right (as the batch path does)."""
    return math.sqrt(sequential_dot(values, values))


class KMeans(Clusterer):
    """Distances to each center; the prediction is the first center of the smallest.

    Euclidean: the squared distance ``sum_j (x_j - c_j)^2``, added feature by feature (Spark
    and MLeap pick the same nearest center; they compute the distance through the norms, which
    only decides exact ties differently). Cosine: Spark's ``1 - x . c / |x| / |c|``.
    """

    def __init__(
        self, centers: list[list[float]], num_features: int, distance_measure: str = EUCLIDEAN
    ) -> None:
        super().__init__(num_features, len(centers))
        self.centers = centers
        self.distance_measure = distance_measure
        self.center_norms = [norm(center) for center in centers]

    @cached_property
    def _centers(self) -> FloatArray:
        return np.asarray(self.centers, dtype=np.float64).reshape(len(self.centers), -1)

    def distances_batch(self, features: FloatArray) -> FloatArray:
        distances = np.empty((features.shape[0], self.num_clusters))
        if self.distance_measure == COSINE:
            feature_norms = np.sqrt(squared_norms_batch(features))
            for k, (center, center_norm) in enumerate(
                zip(self.centers, self.center_norms, strict=True)
            ):
                dots = sequential_dot_batch(features, center)
                distances[:, k] = 1.0 - dots / feature_norms / center_norm
            return distances
        for k in range(self.num_clusters):
            difference = features - self._centers[k]
            distances[:, k] = sequential_sum_batch(difference * difference)
        return distances

    def predict_batch(self, features: FloatArray) -> AnyArray:
        return argmin_batch(self.distances_batch(features))

    def predict_row_function(self) -> Callable[[list[float]], int]:
        centers = self.centers
        if self.distance_measure == COSINE:
            with_norms = list(zip(centers, self.center_norms, strict=True))

            def nearest_by_angle(x: list[float]) -> int:
                x_norm = norm(x)
                return argmin_row(
                    [_cosine(sequential_dot(x, c), x_norm, c_norm) for c, c_norm in with_norms]
                )

            return nearest_by_angle

        def nearest(x: list[float]) -> int:
            return argmin_row([_squared_distance(x, center) for center in centers])

        return nearest


def squared_norms_batch(features: FloatArray) -> FloatArray:
    """Each row's ``x . x``, added feature by feature (``norm``'s batch twin, before the root)."""
    total = np.zeros(features.shape[0])
    for column in np.ascontiguousarray(features.T):
        total += column * column
    return total


def _cosine(dot: float, x_norm: float, c_norm: float) -> float:
    # NOTE: a zero vector gives 0 / 0: NaN, as on the JVM (never the nearest).
    try:
        return 1.0 - dot / x_norm / c_norm
    except ZeroDivisionError:
        if dot == 0.0 or math.isnan(dot):
            return math.nan
        return 1.0 - math.copysign(math.inf, dot)


def _squared_distance(x: list[float], center: list[float]) -> float:
    total = 0.0
    for a, b in zip(x, center, strict=True):
        difference = a - b
        total += difference * difference
    return total


class KMeansOp(ClustererOp):
    op_name = "k_means"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> KMeansOp:
        attributes = node.attributes
        num_features = attributes.get_long("num_features")
        centers = []
        for index, tensor in enumerate(attributes.get_tensor_list("cluster_centers")):
            center = [float(v) for v in tensor.values]
            if len(center) != num_features:
                raise BundleError(
                    f"{node.where}: cluster center {index} has {len(center)} values, "
                    f"'num_features' is {num_features}"
                )
            centers.append(center)
        if not centers:
            raise BundleError(f"{node.where}: 'cluster_centers' holds no center")
        measure = attributes.get_string("distance_measure", EUCLIDEAN)
        if measure not in DISTANCE_MEASURES:
            raise BundleError(
                f"{node.where}: 'distance_measure' {measure!r} is not one of "
                f"{', '.join(DISTANCE_MEASURES)}"
            )
        return cls.wired(node, KMeans(centers, num_features, measure))

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, KMeans), "from_bundle builds a KMeans"
        return stored_model(model.centers, model.num_features, model.distance_measure)


def stored_model(
    centers: Sequence[Sequence[float]], num_features: int, distance_measure: str = EUCLIDEAN
) -> StoredModel:
    """The ``k_means`` model MLeap writes (``cluster_centers``, ``num_features``); a cosine
    model adds ``distance_measure``."""
    attributes: dict[str, Value] = {
        "cluster_centers": attr.tensor_list([attr.vector(center) for center in centers]),
        "num_features": attr.long(num_features),
    }
    if distance_measure != EUCLIDEAN:
        attributes["distance_measure"] = attr.string(distance_measure)
    return StoredModel("k_means", attributes)
