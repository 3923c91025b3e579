"""Spark's ``Normalizer`` -> ``normalizer``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.spark import op_nodes
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.Normalizer",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    source, target, column = vector_in_out(stage, columns)
    assert column.width is not None
    return [op_nodes.normalizer(stage.uid, source, target, float(stage.param("p")), column.width)]
