"""What the vector-to-vector stage modules share: reading the input vector, adding the output."""

from __future__ import annotations

from snowleap.spark.columns import Column, Columns, vector_column
from snowleap.spark.saved import FittedStage


def vector_in_out(
    stage: FittedStage, columns: Columns, width: int | None = None
) -> tuple[str, str, Column]:
    """The stage's ``inputCol``, ``outputCol`` and input column; the output is added as a
    numeric vector of ``width`` (the input's width if ``None``)."""
    source, target = stage.param("inputCol"), stage.param("outputCol")
    column = columns.vector(source, stage.description)
    columns.add(target, vector_column(column.width if width is None else width))
    return source, target, column


def selector_in_out(stage: FittedStage, columns: Columns, width: int) -> tuple[str, str, Column]:
    """Like ``vector_in_out`` for stages named by ``featuresCol`` (the feature selectors)."""
    source, target = stage.param("featuresCol"), stage.param("outputCol")
    column = columns.vector(source, stage.description)
    columns.add(target, vector_column(width))
    return source, target, column
