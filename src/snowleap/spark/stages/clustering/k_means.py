"""Spark's ``KMeansModel`` -> ``k_means`` (Euclidean or cosine ``distanceMeasure``)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.clustering import k_means as k_means_op
from snowleap.ops.clustering.distances import DISTANCE_MEASURES, EUCLIDEAN
from snowleap.spark.columns import INT, Columns
from snowleap.spark.errors import SavedModelError, StageNotExportableError
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import features_width, vector_values

SPARK_CLASSES = ("org.apache.spark.ml.clustering.KMeansModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    try:
        rows = sorted(stage.rows(), key=lambda row: int(row["clusterIdx"]))
        centers = [vector_values(row["clusterCenter"], stage, "clusterCenter") for row in rows]
    except KeyError as exc:
        raise SavedModelError(
            f"{stage.path}: {stage.description}: its data has no column {exc} of k-means "
            "cluster centers"
        ) from None
    if not centers:
        raise SavedModelError(f"{stage.path}: {stage.description}: no cluster centers")
    measure = str(stage.param("distanceMeasure", EUCLIDEAN))
    if measure not in DISTANCE_MEASURES:
        raise StageNotExportableError(
            f"stage {stage.description}: distanceMeasure {measure!r} has no k_means form"
        )
    features = features_width(stage, columns, len(centers[0]))
    prediction = stage.param("predictionCol")
    columns.add(prediction, INT)
    model = k_means_op.stored_model(centers, len(centers[0]), measure)
    return [predictor_node(stage.uid, features, [("prediction", prediction)], model)]
