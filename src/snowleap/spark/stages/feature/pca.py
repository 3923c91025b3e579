"""Spark's ``PCAModel`` -> ``pca`` (``principal_components`` as MLeap stores ``pc.values``)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import pca as pca_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import matrix_rows
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.PCAModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    rows = matrix_rows(stage.single_row()["pc"], stage, "pc")
    source, target, _ = vector_in_out(stage, columns, width=len(rows[0]))
    components = [[row[j] for row in rows] for j in range(len(rows[0]))]
    return [pca_op.stored(stage.uid, source, target, components, len(rows))]
