"""Spark's ``IsotonicRegressionModel`` -> ``isotonic_regression``.

A model fitted on a vector column reads the slot ``featureIndex`` of it, which the node records
as ``feature_index`` (MLeap writes it only then); on a double column, the node has none.
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.regression import isotonic_regression as isotonic_regression_op
from snowleap.spark.columns import DOUBLE, Columns
from snowleap.spark.errors import SavedModelError
from snowleap.spark.saved import FittedStage

SPARK_CLASSES = ("org.apache.spark.ml.regression.IsotonicRegressionModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    try:
        boundaries = [float(b) for b in row["boundaries"]]
        predictions = [float(p) for p in row["predictions"]]
        isotonic = bool(row["isotonic"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SavedModelError(
            f"{stage.path}: {stage.description}: no isotonic model data ({exc})"
        ) from None
    features = str(stage.param("featuresCol"))
    feature_index = None
    if columns.get(features, stage.description).vector:
        feature_index = int(stage.param("featureIndex"))
    prediction = stage.param("predictionCol")
    columns.add(prediction, DOUBLE)
    model = isotonic_regression_op.stored_model(boundaries, predictions, isotonic, feature_index)
    return [predictor_node(stage.uid, features, [("prediction", prediction)], model)]
