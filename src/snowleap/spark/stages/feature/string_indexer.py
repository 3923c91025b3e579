"""Spark's ``StringIndexerModel`` -> ``string_indexer``, one node per column.

NOTE: MLeap 0.16's runtime reads one ``labels`` list per node (``labels_length`` and
``labels_array_i`` came with MLeap 0.18), so a multi-column indexer becomes one node per column;
the index and its ML attribute (a nominal column of the labels, plus ``__unknown`` with
``keep``) are Spark's.
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import string_indexer as string_indexer_op
from snowleap.spark.columns import STRING, Columns, nominal_scalar
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import in_out_columns, split_names

SPARK_CLASSES = ("org.apache.spark.ml.feature.StringIndexerModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    # NOTE: Spark 2 saved a single ``labels`` list; Spark 3 and 4 save ``labelsArray``.
    label_lists = row["labelsArray"] if "labelsArray" in row else [row["labels"]]
    pairs = in_out_columns(stage)
    policy = stage.param("handleInvalid")
    out = []
    for name, (source, target), labels in zip(
        split_names(stage, len(pairs)), pairs, label_lists, strict=True
    ):
        columns.get(source, stage.description, STRING)
        columns.add(target, nominal_scalar(len(labels) + (1 if policy == "keep" else 0)))
        out.append(string_indexer_op.stored(name, source, target, labels, policy))
    return out
