"""``decision_tree_classifier``: mirrors MLeap's ``DecisionTreeClassifierModel``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from snowleap.bundle.store import StoredModel
from snowleap.ops.classification.probabilistic import (
    ProbabilisticClassifierOp,
    read_num_classes,
    read_thresholds,
)
from snowleap.ops.classification.tree_classifier import TreeClassifier
from snowleap.ops.tree.loading import class_counts, num_features_of, read_single_tree
from snowleap.ops.tree.storing import (
    decision_tree_model,
)

if TYPE_CHECKING:
    from array import array

    from snowleap.bundle.reader import NodeContext
    from snowleap.ops.tree.layout import TreeLayout


class DecisionTreeClassification(TreeClassifier):
    """Raw scores are the class counts (impurity stats) of the leaf the row reaches."""

    combine = "first"

    @staticmethod
    def leaf_outputs(layout: TreeLayout) -> array[float]:
        return layout.leaf_values


class DecisionTreeClassifierOp(ProbabilisticClassifierOp):
    op_name = "decision_tree_classifier"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> DecisionTreeClassifierOp:
        num_features = num_features_of(node)
        num_classes = read_num_classes(node)
        model = DecisionTreeClassification(
            read_single_tree(node, num_features, class_counts(num_classes)),
            num_features,
            num_classes,
            read_thresholds(node, num_classes),
        )
        return cls.wired(node, model)

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, DecisionTreeClassification)
        return decision_tree_model(
            self.op_name,
            model.layout.node_defs(0),
            model.num_features,
            model.num_classes,
            model.thresholds,
        )
