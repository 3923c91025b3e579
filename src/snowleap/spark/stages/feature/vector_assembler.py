"""Spark's ``VectorAssembler`` -> ``vector_assembler`` (input shapes as MLeap records them)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.bundle.values import DataShape
from snowleap.spark import op_nodes
from snowleap.spark.columns import Columns, vector_column
from snowleap.spark.saved import FittedStage

SPARK_CLASSES = ("org.apache.spark.ml.feature.VectorAssembler",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    inputs = list(stage.param("inputCols"))
    shapes: list[DataShape] = []
    slots: list[int | None] = []
    for name in inputs:
        column = columns.get(name, stage.description)
        if column.vector:
            column = columns.vector(name, stage.description)
        shapes.append(column.data_shape())
        slots += column.slots()
    columns.add(stage.param("outputCol"), vector_column(len(slots), slots))
    return [op_nodes.vector_assembler(stage.uid, inputs, stage.param("outputCol"), shapes)]
