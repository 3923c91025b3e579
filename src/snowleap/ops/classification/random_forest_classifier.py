"""``random_forest_classifier``: mirrors MLeap's ``RandomForestClassifierModel``."""

from __future__ import annotations

from functools import reduce
from operator import add
from typing import TYPE_CHECKING

import numpy as np

from snowleap.ops.classification.probabilistic import (
    FloatArray,
    NormalizedProbabilities,
    ProbabilisticClassifierOp,
    RawRowFunction,
    read_num_classes,
    read_thresholds,
    sum_row,
)
from snowleap.ops.tree.ensemble import FlatEnsemble
from snowleap.ops.tree.loading import num_features_of, read_ensemble

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext


class RandomForestClassification(NormalizedProbabilities):
    """Raw scores are votes: each tree's leaf class counts normalised to sum 1, added per class
    in tree order (a leaf whose counts sum to 0 adds nothing). ``tree_weights`` are ignored, as
    in MLeap and Spark.
    """

    def __init__(
        self,
        ensemble: FlatEnsemble,
        num_features: int,
        num_classes: int,
        thresholds: tuple[float, ...] | None,
    ) -> None:
        super().__init__(num_features, num_classes, thresholds)
        for tree in ensemble.trees:
            tree.check_leaf_width(num_classes, "class counts")
        self.ensemble = ensemble
        # NOTE: a leaf's share of the vote never changes, so it is divided out once here;
        # ``counts[i] / total`` is the very division MLeap makes per row.
        self.leaf_votes = ensemble.leaf_table(_vote_share)

    def raw_batch(self, features: FloatArray) -> FloatArray:
        votes_per_tree = self.leaf_votes[self.ensemble.leaf_nodes(features)]
        votes = np.zeros((features.shape[0], self.num_classes), dtype=np.float64)
        for t in range(votes_per_tree.shape[1]):
            votes = votes + votes_per_tree[:, t, :]
        return votes

    def raw_row_function(self) -> RawRowFunction:
        leaves = self.ensemble.row_walker(_vote_share)

        def raw(x: list[float]) -> list[float]:
            # NOTE: per class, 0.0 + tree 1's share + tree 2's share ...: the batch's order.
            return [reduce(add, shares, 0.0) for shares in zip(*leaves(x), strict=True)]

        return raw


def _vote_share(counts: tuple[float, ...]) -> list[float]:
    total = sum_row(list(counts))
    if total != 0.0:
        return [count / total for count in counts]
    return [0.0] * len(counts)


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
