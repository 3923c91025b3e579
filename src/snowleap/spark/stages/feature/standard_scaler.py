"""Spark's ``StandardScalerModel`` -> ``standard_scaler`` (``mean`` / ``std`` as used)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import standard_scaler as standard_scaler_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import vector_values
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.StandardScalerModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    source, target, _ = vector_in_out(stage, columns)
    mean = vector_values(row["mean"], stage, "mean") if stage.param("withMean") else None
    std = vector_values(row["std"], stage, "std") if stage.param("withStd") else None
    return [standard_scaler_op.stored(stage.uid, source, target, mean, std)]
