"""Spark's ``LogisticRegressionModel`` -> ``logistic_regression`` (binary or multinomial)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.classification import logistic_regression as logistic_regression_op
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

SPARK_CLASSES = ("org.apache.spark.ml.classification.LogisticRegressionModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    classes = int(row["numClasses"])
    rows = matrix_rows(row["coefficientMatrix"], stage, "coefficientMatrix")
    intercepts = vector_values(row["interceptVector"], stage, "interceptVector")
    if classes == 2 and len(intercepts) == 2:
        raise StageNotExportableError(
            f"stage {stage.description} is a multinomial model of two classes, which MLeap's "
            "logistic_regression cannot express (two classes mean the binomial form): fit it "
            "with family='binomial' (same probabilities)"
        )
    thresholds = (
        [float(t) for t in stage.param("thresholds")] if stage.is_set("thresholds") else None
    )
    threshold = float(stage.param("threshold", 0.5))
    if thresholds is not None and len(thresholds) == 2:
        # NOTE: Spark's getThreshold for binary thresholds (t0, t1): 1 / (1 + t0 / t1).
        threshold = 1.0 / (1.0 + thresholds[0] / thresholds[1])
    features = features_width(stage, columns, len(rows[0]))
    outputs = set_outputs(stage, CLASSIFIER_OUTPUTS)
    for port, column in outputs:
        columns.add(column, DOUBLE if port == "prediction" else vector_column(classes))
    return [
        predictor_node(
            stage.uid,
            features,
            outputs,
            logistic_regression_op.stored_model(classes, rows, intercepts, thresholds, threshold),
        )
    ]
