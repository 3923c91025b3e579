"""Spark's ``VectorAssembler`` -> ``vector_assembler`` (input shapes as MLeap records them)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.bundle.values import DataShape
from snowleap.ops.feature import vector_assembler as vector_assembler_op
from snowleap.spark.columns import Columns, vector_column
from snowleap.spark.errors import StageNotExportableError
from snowleap.spark.saved import FittedStage

SPARK_CLASSES = ("org.apache.spark.ml.feature.VectorAssembler",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    if stage.param("handleInvalid", "error") == "skip":
        raise StageNotExportableError(
            f"stage {stage.description} drops rows with nulls (handleInvalid='skip'), which "
            "MLeap's vector_assembler cannot do: use 'error' or 'keep' (NaN for a null)"
        )
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
    return [vector_assembler_op.stored(stage.uid, inputs, stage.param("outputCol"), shapes)]
