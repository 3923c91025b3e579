"""Spark's ``RandomForestRegressionModel`` -> ``random_forest_regression``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.trees import REGRESSION_TREE, ensemble, wired

SPARK_CLASSES = ("org.apache.spark.ml.regression.RandomForestRegressionModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    model = ensemble(stage, "random_forest_regression", REGRESSION_TREE, None)
    return [wired(stage, columns, model, None)]
