"""Spark's ``VectorSlicer`` -> ``vector_slicer`` (by indices; names need the input's attributes)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import vector_slicer as vector_slicer_op
from snowleap.spark.columns import Columns
from snowleap.spark.errors import StageNotExportableError
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.VectorSlicer",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    if stage.param("names", []):
        raise StageNotExportableError(
            f"stage {stage.description} slices by feature names, which only the training "
            "data's ML attributes resolve: slice by indices instead"
        )
    indices = [int(i) for i in stage.param("indices", [])]
    source, target, column = vector_in_out(stage, columns, width=len(indices))
    assert column.width is not None
    return [vector_slicer_op.stored(stage.uid, source, target, indices, column.width)]
