"""Spark's own ``ImputerModel`` -> MLeap's ``imputer``, one node per column.

MLeap's imputer is MLeap's extension op (one column, ports ``input``/``output``): the surrogate
of each column comes from the model's ``surrogateDF`` (its ``data``: one row, a column per input).

NOTE: Spark replaces nulls and values equal to ``missingValue``; MLeap (and snowleap) also
replace NaN when ``missingValue`` is another number, where Spark keeps the NaN.
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import imputer as imputer_op
from snowleap.spark.columns import DOUBLE, Columns
from snowleap.spark.errors import SavedModelError
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import in_out_columns, split_names

SPARK_CLASSES = ("org.apache.spark.ml.feature.ImputerModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    surrogates = stage.single_row()
    pairs = in_out_columns(stage)
    missing, strategy = float(stage.param("missingValue")), stage.param("strategy")
    out = []
    for name, (source, target) in zip(split_names(stage, len(pairs)), pairs, strict=True):
        if source not in surrogates:
            raise SavedModelError(f"{stage.path}/data: no surrogate for column {source!r}")
        nullable = columns.get(source, stage.description).nullable
        columns.add(target, DOUBLE)
        out.append(
            imputer_op.stored(
                name, source, target, float(surrogates[source]), missing, strategy, nullable
            )
        )
    return out
