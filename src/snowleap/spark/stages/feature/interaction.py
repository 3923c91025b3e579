"""Spark's ``Interaction`` -> ``interaction``: each input's nominal sizes, as Spark expands them.

Spark one-hot expands a nominal input slot into its number of values and keeps a numeric slot
as one; those sizes come from the inputs' ML attributes, which ``Columns`` follows through the
pipeline (string indexers and bucketizers make nominal columns, assemblers concatenate slots).
"""

from __future__ import annotations

from math import prod

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import interaction as interaction_op
from snowleap.spark.columns import Columns, vector_column
from snowleap.spark.saved import FittedStage

SPARK_CLASSES = ("org.apache.spark.ml.feature.Interaction",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    inputs = list(stage.param("inputCols"))
    widths: list[int | None] = []
    sizes: list[list[int]] = []
    for name in inputs:
        column = columns.get(name, stage.description)
        if column.vector:
            column = columns.vector(name, stage.description)
        widths.append(column.width if column.vector else None)
        sizes.append([max(1, n) if n is not None else 1 for n in column.slots()])
    width = prod(sum(s) for s in sizes)
    columns.add(stage.param("outputCol"), vector_column(width))
    return [interaction_op.stored(stage.uid, inputs, stage.param("outputCol"), widths, sizes)]
