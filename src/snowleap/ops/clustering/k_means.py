"""``k_means``: the nearest cluster center; mirrors MLeap's ``KMeansModel`` (Spark's
``KMeansModel.predict``).

MLeap's op stores ``cluster_centers`` (one vector each) and ``num_features``, and measures the
Euclidean distance. Spark also fits k-means with the cosine distance (``distanceMeasure``), which
MLeap's format cannot say: snowleap's writer adds ``distance_measure = "cosine"`` to such a model
(an attribute MLeap's runtime ignores) and snowleap scores it with Spark's cosine distance. An
absent attribute is MLeap's Euclidean model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.store import StoredModel
from snowleap.bundle.values import Value
from snowleap.errors import BundleError
from snowleap.ops.clustering.clusterer import Clusterer, ClustererOp, argmin_batch, argmin_row
from snowleap.ops.clustering.distances import (
    COSINE,
    DISTANCE_MEASURES,
    EUCLIDEAN,
    cosine,
    distances_batch,
    norm,
    squared_distance,
)
from snowleap.ops.linalg import sequential_dot

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import AnyArray, FloatArray


class KMeans(Clusterer):
    """Distances to each center; the prediction is the first center of the smallest.

    The distances are those of ``distances``: squared Euclidean, or Spark's cosine distance.
    """

    def __init__(
        self, centers: list[list[float]], num_features: int, distance_measure: str = EUCLIDEAN
    ) -> None:
        super().__init__(num_features, len(centers))
        self.centers = centers
        self.distance_measure = distance_measure
        self.center_norms = [norm(center) for center in centers]

    def predict_batch(self, features: FloatArray) -> AnyArray:
        return argmin_batch(
            distances_batch(features, self.centers, self.center_norms, self.distance_measure)
        )

    def predict_row_function(self) -> Callable[[list[float]], int]:
        centers = self.centers
        if self.distance_measure == COSINE:
            with_norms = list(zip(centers, self.center_norms, strict=True))

            def nearest_by_angle(x: list[float]) -> int:
                x_norm = norm(x)
                return argmin_row(
                    [cosine(sequential_dot(x, c), x_norm, c_norm) for c, c_norm in with_norms]
                )

            return nearest_by_angle

        def nearest(x: list[float]) -> int:
            return argmin_row([squared_distance(x, center) for center in centers])

        return nearest


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
