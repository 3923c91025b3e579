"""What the tree-model stage modules share: the trees as MLeap writes them, outputs and checks."""

from __future__ import annotations

from snowleap.bundle.store import StoredModel, StoredNode, predictor_node
from snowleap.ops.tree.storing import (
    CLASSIFICATION_TREE,
    REGRESSION_TREE,
    decision_tree_model,
    ensemble_model,
)
from snowleap.spark.columns import DOUBLE, Columns, vector_column
from snowleap.spark.errors import StageNotExportableError
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import (
    CLASSIFIER_OUTPUTS,
    features_width,
    set_outputs,
    tree_nodes,
    trees_by_id,
)

__all__ = ["CLASSIFICATION_TREE", "REGRESSION_TREE", "ensemble", "single_tree", "wired"]


def num_features(stage: FittedStage) -> int:
    count = stage.metadata.get("numFeatures")
    if not isinstance(count, int):
        raise StageNotExportableError(f"stage {stage.description}: metadata has no numFeatures")
    return count


def thresholds(stage: FittedStage) -> list[float] | None:
    return [float(t) for t in stage.param("thresholds")] if stage.is_set("thresholds") else None


def wired(
    stage: FittedStage, columns: Columns, model: StoredModel, classes: int | None
) -> StoredNode:
    """The node of a tree model: ``features`` in, Spark's output columns out."""
    features = features_width(stage, columns, num_features(stage))
    if stage.param("leafCol", ""):
        raise StageNotExportableError(
            f"stage {stage.description} sets leafCol, which no MLeap op computes: unset it"
        )
    if classes is None:
        outputs = set_outputs(stage, [("prediction", "predictionCol")])
    else:
        outputs = set_outputs(stage, CLASSIFIER_OUTPUTS)
    for port, column in outputs:
        columns.add(column, DOUBLE if port == "prediction" else vector_column(classes))
    return predictor_node(stage.uid, features, outputs, model)


def single_tree(stage: FittedStage, op: str, classes: int | None) -> StoredModel:
    rows = stage.rows("data")
    nodes = tree_nodes(rows, impurities=classes is not None, where=str(stage.path / "data"))
    return decision_tree_model(op, nodes, num_features(stage), classes, thresholds(stage))


def ensemble(stage: FittedStage, op: str, tree_op: str, classes: int | None) -> StoredModel:
    """A forest or boosted model: each tree a sub-model folder, as MLeap writes them."""
    trees, weights = trees_by_id(stage)
    impurities = tree_op == CLASSIFICATION_TREE
    tree_classes = classes if impurities else None
    models = [
        decision_tree_model(
            tree_op,
            tree_nodes(rows, impurities, f"{stage.path / 'data'} (tree {i})"),
            num_features(stage),
            tree_classes,
        )
        for i, rows in enumerate(trees)
    ]
    return ensemble_model(op, models, weights, num_features(stage), classes, thresholds(stage))
