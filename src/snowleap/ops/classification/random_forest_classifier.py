"""``random_forest_classifier``: mirrors MLeap's ``RandomForestClassifierModel``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from snowleap.ops.classification.probabilistic import (
    ProbabilisticClassifierOp,
    read_num_classes,
    read_thresholds,
)
from snowleap.ops.classification.tree_classifier import TreeClassifier
from snowleap.ops.tree.leaves import vote_shares
from snowleap.ops.tree.loading import class_counts, num_features_of, read_ensemble

if TYPE_CHECKING:
    from array import array

    from snowleap.bundle.reader import NodeContext
    from snowleap.bundle.store import StoredModel
    from snowleap.ops.tree.layout import TreeLayout


class RandomForestClassification(TreeClassifier):
    """Raw scores are votes: each tree's leaf class counts normalised to sum 1, added per class
    in tree order (a leaf whose counts sum to 0 adds nothing). ``tree_weights`` are ignored, as
    in MLeap and Spark.
    """

    combine = "sum"

    @staticmethod
    def leaf_outputs(layout: TreeLayout) -> array[float]:
        """Each leaf's share of the vote, computed once at load: ``counts[i] / total`` is the
        very division MLeap makes per row; a zero total gives zeros (MLeap skips the leaf)."""
        return vote_shares(layout.leaf_values, layout.width)


class RandomForestClassifierOp(ProbabilisticClassifierOp):
    op_name = "random_forest_classifier"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> RandomForestClassifierOp:
        num_features = num_features_of(node)
        num_classes = read_num_classes(node)
        loaded = read_ensemble(
            node, "decision_tree_classifier", num_features, class_counts(num_classes)
        )
        model = RandomForestClassification(
            loaded.layout, num_features, num_classes, read_thresholds(node, num_classes)
        )
        return cls.wired(node, model)

    def stored_model(self) -> StoredModel:
        # NOTE: imported here: writing a bundle is never on a cold start's path.
        from snowleap.ops.tree.storing import CLASSIFICATION_TREE, ensemble_of_layout

        model = self.model
        assert isinstance(model, RandomForestClassification)
        # NOTE: Spark weights every tree of a forest 1.0; MLeap and snowleap ignore the weights.
        weights = [1.0] * model.layout.num_trees
        return ensemble_of_layout(
            self.op_name,
            CLASSIFICATION_TREE,
            model.layout,
            weights,
            model.num_features,
            model.num_classes,
            model.thresholds,
        )
