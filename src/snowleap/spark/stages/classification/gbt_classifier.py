"""Spark's ``GBTClassificationModel`` -> ``gbt_classifier`` (regression trees, two classes)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.trees import REGRESSION_TREE, ensemble, wired

SPARK_CLASSES = ("org.apache.spark.ml.classification.GBTClassificationModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    return [wired(stage, columns, ensemble(stage, "gbt_classifier", REGRESSION_TREE, 2), 2)]
