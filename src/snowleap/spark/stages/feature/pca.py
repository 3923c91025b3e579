"""Spark's ``PCAModel`` -> ``pca`` (``principal_components`` as MLeap stores ``pc.values``)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.spark import op_nodes
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import matrix_rows
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.PCAModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    rows = matrix_rows(stage.single_row()["pc"], stage, "pc")
    source, target, _ = vector_in_out(stage, columns, width=len(rows[0]))
    column_major = [row[c] for c in range(len(rows[0])) for row in rows]
    return [op_nodes.pca(stage.uid, source, target, len(rows), len(rows[0]), column_major)]
