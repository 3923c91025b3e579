"""``decision_tree_classifier``: mirrors MLeap's ``DecisionTreeClassifierModel``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from snowleap.bundle.store import StoredModel
from snowleap.ops.classification.probabilistic import (
    ProbabilisticClassifierOp,
    RawRowFunction,
    read_num_classes,
    read_thresholds,
)
from snowleap.ops.classification.tree_classifier import TreeClassifier
from snowleap.ops.tree.loading import num_features_of, read_single_tree
from snowleap.ops.tree.storing import (
    decision_tree_model,
)

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


class DecisionTreeClassification(TreeClassifier):
    """Raw scores are the class counts (impurity stats) of the leaf the row reaches."""

    @staticmethod
    def leaf_output(counts: tuple[float, ...]) -> list[float]:
        return list(counts)

    def raw_batch(self, features: FloatArray) -> FloatArray:
        return self.leaf_outputs_batch(features)[:, 0, :]

    def raw_row_function(self) -> RawRowFunction:
        leaves = self.leaf_outputs_row_function()

        def raw(x: list[float]) -> list[float]:
            # NOTE: a copy, so the caller's row never aliases the model's leaf.
            return list(leaves(x)[0])

        return raw


class DecisionTreeClassifierOp(ProbabilisticClassifierOp):
    op_name = "decision_tree_classifier"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> DecisionTreeClassifierOp:
        num_features = num_features_of(node)
        num_classes = read_num_classes(node)
        model = DecisionTreeClassification(
            read_single_tree(node, num_features),
            num_features,
            num_classes,
            read_thresholds(node, num_classes),
        )
        return cls.wired(node, model)

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, DecisionTreeClassification)
        (tree,) = model.ensemble.trees
        return decision_tree_model(
            self.op_name, tree.node_defs(), model.num_features, model.num_classes, model.thresholds
        )
