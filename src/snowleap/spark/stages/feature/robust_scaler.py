"""Spark's ``RobustScalerModel`` -> ``standard_scaler``: the same math on other statistics.

Spark scales ``(x - median) / range`` (``withCentering``, ``withScaling``), with a zero range
giving 0, which is exactly MLeap's standard scaler with ``mean = median`` and ``std = range``.
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import standard_scaler as standard_scaler_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import vector_values
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.RobustScalerModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    source, target, _ = vector_in_out(stage, columns)
    median = vector_values(row["median"], stage, "median") if stage.param("withCentering") else None
    scale = vector_values(row["range"], stage, "range") if stage.param("withScaling") else None
    return [standard_scaler_op.stored(stage.uid, source, target, median, scale)]
