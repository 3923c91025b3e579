"""Spark's ``Bucketizer`` -> ``bucketizer``, one node per column (``splits`` / ``splitsArray``)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import bucketizer as bucketizer_op
from snowleap.spark.columns import Columns, nominal_scalar
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import in_out_columns, split_names

SPARK_CLASSES = ("org.apache.spark.ml.feature.Bucketizer",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    pairs = in_out_columns(stage)
    splits_of = (
        stage.param("splitsArray") if stage.is_set("splitsArray") else [stage.param("splits")]
    )
    policy = stage.param("handleInvalid")
    out = []
    for name, (source, target), splits in zip(
        split_names(stage, len(pairs)), pairs, splits_of, strict=True
    ):
        columns.get(source, stage.description)
        buckets = len(splits) - 1 + (1 if policy == "keep" else 0)
        columns.add(target, nominal_scalar(buckets))
        out.append(bucketizer_op.stored(name, source, target, [float(s) for s in splits], policy))
    return out
