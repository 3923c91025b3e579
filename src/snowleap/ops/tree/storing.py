"""Writing trees into a bundle: the inverse of ``loading``, as MLeap's tree ops write them.

A decision tree model is its attributes and a ``tree`` file of its nodes in depth-first order;
a forest or boosted ensemble lists its trees' folders (``tree0``, ``tree1``...) in ``trees``,
their weights in ``tree_weights``, each folder a decision tree model of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from snowleap.bundle import store as attr
from snowleap.bundle.definitions import TreeNodeDef
from snowleap.bundle.store import StoredModel
from snowleap.bundle.values import Value
from snowleap.ops.tree.layout import TreeLayout

CLASSIFICATION_TREE = "decision_tree_classifier"
REGRESSION_TREE = "decision_tree_regression"


def _model_attributes(
    num_features: int, num_classes: int | None, thresholds: Sequence[float] | None
) -> dict[str, Value]:
    attributes: dict[str, Value] = {"num_features": attr.long(num_features)}
    if num_classes is not None:
        attributes["num_classes"] = attr.long(num_classes)
    if thresholds is not None:
        attributes["thresholds"] = attr.double_list(thresholds)
    return attributes


def decision_tree_model(
    op: str,
    nodes: Sequence[TreeNodeDef],
    num_features: int,
    num_classes: int | None = None,
    thresholds: Sequence[float] | None = None,
) -> StoredModel:
    """A decision tree model folder; ``num_classes`` for classification trees only."""
    attributes = _model_attributes(num_features, num_classes, thresholds)
    return StoredModel(op, attributes, trees={"tree": list(nodes)})


def ensemble_model(
    op: str,
    trees: Sequence[StoredModel],
    weights: Sequence[float],
    num_features: int,
    num_classes: int | None = None,
    thresholds: Sequence[float] | None = None,
) -> StoredModel:
    """A forest or boosted ensemble with its trees as sub-model folders ``tree0``..."""
    names = [f"tree{i}" for i in range(len(trees))]
    attributes = _model_attributes(num_features, num_classes, None)
    attributes["tree_weights"] = attr.double_list(weights)
    attributes["trees"] = attr.string_list(names)
    if thresholds is not None:
        attributes["thresholds"] = attr.double_list(thresholds)
    return StoredModel(op, attributes, sub_models=dict(zip(names, trees, strict=True)))


def ensemble_of_layout(
    op: str,
    tree_op: str,
    layout: TreeLayout,
    weights: Sequence[float],
    num_features: int,
    num_classes: int | None = None,
    thresholds: Sequence[float] | None = None,
) -> StoredModel:
    """An ensemble model whose trees are ``layout``'s, each a ``tree_op`` model folder."""
    trees = [
        decision_tree_model(tree_op, layout.node_defs(tree), num_features, num_classes)
        for tree in range(layout.num_trees)
    ]
    return ensemble_model(op, trees, weights, num_features, num_classes, thresholds)
