"""Spark's ``OneHotEncoderModel`` -> ``one_hot_encoder`` (one node, ``input0``.. ports).

The category sizes are the model's own (``categorySizes``); MLeap 0.16 reads them from the
sample's ML attributes instead, which hold the same numbers for a fitted pipeline.
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import one_hot_encoder as one_hot_encoder_op
from snowleap.spark.columns import Columns, vector_column
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import in_out_columns

SPARK_CLASSES = ("org.apache.spark.ml.feature.OneHotEncoderModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    sizes = [int(size) for size in stage.single_row()["categorySizes"]]
    pairs = in_out_columns(stage)
    drop_last, policy = bool(stage.param("dropLast")), stage.param("handleInvalid")
    for (source, target), size in zip(pairs, sizes, strict=True):
        columns.get(source, stage.description)
        width = size + (1 if policy == "keep" else 0) - (1 if drop_last else 0)
        # NOTE: one-hot slots are binary attributes: an interaction counts each as one.
        columns.add(target, vector_column(width, [None] * width))
    return [
        one_hot_encoder_op.stored(
            stage.uid, [s for s, _ in pairs], [t for _, t in pairs], sizes, drop_last, policy
        )
    ]
