"""Spark's ``Binarizer`` -> ``binarizer``, one node per column (``threshold`` / ``thresholds``)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import binarizer as binarizer_op
from snowleap.spark.columns import Column, Columns, vector_column
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import in_out_columns, split_names

SPARK_CLASSES = ("org.apache.spark.ml.feature.Binarizer",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    pairs = in_out_columns(stage)
    if stage.is_set("thresholds"):
        thresholds = [float(t) for t in stage.param("thresholds")]
    else:
        thresholds = [float(stage.param("threshold"))] * len(pairs)
    out = []
    for name, (source, target), threshold in zip(
        split_names(stage, len(pairs)), pairs, thresholds, strict=True
    ):
        column = columns.get(source, stage.description)
        if column.vector:
            column = columns.vector(source, stage.description)
            columns.add(target, vector_column(column.width))
        else:
            columns.add(target, Column(nominal=(2,)))
        out.append(binarizer_op.stored(name, source, target, threshold, column.data_shape()))
    return out
