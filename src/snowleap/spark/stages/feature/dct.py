"""Spark's ``DCT`` (a transformer, no model data) -> ``dct``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import dct as dct_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.DCT",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    source, target, column = vector_in_out(stage, columns)
    assert column.width is not None
    inverse = bool(stage.param("inverse"))
    return [dct_op.stored(stage.uid, source, target, inverse, column.width)]
