"""Spark's ``FeatureHasher`` -> ``feature_hasher`` (``inputCols`` with their types,
``categoricalCols``, ``numFeatures``)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.base import BaseType
from snowleap.ops.feature import feature_hasher as feature_hasher_op
from snowleap.spark.columns import Columns, vector_column
from snowleap.spark.errors import StageNotExportableError
from snowleap.spark.saved import FittedStage

SPARK_CLASSES = ("org.apache.spark.ml.feature.FeatureHasher",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    inputs = [str(c) for c in stage.param("inputCols")]
    types: list[BaseType] = []
    for name in inputs:
        column = columns.get(name, stage.description)
        if column.vector or column.is_list or column.base not in feature_hasher_op.SCALAR_TYPES:
            raise StageNotExportableError(
                f"stage {stage.description}: input {name!r} is not a scalar MLeap can hash"
            )
        types.append(column.base)
    width = int(stage.param("numFeatures"))
    target = stage.param("outputCol")
    columns.add(target, vector_column(width))
    categorical = [str(c) for c in stage.param("categoricalCols", [])]
    return [feature_hasher_op.stored(stage.uid, inputs, inputs, types, categorical, target, width)]
