"""Spark's ``BisectingKMeansModel`` -> ``bisecting_k_means`` (Euclidean or cosine).

Spark saves the tree through its MLlib model (``data/metadata``: ``rootId``, ``distanceMeasure``;
``data/data``: one row per node with its ``index``, ``center``, ``norm`` and ``children``'s
indices); the op's file lists the nodes in depth-first order.
"""

from __future__ import annotations

from typing import Any

from snowleap.bundle.definitions import ClusterNodeDef
from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.clustering import bisecting_k_means as bisecting_op
from snowleap.ops.clustering.distances import DISTANCE_MEASURES, EUCLIDEAN
from snowleap.spark.columns import INT, Columns
from snowleap.spark.errors import SavedModelError, StageNotExportableError
from snowleap.spark.saved import FittedStage, read_metadata
from snowleap.spark.stages.common import features_width, vector_values

SPARK_CLASSES = ("org.apache.spark.ml.clustering.BisectingKMeansModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    metadata = read_metadata(stage.path / "data")
    measure = str(metadata.get("distanceMeasure", stage.param("distanceMeasure", EUCLIDEAN)))
    if measure not in DISTANCE_MEASURES:
        raise StageNotExportableError(
            f"stage {stage.description}: distanceMeasure {measure!r} has no bisecting_k_means form"
        )
    tree = _pre_order(stage, stage.rows("data/data"), metadata.get("rootId"))
    features = features_width(stage, columns, len(tree[0].values))
    prediction = stage.param("predictionCol")
    columns.add(prediction, INT)
    model = bisecting_op.stored_model(tree, measure)
    return [predictor_node(stage.uid, features, [("prediction", prediction)], model)]


def _pre_order(
    stage: FittedStage, rows: list[dict[str, Any]], root_id: Any
) -> list[ClusterNodeDef]:
    """The saved nodes in depth-first order from the root, children in their saved order."""
    try:
        by_index = {int(row["index"]): row for row in rows}
        if not isinstance(root_id, int) or root_id not in by_index:
            raise SavedModelError(
                f"{stage.path}: {stage.description}: rootId {root_id!r} names no saved node"
            )
        ordered: list[ClusterNodeDef] = []
        stack = [root_id]
        while stack:
            row = by_index[stack.pop()]
            children = [int(c) for c in row["children"]]
            ordered.append(
                ClusterNodeDef(
                    index=int(row["index"]),
                    norm=float(row["norm"]),
                    values=tuple(vector_values(row["center"], stage, "center")),
                    num_children=len(children),
                )
            )
            if len(ordered) > len(rows):
                raise SavedModelError(f"{stage.path}: {stage.description}: the tree has a cycle")
            stack += reversed(children)
    except KeyError as exc:
        raise SavedModelError(
            f"{stage.path}: {stage.description}: its tree data has no node or column {exc}"
        ) from None
    return ordered
