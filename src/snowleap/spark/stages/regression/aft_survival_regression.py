"""Spark's ``AFTSurvivalRegressionModel`` -> ``aft_survival_regression`` (quantiles if set)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.regression import aft_survival_regression as aft_op
from snowleap.spark.columns import DOUBLE, Columns, vector_column
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import features_width, set_outputs, vector_values

SPARK_CLASSES = ("org.apache.spark.ml.regression.AFTSurvivalRegressionModel",)
OUTPUTS = (("prediction", "predictionCol"), ("quantiles", "quantilesCol"))


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    coefficients = vector_values(row["coefficients"], stage, "coefficients")
    features = features_width(stage, columns, len(coefficients))
    probabilities = [float(q) for q in stage.param("quantileProbabilities")]
    outputs = set_outputs(stage, OUTPUTS)
    for port, column in outputs:
        columns.add(column, DOUBLE if port == "prediction" else vector_column(len(probabilities)))
    model = aft_op.stored_model(
        coefficients, float(row["intercept"]), probabilities, float(row["scale"])
    )
    return [predictor_node(stage.uid, features, outputs, model)]
