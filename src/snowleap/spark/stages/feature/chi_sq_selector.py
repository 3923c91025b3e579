"""Spark's ``ChiSqSelectorModel`` -> ``chi_sq_selector``, the op MLeap writes for it (its other
selectors become vector slicers: ``feature_selector``).

Spark keeps ``selectedFeatures`` in ascending index order, as they are stored here.
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import chi_sq_selector as chi_sq_selector_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.vector_map import selector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.ChiSqSelectorModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    selected = sorted(int(i) for i in stage.single_row()["selectedFeatures"])
    source, target, column = selector_in_out(stage, columns, len(selected))
    assert column.width is not None
    return [chi_sq_selector_op.stored(stage.uid, source, target, selected, column.width)]
