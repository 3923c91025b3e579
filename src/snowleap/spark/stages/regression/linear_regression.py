"""Spark's ``LinearRegressionModel`` -> ``linear_regression``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.spark import op_nodes
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
        op_nodes.linear_regression(
            stage.uid, features, prediction, coefficients, float(row["intercept"])
        )
    ]
