"""Spark's ``DecisionTreeRegressionModel`` -> ``decision_tree_regression``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.trees import REGRESSION_TREE, single_tree, wired

SPARK_CLASSES = ("org.apache.spark.ml.regression.DecisionTreeRegressionModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    return [wired(stage, columns, single_tree(stage, REGRESSION_TREE, None), None)]
