"""``random_forest_classifier``: mirrors MLeap's ``RandomForestClassifierModel``."""

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
from snowleap.ops.linalg import sequential_sum, sequential_sum_batch
from snowleap.ops.tree.loading import num_features_of, read_ensemble
from snowleap.ops.tree.storing import (
    CLASSIFICATION_TREE,
    decision_tree_model,
    ensemble_model,
)

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import FloatArray


class RandomForestClassification(TreeClassifier):
    """Raw scores are votes: each tree's leaf class counts normalised to sum 1, added per class
    in tree order (a leaf whose counts sum to 0 adds nothing). ``tree_weights`` are ignored, as
    in MLeap and Spark.
    """

    @staticmethod
    def leaf_output(counts: tuple[float, ...]) -> list[float]:
        """The leaf's share of the vote, computed once at load: ``counts[i] / total`` is the
        very division MLeap makes per row; a zero total gives zeros (MLeap skips the leaf)."""
        total = sequential_sum(counts)
        if total != 0.0:
            return [count / total for count in counts]
        return [0.0] * len(counts)

    def raw_batch(self, features: FloatArray) -> FloatArray:
        shares = self.leaf_outputs_batch(features)
        return sequential_sum_batch(shares)

    def raw_row_function(self) -> RawRowFunction:
        leaves = self.leaf_outputs_row_function()
        if self.num_classes == 2:

            def raw_binary(x: list[float]) -> list[float]:
                # NOTE: the same additions as ``raw`` below, in the same order, without
                # transposing the trees' shares: 3 times faster for 30 trees.
                first = second = 0.0
                for share_first, share_second in leaves(x):
                    first += share_first
                    second += share_second
                return [first, second]

            return raw_binary

        def raw(x: list[float]) -> list[float]:
            # NOTE: per class, 0.0 + tree 1's share + tree 2's share ...: the batch's order.
            return [sequential_sum(shares) for shares in zip(*leaves(x), strict=True)]

        return raw


class RandomForestClassifierOp(ProbabilisticClassifierOp):
    op_name = "random_forest_classifier"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> RandomForestClassifierOp:
        num_features = num_features_of(node)
        num_classes = read_num_classes(node)
        loaded = read_ensemble(node, "decision_tree_classifier", num_features)
        model = RandomForestClassification(
            loaded.ensemble, num_features, num_classes, read_thresholds(node, num_classes)
        )
        return cls.wired(node, model)

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, RandomForestClassification)
        trees = [
            decision_tree_model(
                CLASSIFICATION_TREE, tree.node_defs(), model.num_features, model.num_classes
            )
            for tree in model.ensemble.trees
        ]
        # NOTE: Spark weights every tree of a forest 1.0; MLeap and snowleap ignore the weights.
        weights = [1.0] * len(trees)
        return ensemble_model(
            self.op_name, trees, weights, model.num_features, model.num_classes, model.thresholds
        )
