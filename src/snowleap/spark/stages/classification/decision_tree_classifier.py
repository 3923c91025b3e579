"""Spark's ``DecisionTreeClassificationModel`` -> ``decision_tree_classifier`` (class counts)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.trees import CLASSIFICATION_TREE, single_tree, wired

SPARK_CLASSES = ("org.apache.spark.ml.classification.DecisionTreeClassificationModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    classes = int(stage.metadata.get("numClasses", 2))
    return [wired(stage, columns, single_tree(stage, CLASSIFICATION_TREE, classes), classes)]
