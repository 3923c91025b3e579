"""Spark's ``GaussianMixtureModel`` -> ``gaussian_mixture`` (prediction, probability)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.clustering import gaussian_mixture as gaussian_mixture_op
from snowleap.spark.columns import INT, Columns, vector_column
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import features_width, matrix_rows, set_outputs, vector_values

SPARK_CLASSES = ("org.apache.spark.ml.clustering.GaussianMixtureModel",)
OUTPUTS = (("prediction", "predictionCol"), ("probability", "probabilityCol"))


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    weights = [float(w) for w in row["weights"]]
    means = [vector_values(mean, stage, "mus") for mean in row["mus"]]
    covariances = [matrix_rows(sigma, stage, "sigmas") for sigma in row["sigmas"]]
    features = features_width(stage, columns, len(means[0]))
    outputs = set_outputs(
        stage, (("prediction", "predictionCol"), ("probability", "probabilityCol"))
    )
    for port, column in outputs:
        columns.add(column, INT if port == "prediction" else vector_column(len(weights)))
    model = gaussian_mixture_op.stored_model(means, covariances, weights)
    return [predictor_node(stage.uid, features, outputs, model)]
