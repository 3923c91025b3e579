"""Spark's ``MinMaxScalerModel`` -> ``min_max_scaler``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import min_max_scaler as min_max_scaler_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import vector_values
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.MinMaxScalerModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    source, target, _ = vector_in_out(stage, columns)
    return [
        min_max_scaler_op.stored(
            stage.uid,
            source,
            target,
            vector_values(row["originalMin"], stage, "originalMin"),
            vector_values(row["originalMax"], stage, "originalMax"),
            float(stage.param("min")),
            float(stage.param("max")),
        )
    ]
