"""Spark's ``VectorIndexerModel`` -> ``vector_indexer``, and the categorical slots it declares.

Spark marks each categorical slot of the output as nominal (binary for two values) with its
number of categories, which is what a later ``Interaction`` expands (trees read their own
categorical splits from their model data).
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
    nominal = [len(category_maps[f]) if f in category_maps else None for f in range(num_features)]
    columns.add(target, vector_column(num_features, nominal))
    policy = stage.param("handleInvalid")
    return [
        vector_indexer_op.stored(stage.uid, source, target, num_features, category_maps, policy)
    ]
