"""Spark's feature selectors -> ``vector_slicer``: keeping the selected slots is their whole math.

``VarianceThresholdSelectorModel`` and ``UnivariateFeatureSelectorModel`` save
``selectedFeatures``; Spark's transform keeps those slots in ascending index order, which is a
vector slicer over the sorted indices. (``ChiSqSelectorModel`` has MLeap's own op,
``chi_sq_selector``.)
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import vector_slicer as vector_slicer_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.vector_map import selector_in_out

SPARK_CLASSES = (
    "org.apache.spark.ml.feature.VarianceThresholdSelectorModel",
    "org.apache.spark.ml.feature.UnivariateFeatureSelectorModel",
)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    selected = sorted(int(i) for i in stage.single_row()["selectedFeatures"])
    source, target, column = selector_in_out(stage, columns, len(selected))
    assert column.width is not None
    return [vector_slicer_op.stored(stage.uid, source, target, selected, column.width)]
