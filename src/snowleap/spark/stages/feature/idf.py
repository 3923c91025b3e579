"""Spark's ``IDFModel`` -> ``idf`` (the fitted ``idf`` vector)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import idf as idf_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import vector_values
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.IDFModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    idf = vector_values(stage.single_row()["idf"], stage, "idf")
    source, target, _ = vector_in_out(stage, columns, len(idf))
    return [idf_op.stored(stage.uid, source, target, idf)]
