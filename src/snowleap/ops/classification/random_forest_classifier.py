"""``random_forest_classifier``: mirrors MLeap's ``RandomForestClassifierModel``."""

from __future__ import annotations

from functools import reduce
from operator import add
from typing import TYPE_CHECKING

import numpy as np

from snowleap.ops.classification.probabilistic import (
    FloatArray,
    ProbabilisticClassifierOp,
    RawRowFunction,
    read_num_classes,
    read_thresholds,
    sum_row,
)
from snowleap.ops.tree.classifier import TreeClassifier
from snowleap.ops.tree.loading import num_features_of, read_ensemble

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext


class RandomForestClassification(TreeClassifier):
    """Raw scores are votes: each tree's leaf class counts normalised to sum 1, added per class
    in tree order (a leaf whose counts sum to 0 adds nothing). ``tree_weights`` are ignored, as
    in MLeap and Spark.
    """

    @staticmethod
    def leaf_output(counts: tuple[float, ...]) -> list[float]:
        """The leaf's share of the vote, computed once at load: ``counts[i] / total`` is the
        very division MLeap makes per row; a zero total gives zeros (MLeap skips the leaf)."""
        total = sum_row(list(counts))
        if total != 0.0:
            return [count / total for count in counts]
        return [0.0] * len(counts)

    def raw_batch(self, features: FloatArray) -> FloatArray:
        shares = self.leaf_outputs_batch(features)
        votes = np.zeros((features.shape[0], self.num_classes), dtype=np.float64)
        for t in range(shares.shape[1]):
            votes = votes + shares[:, t, :]
        return votes

    def raw_row_function(self) -> RawRowFunction:
        leaves = self.leaf_outputs_row_function()

        def raw(x: list[float]) -> list[float]:
            # NOTE: per class, 0.0 + tree 1's share + tree 2's share ...: the batch's order.
            return [reduce(add, shares, 0.0) for shares in zip(*leaves(x), strict=True)]

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
