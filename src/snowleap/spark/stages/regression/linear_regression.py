"""Spark's ``LinearRegressionModel`` -> ``linear_regression``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.regression import linear_regression as linear_regression_op
from snowleap.spark.columns import DOUBLE, Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import features_width, vector_values

SPARK_CLASSES = ("org.apache.spark.ml.regression.LinearRegressionModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    coefficients = vector_values(row["coefficients"], stage, "coefficients")
    features = features_width(stage, columns, len(coefficients))
    prediction = stage.param("predictionCol")
    columns.add(prediction, DOUBLE)
    return [
        predictor_node(
            stage.uid,
            features,
            [("prediction", prediction)],
            linear_regression_op.stored_model(coefficients, float(row["intercept"])),
        )
    ]
