"""Spark's ``VectorIndexerModel`` -> ``vector_indexer``, and the categorical slots it declares.

Spark marks each categorical slot of the output as nominal with its number of categories, which
is what a later ``Interaction`` expands; a slot of two categories is marked binary instead,
which Interaction (Spark's and MLeap's) keeps as one numeric slot. Trees read their own
categorical splits from their model data.
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import vector_indexer as vector_indexer_op
from snowleap.spark.columns import Columns, vector_column
from snowleap.spark.saved import FittedStage

SPARK_CLASSES = ("org.apache.spark.ml.feature.VectorIndexerModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    data = stage.single_row()
    num_features = int(data["numFeatures"])
    category_maps = {
        int(feature): {float(value): int(index) for value, index in mapping}
        for feature, mapping in data["categoryMaps"]
    }
    source, target = stage.param("inputCol"), stage.param("outputCol")
    columns.vector(source, stage.description)
    nominal = [_slot(category_maps.get(f)) for f in range(num_features)]
    columns.add(target, vector_column(num_features, nominal))
    policy = stage.param("handleInvalid")
    return [
        vector_indexer_op.stored(stage.uid, source, target, num_features, category_maps, policy)
    ]


def _slot(categories: dict[float, int] | None) -> int | None:
    """The nominal size Spark's attribute gives a slot: ``None`` for numeric and binary ones."""
    if categories is None or len(categories) == 2:
        return None
    return len(categories)
