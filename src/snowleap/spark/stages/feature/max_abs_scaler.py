"""Spark's ``MaxAbsScalerModel`` -> ``max_abs_scaler``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import max_abs_scaler as max_abs_scaler_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import vector_values
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.MaxAbsScalerModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    max_abs = vector_values(stage.single_row()["maxAbs"], stage, "maxAbs")
    source, target, _ = vector_in_out(stage, columns)
    return [max_abs_scaler_op.stored(stage.uid, source, target, max_abs)]
