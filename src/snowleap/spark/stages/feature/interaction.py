"""Spark's ``Interaction`` -> ``interaction``: each input's nominal sizes, as Spark expands them.

Spark one-hot expands a nominal input slot into its number of values and keeps a numeric slot
as one; those sizes come from the inputs' ML attributes, which ``Columns`` follows through the
pipeline (string indexers and bucketizers make nominal columns, assemblers concatenate slots).
"""

from __future__ import annotations

from math import prod

from snowleap.bundle.store import StoredNode
from snowleap.spark import op_nodes
from snowleap.spark.columns import Columns, vector_column
from snowleap.spark.saved import FittedStage

SPARK_CLASSES = ("org.apache.spark.ml.feature.Interaction",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    inputs = list(stage.param("inputCols"))
    shapes, sizes = [], []
    for name in inputs:
        column = columns.get(name, stage.description)
        if column.vector:
            column = columns.vector(name, stage.description)
        shapes.append(column.data_shape())
        sizes.append([max(1, n) if n is not None else 1 for n in column.slots()])
    width = prod(sum(s) for s in sizes)
    columns.add(stage.param("outputCol"), vector_column(width))
    return [op_nodes.interaction(stage.uid, inputs, stage.param("outputCol"), shapes, sizes)]
