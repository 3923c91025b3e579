"""Spark's ``NaiveBayesModel`` -> ``naive_bayes`` (every model type Spark fits)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.classification import naive_bayes as naive_bayes_op
from snowleap.spark.columns import DOUBLE, Columns, vector_column
from snowleap.spark.errors import StageNotExportableError
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import (
    CLASSIFIER_OUTPUTS,
    features_width,
    matrix_rows,
    set_outputs,
    vector_values,
)

SPARK_CLASSES = ("org.apache.spark.ml.classification.NaiveBayesModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    pi = vector_values(row["pi"], stage, "pi")
    theta = matrix_rows(row["theta"], stage, "theta")
    model_type = str(stage.param("modelType", "multinomial"))
    if model_type not in naive_bayes_op.MODEL_TYPES:
        raise StageNotExportableError(
            f"stage {stage.description}: modelType {model_type!r} has no naive_bayes form"
        )
    sigma = None
    if model_type == "gaussian":
        sigma = matrix_rows(row["sigma"], stage, "sigma")
    thresholds = (
        [float(t) for t in stage.param("thresholds")] if stage.is_set("thresholds") else None
    )
    features = features_width(stage, columns, len(theta[0]))
    outputs = set_outputs(stage, CLASSIFIER_OUTPUTS)
    for port, column in outputs:
        columns.add(column, DOUBLE if port == "prediction" else vector_column(len(pi)))
    model = naive_bayes_op.stored_model(model_type, pi, theta, sigma, thresholds)
    return [predictor_node(stage.uid, features, outputs, model)]
