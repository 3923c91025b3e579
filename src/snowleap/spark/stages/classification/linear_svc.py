"""Spark's ``LinearSVCModel`` -> ``linear_svc`` (raw prediction, prediction by the margin)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.classification import linear_svc as linear_svc_op
from snowleap.spark.columns import DOUBLE, Columns, vector_column
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import features_width, set_outputs, vector_values

SPARK_CLASSES = ("org.apache.spark.ml.classification.LinearSVCModel",)
OUTPUTS = (("raw_prediction", "rawPredictionCol"), ("prediction", "predictionCol"))


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    coefficients = vector_values(row["coefficients"], stage, "coefficients")
    features = features_width(stage, columns, len(coefficients))
    outputs = set_outputs(stage, OUTPUTS)
    for port, column in outputs:
        columns.add(column, DOUBLE if port == "prediction" else vector_column(2))
    threshold = float(stage.param("threshold", linear_svc_op.DEFAULT_THRESHOLD))
    model = linear_svc_op.stored_model(coefficients, float(row["intercept"]), threshold)
    return [predictor_node(stage.uid, features, outputs, model)]
