"""Spark's ``LinearRegressionModel`` -> ``linear_regression``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.spark import op_nodes
from snowleap.spark.columns import DOUBLE, Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import vector_values

SPARK_CLASSES = ("org.apache.spark.ml.regression.LinearRegressionModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    features, prediction = stage.param("featuresCol"), stage.param("predictionCol")
    columns.vector(features, stage.description)
    columns.add(prediction, DOUBLE)
    coefficients = vector_values(row["coefficients"], stage, "coefficients")
    return [
        op_nodes.linear_regression(
            stage.uid, features, prediction, coefficients, float(row["intercept"])
        )
    ]
