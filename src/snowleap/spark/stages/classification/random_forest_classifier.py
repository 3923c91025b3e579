"""Spark's ``RandomForestClassificationModel`` -> ``random_forest_classifier``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.trees import CLASSIFICATION_TREE, ensemble, wired

SPARK_CLASSES = ("org.apache.spark.ml.classification.RandomForestClassificationModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    classes = int(stage.metadata.get("numClasses", 2))
    model = ensemble(stage, "random_forest_classifier", CLASSIFICATION_TREE, classes)
    return [wired(stage, columns, model, classes)]
