"""Spark's ``Normalizer`` -> ``normalizer``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import normalizer as normalizer_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.Normalizer",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    source, target, column = vector_in_out(stage, columns)
    assert column.width is not None
    return [normalizer_op.stored(stage.uid, source, target, float(stage.param("p")), column.width)]
