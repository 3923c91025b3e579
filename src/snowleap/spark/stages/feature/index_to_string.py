"""Spark's ``IndexToString`` -> ``reverse_string_indexer`` (its ``labels`` param)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import reverse_string_indexer as reverse_string_indexer_op
from snowleap.spark.columns import STRING, Columns
from snowleap.spark.errors import StageNotExportableError
from snowleap.spark.saved import FittedStage

SPARK_CLASSES = ("org.apache.spark.ml.feature.IndexToString",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    labels = stage.param("labels", [])
    if not labels:
        raise StageNotExportableError(
            f"stage {stage.description} takes its labels from the input column's ML attributes, "
            "which a bundle cannot carry: set IndexToString(labels=indexer_model.labels)"
        )
    source, target = stage.param("inputCol"), stage.param("outputCol")
    columns.get(source, stage.description)
    columns.add(target, STRING)
    return [reverse_string_indexer_op.stored(stage.uid, source, target, labels)]
